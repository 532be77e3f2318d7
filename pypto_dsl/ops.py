"""The op table: every tile operation declared once.

The checker reads it for operand kinds, core and result type; the interpreter (interpreter/ops.py)
has one numpy line per entry; the code generator has one template macro per entry
(templates/ops.cpp.j2) and reads the hardware pipe from here for sync insertion. A test checks
that the three agree.

Operand kinds: "tile" (any tile), "row" (a [rows, 1] per-row tile), "scalar" (a scalar
expression), "type" (a tile type literal). Result rules are functions of the operand types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import ir

AIC, AIV = "aic", "aiv"


@dataclass(frozen=True)
class OpSpec:
    name: str
    core: str  # the core whose hardware runs it
    pipe: str  # the hardware pipe it issues on (MTE2, MTE1, M, FIX, V, MTE3, S)
    operands: tuple  # operand kinds, in order
    result: Callable  # (operand types, attrs) -> ir.TileType
    doc: str


def _same(types, attrs):
    return types[0]


def _rowreduce(types, attrs):
    tile = types[0]
    return ir.TileType(tile.dtype, (tile.shape[0], ir.Const(1)))


def _matmul(types, attrs):
    a, b = types[-2], types[-1]
    return ir.TileType("f32", (a.shape[0], b.shape[1]))


def _cast(types, attrs):
    return ir.TileType(dict(attrs)["dtype"], types[0].shape)


def _fill(types, attrs):
    return dict(attrs)["type"]


def _spec(name, core, pipe, operands, result, doc):
    return name, OpSpec(name, core, pipe, operands, result, doc)


OPS: dict[str, OpSpec] = dict(
    [
        # cube data movement, made explicit by lowering: L1 -> L0A (left) / L0B (right)
        _spec("move_left", AIC, "MTE1", ("tile",), _same, "copy to L0A for matmul's A"),
        _spec("move_right", AIC, "MTE1", ("tile",), _same, "copy to L0B for matmul's B"),
        _spec("matmul", AIC, "M", ("tile", "tile"), _matmul, "C = A @ B, f32 accumulation"),
        _spec("matmul_acc", AIC, "M", ("tile", "tile", "tile"), _matmul, "C = C + A @ B"),
        # element-wise, both operands of one shape
        _spec("add", AIV, "V", ("tile", "tile"), _same, "a + b"),
        _spec("sub", AIV, "V", ("tile", "tile"), _same, "a - b"),
        _spec("mul", AIV, "V", ("tile", "tile"), _same, "a * b"),
        _spec("div", AIV, "V", ("tile", "tile"), _same, "a / b"),
        _spec("max", AIV, "V", ("tile", "tile"), _same, "max(a, b)"),
        _spec("min", AIV, "V", ("tile", "tile"), _same, "min(a, b)"),
        # row broadcast: [rows, cols] op [rows, 1]
        _spec("row_add", AIV, "V", ("tile", "row"), _same, "a + b per row"),
        _spec("row_sub", AIV, "V", ("tile", "row"), _same, "a - b per row"),
        _spec("row_mul", AIV, "V", ("tile", "row"), _same, "a * b per row"),
        _spec("row_div", AIV, "V", ("tile", "row"), _same, "a / b per row"),
        # tile op scalar
        _spec("adds", AIV, "V", ("tile", "scalar"), _same, "a + s"),
        _spec("muls", AIV, "V", ("tile", "scalar"), _same, "a * s"),
        _spec("divs", AIV, "V", ("tile", "scalar"), _same, "a / s"),
        _spec("maxs", AIV, "V", ("tile", "scalar"), _same, "max(a, s)"),
        _spec("mins", AIV, "V", ("tile", "scalar"), _same, "min(a, s)"),
        # unary and reductions
        _spec("exp", AIV, "V", ("tile",), _same, "e ** a"),
        _spec("cast", AIV, "V", ("tile",), _cast, "convert to attrs dtype with attrs round"),
        _spec("rowmax", AIV, "V", ("tile",), _rowreduce, "max over each row"),
        _spec("rowsum", AIV, "V", ("tile",), _rowreduce, "sum over each row"),
        _spec("fill", AIV, "V", ("type", "scalar"), _fill, "a tile of one value"),
        _spec("pad_cols", AIV, "V", ("tile", "scalar", "scalar"), _same,
              "columns at and past `valid` set to `value`"),
    ]
)

# The written forms that resolve to table entries.
ELEMENTWISE = {"+": "add", "-": "sub", "*": "mul", "/": "div", "max": "max", "min": "min"}
ROW_BROADCAST = {"add": "row_add", "sub": "row_sub", "mul": "row_mul", "div": "row_div"}
WITH_SCALAR = {"add": "adds", "mul": "muls", "div": "divs", "max": "maxs", "min": "mins"}
COMMUTATIVE = {"add", "mul", "max", "min"}
TILE_FUNCTIONS = {"matmul", "matmul_acc", "exp", "rowmax", "rowsum", "fill", "pad_cols"}
SCALAR_FUNCTIONS = {"ceil_div": 2, "min": 2, "max": 2}
ROUNDING_MODES = ("rint", "round", "floor", "ceil", "trunc")

# Data movement is not a TileOp node, but it has a hardware pipe: a load or tpop is MTE2 (GM to
# L1 or UB); a store or tpush by the buffer it reads (L0C through the fixpipe, else MTE3).
LOAD_PIPE = "MTE2"
STORE_PIPE = {"L0C": "FIX", "L1": "MTE3", "UB": "MTE3"}
