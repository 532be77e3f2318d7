"""Golden for a GEMM with a bias + GELU (tanh approximation) epilogue and a bf16 output.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    a     bf16[m, k]
    b     bf16[k, n]
    bias  f32[1, n]
    out   bf16[m, n]   (output, pre-filled with zeros)

Math:

    y   = a @ b + bias                      (f32 accumulation on the cube unit)
    out = bf16(gelu_tanh(y))                RNE
    gelu_tanh(y) = 0.5 y (1 + tanh(sqrt(2/pi) (y + 0.044715 y^3)))

Rounding: y and the GELU are float64 from the exact bf16/f32 inputs; the only rounding
is the output's, to f32 and then to bf16 (RNE) by ``to_bf16``.

Tolerance: RTOL = ATOL = 1e-2 (a bf16 output is 2^-8 relative apart at one ulp).

Inputs: a ~ U(-1, 1) and b ~ U(-c, c) with c = 2 sqrt(3 / k), both rounded to bf16, so
that y has a standard deviation of about 1.15 (GELU's curved region); bias ~ U(-1, 1) in
f32; drawn in that order.
"""

from __future__ import annotations

import math

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform, to_bf16

ARG_NAMES = ("a", "b", "bias", "out")
OUTPUTS = ("out",)

RTOL = 1e-2
ATOL = 1e-2

GELU_C = math.sqrt(2.0 / math.pi)


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m16_k64_n128", "one output tile, one short K", m=16, k=64, n=128),
    _case("m64_k256_n256", "one 64-row tile x 2 column tiles, several K steps",
          m=64, k=256, n=256),
    _case("m48_k144_n384", "ragged: m 48, k 144 (not a multiple of 64), n 384",
          m=48, k=144, n=384),
    _case("m256_k128_n1024", "32 tiles of 64x128: more than the 24 hardware blocks",
          m=256, k=128, n=1024),
    _case("bench_2048", "benchmark: 2048^3", suite=False, m=2048, k=2048, n=2048),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m16_k64_n128"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, k, n = (int(case.params[key]) for key in ("m", "k", "n"))
    rng = np.random.default_rng(seed)
    c = 2.0 * math.sqrt(3.0 / k)
    # Draw order is part of the contract: a, b, bias.
    a = random_uniform(rng, (m, k), -1.0, 1.0, BF16)
    b = random_uniform(rng, (k, n), -c, c, BF16)
    bias = random_uniform(rng, (1, n), -1.0, 1.0, F32)
    return {"a": a, "b": b, "bias": bias, "out": np.zeros((m, n), dtype=BF16)}


def gelu_tanh(y: np.ndarray) -> np.ndarray:
    return 0.5 * y * (1.0 + np.tanh(GELU_C * (y + 0.044715 * y ** 3)))


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    a, b, bias = inputs["a"], inputs["b"], inputs["bias"]
    if a.ndim != 2 or b.shape[0] != a.shape[1] or bias.shape != (1, b.shape[1]):
        raise ValueError(f"a {a.shape}, b {b.shape}, bias {bias.shape} do not match")
    y = a.astype(np.float64) @ b.astype(np.float64) + bias.astype(np.float64)
    return {"out": to_bf16(gelu_tanh(y))}
