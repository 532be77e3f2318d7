"""A pipe of one cluster with its data: the counting rules of fifo.py, plus the tiles.

Tiles carry the batch axis first: one FIFO serves a batch of clusters in lock-step, all
members moving tile k together. With `split rows` lane 0 pops rows [0, R/2) and lane 1 rows
[R/2, R); with `split none` both lanes pop the whole tile. A V2C tile is assembled from both
lanes' parts. Popping releases the slot (TFREE has no further effect). The interpreter never
copies a tile into the FIFO; halves are views of the pushed value.
"""

from __future__ import annotations

import numpy as np

from .. import ir
from ..fifo import AIC, FifoState


class Fifo(FifoState):
    def __init__(self, decl: ir.PipeDecl):
        super().__init__(decl.depth, decl.src == AIC)
        self.decl = decl
        self.items: dict[int, list] = {}  # tile number -> [lane 0 part, lane 1 part]

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


def _halves(tile: np.ndarray) -> list:
    rows = tile.shape[-2]
    return [tile[..., : rows // 2, :], tile[..., rows // 2:, :]]
