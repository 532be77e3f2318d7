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

MATMULS = ("matmul", "matmul_acc")


def expand_cube_moves(kernel: ir.Kernel) -> ir.Kernel:
    sink = ErrorSink()
    names: dict = {}  # (side, operand name, span) -> temporary name, in order of appearance
    aic = tuple(_stmt(s, names, {}, sink) for s in kernel.aic)
    sink.raise_if_any()
    return replace(kernel, aic=aic)


def _stmts(stmts: tuple, names: dict, defs: dict, sink: ErrorSink) -> tuple:
    out: list = []
    for stmt in stmts:
        out.extend(_moves(stmt, names, defs, sink))
        out.append(_stmt(stmt, names, defs, sink))
        if isinstance(stmt, (ir.Let, ir.Assign)):
            defs[stmt.name] = stmt.value
    return tuple(out)


def _stmt(stmt: ir.Stmt, names: dict, defs: dict, sink: ErrorSink) -> ir.Stmt:
    if isinstance(stmt, (ir.Let, ir.Assign)) and _is_matmul(stmt.value):
        return replace(stmt, value=_renamed_operands(stmt.value, names))
    if isinstance(stmt, ir.For):
        return replace(stmt, body=_stmts(stmt.body, names, dict(defs), sink))
    if isinstance(stmt, ir.If):
        return replace(stmt, then=_stmts(stmt.then, names, dict(defs), sink),
                       orelse=_stmts(stmt.orelse, names, dict(defs), sink))
    if isinstance(stmt, ir.Dispatch):
        cases = tuple(replace(c, body=_stmts(c.body, names, {}, sink)) for c in stmt.cases)
        return replace(stmt, cases=cases)
    return stmt


def _is_matmul(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.TileOp) and expr.op in MATMULS


def _operands(op: ir.TileOp) -> tuple:
    """(side, operand) of the A and B operands: the last two arguments."""
    return (("left", op.args[-2]), ("right", op.args[-1]))


def _moves(stmt: ir.Stmt, names: dict, defs: dict, sink: ErrorSink) -> list:
    if not (isinstance(stmt, (ir.Let, ir.Assign)) and _is_matmul(stmt.value)):
        return []
    out = []
    for side, operand in _operands(stmt.value):
        source = defs.get(operand.name)
        if _is_matmul(source):
            sink.error(operand.span, f"'{operand.name}' is a matmul result (in L0C): a2a3 has no "
                       f"path from L0C to L0A/L0B; store it and load it again")
            continue
        # The moves carry the matmul's position: they are part of that source statement.
        span = stmt.value.span
        value = ir.TileOp(f"move_{side}", (operand,), (), span, operand.type)
        out.append(ir.Let(_name(side, operand, names), value, False, span))
    return out


def _renamed_operands(op: ir.TileOp, names: dict) -> ir.TileOp:
    args = list(op.args)
    for index, (side, operand) in zip((-2, -1), _operands(op)):
        args[index] = replace(operand, name=_name(side, operand, names))
    return replace(op, args=tuple(args))


def _name(side: str, operand: ir.Name, names: dict) -> str:
    key = (side, operand.name, operand.span)
    if key not in names:
        names[key] = f"pdsl_{side}_{len(names)}"
    return names[key]
