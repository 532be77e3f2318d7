"""Golden for a batched matmul with B stored transposed (cube only): out[i] = a[i] @ b[i]^T.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    a    bf16[batch, m, k]
    b    bf16[batch, n, k]    B stored transposed (row j of b[i] is column j of B)
    out  f32[batch, m, n]     (output, pre-filled with zeros)

m, n and k are multiples of 16.

Math: out[i, r, c] = sum_t a[i, r, t] * b[i, c, t] (f32 accumulation on the cube unit).

Rounding: none is modelled. Float64 from the exact bf16 inputs, rounded to float32 once.

Inputs: a, b ~ U(-1, 1) in f32, drawn in that order and rounded to bf16.
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform

ARG_NAMES = ("a", "b", "out")
OUTPUTS = ("out",)


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("b1_m16_n16_k16", "smallest: one 16x16x16 fractal", batch=1, m=16, n=16, k=16),
    _case("b2_m48_n80_k144", "ragged: 48 x 80 x 144, not multiples of 64/128 tiles",
          batch=2, m=48, n=80, k=144),
    _case("b3_m128_n256_k64", "several output tiles per batch", batch=3, m=128, n=256, k=64),
    _case("b4_m256_n256_k128", "4 batches x 8 tiles of 64x128 = 32 logical blocks, "
          "more than 24", batch=4, m=256, n=256, k=128),
    _case("b1_m64_n64_k1024", "long K (many K steps)", batch=1, m=64, n=64, k=1024),
    _case("bench_b8_m1024_n1024_k512", "benchmark: 8 x (1024 x 512) @ (512 x 1024)",
          suite=False, batch=8, m=1024, n=1024, k=512),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "b1_m16_n16_k16"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    batch, m, n, k = (int(case.params[key]) for key in ("batch", "m", "n", "k"))
    if m % 16 or n % 16 or k % 16:
        raise ValueError("m, n and k must be multiples of 16")
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: a, b.
    a = random_uniform(rng, (batch, m, k), -1.0, 1.0, BF16)
    b = random_uniform(rng, (batch, n, k), -1.0, 1.0, BF16)
    return {"a": a, "b": b, "out": np.zeros((batch, m, n), dtype=F32)}


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    a, b = inputs["a"], inputs["b"]
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0] or a.shape[2] != b.shape[2]:
        raise ValueError(f"a {a.shape} and b {b.shape} do not match")
    out = np.matmul(a.astype(np.float64), b.astype(np.float64).transpose(0, 2, 1))
    return {"out": out.astype(F32)}
