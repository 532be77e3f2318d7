"""The math of paged-attention decode, shared by the goldens of the kernels that compute it
(kernels/paged_attention.golden.py, kernels/paged_attention_split.golden.py): case parameters,
seeded inputs and the reference output. The docstring of kernels/paged_attention.golden.py
states the math and where it follows simpler.
"""

from __future__ import annotations

import math

import numpy as np

from .dtypes import BF16, F32, I32, Case, random_uniform, round_bf16, scalar_f32

# The kernel's q tile is 64 when num_heads >= 64 and 16 otherwise (see
# spmd_paged_attention_orch.cpp). It is only used here to describe and budget cases.
_MAX_Q_TILE = 64

# The upper bound on the f32 K (and V) blocks gathered at once, per KV-block step. With
# this bound Case1 runs as a single batch chunk (256 * 128 * 128 * 4 B = 16 MiB).
_GATHER_BUDGET_BYTES = 64 << 20


def resolve_params(params: dict) -> dict:
    """Fill in the defaults of a case's params and expand context_lens to one per batch.

    An int context_lens applies to every sequence. A shorter list is repeated cyclically
    (as simpler's ``context_lens_list`` is); a longer list is an error.
    """
    batch = int(params["batch"])
    block_size = int(params["block_size"])
    head_dim = int(params["head_dim"])
    ctx = params["context_lens"]
    ctx_list = [int(ctx)] * batch if np.isscalar(ctx) else [int(c) for c in ctx]
    if not ctx_list or len(ctx_list) > batch or min(ctx_list) < 0:
        raise ValueError(f"context_lens {ctx!r} does not fit batch {batch}")
    ctx_list = [ctx_list[i % len(ctx_list)] for i in range(batch)]
    needed_blocks = max(1, -(-max(ctx_list) // block_size))
    max_blocks = int(params.get("max_blocks", needed_blocks))
    if max_blocks < needed_blocks:
        raise ValueError(f"max_blocks {max_blocks} < {needed_blocks} needed by the longest ctx")
    total_blocks = int(params.get("total_blocks", batch * max_blocks))
    if total_blocks < 1:
        raise ValueError("total_blocks must be >= 1")
    return {
        "batch": batch,
        "num_heads": int(params["num_heads"]),
        "head_dim": head_dim,
        "block_size": block_size,
        "context_lens": ctx_list,
        "max_blocks": max_blocks,
        "total_blocks": total_blocks,
        "scale": float(params.get("scale", 1.0 / math.sqrt(head_dim))),
        "shuffle": bool(params.get("shuffle", False)),
    }


def q_tiling(num_heads: int) -> tuple[int, int]:
    """Return the kernel's (q_tile, q_loop) for ``num_heads``. Only used to describe cases."""
    q_tile = _MAX_Q_TILE if num_heads >= _MAX_Q_TILE else 16
    return q_tile, -(-num_heads // q_tile)


def kv_steps(case: Case) -> int:
    """Count the kernel's (logical block, KV block) steps, i.e. what an interpreter pays."""
    p = resolve_params(case.params)
    _, q_loop = q_tiling(p["num_heads"])
    return q_loop * sum(-(-c // p["block_size"]) for c in p["context_lens"])


# --------------------------------------------------------------------------- inputs


def _block_table(rng: np.random.Generator, batch: int, max_blocks: int, total_blocks: int,
                 shuffle: bool) -> np.ndarray:
    """Map each logical slot (b, j) to a physical block.

    Slots are numbered row-major. Slot i takes physical block ``order[i % total_blocks]``,
    where ``order`` is the identity or a random permutation. Slots past a sequence's
    length therefore still hold valid indices, and no two slots share a block unless the
    pool is smaller than batch * max_blocks.
    """
    order = rng.permutation(total_blocks) if shuffle else np.arange(total_blocks)
    slots = np.arange(batch * max_blocks) % total_blocks
    return order[slots].reshape(batch, max_blocks).astype(I32)


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    p = resolve_params(case.params)
    rng = np.random.default_rng(seed)
    b, h, d = p["batch"], p["num_heads"], p["head_dim"]
    cache_shape = (p["total_blocks"], p["block_size"], 1, d)
    # Draw order is part of the contract: query, K, V, then the table permutation.
    query = random_uniform(rng, (b, h, d), -0.5, 0.5, BF16)
    key_cache = random_uniform(rng, cache_shape, -0.5, 0.5, BF16)
    value_cache = random_uniform(rng, cache_shape, -1.0, 1.0, BF16)
    block_table = _block_table(rng, b, p["max_blocks"], p["total_blocks"], p["shuffle"])
    return {
        "query": query,
        "key_cache": key_cache,
        "value_cache": value_cache,
        "block_table": block_table,
        "context_lens": np.asarray(p["context_lens"], dtype=I32),
        "out": np.zeros((b, h, d), dtype=F32),
        "scale": scalar_f32(p["scale"]),
    }


# --------------------------------------------------------------------------- golden


def cost_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """The arguments as the cost model reads them: the real context lengths and a block table
    of the same shape (drawn from its own generator: the cost does not depend on which KV
    block is where); query, caches and out are zero-stride placeholders of their shapes, so
    that Case1 (1 GiB of KV) costs no memory or time to describe."""
    p = resolve_params(case.params)
    b, h, d = p["batch"], p["num_heads"], p["head_dim"]
    cache_shape = (p["total_blocks"], p["block_size"], 1, d)
    rng = np.random.default_rng(seed)
    return {
        "query": np.broadcast_to(np.zeros((), BF16), (b, h, d)),
        "key_cache": np.broadcast_to(np.zeros((), BF16), cache_shape),
        "value_cache": np.broadcast_to(np.zeros((), BF16), cache_shape),
        "block_table": _block_table(rng, b, p["max_blocks"], p["total_blocks"], p["shuffle"]),
        "context_lens": np.asarray(p["context_lens"], dtype=I32),
        "out": np.broadcast_to(np.zeros((), F32), (b, h, d)),
        "scale": scalar_f32(p["scale"]),
    }


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out`` (kernel order: running-max online softmax)."""
    out = attention(
        inputs["query"], inputs["key_cache"], inputs["value_cache"],
        inputs["block_table"], inputs["context_lens"], float(inputs["scale"]),
    )
    return {"out": out}


def attention(query, key_cache, value_cache, block_table, context_lens, scale: float, *,
              p_max: str = "running", batch_chunk: int | None = None) -> np.ndarray:
    """Compute paged decode attention, returned as f32[batch, num_heads, head_dim].

    The computation is vectorised over sequences and heads, and loops over KV-block
    index j. Each step gathers only block j of the sequences that still have one, so
    peak memory is O(batch * block_size * head_dim) and the whole cache is never
    converted to f32. Sequences are processed in chunks of at most ``batch_chunk``,
    which by default is sized so that one step's f32 K/V gather stays within 64 MiB.
    Results do not depend on the chunking.
    """
    if p_max not in ("running", "block"):
        raise ValueError(f"p_max must be 'running' or 'block', not {p_max!r}")
    _check_shapes(query, key_cache, value_cache, block_table, context_lens)
    batch, num_heads, head_dim = query.shape
    block_size = key_cache.shape[1]
    # Drop the kv-head axis (always 1). This is a view; nothing is copied.
    keys = key_cache.reshape(key_cache.shape[0], block_size, head_dim)
    values = value_cache.reshape(keys.shape)
    ctx = np.asarray(context_lens, dtype=np.int64)
    if batch_chunk is None:
        batch_chunk = max(1, _GATHER_BUDGET_BYTES // (block_size * head_dim * F32.itemsize))

    out = np.zeros((batch, num_heads, head_dim), dtype=F32)
    for lo in range(0, batch, batch_chunk):
        hi = min(lo + batch_chunk, batch)
        out[lo:hi] = _attend(query[lo:hi].astype(F32), keys, values, block_table[lo:hi],
                             ctx[lo:hi], np.float32(scale), p_max)
    return out


def _check_shapes(query, key_cache, value_cache, block_table, context_lens) -> None:
    batch, _, head_dim = query.shape
    total_blocks, block_size, kv_heads, cache_dim = key_cache.shape
    if kv_heads != 1 or cache_dim != head_dim or value_cache.shape != key_cache.shape:
        raise ValueError(f"caches {key_cache.shape}/{value_cache.shape} do not match "
                         f"one KV head of query {query.shape}")
    if block_table.ndim != 2 or block_table.shape[0] != batch or context_lens.shape != (batch,):
        raise ValueError(f"block_table {block_table.shape} / context_lens "
                         f"{context_lens.shape} do not match batch {batch}")
    # Negative indices would wrap silently in numpy, so every entry is checked.
    if block_table.size and (block_table.min() < 0 or block_table.max() >= total_blocks):
        raise ValueError(f"block_table entries must lie in [0, {total_blocks})")
    if context_lens.size and (context_lens.min() < 0
                              or context_lens.max() > block_table.shape[1] * block_size):
        raise ValueError("context_lens must lie in [0, max_blocks * block_size]")


def _attend(q: np.ndarray, keys: np.ndarray, values: np.ndarray, table: np.ndarray,
            ctx: np.ndarray, scale: np.float32, p_max: str) -> np.ndarray:
    """Run the online softmax over the KV blocks of one chunk of sequences (q is f32)."""
    batch, num_heads, head_dim = q.shape
    block_size = keys.shape[1]
    n_blocks = -(-ctx // block_size)
    m = np.full((batch, num_heads, 1), -np.inf, dtype=F32)  # running max
    l = np.zeros((batch, num_heads, 1), dtype=F32)          # running denominator
    o = np.zeros((batch, num_heads, head_dim), dtype=F32)   # running numerator

    for j in range(int(n_blocks.max(initial=0))):
        live = np.flatnonzero(n_blocks > j)  # sequences that have a KV block j
        k = keys[table[live, j]].astype(F32)     # (n, block_size, head_dim)
        v = values[table[live, j]].astype(F32)
        kt = np.ascontiguousarray(k.transpose(0, 2, 1))  # BLAS-friendly layout
        s = np.matmul(q[live], kt) * scale  # (n, heads, block_size)
        valid = np.arange(block_size) < (ctx[live] - j * block_size)[:, None]
        s = np.where(valid[:, None, :], s, np.float32(-np.inf))
        # Every live block has at least one valid position, so the max is finite.
        m_blk = s.max(axis=-1, keepdims=True)
        m_new = np.maximum(m[live], m_blk)
        # On the first block m is -inf, so alpha = 0. Then alpha*0 + x == x exactly,
        # which matches the kernel copying the first block's o and l.
        alpha = np.exp(m[live] - m_new)
        if p_max == "running":
            p = round_bf16(np.exp(s - m_new))  # masked positions: exp(-inf) = 0
            l[live] = alpha * l[live] + p.sum(axis=-1, keepdims=True)
            o[live] = alpha * o[live] + np.matmul(p, v)
        else:
            p = round_bf16(np.exp(s - m_blk))
            beta = np.exp(m_blk - m_new)
            l[live] = alpha * l[live] + beta * p.sum(axis=-1, keepdims=True)
            o[live] = alpha * o[live] + beta * np.matmul(p, v)
        m[live] = m_new

    # Sequences with ctx == 0 never ran a block, so their rows are left at zero.
    done = n_blocks > 0
    result = np.zeros_like(o)
    result[done] = o[done] / l[done]
    return result
