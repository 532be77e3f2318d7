"""What an op-table entry holds (OpSpec) and the operand kinds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

AIC, AIV = "aic", "aiv"

# Operand kinds: a tile of any shape, a per-row [rows, 1] tile, a per-column [1, cols] tile,
# a scalar, an integer scalar, the constant 0, a scalar known at compile time (a template
# argument of the instruction), a tile type literal (not an operand at run time).
TILE, ROW, COL, SCALAR, INT, ZERO, CONST, TYPE = ("tile", "row", "col", "scalar", "int", "zero",
                                                  "const", "type")


@dataclass(frozen=True)
class OpSpec:
    name: str
    core: str  # aic | aiv
    pipe: str  # MTE1 | MTE2 | M | V | S
    operands: tuple  # kinds, in order
    rule: Callable  # (operand types, attrs) -> ir.TileType | str (what is wrong)
    semantics: Callable  # (xp, *operands, **attrs) -> array
    emit: str  # argument rule of its template macro (codegen/body.py `_emit_<emit>`)
    doc: str
    written: tuple = ()  # the operators or function names an author writes it as
    form: str = "call"  # tile | row | col | scalar | call
    dtypes: tuple = ()  # element types its first tile operand may have (empty: any)
    writes: str = "UB"  # the buffer its result lives in (cube ops)
    layout: str = "vec"  # the result's pto-isa layout (cube ops; see codegen/tiles.py)
    cost: str = ""  # key of the platform's cost table
    commutative: bool = False
    in_place: bool = True  # may its result be written over its first operand's bytes
    scratch: str = ""  # "operand": a tmp tile of the first operand's type; "select": TSEL's
    alias: bool = False  # the result is the first operand's bytes seen as another type
    expand: Callable | None = None  # (builder, *operands, **attrs): made of other ops

    @property
    def arity(self) -> int:
        """Operands at run time (a type literal is not one)."""
        return sum(1 for kind in self.operands if kind != TYPE)

    @property
    def operand_kinds(self) -> tuple:
        return tuple(kind for kind in self.operands if kind != TYPE)
