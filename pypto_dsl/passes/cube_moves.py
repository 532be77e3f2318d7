"""Explicit cube data movement: L1 -> L0A / L0B before every matmul.

After this pass every `matmul(a, b)` and `matmul_acc(c, a, b)` on the AIC reads its A operand
from a `let pdsl_left_N = move_left(a)` and its B operand from a `let pdsl_right_N =
move_right(b)` placed right before it (three-address form kept). `a` and `b` are L1 tiles (a
load or a tpop); the moves are what the code generator emits as TMOV Mat -> Left / Right on the
MTE1 pipe. Copies of one source statement made by pipelining (prologue, steady state, epilogue)
reuse one name, so each operand site has one L0 tile. A matmul operand that is itself a matmul
result (L0C) cannot be moved on a2a3 (no Acc -> Left/Right path) and is reported at its use.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..diagnostics import ErrorSink
from ..walk import Rewriter
from .shown import shown

MATMULS = ("matmul", "matmul_acc")


def expand_cube_moves(kernel: ir.Kernel) -> ir.Kernel:
    rewriter = _Moves()
    aic = rewriter.stmts(kernel.aic)
    rewriter.sink.raise_if_any()
    return replace(kernel, aic=aic)


class _Moves(Rewriter):
    """`defs` maps each tile name bound so far on the path to its value (scoped per block)."""

    def __init__(self):
        self.sink = ErrorSink()
        self.names: dict = {}  # (side, operand name, span) -> temporary, in order of appearance
        self.defs: dict = {}

    def stmts(self, stmts: tuple) -> tuple:
        outer = self.defs
        self.defs = dict(outer)
        try:
            return super().stmts(stmts)
        finally:
            self.defs = outer

    def record(self, record):
        if isinstance(record, ir.DispatchCase):
            self.defs = {}
        return super().record(record)

    def rewrite_Let(self, stmt):
        if not _is_matmul(stmt.value):
            self.defs[stmt.name] = stmt.value
            return stmt
        moves = self._moves(stmt)
        self.defs[stmt.name] = stmt.value
        return tuple(moves) + (replace(stmt, value=self._renamed(stmt.value)),)

    rewrite_Assign = rewrite_Let

    def _moves(self, stmt) -> list:
        out = []
        for side, operand in _operands(stmt.value):
            if _is_matmul(self.defs.get(operand.name)):
                self.sink.error(operand.span, f"{shown(operand.name, operand.span)} is a matmul "
                                "result (in L0C): a2a3 has no path from L0C to L0A/L0B; store "
                                "it and load it again")
                continue
            # The moves carry the matmul's position: they are part of that source statement.
            span = stmt.value.span
            value = ir.TileOp(f"move_{side}", (operand,), (), span, operand.type)
            out.append(ir.Let(self._name(side, operand), value, False, span))
        return out

    def _renamed(self, op: ir.TileOp) -> ir.TileOp:
        args = list(op.args)
        for index, (side, operand) in zip((-2, -1), _operands(op)):
            args[index] = replace(operand, name=self._name(side, operand))
        return replace(op, args=tuple(args))

    def _name(self, side: str, operand: ir.Name) -> str:
        key = (side, operand.name, operand.span)
        if key not in self.names:
            self.names[key] = f"pdsl_{side}_{len(self.names)}"
        return self.names[key]


def _is_matmul(expr) -> bool:
    return isinstance(expr, ir.TileOp) and expr.op in MATMULS


def _operands(op: ir.TileOp) -> tuple:
    """(side, operand) of the A and B operands: the last two arguments."""
    return (("left", op.args[-2]), ("right", op.args[-1]))
