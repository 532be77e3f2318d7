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
    stmts = tuple(_nested(s) for s in stmts)
    frees_after: dict[int, list] = {}
    for index, stmt in enumerate(stmts):
        if isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.TPop):
            last = max((i for i in range(index + 1, len(stmts)) if stmt.name in reads((stmts[i],))),
                       default=index)
            frees_after.setdefault(last, []).append(ir.Free(stmt.value.pipe, stmt.value.span))
    out: list = []
    for index, stmt in enumerate(stmts):
        out.append(stmt)
        out.extend(frees_after.get(index, ()))
    return tuple(out)


def _nested(stmt: ir.Stmt) -> ir.Stmt:
    if isinstance(stmt, ir.For):
        return replace(stmt, body=_stmts(stmt.body))
    if isinstance(stmt, ir.PipelinedFor):
        return _pipelined(stmt)
    if isinstance(stmt, ir.If):
        return replace(stmt, then=_stmts(stmt.then), orelse=_stmts(stmt.orelse))
    if isinstance(stmt, ir.Dispatch):
        return replace(stmt, cases=tuple(replace(c, body=_stmts(c.body)) for c in stmt.cases))
    return stmt


def _pipelined(loop: ir.PipelinedFor) -> ir.PipelinedFor:
    """Stages share one scope: a tile popped in one stage may be last read in a later one."""
    bodies = [_stmts(s.body) for s in loop.stages]
    stages = []
    for k, stage in enumerate(loop.stages):
        body = list(bodies[k])
        later = [s for b in bodies[k + 1:] for s in b]
        for stmt in bodies[k]:
            if isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.TPop) and stmt.name in reads(
                    tuple(later)):
                body = [s for s in body if not (isinstance(s, ir.Free) and s.span == stmt.value.span)]
        stages.append(replace(stage, body=tuple(body)))
    # A tile popped in stage k and read in stage k' > k is freed after its last read there.
    for k, stage in enumerate(loop.stages):
        for stmt in bodies[k]:
            if not (isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.TPop)):
                continue
            users = [k2 for k2 in range(k + 1, len(stages)) if stmt.name in reads(bodies[k2])]
            if users:
                k2 = users[-1]
                body = list(stages[k2].body)
                last = max(i for i, s in enumerate(body) if stmt.name in reads((s,)))
                body.insert(last + 1, ir.Free(stmt.value.pipe, stmt.value.span))
                stages[k2] = replace(stages[k2], body=tuple(body))
    return replace(loop, stages=tuple(stages))
