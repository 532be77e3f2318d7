"""Rewrites several passes share: substituting values for names (types included), renaming
reads, and the names a statement list reads and defines. All of them walk the IR with walk.py.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir, walk
from ..walk import Rewriter
from ..symbolic import substitute


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

    return walk.map_exprs(stmts, fn)


def fold(expr: ir.Expr) -> ir.Expr:
    """An integer or boolean BinOp, scalar builtin call or negation of constants, as one
    constant (so a specialisation's `if q_tile == 64` becomes a constant condition); an
    integer `(x - 1) + 1` as `x`, and a comparison of an integer expression with itself as its
    constant result (so a pipelined copy of `if j + 1 < n` at j = n - 1 is `false`)."""
    expr = _fold_offsets(expr)
    if isinstance(expr, (ir.BinOp, ir.Call, ir.UnaryOp)) and expr.type in (ir.I64, ir.BOOL):
        folded = substitute(expr, {})
        if isinstance(folded, ir.Const):
            return replace(folded, type=expr.type)
        if (isinstance(expr, ir.UnaryOp) and expr.op == "!"
                and isinstance(expr.operand, ir.Const)):
            return ir.Const(not expr.operand.value, expr.span, ir.BOOL)
    return expr


_SELF = {"<": False, ">": False, "!=": False, "<=": True, ">=": True, "==": True}


def _fold_offsets(expr: ir.Expr) -> ir.Expr:
    if not isinstance(expr, ir.BinOp):
        return expr
    if expr.op in _SELF and expr.lhs == expr.rhs and expr.lhs.type == ir.I64:
        return ir.Const(_SELF[expr.op], expr.span, ir.BOOL)
    if expr.type != ir.I64 or expr.op not in "+-" or not _int_const(expr.rhs):
        return expr
    base, offset = _offset(expr.lhs)
    if base is expr.lhs:
        return expr
    total = offset + (expr.rhs.value if expr.op == "+" else -expr.rhs.value)
    if total == 0:
        return base
    return ir.BinOp("+" if total > 0 else "-", base, ir.Const(abs(total), expr.span, ir.I64),
                    expr.span, ir.I64)


def _offset(expr: ir.Expr) -> tuple:
    """(x, c) when `expr` is the integer `x + c` or `x - c`; else (expr, 0)."""
    if (isinstance(expr, ir.BinOp) and expr.type == ir.I64 and expr.op in "+-"
            and _int_const(expr.rhs)):
        return expr.lhs, expr.rhs.value if expr.op == "+" else -expr.rhs.value
    return expr, 0


def _int_const(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Const) and isinstance(expr.value, int) \
        and not isinstance(expr.value, bool)


class ConstantBranches(Rewriter):
    """An `if` whose condition is a constant is the branch it takes."""

    def rewrite_If(self, stmt: ir.If):
        body = self.generic_stmt(stmt)
        if isinstance(body.cond, ir.Const):
            return body.then if body.cond.value else body.orelse
        return body


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

    return walk.map_exprs(stmts, fn)


def reads(stmts: tuple) -> set:
    """Every name read anywhere in `stmts`."""
    return {e.name for e in walk.exprs_in(stmts) if isinstance(e, ir.Name)}


def defines(stmts: tuple) -> list:
    """Names bound by Let or Assign anywhere in `stmts`, in order (with repeats)."""
    return [s.name for s in walk.walk_stmts(stmts) if isinstance(s, (ir.Let, ir.Assign))]
