"""Three-address form: one tile operation per statement.

After this pass every tile-valued expression (Load, TPop, TileOp) is the whole value of a `Let`
or an `Assign`, and the tile operands of tile operations, tpush and store are names. Temporaries
are named `pdsl_t<N>` in order of appearance, so the output is deterministic. Scalar expressions
stay as they are: they become C++ expressions.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir

TILE_EXPRS = (ir.Load, ir.TPop, ir.TileOp)


def flatten(kernel: ir.Kernel) -> ir.Kernel:
    counter = iter(range(1 << 30))
    return replace(kernel, aic=_stmts(kernel.aic, counter), aiv=_stmts(kernel.aiv, counter))


def _stmts(stmts: tuple, counter) -> tuple:
    out: list = []
    for stmt in stmts:
        out.extend(_stmt(stmt, counter))
    return tuple(out)


def _stmt(stmt: ir.Stmt, counter) -> list:
    pre: list = []
    if isinstance(stmt, (ir.Let, ir.Assign)):
        value = _operands_named(stmt.value, pre, counter)
        return pre + [replace(stmt, value=value)]
    if isinstance(stmt, (ir.TPush, ir.Store)):
        value = _named(stmt.value, pre, counter)
        return pre + [replace(stmt, value=value)]
    if isinstance(stmt, ir.For):
        return [replace(stmt, body=_stmts(stmt.body, counter))]
    if isinstance(stmt, ir.PipelinedFor):
        stages = tuple(replace(s, body=_stmts(s.body, counter)) for s in stmt.stages)
        return [replace(stmt, stages=stages)]
    if isinstance(stmt, ir.If):
        return [replace(stmt, then=_stmts(stmt.then, counter), orelse=_stmts(stmt.orelse, counter))]
    if isinstance(stmt, ir.Dispatch):
        cases = tuple(replace(c, body=_stmts(c.body, counter)) for c in stmt.cases)
        return [replace(stmt, cases=cases)]
    return [stmt]


def _operands_named(expr: ir.Expr, pre: list, counter) -> ir.Expr:
    """`expr` with each tile operand replaced by a name bound in `pre`."""
    if isinstance(expr, ir.TileOp):
        args = tuple(_named(a, pre, counter) if isinstance(getattr(a, "type", None), ir.TileType)
                     else a for a in expr.args)
        return replace(expr, args=args)
    return expr


def _named(expr: ir.Expr, pre: list, counter) -> ir.Expr:
    """A Name for the tile value of `expr`, binding a temporary in `pre` when needed."""
    if not isinstance(expr, TILE_EXPRS):
        return expr
    value = _operands_named(expr, pre, counter)
    name = f"pdsl_t{next(counter)}"
    pre.append(ir.Let(name, value, False, expr.span))
    return ir.Name(name, expr.span, expr.type)
