"""Golden for row argmax (greedy sampling): the index of each row's maximum, first on ties.

Kernel arguments, in order (``make_inputs`` returns them in this order):

    logits  f32[batch, vocab]    vocab a multiple of 8 (not always of the kernel's
                                 256-column chunk)
    out     i32[batch, 1]        (output, pre-filled with zeros)

Math: out[i, 0] = min{ j : logits[i, j] == max_j' logits[i, j'] }, i.e. the FIRST index
of the maximum. Comparisons are exact on the f32 values, so nothing is rounded and the
result must match exactly (RTOL = ATOL = 0).

Inputs: logits ~ U(-10, 10) in f32, then row i is rewritten by kind i % 7 (drawing the
positions it needs, rows in order):

    0 random      left as drawn (ties are practically impossible)
    1 tie_chunks  the max value at two positions in different 256-column chunks
    2 last        the max in the last element
    3 equal       every element the same (-3.5): the answer is 0
    4 negative    U(-100, -50) with the max (-49.5) at two positions of one 256-column
                  chunk
    5 ends        the max at element 0 and at the last element: the answer is 0
    6 tail_tie    the max at two positions of the last (partial when vocab % 256 != 0)
                  chunk, the earlier one somewhere before the last element
"""

from __future__ import annotations

import numpy as np

from pypto_dsl.goldens import F32, I32, Case, random_uniform

ARG_NAMES = ("logits", "out")
OUTPUTS = ("out",)

RTOL = 0.0
ATOL = 0.0

CHUNK = 256  # the kernel's column chunk; only used to place the ties
KINDS = ("random", "tie_chunks", "last", "equal", "negative", "ends", "tail_tie")
EQUAL_VALUE = -3.5
NEGATIVE_MAX = -49.5  # above every U(-100, -50) draw


def _case(name: str, description: str, suite: bool = True, **params) -> Case:
    return Case(name=name, params=params, suite=suite, description=description)


_CASE_LIST = [
    _case("b7_v1000", "every row kind once; vocab 1000 = 3 chunks + 232", batch=7, vocab=1000),
    _case("b7_v8", "vocab 8: less than one chunk, every row kind", batch=7, vocab=8),
    _case("b8_v4096", "vocab 4096 = 16 whole chunks", batch=8, vocab=4096),
    _case("b3_v32768", "long rows of 32768 (random, cross-chunk tie, last)", batch=3,
          vocab=32768),
    _case("b26_v2056", "26 rows (> 24 hardware blocks), vocab 2056 = 8 chunks + 8",
          batch=26, vocab=2056),
    _case("bench_b64_v131072", "benchmark: batch 64, vocab 131072", suite=False,
          batch=64, vocab=131072),
]

CASES: dict[str, Case] = {c.name: c for c in _CASE_LIST}
DEFAULT_CASE = "b7_v1000"


def _two(rng, lo: int, hi: int) -> tuple[int, int]:
    """Two distinct sorted positions in [lo, hi) (hi - lo >= 2)."""
    i, j = sorted(int(v) for v in rng.choice(np.arange(lo, hi), size=2, replace=False))
    return i, j


def make_inputs(case: Case, seed: int = 0) -> dict[str, np.ndarray]:
    """Build seeded kernel arguments, in kernel order, with ``out`` zero-filled."""
    batch, vocab = int(case.params["batch"]), int(case.params["vocab"])
    if vocab % 8 or vocab < 8:
        raise ValueError(f"vocab {vocab} must be a positive multiple of 8")
    rng = np.random.default_rng(seed)
    # Draw order is part of the contract: all logits, then each row's positions in order.
    x = random_uniform(rng, (batch, vocab), -10.0, 10.0, F32)
    for r in range(batch):
        row = x[r]
        kind = KINDS[r % len(KINDS)]
        if kind == "tie_chunks":
            top = row.max() + 1.0
            if vocab > CHUNK:
                i = int(rng.integers(0, min(CHUNK, vocab - CHUNK)))
                j = int(rng.integers((i // CHUNK + 1) * CHUNK, vocab))
            else:
                i, j = _two(rng, 0, vocab)
            row[[i, j]] = top
        elif kind == "last":
            row[-1] = row.max() + 1.0
        elif kind == "equal":
            row[:] = EQUAL_VALUE
        elif kind == "negative":
            row[:] = random_uniform(rng, (vocab,), -100.0, -50.0, F32)
            c = int(rng.integers(0, -(-vocab // CHUNK)))
            i, j = _two(rng, c * CHUNK, min(vocab, (c + 1) * CHUNK))
            row[[i, j]] = np.float32(NEGATIVE_MAX)
        elif kind == "ends":
            row[[0, -1]] = row.max() + 1.0
        elif kind == "tail_tie":
            tail = (vocab - 1) // CHUNK * CHUNK  # start of the last chunk
            i, j = _two(rng, tail, vocab)
            row[[i, j]] = row.max() + 1.0
    return {"logits": x, "out": np.zeros((batch, 1), dtype=I32)}


def golden(inputs: dict) -> dict[str, np.ndarray]:
    """Return the expected ``out``."""
    logits = inputs["logits"]
    if logits.ndim != 2 or logits.shape[1] < 1:
        raise ValueError(f"logits must be [batch, vocab], not {logits.shape}")
    # np.argmax returns the first occurrence of the maximum.
    return {"out": np.argmax(logits, axis=1).astype(I32)[:, None]}
