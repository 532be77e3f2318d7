"""Golden for a GEMM with a fused epilogue: out = relu((A @ B) * row_scale * alpha).

Kernel arguments, in order (``make_inputs`` returns them in this order):

    a          bf16[m, k]
    b          bf16[k, n]
    row_scale  f32[m, 1]    one scale per output row
    out        f32[m, n]    (output, pre-filled with zeros)
    alpha      f32 0-d

Math: acc = A @ B, with the bf16 values widened exactly to f32 and accumulated in f32
(``np.matmul`` on float32, like the cube unit's f32 L0C accumulator). Then
out = max((acc * row_scale) * alpha, 0), evaluated in f32 in that order.

Inputs: A, B ~ U(-1, 1) rounded to bf16. row_scale ~ U(-0.5, 2) in f32, so some rows
are negative and the ReLU zeroes a different pattern in those rows.
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform, scalar_f32, to_f32

ARG_NAMES = ("a", "b", "row_scale", "out", "alpha")
OUTPUTS = ("out",)


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("tiny_m32_k64_n128", "a single 32x128 output tile, short K, alpha 2",
          m=32, k=64, n=128, alpha=2.0),
    _case("small_m64_k256_n128", "one 64x128 tile, K split into several K steps",
          m=64, k=256, n=128, alpha=1.0),
    _case("tall_m128_k128_n256", "2x2 tiles of 64x128, alpha 0.5",
          m=128, k=128, n=256, alpha=0.5),
    _case("wrap_m256_k128_n1024", "32 tiles of 64x128: more than the 24 hardware blocks",
          m=256, k=128, n=1024, alpha=1.25),
    _case("bench_2048", "benchmark: 2048^3", suite=False,
          m=2048, k=2048, n=2048, alpha=1.0),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "small_m64_k256_n128"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, k, n = (int(case.params[key]) for key in ("m", "k", "n"))
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: a, b, then row_scale.
    a = random_uniform(rng, (m, k), -1.0, 1.0, BF16)
    b = random_uniform(rng, (k, n), -1.0, 1.0, BF16)
    row_scale = random_uniform(rng, (m, 1), -0.5, 2.0, F32)
    return {
        "a": a,
        "b": b,
        "row_scale": row_scale,
        "out": np.zeros((m, n), dtype=F32),
        "alpha": scalar_f32(float(case.params.get("alpha", 1.0))),
    }


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    a, b = inputs["a"], inputs["b"]
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"a {a.shape} and b {b.shape} do not chain")
    acc = np.matmul(to_f32(a), to_f32(b))  # f32 accumulation over K
    scaled = acc * to_f32(inputs["row_scale"]) * to_f32(inputs["alpha"])
    return {"out": np.maximum(scaled, np.float32(0.0))}
