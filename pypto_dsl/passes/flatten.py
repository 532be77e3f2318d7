"""Three-address form: one tile operation per statement.

After this pass every tile-valued expression (Load, TPop, TileOp) is the whole value of a `Let`
or an `Assign`, and the tile operands of tile operations, tpush and store are names. Temporaries
are named `pdsl_t<N>` in order of appearance, so the output is deterministic. A `var` bound to a
popped tile gets its own bytes: `var s = tpop p` becomes `let pdsl_tN = tpop p; var s = pdsl_tN`
(a copy), since a var may be updated and a pipe's slot is the pipe's. Scalar expressions stay
as they are: they become C++ expressions.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import count

from .. import ir
from ..walk import Rewriter

TILE_EXPRS = (ir.Load, ir.TPop, ir.TileOp)


def flatten(kernel: ir.Kernel) -> ir.Kernel:
    rewriter = _Flatten()
    return replace(kernel, aic=rewriter.stmts(kernel.aic), aiv=rewriter.stmts(kernel.aiv))


class _Flatten(Rewriter):
    def __init__(self):
        self.counter = count()

    def rewrite_Let(self, stmt: ir.Let):
        if stmt.mutable and isinstance(stmt.value, ir.TPop):
            return self._with(stmt, self._named)
        return self._with(stmt, self._operands_named)

    def rewrite_Assign(self, stmt: ir.Assign):
        return self._with(stmt, self._operands_named)

    def rewrite_TPush(self, stmt: ir.TPush):
        return self._with(stmt, self._named)

    rewrite_Store = rewrite_TPush

    def _with(self, stmt: ir.Stmt, name_parts) -> tuple:
        """The temporaries `name_parts` binds for the statement's value, then the statement."""
        pre: list = []
        value = name_parts(stmt.value, pre)
        return tuple(pre) + (replace(stmt, value=value),)

    def _operands_named(self, expr: ir.Expr, pre: list) -> ir.Expr:
        """`expr` with each tile operand replaced by a name bound in `pre`."""
        if isinstance(expr, ir.TileOp):
            args = tuple(self._named(a, pre) if isinstance(getattr(a, "type", None), ir.TileType)
                         else a for a in expr.args)
            return replace(expr, args=args)
        return expr

    def _named(self, expr: ir.Expr, pre: list) -> ir.Expr:
        """A Name for the tile value of `expr`, binding a temporary in `pre` when needed."""
        if not isinstance(expr, TILE_EXPRS):
            return expr
        value = self._operands_named(expr, pre)
        name = f"pdsl_t{next(self.counter)}"
        pre.append(ir.Let(name, value, False, expr.span))
        return ir.Name(name, expr.span, expr.type)
