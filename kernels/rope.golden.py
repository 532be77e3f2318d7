"""Golden for rotary position embedding (NeoX style: rotate the two halves) of q and k.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    q      f32[tokens, q_heads, 128]
    k      f32[tokens, kv_heads, 128]
    cos    f32[tokens, 64]
    sin    f32[tokens, 64]
    q_out  f32[tokens, q_heads, 128]    (output, pre-filled with zeros)
    k_out  f32[tokens, kv_heads, 128]   (output, pre-filled with zeros)

Math, for x in (q, k) with x1 = x[..., :64], x2 = x[..., 64:] and cos/sin of the token
broadcast over the heads:

    out[..., :64] = x1 * cos - x2 * sin
    out[..., 64:] = x2 * cos + x1 * sin

Rounding: none is modelled. Float64 from the f32 inputs, rounded to float32 once per
output. (The kernel's f32 products and sums differ by a few f32 ulps.)

Inputs: q ~ U(-1, 1), k ~ U(-1, 1) in f32, drawn in that order, then (if the case says
so) the token positions, random integers in [0, max_position); otherwise positions are
pos_offset + 0, 1, 2, .... cos and sin come from real angles: angle[t, i] =
pos[t] * 10000^(-2i/128), i = 0..63, computed in float64, cos/sin rounded to f32.
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import F32, Case, random_uniform

ARG_NAMES = ("q", "k", "cos", "sin", "q_out", "k_out")
OUTPUTS = ("q_out", "k_out")

HEAD_DIM = 128
HALF = HEAD_DIM // 2
BASE = 10000.0


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("t1_q1_kv1", "one token at position 0: cos 1, sin 0, out = in",
          tokens=1, q_heads=1, kv_heads=1),
    _case("t16_q8_kv2", "16 consecutive positions, GQA heads 8/2", tokens=16, q_heads=8,
          kv_heads=2),
    _case("t37_q32_kv8", "37 tokens (ragged), 32 query heads, 8 KV heads, positions from 1000",
          tokens=37, q_heads=32, kv_heads=8, pos_offset=1000),
    _case("t100_q4_kv4_random_pos", "100 tokens (> 24 blocks) at random positions < 131072 "
          "(large angles)", tokens=100, q_heads=4, kv_heads=4, random_positions=True,
          max_position=131072),
    _case("bench_t4096_q32_kv8", "benchmark: 4096 tokens, 32 query heads, 8 KV heads",
          suite=False, tokens=4096, q_heads=32, kv_heads=8),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "t16_q8_kv2"


def inv_freq() -> np.ndarray:
    """10000^(-2i/128) for i = 0..63, float64."""
    return BASE ** (-np.arange(0, HEAD_DIM, 2, dtype=np.float64) / HEAD_DIM)


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with the outputs zero-filled."""
    p = case.params
    tokens, q_heads, kv_heads = int(p["tokens"]), int(p["q_heads"]), int(p["kv_heads"])
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: q, k, then the positions (if random).
    q = random_uniform(rng, (tokens, q_heads, HEAD_DIM), -1.0, 1.0, F32)
    k = random_uniform(rng, (tokens, kv_heads, HEAD_DIM), -1.0, 1.0, F32)
    if p.get("random_positions", False):
        pos = rng.integers(0, int(p["max_position"]), size=tokens).astype(np.float64)
    else:
        pos = int(p.get("pos_offset", 0)) + np.arange(tokens, dtype=np.float64)
    angle = pos[:, None] * inv_freq()[None, :]
    return {
        "q": q,
        "k": k,
        "cos": np.cos(angle).astype(F32),
        "sin": np.sin(angle).astype(F32),
        "q_out": np.zeros_like(q),
        "k_out": np.zeros_like(k),
    }


def rotate(x, cos, sin) -> np.ndarray:
    """NeoX rotation of x[tokens, heads, 128] by cos/sin[tokens, 64], float64 result."""
    xf = x.astype(np.float64)
    c = cos.astype(np.float64)[:, None, :]
    s = sin.astype(np.float64)[:, None, :]
    x1, x2 = xf[..., :HALF], xf[..., HALF:]
    return np.concatenate([x1 * c - x2 * s, x2 * c + x1 * s], axis=-1)


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``q_out`` and ``k_out``."""
    q, k, cos, sin = (inputs[key] for key in ("q", "k", "cos", "sin"))
    tokens = q.shape[0]
    if (q.ndim != 3 or k.ndim != 3 or q.shape[2] != HEAD_DIM or k.shape[2] != HEAD_DIM
            or k.shape[0] != tokens or cos.shape != (tokens, HALF) or sin.shape != cos.shape):
        raise ValueError(f"q {q.shape}, k {k.shape}, cos {cos.shape}, sin {sin.shape} "
                         "do not match")
    return {"q_out": rotate(q, cos, sin).astype(F32), "k_out": rotate(k, cos, sin).astype(F32)}
