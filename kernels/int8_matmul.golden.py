"""Golden for a W8A8 int8 matmul with per-row and per-column scales and a bf16 output.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    a        i8[m, k]
    b        i8[k, n]
    scale_a  f32[m, 1]     per-row (per-token) scale
    scale_b  f32[1, n]     per-column (per-channel) scale
    out      bf16[m, n]    (output, pre-filled with zeros)

k is a multiple of 32 (the int8 block alignment); the cases keep m and n multiples of 16.

Math and rounding:

    acc = a @ b                                 exact, in int32 (the cube's int32 L0C)
    y   = (f32(acc) * scale_a) * scale_b        f32, in that order: acc converted to f32
                                                (RNE; exact while |acc| < 2^24), then two
                                                f32 multiplies, each rounded
    out = bf16(y)                               RNE

The golden follows this order exactly: acc is computed exactly (as float64, which is exact
here since every partial sum is an integer below 2^53), checked to fit int32, and the
epilogue is done in float32 as stated.

Tolerance: RTOL = ATOL = 1e-2, as for any bf16 output: a kernel that multiplies in another
order or rounds once more can land one bf16 ulp (2^-8 relative) away.

Inputs: a, b uniform integers in [-127, 127], scale_a, scale_b ~ U(0.001, 0.01) in f32,
drawn in that order. The "extremes" case then sets row 0 of a to +127 and column 0 of b
to -127 (acc[0, 0] = -16129 k, the largest magnitude) and row 1 of a to 0 (out row 1 = 0).
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import BF16, F32, I8, Case, random_uniform, to_bf16

ARG_NAMES = ("a", "b", "scale_a", "scale_b", "out")
OUTPUTS = ("out",)

RTOL = 1e-2
ATOL = 1e-2

I32_MAX = 2**31 - 1


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m16_k32_n16", "smallest: one 16x16 tile, one K step of 32", m=16, k=32, n=16),
    _case("m48_k96_n80", "ragged: m 48, k 96, n 80 (not multiples of 64/128 tiles)",
          m=48, k=96, n=80),
    _case("m64_k1024_n128", "long K (32 steps of 32), accumulator up to ~2^20",
          m=64, k=1024, n=128),
    _case("m256_k64_n1024", "many output tiles (32 of 64x128, more than 24)",
          m=256, k=64, n=1024),
    _case("m32_k2048_n32_extremes", "acc[0, 0] = -127*127*2048 (|acc| > 2^24, the "
          "largest magnitude), row 1 of a zero", m=32, k=2048, n=32, extremes=True),
    _case("bench_4096", "benchmark: 4096^3", suite=False, m=4096, k=4096, n=4096),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m16_k32_n16"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, k, n = (int(case.params[key]) for key in ("m", "k", "n"))
    if k % 32:
        raise ValueError(f"k {k} must be a multiple of 32")
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: a, b, scale_a, scale_b.
    a = rng.integers(-127, 127, size=(m, k), endpoint=True, dtype=I8)
    b = rng.integers(-127, 127, size=(k, n), endpoint=True, dtype=I8)
    scale_a = random_uniform(rng, (m, 1), 0.001, 0.01, F32)
    scale_b = random_uniform(rng, (1, n), 0.001, 0.01, F32)
    if case.params.get("extremes", False):
        a[0] = 127
        b[:, 0] = -127
        if m > 1:
            a[1] = 0
    return {"a": a, "b": b, "scale_a": scale_a, "scale_b": scale_b,
            "out": np.zeros((m, n), dtype=BF16)}


def accumulate(a, b) -> np.ndarray:
    """a @ b exactly, as int64 (checked to fit the kernel's int32 accumulator)."""
    # Every product is an integer of magnitude <= 127*128 and every partial sum stays far
    # below 2^53, so the float64 matmul is exact.
    acc = a.astype(np.float64) @ b.astype(np.float64)
    if acc.size and np.abs(acc).max() > I32_MAX:
        raise ValueError("a @ b overflows the int32 accumulator")
    return acc.astype(np.int64)


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    a, b, scale_a, scale_b = (inputs[key] for key in ("a", "b", "scale_a", "scale_b"))
    if (a.ndim != 2 or b.shape[0] != a.shape[1] or scale_a.shape != (a.shape[0], 1)
            or scale_b.shape != (1, b.shape[1])):
        raise ValueError(f"a {a.shape}, b {b.shape}, scale_a {scale_a.shape}, scale_b "
                         f"{scale_b.shape} do not match")
    acc = accumulate(a, b).astype(F32)  # int32 -> f32, RNE
    y = acc * scale_a.astype(F32)        # f32 multiply, rounded
    y = y * scale_b.astype(F32)          # f32 multiply, rounded
    return {"out": to_bf16(y)}
