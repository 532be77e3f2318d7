"""Golden for tests/kernels/deep_pipeline.pdsl: three- and four-stage pipelined loops.

Arguments: x f32[n, 64], w bf16[64, 64], y f32[16, 64] (output), s f32[n, 1] (output).
With x_j the rows 16j .. 16j+15 of x: y = sum_j bf16(x_j / 2) @ w (the halves rounded to bf16
before the cube multiplies them, products summed in f32), s = the row sums of (x / 2)^2.
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform, to_bf16

CASES = [
    Case(f"n{n}", {"n": n}, description=f"{n // 16} iterations")
    for n in (16, 32, 48, 64, 128)
]


def make_inputs(case: Case, seed: int = 0) -> dict:
    n = case.params["n"]
    rng = np.random.default_rng(seed)
    return {"x": random_uniform(rng, (n, 64), -1.0, 1.0, F32),
            "w": random_uniform(rng, (64, 64), -0.5, 0.5, BF16),
            "y": np.zeros((16, 64), F32),
            "s": np.zeros((n, 1), F32)}


def golden(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    halves = to_bf16((inputs["x"] * np.float32(0.5)).astype(F32)).astype(np.float64)
    y = sum(halves[j:j + 16] @ w for j in range(0, len(x), 16))
    s = ((x / 2) ** 2).sum(axis=1, keepdims=True)
    return {"y": y.astype(F32), "s": s.astype(F32)}
