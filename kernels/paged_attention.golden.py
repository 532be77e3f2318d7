"""Golden for decode paged attention (one KV head, bf16 inputs, f32 output).

Kernel arguments, in order (``make_inputs`` returns them in this order):

    query        bf16[batch, num_heads, head_dim]
    key_cache    bf16[total_blocks, block_size, 1, head_dim]
    value_cache  bf16[total_blocks, block_size, 1, head_dim]
    block_table  i32[batch, max_blocks]   KV block j of sequence b is block_table[b, j]
    context_lens i32[batch]               number of valid KV positions of sequence b
    out          f32[batch, num_heads, head_dim]   (output, pre-filled with zeros)
    scale        f32 0-d

Math, for each sequence b and head h, with n = ceil(ctx_b / block_size) KV blocks:

    s_j   = (q_bh . K_j^T) * scale     f32; positions >= ctx_b masked to -inf
    M_j   = max(M_{j-1}, max(s_j))     the running max (M_{-1} = -inf)
    p_j   = bf16(exp(s_j - M_j))       rounded to bf16 with RNE, then back to f32
    a_j   = exp(M_{j-1} - M_j)
    l_j   = a_j * l_{j-1} + sum(p_j)   f32
    o_j   = a_j * o_{j-1} + p_j @ V_j  f32 accumulation
    out   = o_{n-1} / l_{n-1}          and all zeros when ctx_b == 0

Which max p is taken relative to. Rounding p to bf16 makes the result depend on the max
that p is measured against, so the golden has to pick one. There are two candidates:

* simpler's golden (``simpler_setup/goldens/paged_attention.py``, ``paged_attention()``)
  takes the block-local max: ``mij = sij.max(-1)``, ``pij = exp(sij - mij)``, rounds
  with ``pij.to(bf16).to(f32)`` and sets ``lij = pij.sum(-1)``. It then merges with
  ``alpha = exp(mi - mi_new)``, ``beta = exp(mij - mi_new)``,
  ``li = alpha*li + beta*lij`` and ``oi = alpha*oi + beta*oi_new``.
* simpler's MIX kernel (``spmd_paged_attention/kernels/mix/paged_attention_parallel.cpp``,
  ``aiv_sf_step``/``aiv_up_step``) takes the running max. It computes
  ``globalMax = max(globalMax, rowmax(s) * scale)`` and ``p = exp(s*scale - globalMax)``,
  rounds with ``TCVT`` to bf16 and back, and updates with ``go = go*alpha + oi_new`` and
  ``gl = gl*alpha + rowsum(p)``, where ``alpha = exp(prevMax - curMax)``. There is no
  beta.

By default (``p_max="running"``) the golden follows the kernel, because the interpreter
and the hardware run the kernel's order. ``p_max="block"`` reproduces simpler's golden.
Both variants compute the same exact softmax. They differ only in where p is rounded,
which is well inside the test tolerance (the test suite measures the gap).

Inputs follow simpler's ``generate_inputs``: query ~ U(-0.5, 0.5), K ~ U(-0.5, 0.5) and
V ~ U(-1, 1), all drawn in f32 and rounded to bf16. There are two differences from
simpler. The default ``scale`` is 1/sqrt(head_dim), where simpler uses 1.0. The block
table is a permutation of the pool (so sequences never share blocks), not randint with
replacement.

The head axis is not tiled. The kernel splits heads into q tiles of 16 or 64, but every
head row is independent, so the tiling cannot change the result.
"""

from __future__ import annotations

from pypto_dsl.goldens import Case
# The math lives in the package, so that the split-KV kernel's golden shares it (and a scene
# test, which copies only this file, still finds it).
from pypto_dsl.goldens.paged_attention import (  # noqa: F401  (the golden's interface)
    attention, cost_inputs, golden, kv_steps, make_inputs, q_tiling, resolve_params)

ARG_NAMES = ("query", "key_cache", "value_cache", "block_table", "context_lens", "out", "scale")
OUTPUTS = ("out",)

# --------------------------------------------------------------------------- cases


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("small_q16_bs128", "q_tile 16, bs 128, contiguous table; full/partial/2-block ctx",
          batch=3, num_heads=16, head_dim=128, block_size=128,
          context_lens=[300, 128, 77], shuffle=False),
    _case("small_q64_bs64", "q_tile 64 (one tile), bs 64; 4-block, exact-block and ctx=1",
          batch=3, num_heads=64, head_dim=128, block_size=64,
          context_lens=[200, 64, 1], shuffle=True),
    _case("ctx_edges_bs64", "ctx 0, 1, bs-1, bs, bs+1 and 5 blocks (odd count), q_tile 16",
          batch=6, num_heads=16, head_dim=128, block_size=64,
          context_lens=[0, 1, 63, 64, 65, 320], shuffle=True),
    _case("ctx_edges_bs128", "ctx 0, 1, bs-1, bs, bs+1 and 4 blocks (even count), q_tile 64",
          batch=6, num_heads=64, head_dim=128, block_size=128,
          context_lens=[0, 1, 127, 128, 129, 512], shuffle=True),
    _case("heads128_two_qtiles", "128 heads -> two q tiles of 64 per sequence, bs 64",
          batch=3, num_heads=128, head_dim=128, block_size=64,
          context_lens=[1, 130, 256], shuffle=True),
    _case("heads128_bs128", "128 heads -> two q tiles of 64, bs 128, partial last blocks",
          batch=2, num_heads=128, head_dim=128, block_size=128,
          context_lens=[129, 640], shuffle=True),
    _case("full_wave_batch24", "batch 24 == hardware blocks: one logical block each",
          batch=24, num_heads=16, head_dim=128, block_size=128,
          context_lens=200, shuffle=True),
    _case("wrap_batch26", "batch 26 > 24 hardware blocks, ragged ctx incl. 0, q_tile 16",
          batch=26, num_heads=16, head_dim=128, block_size=128,
          context_lens=[1, 128, 129, 300, 0, 64], shuffle=True),
    _case("wrap_batch30_q64", "batch 30 > 24 hardware blocks, ragged ctx, q_tile 64, bs 64",
          batch=30, num_heads=64, head_dim=128, block_size=64,
          context_lens=[65, 7, 192, 64, 130], shuffle=True),
    _case("wrap_heads128_batch13", "13 seq x 2 q tiles = 26 logical blocks > 24, bs 64",
          batch=13, num_heads=128, head_dim=128, block_size=64,
          context_lens=[100, 1, 64, 257, 0, 190], shuffle=True),
    _case("long_ctx_bs128", "8 KV blocks (exact and partial last), q_tile 16",
          batch=2, num_heads=16, head_dim=128, block_size=128,
          context_lens=[1024, 1000], shuffle=True),
    _case("long_ctx_bs64", "8 KV blocks (exact and 1-row last), q_tile 64",
          batch=2, num_heads=64, head_dim=128, block_size=64,
          context_lens=[512, 449], shuffle=True),
    _case("ragged_shuffled", "ragged ctx incl. 0 and 1 in one batch, shuffled table, scale 1",
          batch=8, num_heads=16, head_dim=128, block_size=64,
          context_lens=[5, 400, 0, 64, 129, 255, 1, 320], scale=1.0, shuffle=True),
    _case("sharp_wide_table", "scale 2 (peaky softmax, running max moves); table wider "
          "than needed and pool larger than batch*max_blocks",
          batch=4, num_heads=64, head_dim=128, block_size=128,
          context_lens=[640, 300, 129, 1], max_blocks=8, total_blocks=64, scale=2.0,
          shuffle=True),
    _case("Case1", "benchmark (simpler Case1): 256 seq x 16 heads, ctx 8192, bs 128",
          suite=False, batch=256, num_heads=16, head_dim=128, block_size=128,
          context_lens=8192, shuffle=True),
    _case("Case2", "benchmark (simpler Case2): 64 seq x 64 heads, ctx 8192, bs 64",
          suite=False, batch=64, num_heads=64, head_dim=128, block_size=64,
          context_lens=8192, shuffle=True),
    _case("batch4_ctx32768", "benchmark (issue 10): 4 seq x 16 heads, ctx 32768, bs 128: 4 "
          "logical blocks on 24 clusters (paged_attention_split's case of the same name)",
          suite=False, batch=4, num_heads=16, head_dim=128, block_size=128,
          context_lens=32768, shuffle=True),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "small_q16_bs128"
