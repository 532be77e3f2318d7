"""A pipe of one cluster (1 AIC + 2 AIV lanes): a bounded FIFO of `depth` slots in GM.

Contract. Each side of a pipe counts the tiles it moved: `pushed[side]` and `popped[side]`,
where a side is "aic", 0 (lane AIV0) or 1 (lane AIV1). Tile k of a pipe lives in slot k % depth.

* aic -> aiv (C2V). The AIC pushes whole tiles. It may push tile k once both lanes have popped
  tile k - depth: a slot is free only when both lanes have popped it. With `split rows` lane 0
  pops rows [0, R/2) and lane 1 rows [R/2, R); with `split none` both lanes pop the whole tile.
* aiv -> aic (V2C, `split rows` only). Each lane pushes its half of tile k once the AIC has
  popped tile k - depth; the AIC's pop of tile k completes once both halves are there and
  returns the assembled [R, C] tile.
* Popping releases the slot (TFREE has no further effect); a push on a full FIFO and a pop on
  an empty one block (`can_push` / `can_pop` say whether they would).

Tiles carry the batch axis first: one FIFO serves a batch of clusters in lock-step, all
members moving tile k together. The interpreter never copies a tile into the FIFO; halves are
views of the pushed value.
"""

from __future__ import annotations

import numpy as np

from .. import ir

AIC = "aic"


class Fifo:
    def __init__(self, decl: ir.PipeDecl):
        self.decl = decl
        self.c2v = decl.src == AIC
        self.items: dict[int, list] = {}  # tile number -> [lane 0 part, lane 1 part]
        self.pushed = {AIC: 0, 0: 0, 1: 0}
        self.popped = {AIC: 0, 0: 0, 1: 0}

    # ------------------------------------------------------------------ the rules

    def can_push(self, side) -> bool:
        if self.c2v:
            return self.pushed[AIC] - min(self.popped[0], self.popped[1]) < self.decl.depth
        return self.pushed[side] - self.popped[AIC] < self.decl.depth

    def can_pop(self, side) -> bool:
        if self.c2v:
            return self.popped[side] < self.pushed[AIC]
        return self.popped[AIC] < min(self.pushed[0], self.pushed[1])

    # ------------------------------------------------------------------ the moves

    def push(self, side, tile: np.ndarray) -> None:
        k = self.pushed[side]
        if self.c2v:
            self.items[k] = _halves(tile) if self.decl.split == "rows" else [tile, tile]
        else:
            self.items.setdefault(k, [None, None])[side] = tile
        self.pushed[side] = k + 1

    def pop(self, side) -> np.ndarray:
        k = self.popped[side]
        self.popped[side] = k + 1
        if not self.c2v:
            return np.concatenate(self.items.pop(k), axis=-2)
        parts = self.items[k]
        tile, parts[side] = parts[side], None
        if parts[0] is None and parts[1] is None:
            del self.items[k]
        return tile

    # ------------------------------------------------------------------ the end

    def balanced(self) -> bool:
        if self.c2v:
            return self.popped[0] == self.popped[1] == self.pushed[AIC]
        return self.pushed[0] == self.pushed[1] == self.popped[AIC]

    def counts(self) -> str:
        """`aic pushed 3, aiv0 popped 2, aiv1 popped 2` (for the imbalance report)."""
        if self.c2v:
            return (f"aic pushed {self.pushed[AIC]}, aiv0 popped {self.popped[0]}, "
                    f"aiv1 popped {self.popped[1]}")
        return (f"aiv0 pushed {self.pushed[0]}, aiv1 pushed {self.pushed[1]}, "
                f"aic popped {self.popped[AIC]}")


def _halves(tile: np.ndarray) -> list:
    rows = tile.shape[-2]
    return [tile[..., : rows // 2, :], tile[..., rows // 2:, :]]
