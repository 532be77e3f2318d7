"""Golden for RMSNorm fused into the following matmul: out = bf16(rmsnorm(x) * gamma) @ w.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    x      bf16[m, hidden]
    gamma  f32[1, hidden]
    w      bf16[hidden, n]
    out    f32[m, n]      (output, pre-filled with zeros)
    eps    f32 0-d

m is a multiple of 16, hidden a multiple of 128 (256..1024 in the suite, 4096 in the
benchmark), n a multiple of 128.

Math, per row i:

    r_i   = 1 / sqrt(mean_k(x[i, k]^2) + eps)
    xn[i] = bf16(x[i] * r_i * gamma)     ROUNDED to bf16 (RNE) -- the matmul's A operand
    out   = xn @ w                       (f32 accumulation on the cube unit)

Rounding: r and x * r * gamma are computed in float64 (the kernel's f32 math differs only
in the last f32 bits) and rounded to bf16 (through f32) once, at xn; the matmul of the
rounded xn with the exact bf16 w is float64; ``out`` is returned as float32. A row of
zeros gives r = 1/sqrt(eps), xn = 0 and out = 0 exactly.

Inputs: x ~ U(-x_range, x_range) rounded to bf16 (x_range 1 unless a case says otherwise;
one case uses 1e-3 so that eps is not negligible, with row 0 all zeros), gamma ~
U(0.5, 1.5) in f32, w ~ U(-a, a) with a = sqrt(3 / hidden) rounded to bf16 (so each
output is O(1)); drawn in that order. eps defaults to 1e-6.
"""

from __future__ import annotations

import math

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform, round_bf16, scalar_f32

ARG_NAMES = ("x", "gamma", "w", "out", "eps")
OUTPUTS = ("out",)


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m16_h256_n128", "one 16-row tile, one 128-column output tile",
          m=16, hidden=256, n=128),
    _case("m48_h512_n384_wide_x", "3 row tiles x 3 column tiles, x ~ U(-8, 8)",
          m=48, hidden=512, n=384, x_range=8.0),
    _case("m32_h1024_n256_tiny_x", "x ~ U(-1e-3, 1e-3): eps is comparable to mean(x^2); "
          "row 0 is all zeros (out row 0 = 0)", m=32, hidden=1024, n=256, x_range=1e-3,
          zero_row=True),
    _case("m128_h512_n2048", "many output tiles (2 x 16 of 64x128, more than 24)",
          m=128, hidden=512, n=2048, eps=1e-5),
    _case("bench_m256_h4096_n4096", "benchmark: 256 tokens, hidden 4096 -> 4096",
          suite=False, m=256, hidden=4096, n=4096),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m16_h256_n128"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, hidden, n = (int(case.params[key]) for key in ("m", "hidden", "n"))
    if m % 16 or hidden % 128 or n % 128:
        raise ValueError("m must be a multiple of 16, hidden and n multiples of 128")
    x_range = float(case.params.get("x_range", 1.0))
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: x, gamma, w.
    x = random_uniform(rng, (m, hidden), -x_range, x_range, BF16)
    if case.params.get("zero_row", False):
        x[0] = 0
    gamma = random_uniform(rng, (1, hidden), 0.5, 1.5, F32)
    bound = math.sqrt(3.0 / hidden)
    w = random_uniform(rng, (hidden, n), -bound, bound, BF16)
    return {
        "x": x,
        "gamma": gamma,
        "w": w,
        "out": np.zeros((m, n), dtype=F32),
        "eps": scalar_f32(float(case.params.get("eps", 1e-6))),
    }


def normalized(x, gamma, eps: float) -> np.ndarray:
    """The matmul's A operand: bf16(x * r * gamma), returned as float64."""
    xf = x.astype(np.float64)
    r = 1.0 / np.sqrt(np.mean(xf * xf, axis=1, keepdims=True) + eps)
    return round_bf16(xf * r * gamma.astype(np.float64)).astype(np.float64)


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    x, gamma, w = inputs["x"], inputs["gamma"], inputs["w"]
    if x.ndim != 2 or gamma.shape != (1, x.shape[1]) or w.shape[0] != x.shape[1]:
        raise ValueError(f"x {x.shape}, gamma {gamma.shape}, w {w.shape} do not match")
    xn = normalized(x, gamma, float(inputs["eps"]))
    return {"out": (xn @ w.astype(np.float64)).astype(F32)}
