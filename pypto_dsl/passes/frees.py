"""TFREE placement: release each popped tile right after its last use.

After this pass every `let x = tpop p` is followed, in the same statement list, by a `Free(p)`
placed after the last statement that reads x (or right after the pop when nothing reads it).
The simulator releases a slot only on TFREE and the NPU ignores it, so this is what makes the
generated code portable (facts sheet, section 10). Runs before pipelining, so that stages keep
their frees.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from .rewrite import reads


def insert_frees(kernel: ir.Kernel) -> ir.Kernel:
    return replace(kernel, aic=_stmts(kernel.aic), aiv=_stmts(kernel.aiv))


def _stmts(stmts: tuple) -> tuple:
    return _with_frees([tuple(_nested(s) for s in stmts)])[0]


def _with_frees(bodies: list) -> list:
    """`bodies`, statement lists that run in order in one scope, with a Free after the last
    read of each popped tile (right after the pop when nothing reads it)."""
    flat = [(k, i, stmt) for k, body in enumerate(bodies) for i, stmt in enumerate(body)]
    frees_after: dict[tuple, list] = {}
    for n, (_, _, stmt) in enumerate(flat):
        if isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.TPop):
            last = max((m for m in range(n + 1, len(flat)) if stmt.name in reads((flat[m][2],))),
                       default=n)
            frees_after.setdefault(flat[last][:2], []).append(
                ir.Free(stmt.value.pipe, stmt.value.span))
    out: list = [[] for _ in bodies]
    for k, i, stmt in flat:
        out[k].append(stmt)
        out[k].extend(frees_after.get((k, i), ()))
    return [tuple(body) for body in out]


def _nested(stmt: ir.Stmt) -> ir.Stmt:
    if isinstance(stmt, ir.For):
        return replace(stmt, body=_stmts(stmt.body))
    if isinstance(stmt, ir.PipelinedFor):
        # Stages share one scope: a tile popped in one stage may be last read in a later one.
        bodies = _with_frees([tuple(_nested(s) for s in stage.body) for stage in stmt.stages])
        return replace(stmt, stages=tuple(replace(stage, body=body)
                                          for stage, body in zip(stmt.stages, bodies)))
    if isinstance(stmt, ir.If):
        return replace(stmt, then=_stmts(stmt.then), orelse=_stmts(stmt.orelse))
    if isinstance(stmt, ir.Dispatch):
        return replace(stmt, cases=tuple(replace(c, body=_stmts(c.body)) for c in stmt.cases))
    return stmt
