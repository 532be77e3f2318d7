"""Golden for docs/examples/matmul_bias.pdsl: c = a @ b + bias.

Arguments: a bf16[m, 64], b bf16[64, 128], bias f32[1, 128], c f32[m, 128] (output).
a and b are drawn in bf16, so the kernel and this golden multiply the same numbers; the
golden sums the 64 products in float64, the cube in f32, so they differ by a few f32 ulps of
the largest partial sum: RTOL and ATOL leave room for that and nothing more.
"""

import numpy as np

from pypto_dsl.goldens import BF16, F32, Case, random_uniform

CASES = [
    Case("m32", {"m": 32}, description="one logical block"),
    Case("m800", {"m": 800}, description="25 logical blocks on 24 hardware blocks"),
]
RTOL = ATOL = 1e-5


def make_inputs(case, seed=0):
    m = case.params["m"]
    rng = np.random.default_rng(seed)
    return {
        "a": random_uniform(rng, (m, 64), -1.0, 1.0, BF16),
        "b": random_uniform(rng, (64, 128), -1.0, 1.0, BF16),
        "bias": random_uniform(rng, (1, 128), -1.0, 1.0, F32),
        "c": np.zeros((m, 128), F32),
    }


def golden(inputs):
    a = inputs["a"].astype(np.float64)
    b = inputs["b"].astype(np.float64)
    return {"c": (a @ b + inputs["bias"].astype(np.float64)).astype(F32)}
