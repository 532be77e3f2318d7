"""Software pipelining of `pipelined for` loops with two stages.

After this pass no `PipelinedFor` remains. A loop `pipelined for j in a .. b { stage s0 {..}
stage s1 {..} }` becomes

    if b > a {
        s0[j = a]                                  // prologue
        for j in a + 1 .. b {                      // steady state
            let pdsl_prev_v = v   (for each v that s0 defines and s1 reads)
            s0[j]
            s1[j = j - 1, v -> pdsl_prev_v]
        }
        s1[j = b - 1]                              // epilogue
    }

so the first stage of iteration j+1 runs before the second stage of iteration j (QK-first on the
cube, softmax-first on the vector cores). Values that cross from s0 to s1 are versioned by the
`pdsl_prev_` copies; the author never writes them. The order is only legal when no `var` is
updated in s1 and read in s0, or updated in both stages: such a loop is rejected with the
location of the offending update. A one-stage loop becomes a plain `for`.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..diagnostics import ErrorSink
from .rewrite import defines, reads, rename, substitute_names

PREV = "pdsl_prev_"


def pipeline(kernel: ir.Kernel) -> ir.Kernel:
    sink = ErrorSink()
    lowered = replace(kernel, aic=_stmts(kernel.aic, sink), aiv=_stmts(kernel.aiv, sink))
    sink.raise_if_any()
    return lowered


def _stmts(stmts: tuple, sink: ErrorSink) -> tuple:
    out: list = []
    for stmt in stmts:
        if isinstance(stmt, ir.PipelinedFor):
            out.extend(_pipelined(stmt, sink))
        elif isinstance(stmt, ir.For):
            out.append(replace(stmt, body=_stmts(stmt.body, sink)))
        elif isinstance(stmt, ir.If):
            out.append(replace(stmt, then=_stmts(stmt.then, sink), orelse=_stmts(stmt.orelse, sink)))
        elif isinstance(stmt, ir.Dispatch):
            out.append(replace(stmt, cases=tuple(replace(c, body=_stmts(c.body, sink))
                                                 for c in stmt.cases)))
        else:
            out.append(stmt)
    return tuple(out)


def _pipelined(loop: ir.PipelinedFor, sink: ErrorSink) -> list:
    stages = [replace(s, body=_stmts(s.body, sink)) for s in loop.stages]
    if len(stages) == 1:
        return [ir.For(loop.var, loop.start, loop.stop, stages[0].body, loop.span)]
    if len(stages) > 2:
        sink.error(stages[2].span, "pipelined loops with more than two stages are not "
                   "supported yet: merge the later stages")
        return []
    first, second = stages
    if not _legal(first, second, sink):
        return []
    crossing = sorted(set(defines(first.body)) & reads(second.body))
    var = loop.var
    prev = {name: PREV + name for name in crossing}
    copies = tuple(ir.Let(PREV + name, _read(name, first.body), False, first.span)
                   for name in crossing)
    minus_one = ir.BinOp("-", ir.Name(var, loop.span, ir.I64), ir.Const(1, loop.span, ir.I64),
                         loop.span, ir.I64)
    last = ir.BinOp("-", loop.stop, ir.Const(1, loop.span, ir.I64), loop.span, ir.I64)
    after_start = ir.BinOp("+", loop.start, ir.Const(1, loop.span, ir.I64), loop.span, ir.I64)
    prologue = substitute_names(first.body, {var: loop.start})
    steady_second = substitute_names(rename(second.body, prev), {var: minus_one})
    steady = ir.For(var, after_start, loop.stop, copies + first.body + steady_second, loop.span)
    epilogue = substitute_names(second.body, {var: last})
    guard = ir.BinOp(">", loop.stop, loop.start, loop.span, ir.BOOL)
    return [ir.If(guard, prologue + (steady,) + epilogue, (), loop.span)]


def _legal(first: ir.Stage, second: ir.Stage, sink: ErrorSink) -> bool:
    ok = True
    first_reads, first_sets = reads(first.body), _assigned(first.body)
    for stmt in ir.walk_stmts(second.body):
        if not isinstance(stmt, ir.Assign):
            continue
        if stmt.name in first_reads:
            sink.error(stmt.span, f"'{stmt.name}' is updated in stage '{second.name}' and read "
                       f"in the earlier stage '{first.name}': pipelined, '{first.name}' of "
                       f"iteration j+1 runs before '{second.name}' of iteration j; update it in "
                       f"'{first.name}' instead")
            ok = False
        elif stmt.name in first_sets:
            sink.error(stmt.span, f"'{stmt.name}' is updated in both stages '{first.name}' and "
                       f"'{second.name}' of a pipelined loop")
            ok = False
    return ok


def _assigned(stmts: tuple) -> set:
    return {s.name for s in ir.walk_stmts(stmts) if isinstance(s, ir.Assign)}


def _read(name: str, body: tuple) -> ir.Name:
    """A typed read of `name`, taking the type from its definition in `body`."""
    for stmt in ir.walk_stmts(body):
        if isinstance(stmt, (ir.Let, ir.Assign)) and stmt.name == name:
            return ir.Name(name, stmt.span, stmt.value.type)
    raise KeyError(name)

