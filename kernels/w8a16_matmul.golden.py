"""Golden for a weight-only int8 matmul: out = (x @ w) * scale, scale per output column.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    x      bf16[m, k]
    w      i8[k, n]      int8 weights (every value is exact in bf16)
    scale  f32[1, n]     per-output-column dequantisation scale
    out    f32[m, n]     (output, pre-filled with zeros)

Math: out[i, j] = (sum_k x[i, k] * w[k, j]) * scale[j], with x and w exactly as given
(the kernel widens w to bf16/f16 exactly and accumulates in f32 on the cube unit).
Applying the scale after the sum or to w first is the same value in exact arithmetic.

Rounding: none is modelled. The product is float64 (each term has at most 16 significant
bits, so the float64 sums are exact or within 2^-53) and ``out`` is rounded to float32
once, at the end.

Inputs: x ~ U(-1, 1) rounded to bf16, w uniform integers in [-127, 127], scale ~
U(0.001, 0.02) in f32, drawn in that order. The cases keep m and n multiples of 16 and
k a multiple of 32 (the int8 block alignment).
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import BF16, F32, I8, Case, random_uniform

ARG_NAMES = ("x", "w", "scale", "out")
OUTPUTS = ("out",)


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m16_k128_n128", "one output tile, one K step", m=16, k=128, n=128),
    _case("m32_k512_n256", "2 x 2 tiles, several K steps", m=32, k=512, n=256),
    _case("m48_k96_n80", "ragged: m 48, k 96, n 80 (not multiples of 64/128 tiles)",
          m=48, k=96, n=80),
    _case("m64_k256_n2048", "many output tiles (16 to 64, more than 24)", m=64, k=256, n=2048),
    _case("bench_m128_k4096_n4096", "benchmark: 128 tokens x 4096 -> 4096", suite=False,
          m=128, k=4096, n=4096),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m16_k128_n128"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, k, n = (int(case.params[key]) for key in ("m", "k", "n"))
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: x, w, scale.
    x = random_uniform(rng, (m, k), -1.0, 1.0, BF16)
    w = rng.integers(-127, 127, size=(k, n), endpoint=True, dtype=I8)
    scale = random_uniform(rng, (1, n), 0.001, 0.02, F32)
    return {"x": x, "w": w, "scale": scale, "out": np.zeros((m, n), dtype=F32)}


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    x, w, scale = inputs["x"], inputs["w"], inputs["scale"]
    if x.ndim != 2 or w.shape[0] != x.shape[1] or scale.shape != (1, w.shape[1]):
        raise ValueError(f"x {x.shape}, w {w.shape}, scale {scale.shape} do not match")
    acc = x.astype(np.float64) @ w.astype(np.float64)
    return {"out": (acc * scale.astype(np.float64)).astype(F32)}
