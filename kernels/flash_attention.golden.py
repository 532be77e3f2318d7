"""Golden for flash attention (prefill): bf16 q/k/v, f32 output, optional causal mask.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    q       bf16[heads, seq_q, 128]
    k       bf16[heads, seq_k, 128]
    v       bf16[heads, seq_k, 128]
    out     f32[heads, seq_q, 128]   (output, pre-filled with zeros)
    scale   f32 0-d
    causal  i32 0-d                  0 or 1

seq_q is a multiple of 128 and seq_k of 64, and seq_k >= seq_q when causal (so no row is
fully masked).

Math, per head, with offset = seq_k - seq_q:

    s[i, j] = (q[i] . k[j]) * scale
    causal: s[i, j] = -inf when j > i + offset (the query rows are the last seq_q
            positions of the key sequence, as in a prefill with a cached prefix)

The kernel walks query tiles of 128 rows (rows are independent, so the tiling does not
change the result) and, for each, the KV blocks of 64 columns in order from column 0,
with an online softmax. Per KV block B (m = -inf, l = 0, o = 0 at the start):

    m_new = max(m, rowmax(s_B))        a block fully masked for a row leaves m unchanged
    alpha = exp(m - m_new)             0 on a row's first contributing block
    p     = bf16(exp(s_B - m_new))     ROUNDED to bf16 (RNE) -- the only rounding modelled
    l     = alpha * l + rowsum(p)      (the rounded p)
    o     = alpha * o + p @ v_B        (the rounded p, exact bf16 v)
    m     = m_new
    out   = o / l

Rounding: everything is computed in float64 from the exact (widened) bf16 inputs, except
that p is rounded to bf16 (through f32, RNE) at exactly the point above, relative to the
running max of its block; ``out`` is returned as float32. A KV block that is entirely
masked for a row contributes exp(-inf) = 0 with alpha = 1, i.e. nothing; the golden skips
those rows in that block, which is exactly equivalent.

Inputs: q, k ~ U(-1, 1), v ~ U(-1, 1), drawn in f32 and rounded to bf16 (in that order).
scale defaults to 1/sqrt(128); one suite case uses a larger scale so that the softmax is
peaky and the running max moves between blocks.
"""

from __future__ import annotations

import math

import numpy as np

from pypto_dsl.goldens import BF16, F32, I32, Case, random_uniform, round_bf16, scalar_f32

ARG_NAMES = ("q", "k", "v", "out", "scale", "causal")
OUTPUTS = ("out",)

HEAD_DIM = 128
Q_TILE = 128    # the kernel's query tile (rows); only used to describe cases
KV_BLOCK = 64   # the kernel's KV block (columns); the online softmax steps over these


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("h1_q128_k64", "one query tile, one KV block: a plain softmax of the rounded p",
          heads=1, seq_q=128, seq_k=64, causal=0),
    _case("h2_q256_k384", "2 heads x 2 query tiles x 6 KV blocks, not causal",
          heads=2, seq_q=256, seq_k=384, causal=0),
    _case("h1_q256_k256_causal", "square causal: diagonal blocks half masked, the blocks "
          "after the diagonal fully masked for the rows before it",
          heads=1, seq_q=256, seq_k=256, causal=1),
    _case("h2_q128_k512_causal", "causal with seq_q < seq_k (offset 384): only the last two "
          "KV blocks are partly masked", heads=2, seq_q=128, seq_k=512, causal=1),
    _case("h3_q256_k320_causal", "causal offset 64, an odd number of KV blocks, 3 heads",
          heads=3, seq_q=256, seq_k=320, causal=1),
    _case("h2_q384_k512_causal_sharp", "3 query tiles, causal offset 128, scale 1.0 (peaky "
          "softmax, the running max moves)", heads=2, seq_q=384, seq_k=512, causal=1,
          scale=1.0),
    _case("bench_h1_q128_k1024", "benchmark: 1 head, seq_q 128, seq_k 1024, not causal "
          "(the published 42.08 us case)", suite=False,
          heads=1, seq_q=128, seq_k=1024, causal=0),
    _case("bench_h8_2048_causal", "benchmark: 8 heads x 2048 x 2048, causal", suite=False,
          heads=8, seq_q=2048, seq_k=2048, causal=1),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "h1_q128_k64"


def resolve_params(params: dict) -> dict:
    heads, seq_q, seq_k = (int(params[key]) for key in ("heads", "seq_q", "seq_k"))
    causal = int(params.get("causal", 0))
    if seq_q % Q_TILE or seq_k % KV_BLOCK or heads < 1 or seq_q < 1 or seq_k < 1:
        raise ValueError(f"seq_q {seq_q} and seq_k {seq_k} must be positive multiples of "
                         f"{Q_TILE} and {KV_BLOCK}")
    if causal not in (0, 1) or (causal and seq_k < seq_q):
        raise ValueError("causal must be 0 or 1, and causal needs seq_k >= seq_q")
    return {"heads": heads, "seq_q": seq_q, "seq_k": seq_k, "causal": causal,
            "scale": float(params.get("scale", 1.0 / math.sqrt(HEAD_DIM)))}


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    p = resolve_params(case.params)
    rng = np.random.default_rng(seed)
    h, sq, sk = p["heads"], p["seq_q"], p["seq_k"]
    # Draw order is part of the contract: q, k, v.
    q = random_uniform(rng, (h, sq, HEAD_DIM), -1.0, 1.0, BF16)
    k = random_uniform(rng, (h, sk, HEAD_DIM), -1.0, 1.0, BF16)
    v = random_uniform(rng, (h, sk, HEAD_DIM), -1.0, 1.0, BF16)
    return {
        "q": q,
        "k": k,
        "v": v,
        "out": np.zeros((h, sq, HEAD_DIM), dtype=F32),
        "scale": scalar_f32(p["scale"]),
        "causal": np.asarray(p["causal"], dtype=I32),
    }


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out`` (blockwise online softmax, p rounded to bf16)."""
    out = attention(inputs["q"], inputs["k"], inputs["v"], float(inputs["scale"]),
                    int(inputs["causal"]))
    return {"out": out.astype(F32)}


def attention(q, k, v, scale: float, causal: int, kv_block: int = KV_BLOCK) -> np.ndarray:
    """Blockwise online-softmax attention in float64 (p rounded to bf16), float64 result."""
    if q.ndim != 3 or k.shape != v.shape or k.shape[0] != q.shape[0] or k.shape[2] != q.shape[2]:
        raise ValueError(f"q {q.shape}, k {k.shape}, v {v.shape} do not match")
    heads, seq_q, head_dim = q.shape
    seq_k = k.shape[1]
    offset = seq_k - seq_q
    if causal and offset < 0:
        raise ValueError("causal attention needs seq_k >= seq_q")
    # The products are np.einsum (numpy's own loops) rather than np.matmul: small stacked
    # BLAS calls can slow down a hundredfold when multithreaded BLAS competes for busy
    # cores, and einsum keeps the benchmark cases within seconds anyway.
    qf = q.astype(np.float64)
    kf = k.astype(np.float64)
    vf = v.astype(np.float64)
    m = np.full((heads, seq_q, 1), -np.inf)
    l = np.zeros((heads, seq_q, 1))
    o = np.zeros((heads, seq_q, head_dim))
    for j0 in range(0, seq_k, kv_block):
        j1 = min(j0 + kv_block, seq_k)
        # Rows i with no valid column in this block (all j >= j0 > i + offset) would get
        # alpha = 1 and p = 0: they are skipped, which leaves them exactly unchanged.
        r0 = max(0, j0 - offset) if causal else 0
        if r0 >= seq_q:
            break  # causal: this block and every later one are masked for all rows
        s = np.einsum("hid,hjd->hij", qf[:, r0:], kf[:, j0:j1]) * scale
        if causal:
            cols = np.arange(j0, j1)[None, :]
            rows = np.arange(r0, seq_q)[:, None]
            s = np.where(cols <= rows + offset, s, -np.inf)
        m_old = m[:, r0:]
        m_new = np.maximum(m_old, s.max(axis=-1, keepdims=True))  # finite: >= 1 valid column
        alpha = np.exp(m_old - m_new)
        p = round_bf16(np.exp(s - m_new)).astype(np.float64)  # masked: exp(-inf) = 0
        l[:, r0:] = alpha * l[:, r0:] + p.sum(axis=-1, keepdims=True)
        o[:, r0:] = alpha * o[:, r0:] + np.einsum("hij,hjd->hid", p, vf[:, j0:j1])
        m[:, r0:] = m_new
    return o / l
