"""Golden for a fused elementwise expression in f32 (vector only).

Kernel arguments, in order (``make_inputs`` returns them in this order):

    x    f32[m, n]
    y    f32[m, n]
    out  f32[m, n]   (output, pre-filled with zeros)

Math, per element:

    out = relu(x) * y + tanh(x) * sigmoid(y) - sqrt(|x|) / (1 + exp(-|y|))
    relu(x) = max(x, 0), sigmoid(y) = 1 / (1 + exp(-y))

Rounding: none is modelled. Float64 from the f32 inputs, rounded to float32 once.

Inputs: x ~ U(-r, r), y ~ U(-r, r) in f32, drawn in that order, with r = 4 unless a case
says otherwise. The "wide" case uses r = 100, where exp(-y) overflows f32 for y < -88.7:
a kernel must still give sigmoid(y) = 0 there (not NaN). The "specials" case sets
x[0, :4] = (0, -0, 0, 1) and y[0, :4] = (0, 0, -1, 0) (sqrt(0) = 0, sigmoid(0) = 1/2,
out = 0 where x = 0).
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import F32, Case, random_uniform

ARG_NAMES = ("x", "y", "out")
OUTPUTS = ("out",)


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m1_n128", "one short row", m=1, n=128),
    _case("m7_n520_specials", "7 rows of 520 (not a multiple of 64), zeros and -0 in row 0",
          m=7, n=520, specials=True),
    _case("m4_n256_wide", "x, y ~ U(-100, 100): exp(-y) overflows f32, out up to 1e4",
          m=4, n=256, range=100.0),
    _case("m64_n4096", "64 rows of 4096 (more than 24 blocks of rows)", m=64, n=4096),
    _case("bench_m4096_n4096", "benchmark: 4096 x 4096", suite=False, m=4096, n=4096),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m1_n128"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, n = int(case.params["m"]), int(case.params["n"])
    r = float(case.params.get("range", 4.0))
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: x, y.
    x = random_uniform(rng, (m, n), -r, r, F32)
    y = random_uniform(rng, (m, n), -r, r, F32)
    if case.params.get("specials", False):
        x[0, :4] = [0.0, -0.0, 0.0, 1.0]
        y[0, :4] = [0.0, 0.0, -1.0, 0.0]
    return {"x": x, "y": y, "out": np.zeros((m, n), dtype=F32)}


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    x, y = inputs["x"].astype(np.float64), inputs["y"].astype(np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x {x.shape} and y {y.shape} differ")
    sigmoid = 1.0 / (1.0 + np.exp(-y))
    out = (np.maximum(x, 0.0) * y + np.tanh(x) * sigmoid
           - np.sqrt(np.abs(x)) / (1.0 + np.exp(-np.abs(y))))
    return {"out": out.astype(F32)}
