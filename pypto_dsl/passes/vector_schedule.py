"""Vector op scheduling: dependent vector ops as few barriers apart as possible.

After this pass every maximal run of consecutive vector statements (tile ops on the V pipe and
tile copies, see `liveness.is_vector`) is in ASAP order: each op sits in the earliest level
after every op of the run it depends on (it reads a name they write, or writes a name they read
or write), and the ops of one level keep their source order. The vector unit may overlap
independent ops, so pipe_barrier(PIPE_V) is needed only between levels: the sync pass then
places one barrier per level, as the hand-written kernel batches them. Every other statement
(tpop, tpush, store, free, scalar and alias lets, loops, ifs) stays where it is and ends a
run. Only independent ops change places, so every value is unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..walk import Rewriter
from .liveness import depends, is_vector


def schedule_vector_ops(kernel: ir.Kernel) -> ir.Kernel:
    rewriter = _Schedule()
    return replace(kernel, aic=rewriter.stmts(kernel.aic), aiv=rewriter.stmts(kernel.aiv))


class _Schedule(Rewriter):
    def stmts(self, stmts: tuple) -> tuple:
        out: list = []
        run: list = []
        for stmt in super().stmts(stmts):
            if is_vector(stmt):
                run.append(stmt)
                continue
            out.extend(_levels(run))
            run = []
            out.append(stmt)
        out.extend(_levels(run))
        return tuple(out)


def _levels(run: list) -> list:
    level: list = []
    for j, stmt in enumerate(run):
        deps = [level[i] for i in range(j) if depends(run[i], stmt)]
        level.append(1 + max(deps, default=-1))
    order = sorted(range(len(run)), key=lambda j: (level[j], j))
    return [run[j] for j in order]
