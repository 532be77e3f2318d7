"""Golden for grouped-query decode attention over a paged KV cache (bf16 in, f32 out).

Kernel arguments, in order (``make_inputs`` returns them in this order):

    query        bf16[batch, num_heads, 128]
    key_cache    bf16[total_blocks, block_size, kv_heads, 128]
    value_cache  bf16[total_blocks, block_size, kv_heads, 128]
    block_table  i32[batch, max_blocks]   KV block j of sequence b is block_table[b, j]
    context_lens i32[batch]               number of valid KV positions of sequence b
    out          f32[batch, num_heads, 128]   (output, pre-filled with zeros)
    scale        f32 0-d

num_heads = group * kv_heads; query head h reads KV head h // group (heads of a group are
consecutive). Group sizes 1, 2, 4, 8 and 16 are covered; block_size is 64 or 128.

Math, for each sequence b and query head h (KV head g = h // group), with
n = ceil(ctx_b / block_size) KV blocks, the online softmax of kernels/paged_attention:

    s_j   = (q_bh . K_j[:, g]^T) * scale   positions >= ctx_b masked to -inf
    M_j   = max(M_{j-1}, max(s_j))         the running max (M_{-1} = -inf)
    p_j   = bf16(exp(s_j - M_j))           ROUNDED to bf16 (RNE), against the running max
    a_j   = exp(M_{j-1} - M_j)
    l_j   = a_j * l_{j-1} + sum(p_j)
    o_j   = a_j * o_{j-1} + p_j @ V_j[:, g]
    out   = o_{n-1} / l_{n-1}              and all zeros when ctx_b == 0

Rounding: float64 throughout from the exact bf16 inputs, except p, which is rounded to
bf16 (through f32) at the point above; ``out`` is returned as float32.

Inputs follow kernels/paged_attention.golden.py: query ~ U(-0.5, 0.5), K ~ U(-0.5, 0.5),
V ~ U(-1, 1), drawn in that order in f32 and rounded to bf16, then the block table, a
random permutation of the pool (sequences never share blocks) unless shuffle is False.
scale defaults to 1/sqrt(128).
"""

from __future__ import annotations

import math

import numpy as np

from pypto_dsl.goldens import BF16, F32, I32, Case, random_uniform, round_bf16, scalar_f32

ARG_NAMES = ("query", "key_cache", "value_cache", "block_table", "context_lens", "out",
             "scale")
OUTPUTS = ("out",)

HEAD_DIM = 128
HW_BLOCKS = 24  # hardware blocks; only used to describe cases

# Upper bound on the float64 K (and V) blocks gathered at once per KV-block step.
_GATHER_BUDGET_BYTES = 64 << 20


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("group1_bs64", "group 1 (MHA): 4 KV heads = 4 query heads; ctx 0, 1, partial "
          "and 3 blocks", batch=4, num_heads=4, kv_heads=4, block_size=64,
          context_lens=[70, 0, 1, 192]),
    _case("group2_bs128", "group 2: 8 heads on 4 KV heads; ctx 0, bs-1, bs+1, 3 blocks",
          batch=4, num_heads=8, kv_heads=4, block_size=128,
          context_lens=[127, 129, 0, 300]),
    _case("group4_bs64", "group 4: 8 heads on 2 KV heads; ctx 0, exact block, 4 blocks "
          "partial", batch=3, num_heads=8, kv_heads=2, block_size=64,
          context_lens=[64, 0, 250]),
    _case("group8_bs128", "group 8: 16 heads on 2 KV heads; ctx 0, 1 and 2.5 blocks, "
          "scale 1.0 (peaky)", batch=3, num_heads=16, kv_heads=2, block_size=128,
          context_lens=[1, 320, 0], scale=1.0),
    _case("group16_bs64", "group 16: 16 heads on 1 KV head; ctx 0, 5 and 5 blocks "
          "partial", batch=3, num_heads=16, kv_heads=1, block_size=64,
          context_lens=[5, 0, 300]),
    _case("wrap_b7_kv4", "batch 7 x 4 KV heads = 28 (sequence, KV head) pairs > 24 "
          "hardware blocks; group 2, ragged ctx incl. 0", batch=7, num_heads=8, kv_heads=4,
          block_size=64, context_lens=[65, 0, 1, 128, 200, 63, 130]),
    _case("bench_b16_h32_kv8_ctx4096", "benchmark: batch 16, 32 heads on 8 KV heads "
          "(group 4), ctx 4096, bs 128", suite=False, batch=16, num_heads=32, kv_heads=8,
          block_size=128, context_lens=4096),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "group4_bs64"


def resolve_params(params: dict) -> dict:
    """Fill in a case's defaults; an int context_lens applies to every sequence and a
    shorter list is repeated cyclically."""
    batch = int(params["batch"])
    num_heads, kv_heads = int(params["num_heads"]), int(params["kv_heads"])
    block_size = int(params["block_size"])
    if kv_heads < 1 or num_heads % kv_heads:
        raise ValueError(f"num_heads {num_heads} is not a multiple of kv_heads {kv_heads}")
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
        "batch": batch, "num_heads": num_heads, "kv_heads": kv_heads,
        "group": num_heads // kv_heads, "block_size": block_size, "context_lens": ctx_list,
        "max_blocks": max_blocks,
        "total_blocks": int(params.get("total_blocks", batch * max_blocks)),
        "scale": float(params.get("scale", 1.0 / math.sqrt(HEAD_DIM))),
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
    cache_shape = (p["total_blocks"], p["block_size"], p["kv_heads"], HEAD_DIM)
    # Draw order is part of the contract: query, K, V, then the table permutation.
    query = random_uniform(rng, (b, h, HEAD_DIM), -0.5, 0.5, BF16)
    key_cache = random_uniform(rng, cache_shape, -0.5, 0.5, BF16)
    value_cache = random_uniform(rng, cache_shape, -1.0, 1.0, BF16)
    block_table = _block_table(rng, b, p["max_blocks"], p["total_blocks"], p["shuffle"])
    return {
        "query": query,
        "key_cache": key_cache,
        "value_cache": value_cache,
        "block_table": block_table,
        "context_lens": np.asarray(p["context_lens"], dtype=I32),
        "out": np.zeros((b, h, HEAD_DIM), dtype=F32),
        "scale": scalar_f32(p["scale"]),
    }


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out`` (running-max online softmax, p rounded to bf16)."""
    out = attention(inputs["query"], inputs["key_cache"], inputs["value_cache"],
                    inputs["block_table"], inputs["context_lens"], float(inputs["scale"]))
    return {"out": out.astype(F32)}


def attention(query, key_cache, value_cache, block_table, context_lens, scale: float, *,
              batch_chunk: int | None = None) -> np.ndarray:
    """Paged GQA decode attention as float64[batch, num_heads, head_dim].

    Vectorised over sequences and heads, looping over KV-block index j; each step gathers
    only block j of the sequences that still have one. Chunking over sequences bounds the
    gather and does not change the result.
    """
    batch, num_heads, head_dim = query.shape
    total_blocks, block_size, kv_heads, cache_dim = key_cache.shape
    if (cache_dim != head_dim or value_cache.shape != key_cache.shape
            or num_heads % kv_heads):
        raise ValueError(f"caches {key_cache.shape}/{value_cache.shape} do not match "
                         f"query {query.shape}")
    if block_table.ndim != 2 or block_table.shape[0] != batch or context_lens.shape != (batch,):
        raise ValueError("block_table / context_lens do not match batch")
    if block_table.size and (block_table.min() < 0 or block_table.max() >= total_blocks):
        raise ValueError(f"block_table entries must lie in [0, {total_blocks})")
    ctx = np.asarray(context_lens, dtype=np.int64)
    if ctx.size and (ctx.min() < 0 or ctx.max() > block_table.shape[1] * block_size):
        raise ValueError("context_lens must lie in [0, max_blocks * block_size]")
    group = num_heads // kv_heads
    if batch_chunk is None:
        batch_chunk = max(1, _GATHER_BUDGET_BYTES // (block_size * kv_heads * head_dim * 8))
    q = query.astype(np.float64).reshape(batch, kv_heads, group, head_dim)
    out = np.zeros((batch, kv_heads, group, head_dim))
    for lo in range(0, batch, batch_chunk):
        hi = min(lo + batch_chunk, batch)
        out[lo:hi] = _attend(q[lo:hi], key_cache, value_cache, block_table[lo:hi],
                             ctx[lo:hi], scale)
    return out.reshape(batch, num_heads, head_dim)


def _attend(q, keys, values, table, ctx, scale: float) -> np.ndarray:
    """Online softmax over the KV blocks of a chunk; q is float64[n, kv_heads, group, d].

    The per-block products are np.einsum (numpy's own loops) rather than np.matmul: a
    stack of many small BLAS calls is fast on an idle machine but can slow down a
    hundredfold when multithreaded BLAS competes for busy cores.
    """
    batch, kv_heads, group, head_dim = q.shape
    block_size = keys.shape[1]
    n_blocks = -(-ctx // block_size)
    m = np.full((batch, kv_heads, group, 1), -np.inf)
    l = np.zeros((batch, kv_heads, group, 1))
    o = np.zeros((batch, kv_heads, group, head_dim))
    for j in range(int(n_blocks.max(initial=0))):
        live = np.flatnonzero(n_blocks > j)
        blocks = table[live, j]
        k = keys[blocks].astype(np.float64)                          # (n, bs, kvh, d)
        v = values[blocks].astype(np.float64)
        s = np.einsum("nkgd,nskd->nkgs", q[live], k) * scale         # (n, kvh, group, bs)
        valid = np.arange(block_size) < (ctx[live] - j * block_size)[:, None]
        s = np.where(valid[:, None, None, :], s, -np.inf)
        m_new = np.maximum(m[live], s.max(axis=-1, keepdims=True))  # >= 1 valid position
        alpha = np.exp(m[live] - m_new)
        p = round_bf16(np.exp(s - m_new)).astype(np.float64)
        l[live] = alpha * l[live] + p.sum(axis=-1, keepdims=True)
        o[live] = alpha * o[live] + np.einsum("nkgs,nskd->nkgd", p, v)
        m[live] = m_new
    result = np.zeros_like(o)
    done = n_blocks > 0  # ctx == 0 never ran a block: its rows stay zero
    result[done] = o[done] / l[done]
    return result
