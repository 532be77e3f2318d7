"""Golden for tests/kernels/hold_pops.pdsl: consumers that hold several popped tiles at once.

Arguments: x f32[m, 64], w bf16[64, 64], y f32[m, 64] (output), held i32 (2 or 3).
Each AIV lane pushes bf16(k * x_rows) for k = 1 .. held (k * x in f32, then rounded to bf16);
the cube sums their products with w in f32 and pushes the sum `held` times; the AIVs store
sum_k k * acc, i.e. y = (1 + .. + held) * sum_k bf16(k * x) @ w.
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform, to_bf16

CASES = [
    Case("hold2_one_block", {"m": 16, "held": 2}, description="two tiles held, one block"),
    Case("hold3_one_block", {"m": 16, "held": 3}, description="three tiles held, one block"),
    Case("hold2_wrap", {"m": 96, "held": 2}, description="two held, 6 blocks on 4"),
    Case("hold3_wrap", {"m": 96, "held": 3}, description="three held, 6 blocks on 4"),
]


def make_inputs(case: Case, seed: int = 0) -> dict:
    m, held = case.params["m"], case.params["held"]
    rng = np.random.default_rng(seed)
    return {"x": random_uniform(rng, (m, 64), -1.0, 1.0, F32),
            "w": random_uniform(rng, (64, 64), -0.5, 0.5, BF16),
            "y": np.zeros((m, 64), F32),
            "held": np.asarray(held, np.int32)}


def golden(inputs: dict) -> dict:
    x, w, held = inputs["x"], inputs["w"].astype(np.float64), int(inputs["held"])
    pushed = sum(to_bf16(np.float32(k) * x).astype(np.float64) for k in range(1, held + 1))
    acc = pushed @ w
    return {"y": (acc * sum(range(1, held + 1))).astype(F32)}
