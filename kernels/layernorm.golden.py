"""Golden for row LayerNorm in f32: out = (x - mean) / sqrt(var + eps) * gamma + beta.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    x      f32[m, n]
    gamma  f32[1, n]
    beta   f32[1, n]
    out    f32[m, n]     (output, pre-filled with zeros)
    eps    f32 0-d

Math, per row i (population variance, i.e. divided by n):

    mean_i = sum_k x[i, k] / n
    var_i  = sum_k (x[i, k] - mean_i)^2 / n
    out[i] = (x[i] - mean_i) / sqrt(var_i + eps) * gamma + beta

Rounding: none is modelled. Everything is float64 from the f32 inputs and ``out`` is
rounded to float32 once, at the end.

Inputs: x ~ U(lo, hi) in f32 (U(-1, 1) unless a case shifts it), gamma ~ U(0.5, 1.5),
beta ~ U(-0.5, 0.5), drawn in that order. One case has a mean offset of 4 (x ~ U(3, 5)),
which punishes var = E[x^2] - mean^2 in f32 only mildly. One case sets row 0 to the
constant 1.25: its mean is exact in f32 for any summation order, var = 0 and out row 0 =
beta exactly. eps defaults to 1e-5.
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import F32, Case, random_uniform, scalar_f32

ARG_NAMES = ("x", "gamma", "beta", "out", "eps")
OUTPUTS = ("out",)

CONSTANT_ROW_VALUE = 1.25


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m2_n512", "2 short rows", m=2, n=512),
    _case("m5_n2048_offset", "5 rows, x ~ U(3, 5): mean far from 0", m=5, n=2048,
          lo=3.0, hi=5.0),
    _case("m16_n4096", "16 rows of the realistic width 4096", m=16, n=4096),
    _case("m3_n8192_constant_row", "3 rows of width 8192, row 0 constant (var 0, out = "
          "beta), eps 1e-6", m=3, n=8192, constant_row=True, eps=1e-6),
    _case("m7_n1536", "7 rows (odd count), width 1536 (not a power of two), x ~ U(-3, 3)",
          m=7, n=1536, lo=-3.0, hi=3.0),
    _case("bench_m1024_n8192", "benchmark: 1024 rows x 8192", suite=False, m=1024, n=8192),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m2_n512"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, n = int(case.params["m"]), int(case.params["n"])
    lo, hi = float(case.params.get("lo", -1.0)), float(case.params.get("hi", 1.0))
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: x, gamma, beta.
    x = random_uniform(rng, (m, n), lo, hi, F32)
    if case.params.get("constant_row", False):
        x[0] = CONSTANT_ROW_VALUE
    gamma = random_uniform(rng, (1, n), 0.5, 1.5, F32)
    beta = random_uniform(rng, (1, n), -0.5, 0.5, F32)
    return {
        "x": x,
        "gamma": gamma,
        "beta": beta,
        "out": np.zeros((m, n), dtype=F32),
        "eps": scalar_f32(float(case.params.get("eps", 1e-5))),
    }


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    x = inputs["x"].astype(np.float64)
    gamma, beta = inputs["gamma"].astype(np.float64), inputs["beta"].astype(np.float64)
    if x.ndim != 2 or gamma.shape != (1, x.shape[1]) or beta.shape != gamma.shape:
        raise ValueError(f"x {x.shape}, gamma {gamma.shape}, beta {beta.shape} do not match")
    centred = x - x.mean(axis=1, keepdims=True)
    var = np.mean(centred * centred, axis=1, keepdims=True)
    out = centred / np.sqrt(var + float(inputs["eps"])) * gamma + beta
    return {"out": out.astype(F32)}
