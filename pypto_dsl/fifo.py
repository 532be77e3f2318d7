"""The rules of a pipe's bounded FIFO, counted: who may push or pop next.

One pipe of one cluster (1 AIC + 2 AIV lanes) is a FIFO of `depth` slots in GM. Each side
counts the tiles it moved: `pushed[side]` and `popped[side]`, where a side is "aic", 0 (lane
AIV0) or 1 (lane AIV1). Tile k of a pipe lives in slot k % depth.

* aic -> aiv (C2V). The AIC pushes whole tiles. It may push tile k once both lanes have popped
  tile k - depth: a slot is free only when both lanes have popped it.
* aiv -> aic (V2C). Each lane pushes its part of tile k once the AIC has popped tile
  k - depth; the AIC's pop of tile k completes once both lanes' parts are there.

The interpreter's FIFOs (interpreter/pipes.py) move data under these rules; the schedule
analysis (passes/schedule.py) moves nothing but counts, to find deadlocks and the cross-core
order of a kernel's pushes and pops.
"""

from __future__ import annotations

AIC = "aic"
SIDES = (AIC, 0, 1)


class FifoState:
    def __init__(self, depth: int, c2v: bool):
        self.depth = depth
        self.c2v = c2v
        self.pushed = {AIC: 0, 0: 0, 1: 0}
        self.popped = {AIC: 0, 0: 0, 1: 0}

    def can_push(self, side) -> bool:
        if self.c2v:
            return self.pushed[AIC] - min(self.popped[0], self.popped[1]) < self.depth
        return self.pushed[side] - self.popped[AIC] < self.depth

    def can_pop(self, side) -> bool:
        if self.c2v:
            return self.popped[side] < self.pushed[AIC]
        return self.popped[AIC] < min(self.pushed[0], self.pushed[1])

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
