"""Golden for a numerically stable row softmax in f32.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    x    f32[m, n]
    out  f32[m, n]   (output, pre-filled with zeros)

Math, per row i:  out[i, k] = exp(x[i, k] - max_i) / sum_k' exp(x[i, k'] - max_i)

Rounding: none is modelled. Everything is float64 from the f32 input and ``out`` is
rounded to float32 once, at the end (an output below the f32 range becomes 0 or a
subnormal there, like the kernel's exp).

Inputs: the first rows are special (as many as m allows), the rest are U(-4, 4) in f32:

    row 0  all equal (3.0): out = 1/n (rounded to f32)
    row 1  U(-60, 60): large magnitudes, out spans many decades
    row 2  U(-60, 0) with one element set to +60: out ~ one-hot
    row 3  U(50, 60): all large and positive (the max must be subtracted)

Tolerance: outputs are about 1/n (down to 1.2e-4 for n = 8192), so the default absolute
2e-3 would accept any output at all; ATOL is 1e-6 and RTOL stays 2e-3.
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import F32, Case, random_uniform

ARG_NAMES = ("x", "out")
OUTPUTS = ("out",)

RTOL = 2e-3
ATOL = 1e-6

EQUAL_VALUE = 3.0


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m2_n256", "2 rows of 256: all-equal row and a +-60 row", m=2, n=256),
    _case("m6_n1024", "6 rows: equal, +-60, one-hot spike, all in [50, 60], 2 ordinary",
          m=6, n=1024),
    _case("m4_n8192", "4 long rows of 8192 (all special kinds)", m=4, n=8192),
    _case("m32_n2048", "32 rows (more than 24 hardware blocks) of 2048", m=32, n=2048),
    _case("m9_n3072", "9 rows of 3072 (not a power of two)", m=9, n=3072),
    _case("bench_m1024_n8192", "benchmark: 1024 rows x 8192", suite=False, m=1024, n=8192),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m2_n256"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, n = int(case.params["m"]), int(case.params["n"])
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: the ordinary rows, then the special rows 1..3
    # in order, then the spike position.
    x = random_uniform(rng, (m, n), -4.0, 4.0, F32)
    if m > 0:
        x[0] = EQUAL_VALUE
    if m > 1:
        x[1] = random_uniform(rng, (n,), -60.0, 60.0, F32)
    if m > 2:
        x[2] = random_uniform(rng, (n,), -60.0, 0.0, F32)
    if m > 3:
        x[3] = random_uniform(rng, (n,), 50.0, 60.0, F32)
    if m > 2:
        x[2, int(rng.integers(n))] = 60.0
    return {"x": x, "out": np.zeros((m, n), dtype=F32)}


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    x = inputs["x"].astype(np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-d, not {x.shape}")
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return {"out": (e / e.sum(axis=1, keepdims=True)).astype(F32)}
