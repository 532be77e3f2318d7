"""Generic IR rewriting: rebuild statements and expressions bottom-up with new nodes.

A rewriter returns the node itself when nothing changed, so unchanged subtrees are shared.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .. import ir
from ..symbolic import substitute


def map_expr(expr: ir.Expr, fn: Callable[[ir.Expr], ir.Expr]) -> ir.Expr:
    """Apply `fn` to every sub-expression, children first."""
    if isinstance(expr, ir.BinOp):
        lhs, rhs = map_expr(expr.lhs, fn), map_expr(expr.rhs, fn)
        if lhs is not expr.lhs or rhs is not expr.rhs:
            expr = replace(expr, lhs=lhs, rhs=rhs)
    elif isinstance(expr, ir.UnaryOp):
        operand = map_expr(expr.operand, fn)
        if operand is not expr.operand:
            expr = replace(expr, operand=operand)
    elif isinstance(expr, ir.Select):
        parts = [map_expr(e, fn) for e in (expr.cond, expr.if_true, expr.if_false)]
        if any(a is not b for a, b in zip(parts, (expr.cond, expr.if_true, expr.if_false))):
            expr = replace(expr, cond=parts[0], if_true=parts[1], if_false=parts[2])
    elif isinstance(expr, (ir.Call, ir.TileOp)):
        args = tuple(map_expr(a, fn) if isinstance(a, ir.Expr) else a for a in expr.args)
        if any(a is not b for a, b in zip(args, expr.args)):
            expr = replace(expr, args=args)
    elif isinstance(expr, ir.Index):
        indices = tuple(map_expr(i, fn) for i in expr.indices)
        if any(a is not b for a, b in zip(indices, expr.indices)):
            expr = replace(expr, indices=indices)
    elif isinstance(expr, ir.Load):
        slices = map_slices(expr.slices, fn)
        if slices is not expr.slices:
            expr = replace(expr, slices=slices)
    return fn(expr)


def map_slices(slices: tuple, fn) -> tuple:
    out = tuple(replace(s, start=map_expr(s.start, fn),
                        size=map_expr(s.size, fn) if s.size is not None else None)
                for s in slices)
    same = all(a.start is b.start and a.size is b.size for a, b in zip(out, slices))
    return slices if same else out


def map_stmts(stmts: tuple, fn: Callable[[ir.Expr], ir.Expr]) -> tuple:
    """Apply `fn` to every expression of every statement, nested ones included."""
    return tuple(map_stmt(s, fn) for s in stmts)


def map_stmt(stmt: ir.Stmt, fn) -> ir.Stmt:
    if isinstance(stmt, (ir.Let, ir.Assign, ir.TPush)):
        return replace(stmt, value=map_expr(stmt.value, fn))
    if isinstance(stmt, ir.Store):
        return replace(stmt, slices=map_slices(stmt.slices, fn), value=map_expr(stmt.value, fn))
    if isinstance(stmt, ir.For):
        return replace(stmt, start=map_expr(stmt.start, fn), stop=map_expr(stmt.stop, fn),
                       body=map_stmts(stmt.body, fn))
    if isinstance(stmt, ir.PipelinedFor):
        stages = tuple(replace(s, body=map_stmts(s.body, fn)) for s in stmt.stages)
        return replace(stmt, start=map_expr(stmt.start, fn), stop=map_expr(stmt.stop, fn),
                       stages=stages)
    if isinstance(stmt, ir.If):
        return replace(stmt, cond=map_expr(stmt.cond, fn), then=map_stmts(stmt.then, fn),
                       orelse=map_stmts(stmt.orelse, fn))
    if isinstance(stmt, ir.Dispatch):
        cases = tuple(replace(c, body=map_stmts(c.body, fn)) for c in stmt.cases)
        return replace(stmt, cases=cases)
    return stmt


def substitute_names(stmts: tuple, values: dict) -> tuple:
    """Replace reads of the names in `values` (by expressions or ints), types included, and
    fold the integer arithmetic that becomes constant."""

    def fn(expr: ir.Expr) -> ir.Expr:
        if isinstance(expr, ir.Name) and expr.name in values:
            value = values[expr.name]
            if isinstance(value, ir.Expr):
                return value
            return ir.Const(value, expr.span, expr.type)
        return fold(retype(expr, values))

    return map_stmts(stmts, fn)


def fold(expr: ir.Expr) -> ir.Expr:
    """An integer BinOp or scalar builtin call of constants, as one constant."""
    if isinstance(expr, (ir.BinOp, ir.Call)) and expr.type == ir.I64:
        folded = substitute(expr, {})
        if isinstance(folded, ir.Const):
            return folded
    return expr


def retype(expr: ir.Expr, values: dict) -> ir.Expr:
    """`expr` with the symbols in `values` substituted in its tile type (and fill's type attr)."""
    changed = {}
    if isinstance(expr.type, ir.TileType):
        new_type = substitute_type(expr.type, values)
        if new_type != expr.type:
            changed["type"] = new_type
    if isinstance(expr, ir.TileOp) and expr.attr("type") is not None:
        attrs = tuple((k, substitute_type(v, values) if k == "type" else v) for k, v in expr.attrs)
        if attrs != expr.attrs:
            changed["attrs"] = attrs
    return replace(expr, **changed) if changed else expr


def substitute_type(tile: ir.TileType, values: dict) -> ir.TileType:
    ints = {k: v for k, v in values.items() if isinstance(v, int)}
    return ir.TileType(tile.dtype, tuple(substitute(d, ints) for d in tile.shape))


def rename(stmts: tuple, names: dict) -> tuple:
    """Rename reads of names (not definitions) according to `names`."""
    def fn(expr):
        if isinstance(expr, ir.Name) and expr.name in names:
            return replace(expr, name=names[expr.name])
        return expr

    return map_stmts(stmts, fn)


def reads(stmts: tuple) -> set:
    """Every name read anywhere in `stmts`."""
    out = set()
    for stmt in ir.walk_stmts(stmts):
        for expr in ir.stmt_exprs(stmt):
            out.update(e.name for e in ir.walk_expr(expr) if isinstance(e, ir.Name))
    return out


def defines(stmts: tuple) -> list:
    """Names bound by Let or Assign anywhere in `stmts`, in order (with repeats)."""
    return [s.name for s in ir.walk_stmts(stmts) if isinstance(s, (ir.Let, ir.Assign))]
