"""Golden for absorbed multi-head latent attention (MLA) decode over a paged latent cache.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    query        bf16[batch, num_heads, 576]   [q_nope absorbed (512) | q_rope (64)]
    kv_cache     bf16[total_blocks, block_size, 576]   each row [c_kv (512) | k_rope (64)]
    block_table  i32[batch, max_blocks]   KV block j of sequence b is block_table[b, j]
    context_lens i32[batch]               number of valid KV positions of sequence b
    out          f32[batch, num_heads, 512]   (output, pre-filled with zeros)
    scale        f32 0-d

Every head reads the same single latent row per position. The keys are the whole 576
columns, the values are the first 512 (c_kv). For each sequence b and head h, with
n = ceil(ctx_b / block_size) KV blocks, the online softmax of kernels/paged_attention:

    s_j   = (q_bh . KV_j^T) * scale      all 576 columns; positions >= ctx_b -> -inf
    M_j   = max(M_{j-1}, max(s_j))       the running max (M_{-1} = -inf)
    p_j   = bf16(exp(s_j - M_j))         ROUNDED to bf16 (RNE), against the running max
    a_j   = exp(M_{j-1} - M_j)
    l_j   = a_j * l_{j-1} + sum(p_j)
    o_j   = a_j * o_{j-1} + p_j @ KV_j[:, :512]
    out   = o_{n-1} / l_{n-1}            and all zeros when ctx_b == 0

Rounding: float64 throughout from the exact bf16 inputs, except p, rounded to bf16
(through f32) at the point above; ``out`` is returned as float32.

Inputs: query ~ U(-0.5, 0.5), kv_cache ~ U(-0.5, 0.5), drawn in that order in f32 and
rounded to bf16, then the block table (a random permutation of the pool). scale defaults
to 1/sqrt(192), DeepSeek's softmax scale (qk_nope 128 + qk_rope 64; absorption does not
change it). num_heads is 16 in the suite and 128 in the benchmark; block_size is 64.
"""

from __future__ import annotations

import math

import numpy as np

from pypto_dsl.goldens import BF16, F32, I32, Case, random_uniform, round_bf16, scalar_f32

ARG_NAMES = ("query", "kv_cache", "block_table", "context_lens", "out", "scale")
OUTPUTS = ("out",)

KV_LORA_RANK = 512  # c_kv columns, also the value / output width
ROPE_DIM = 64
QK_DIM = KV_LORA_RANK + ROPE_DIM  # 576
DEFAULT_SCALE = 1.0 / math.sqrt(128 + 64)

_GATHER_BUDGET_BYTES = 64 << 20  # float64 KV rows gathered per KV-block step


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("small_b2", "2 sequences: ctx 1 (out = that c_kv row) and 2 blocks partial",
          batch=2, num_heads=16, block_size=64, context_lens=[1, 100]),
    _case("ctx_edges", "ctx 0, bs-1, bs, bs+1 and 3 blocks partial",
          batch=5, num_heads=16, block_size=64, context_lens=[0, 63, 64, 65, 150]),
    _case("wrap_b26", "batch 26 > 24 hardware blocks, ragged ctx incl. 0",
          batch=26, num_heads=16, block_size=64, context_lens=[33, 0, 64, 129, 190, 1, 256]),
    _case("sharp_long", "scale 1.0 (peaky: the running max moves); 8 and 6.5 blocks",
          batch=2, num_heads=16, block_size=64, context_lens=[512, 416], scale=1.0),
    _case("bench_b16_h128_ctx4096", "benchmark: batch 16, 128 heads, ctx 4096, bs 64",
          suite=False, batch=16, num_heads=128, block_size=64, context_lens=4096),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "small_b2"


def resolve_params(params: dict) -> dict:
    """Fill in a case's defaults; an int context_lens applies to every sequence and a
    shorter list is repeated cyclically."""
    batch, block_size = int(params["batch"]), int(params["block_size"])
    ctx = params["context_lens"]
    ctx_list = [int(ctx)] * batch if np.isscalar(ctx) else [int(c) for c in ctx]
    if not ctx_list or len(ctx_list) > batch or min(ctx_list) < 0:
        raise ValueError(f"context_lens {ctx!r} does not fit batch {batch}")
    ctx_list = [ctx_list[i % len(ctx_list)] for i in range(batch)]
    needed = max(1, -(-max(ctx_list) // block_size))
    max_blocks = int(params.get("max_blocks", needed))
    if max_blocks < needed:
        raise ValueError(f"max_blocks {max_blocks} < {needed} needed by the longest ctx")
    return {
        "batch": batch, "num_heads": int(params["num_heads"]), "block_size": block_size,
        "context_lens": ctx_list, "max_blocks": max_blocks,
        "total_blocks": int(params.get("total_blocks", batch * max_blocks)),
        "scale": float(params.get("scale", DEFAULT_SCALE)),
        "shuffle": bool(params.get("shuffle", True)),
    }


def _block_table(rng, batch: int, max_blocks: int, total_blocks: int, shuffle: bool):
    """Slot (b, j), numbered row-major as i, takes physical block order[i % total_blocks]."""
    order = rng.permutation(total_blocks) if shuffle else np.arange(total_blocks)
    slots = np.arange(batch * max_blocks) % total_blocks
    return order[slots].reshape(batch, max_blocks).astype(I32)


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    p = resolve_params(case.params)
    rng = np.random.default_rng(seed)
    b, h = p["batch"], p["num_heads"]
    # Draw order is part of the contract: query, kv_cache, then the table permutation.
    query = random_uniform(rng, (b, h, QK_DIM), -0.5, 0.5, BF16)
    kv_cache = random_uniform(rng, (p["total_blocks"], p["block_size"], QK_DIM), -0.5, 0.5,
                              BF16)
    block_table = _block_table(rng, b, p["max_blocks"], p["total_blocks"], p["shuffle"])
    return {
        "query": query,
        "kv_cache": kv_cache,
        "block_table": block_table,
        "context_lens": np.asarray(p["context_lens"], dtype=I32),
        "out": np.zeros((b, h, KV_LORA_RANK), dtype=F32),
        "scale": scalar_f32(p["scale"]),
    }


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out`` (running-max online softmax, p rounded to bf16)."""
    out = attention(inputs["query"], inputs["kv_cache"], inputs["block_table"],
                    inputs["context_lens"], float(inputs["scale"]))
    return {"out": out.astype(F32)}


def attention(query, kv_cache, block_table, context_lens, scale: float, *,
              batch_chunk: int | None = None) -> np.ndarray:
    """Absorbed MLA decode as float64[batch, num_heads, 512]."""
    batch, num_heads, qk_dim = query.shape
    total_blocks, block_size, cache_dim = kv_cache.shape
    if qk_dim != QK_DIM or cache_dim != QK_DIM:
        raise ValueError(f"query {query.shape} / kv_cache {kv_cache.shape}: need 576 columns")
    if block_table.ndim != 2 or block_table.shape[0] != batch or context_lens.shape != (batch,):
        raise ValueError("block_table / context_lens do not match batch")
    if block_table.size and (block_table.min() < 0 or block_table.max() >= total_blocks):
        raise ValueError(f"block_table entries must lie in [0, {total_blocks})")
    ctx = np.asarray(context_lens, dtype=np.int64)
    if ctx.size and (ctx.min() < 0 or ctx.max() > block_table.shape[1] * block_size):
        raise ValueError("context_lens must lie in [0, max_blocks * block_size]")
    if batch_chunk is None:
        batch_chunk = max(1, _GATHER_BUDGET_BYTES // (block_size * QK_DIM * 8))
    out = np.zeros((batch, num_heads, KV_LORA_RANK))
    for lo in range(0, batch, batch_chunk):
        hi = min(lo + batch_chunk, batch)
        out[lo:hi] = _attend(query[lo:hi].astype(np.float64), kv_cache, block_table[lo:hi],
                             ctx[lo:hi], scale)
    return out


def _attend(q, kv_cache, table, ctx, scale: float) -> np.ndarray:
    """Online softmax over the KV blocks of a chunk of sequences (q is float64).

    The per-block products are np.einsum (numpy's own loops) rather than np.matmul: a
    stack of many small BLAS calls is fast on an idle machine but can slow down a
    hundredfold when multithreaded BLAS competes for busy cores.
    """
    batch, num_heads, _ = q.shape
    block_size = kv_cache.shape[1]
    n_blocks = -(-ctx // block_size)
    m = np.full((batch, num_heads, 1), -np.inf)
    l = np.zeros((batch, num_heads, 1))
    o = np.zeros((batch, num_heads, KV_LORA_RANK))
    for j in range(int(n_blocks.max(initial=0))):
        live = np.flatnonzero(n_blocks > j)
        kv = kv_cache[table[live, j]].astype(np.float64)            # (n, bs, 576)
        s = np.einsum("nhd,nsd->nhs", q[live], kv) * scale          # (n, heads, bs)
        valid = np.arange(block_size) < (ctx[live] - j * block_size)[:, None]
        s = np.where(valid[:, None, :], s, -np.inf)
        m_new = np.maximum(m[live], s.max(axis=-1, keepdims=True))  # >= 1 valid position
        alpha = np.exp(m[live] - m_new)
        p = round_bf16(np.exp(s - m_new)).astype(np.float64)
        l[live] = alpha * l[live] + p.sum(axis=-1, keepdims=True)
        o[live] = alpha * o[live] + np.einsum("nhs,nsd->nhd", p, kv[:, :, :KV_LORA_RANK])
        m[live] = m_new
    result = np.zeros_like(o)
    done = n_blocks > 0  # ctx == 0 never ran a block: its rows stay zero
    result[done] = o[done] / l[done]
    return result
