"""Golden for paged-attention decode with split KV (kernels/paged_attention_split.pdsl).

The kernel computes what kernels/paged_attention.pdsl computes, with the same arguments, so the
golden is that kernel's (pypto_dsl/goldens/paged_attention.py; its math is stated in
kernels/paged_attention.golden.py): the expected output does not depend on how the KV blocks
are split. Splitting moves where p is rounded to bf16 (against each range's running max, not
the whole sequence's), which, like the running-max and block-max variants of the unsplit
golden, stays well inside the tolerance.

The cases exercise the split count the kernel chooses, `splits = max(1, min(ceil_div(24,
batch * num_heads / q_tile), max_blocks / 4))` (`split_count` below, for the descriptions and
the tests only): several ranges with ragged contexts (including 0, and ranges left empty when
a sequence is shorter than the table allows), a block count that the range length does not
divide, and grids whose logical blocks are below and above the 24 clusters (these keep one
range: no combine phase).
"""

from __future__ import annotations

from pypto_dsl.goldens import Case
from pypto_dsl.goldens.paged_attention import (  # noqa: F401  (the golden's interface)
    golden, make_inputs, q_tiling, resolve_params)

ARG_NAMES = ("query", "key_cache", "value_cache", "block_table", "context_lens", "out", "scale")
OUTPUTS = ("out",)
CLUSTERS = 24  # the kernel's `on 24 blocks`
MIN_BLOCKS_PER_SPLIT = 4


def split_count(case: Case) -> int:
    """The kernel's number of KV ranges for `case` (its kernel-level `let splits`)."""
    p = resolve_params(case.params)
    logical = p["batch"] * q_tiling(p["num_heads"])[1]
    return max(1, min(-(-CLUSTERS // logical), p["max_blocks"] // MIN_BLOCKS_PER_SPLIT))


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("split4_ragged_bs64", "2 seq x 1 q tile -> 4 ranges; 16 and 11 KV blocks (11 not "
          "divisible by the 3-block range), q_tile 16, bs 64",
          batch=2, num_heads=16, head_dim=128, block_size=64,
          context_lens=[1000, 700], shuffle=True),
    _case("split3_ctx0_empty_ranges", "3 ranges; ctx 0 (all ranges empty, out = 0), ctx 65 "
          "(2 blocks: the last range empty) and a partial last block, bs 64",
          batch=3, num_heads=16, head_dim=128, block_size=64,
          context_lens=[0, 65, 900], shuffle=True),
    _case("split2_q64_bs128", "q_tile 64, 2 seq -> 2 ranges, bs 128, partial last blocks",
          batch=2, num_heads=64, head_dim=128, block_size=128,
          context_lens=[1100, 129], shuffle=True),
    _case("split4_heads128", "128 heads -> 2 q tiles of 64 per seq, 4 logical blocks -> 4 "
          "ranges, bs 128",
          batch=2, num_heads=128, head_dim=128, block_size=128,
          context_lens=[2000, 513], shuffle=True),
    _case("short_ctx_one_range", "short table (4 blocks): one range, phase combine empty; "
          "ctx 0 included",
          batch=3, num_heads=16, head_dim=128, block_size=64,
          context_lens=[100, 0, 200], shuffle=True),
    _case("wrap_batch26_one_range", "26 logical blocks > 24 clusters: one range even with an "
          "8-block table; ragged ctx incl. 0",
          batch=26, num_heads=16, head_dim=128, block_size=128,
          context_lens=[1, 1024, 0, 300], shuffle=True),
    _case("batch4_ctx32768", "issue 10: 4 seq x 16 heads, ctx 32768, bs 128: 4 logical "
          "blocks -> 6 ranges of 43 KV blocks, 24 logical blocks on 24 clusters",
          suite=False, batch=4, num_heads=16, head_dim=128, block_size=128,
          context_lens=32768, shuffle=True),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "split4_ragged_bs64"
