"""Golden for a SwiGLU feed-forward block: out = bf16(silu(x @ w_gate) * (x @ w_up)) @ w_down.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    x       bf16[m, d]
    w_gate  bf16[d, f]
    w_up    bf16[d, f]
    w_down  bf16[f, d]
    out     f32[m, d]     (output, pre-filled with zeros)

Math:

    gate = x @ w_gate                  (f32 accumulation on the cube unit)
    up   = x @ w_up                    (f32 accumulation)
    h    = bf16(silu(gate) * up)       ROUNDED to bf16 (RNE) -- the second matmul's A operand
    out  = h @ w_down                  (f32 accumulation)
    silu(g) = g / (1 + exp(-g))

Rounding: gate, up and silu(gate) * up are float64 from the exact bf16 inputs (the
kernel's f32 values differ only in the last f32 bits); h is rounded to bf16 (through f32)
once; h @ w_down is float64 and ``out`` is returned as float32.

Inputs: x ~ U(-1, 1); w_gate, w_up ~ U(-a, a) with a = sqrt(3 / d) and w_down ~ U(-b, b)
with b = sqrt(3 / f), so gate, up and out are O(1); all drawn in f32 in that order and
rounded to bf16. One case scales x by 4 so that silu sees its saturated regions.
"""

from __future__ import annotations

import math

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform, round_bf16

ARG_NAMES = ("x", "w_gate", "w_up", "w_down", "out")
OUTPUTS = ("out",)


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("m16_d128_f256", "one row tile, smallest sizes", m=16, d=128, f=256),
    _case("m32_d256_f384", "2 row tiles, f = 3 x 128", m=32, d=256, f=384),
    _case("m48_d128_f512_wide_x", "3 row tiles, x ~ U(-4, 4) (silu saturates both ways)",
          m=48, d=128, f=512, x_range=4.0),
    _case("m64_d256_f512", "4 row tiles, the largest suite sizes", m=64, d=256, f=512),
    _case("bench_m128_d1024_f2816", "benchmark: 128 tokens, d 1024, f 2816 (a scaled-down "
          "4096 x 11008 FFN)", suite=False, m=128, d=1024, f=2816),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "m16_d128_f256"


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    m, d, f = (int(case.params[key]) for key in ("m", "d", "f"))
    x_range = float(case.params.get("x_range", 1.0))
    rng = np.random.default_rng(seed)
    a, b = math.sqrt(3.0 / d), math.sqrt(3.0 / f)
    # Draw order is part of the contract: x, w_gate, w_up, w_down.
    x = random_uniform(rng, (m, d), -x_range, x_range, BF16)
    w_gate = random_uniform(rng, (d, f), -a, a, BF16)
    w_up = random_uniform(rng, (d, f), -a, a, BF16)
    w_down = random_uniform(rng, (f, d), -b, b, BF16)
    return {"x": x, "w_gate": w_gate, "w_up": w_up, "w_down": w_down,
            "out": np.zeros((m, d), dtype=F32)}


def hidden(x, w_gate, w_up) -> np.ndarray:
    """h = bf16(silu(x @ w_gate) * (x @ w_up)), returned as float64."""
    xf = x.astype(np.float64)
    gate = xf @ w_gate.astype(np.float64)
    up = xf @ w_up.astype(np.float64)
    silu = gate / (1.0 + np.exp(-gate))
    return round_bf16(silu * up).astype(np.float64)


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    x, w_gate, w_up, w_down = (inputs[k] for k in ("x", "w_gate", "w_up", "w_down"))
    if (x.ndim != 2 or w_gate.shape != w_up.shape or w_gate.shape[0] != x.shape[1]
            or w_down.shape != w_gate.shape[::-1]):
        raise ValueError(f"x {x.shape}, w_gate {w_gate.shape}, w_up {w_up.shape}, "
                         f"w_down {w_down.shape} do not chain")
    h = hidden(x, w_gate, w_up)
    return {"out": (h @ w_down.astype(np.float64)).astype(F32)}
