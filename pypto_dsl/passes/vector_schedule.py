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
from .liveness import depends, is_vector


def schedule_vector_ops(kernel: ir.Kernel) -> ir.Kernel:
    return replace(kernel, aic=_stmts(kernel.aic), aiv=_stmts(kernel.aiv))


def _stmts(stmts: tuple) -> tuple:
    out: list = []
    run: list = []
    for stmt in stmts:
        if is_vector(stmt):
            run.append(stmt)
            continue
        out.extend(_levels(run))
        run = []
        out.append(_nested(stmt))
    out.extend(_levels(run))
    return tuple(out)


def _nested(stmt: ir.Stmt) -> ir.Stmt:
    if isinstance(stmt, ir.For):
        return replace(stmt, body=_stmts(stmt.body))
    if isinstance(stmt, ir.If):
        return replace(stmt, then=_stmts(stmt.then), orelse=_stmts(stmt.orelse))
    if isinstance(stmt, ir.Dispatch):
        return replace(stmt, cases=tuple(replace(c, body=_stmts(c.body)) for c in stmt.cases))
    return stmt


def _levels(run: list) -> list:
    level: list = []
    for j, stmt in enumerate(run):
        deps = [level[i] for i in range(j) if depends(run[i], stmt)]
        level.append(1 + max(deps, default=-1))
    order = sorted(range(len(run)), key=lambda j: (level[j], j))
    return [run[j] for j in order]
