"""Golden for docs/examples/scaled_add.pdsl: out = alpha * x + y.

Arguments: x bf16[rows, 128], y f32[rows, 128], out f32[rows, 128] (output), alpha f32.
The math is computed in float64 from the values the kernel receives (x already rounded to
bf16, alpha to f32) and rounded to f32 once at the end. The kernel rounds its f32 product and
its f32 sum: for these alphas the product of a bf16 x is exact, so the two agree to the bit,
and RTOL / ATOL leave room for an alpha whose product rounds.
"""

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform, scalar_f32

CASES = [
    Case("one_block", {"rows": 16, "alpha": 0.5}, description="one logical block"),
    Case("wrap", {"rows": 16 * 26, "alpha": -3.0},
         description="26 logical blocks on 24 hardware blocks: two of them run twice"),
    Case("exact_zero", {"rows": 32, "alpha": 0.0}, rtol=0.0, atol=0.0,
         description="alpha 0: out is y exactly"),
    Case("bench", {"rows": 16 * 1024, "alpha": 1.5}, suite=False,
         description="benchmark-sized: on hardware only"),
]
DEFAULT_CASE = "one_block"
RTOL = 1e-5
ATOL = 1e-6


def make_inputs(case, seed=0):
    rows = case.params["rows"]
    rng = np.random.default_rng(seed)
    return {
        "x": random_uniform(rng, (rows, 128), -2.0, 2.0, BF16),
        "y": random_uniform(rng, (rows, 128), -1.0, 1.0, F32),
        "out": np.zeros((rows, 128), F32),
        "alpha": scalar_f32(case.params["alpha"]),
    }


def golden(inputs):
    x = inputs["x"].astype(np.float64)
    y = inputs["y"].astype(np.float64)
    alpha = float(inputs["alpha"])
    return {"out": (alpha * x + y).astype(F32)}
