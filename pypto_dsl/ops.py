"""The op table: every tile operation declared once, with all there is to know about it.

An entry (`OpSpec`) holds, for one op:

- how it is written (`written`, `form`): the checker resolves `a + b` (form "tile", both of one
  shape), `a + row` ("row", a [rows, 1] operand broadcast along the row), `a + 2.0` ("scalar")
  and `exp(a)` ("call") to entries through `resolve`;
- its typing rule: the operand kinds (`operands`), the element types its first tile operand may
  have (`dtypes`), and `rule(types, attrs)`, the result type or a message saying what is wrong;
- where it runs and what it touches: the core, the hardware `pipe` it issues on, the buffer its
  result is written to (`writes`, and the result's pto-isa `layout`); the planner, the sync pass
  and the cost model read these;
- its numpy semantics for the interpreter: `semantics(xp, *operands, **attrs)`, where `xp` is
  `interpreter/numerics.py` (numpy plus the rounding helpers), passed in so that this table
  imports no numpy and `check`/`compile` do not pay for it;
- its C++ emission: `emit`, the argument rule codegen/forms.py applies to build the record of
  the template macro named like the op in templates/ops.cpp.j2;
- its cost rule (`cost`, a key of the platform's cost table, see cost/) and its documentation
  line (`doc`, the row of the op table in docs/language.md).

docs/language.md "Adding an operation" says how to add one. Tests walk this table: every entry
has a macro, a docs line, and runs on the interpreter against a numpy expression and compiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import ir
from .symbolic import same_dim

AIC, AIV = "aic", "aiv"
FLOATS = ("f32", "f16", "bf16")
VECTOR_FLOATS = ("f32", "f16")  # what the vector unit computes transcendental ops in

# Operand kinds: a tile of any shape, a per-row [rows, 1] tile, a scalar, an integer scalar,
# a tile type literal (fill's first argument, not an operand at run time).
TILE, ROW, SCALAR, INT, TYPE = "tile", "row", "scalar", "int", "type"


@dataclass(frozen=True)
class OpSpec:
    name: str
    core: str  # aic | aiv
    pipe: str  # MTE1 | M | V | ...
    operands: tuple  # kinds, in order
    rule: Callable  # (operand types, attrs) -> ir.TileType | str (what is wrong)
    semantics: Callable  # (xp, *operands, **attrs) -> array
    emit: str  # argument rule of its template macro (codegen/forms.py)
    doc: str
    written: str = ""  # the operator or function name an author writes
    form: str = "call"  # tile | row | scalar | call
    dtypes: tuple = ()  # element types its first tile operand may have (empty: any)
    writes: str = "UB"  # the buffer its result lives in
    layout: str = "vec"  # the result's pto-isa layout (see codegen/tiles.py)
    cost: str = ""  # key of the platform's cost table
    commutative: bool = False

    @property
    def arity(self) -> int:
        """Operands at run time (a type literal is not one)."""
        return sum(1 for kind in self.operands if kind != TYPE)

    @property
    def operand_kinds(self) -> tuple:
        return tuple(kind for kind in self.operands if kind != TYPE)


# ------------------------------------------------------------------------------ typing rules


def same(types, attrs):
    return types[0]


def _elementwise(types, attrs):
    a, b = types[0], types[1]
    if a.dtype != b.dtype:
        return f"dtype mismatch: {a} and {b}; cast one side"
    if not all(same_dim(x, y) for x, y in zip(a.shape, b.shape)):
        return f"shapes differ: {a} and {b}"
    return a


def _row_broadcast(types, attrs):
    tile, row = types[0], types[1]
    if tile.dtype != row.dtype:
        return f"dtype mismatch: {tile} and {row}; cast one side"
    if not (_is_row(row) and same_dim(tile.shape[0], row.shape[0])):
        return f"{row} is not one value per row of {tile}"
    return tile


def _row_reduce(types, attrs):
    tile = types[0]
    if _is_row(tile):
        return f"a [rows, 1] tile ({tile}) is its own row reduction"
    return ir.TileType(tile.dtype, (tile.shape[0], ir.Const(1, None, ir.I64)))


MATMUL_TYPES = {"bf16": "f32", "f16": "f32", "f32": "f32", "i8": "i32"}  # operands -> accumulator


def _matmul(types, attrs):
    a, b = types[-2], types[-1]
    if a.dtype != b.dtype or a.dtype not in MATMUL_TYPES:
        return f"operands must both be bf16, f16, f32 or i8, got {a} and {b}"
    if not same_dim(a.shape[1], b.shape[0]):
        return (f"shape mismatch: {a} @ {b} (the inner dimensions {a.shape[1]} and "
                f"{b.shape[0]} differ)")
    return ir.TileType(MATMUL_TYPES[a.dtype], (a.shape[0], b.shape[1]))


def _matmul_acc(types, attrs):
    product = _matmul(types, attrs)
    if isinstance(product, str):
        return product
    acc = types[0]
    if acc.dtype != product.dtype or not all(same_dim(x, y) for x, y in
                                             zip(acc.shape, product.shape)):
        return f"the accumulator is {acc}, the product is {product}"
    return product


def _cast(types, attrs):
    if attrs["dtype"] == types[0].dtype:
        return f"cast to {attrs['dtype']} of a tile that already is {attrs['dtype']}"
    return ir.TileType(attrs["dtype"], types[0].shape)


def _fill(types, attrs):
    return attrs["type"]


def _is_row(tile: ir.TileType) -> bool:
    return isinstance(tile.shape[1], ir.Const) and tile.shape[1].value == 1


# ---------------------------------------------------------------------------------- the table


def _vector(name, written, form, operands, rule, semantics, emit, doc, cost, **more):
    return OpSpec(name, AIV, "V", operands, rule, semantics, emit, doc, written, form,
                  cost=cost, **more)


_ENTRIES = [
    # cube data movement, made explicit by lowering: L1 -> L0A (left) / L0B (right)
    OpSpec("move_left", AIC, "MTE1", (TILE,), same, lambda xp, a: a, "unary",
           "inserted before every matmul: its A operand copied from L1 to L0A",
           writes="L0A", layout="left", cost="L1->L0A"),
    OpSpec("move_right", AIC, "MTE1", (TILE,), same, lambda xp, a: a, "unary",
           "inserted before every matmul: its B operand copied from L1 to L0B",
           writes="L0B", layout="right", cost="L1->L0B"),
    OpSpec("matmul", AIC, "M", (TILE, TILE), _matmul, lambda xp, a, b: xp.matmul(a, b),
           "matmul", "`matmul(a, b)`: a @ b into L0C; bf16, f16 and f32 operands accumulate in f32, i8 in i32",
           written="matmul", writes="L0C", layout="acc", cost="mad"),
    OpSpec("matmul_acc", AIC, "M", (TILE, TILE, TILE), _matmul_acc,
           lambda xp, c, a, b: c + xp.matmul(a, b), "matmul_acc",
           "`c = matmul_acc(c, a, b)`: c + a @ b, accumulated in c's own L0C bytes", written="matmul_acc", writes="L0C", layout="acc",
           cost="mad"),
    # element-wise, both operands of one shape
    _vector("add", "+", "tile", (TILE, TILE), _elementwise, lambda xp, a, b: a + b, "binary",
            "`a + b`, tiles of one shape", "vadd", commutative=True),
    _vector("sub", "-", "tile", (TILE, TILE), _elementwise, lambda xp, a, b: a - b, "binary",
            "`a - b`", "vsub"),
    _vector("mul", "*", "tile", (TILE, TILE), _elementwise, lambda xp, a, b: a * b, "binary",
            "`a * b`", "vmul", commutative=True),
    _vector("div", "/", "tile", (TILE, TILE), _elementwise, lambda xp, a, b: a / b, "binary",
            "`a / b`", "vdiv"),
    _vector("max", "max", "tile", (TILE, TILE), _elementwise,
            lambda xp, a, b: xp.maximum(a, b), "binary", "`max(a, b)`", "vmax",
            commutative=True),
    _vector("min", "min", "tile", (TILE, TILE), _elementwise,
            lambda xp, a, b: xp.minimum(a, b), "binary", "`min(a, b)`", "vmin",
            commutative=True),
    # row broadcast: [rows, cols] op [rows, 1]
    _vector("row_add", "+", "row", (TILE, ROW), _row_broadcast, lambda xp, a, r: a + r, "row",
            "`a + r`: r, a [rows, 1] tile, added to every column of a (either side)", "vadd", commutative=True),
    _vector("row_sub", "-", "row", (TILE, ROW), _row_broadcast, lambda xp, a, r: a - r, "row",
            "`a - r`: per row", "vsub"),
    _vector("row_mul", "*", "row", (TILE, ROW), _row_broadcast, lambda xp, a, r: a * r, "row",
            "`a * r`: per row (either side)", "vmul", commutative=True),
    _vector("row_div", "/", "row", (TILE, ROW), _row_broadcast, lambda xp, a, r: a / r, "row",
            "`a / r`: per row", "vdiv"),
    # tile op scalar
    _vector("adds", "+", "scalar", (TILE, SCALAR), same, lambda xp, a, s: a + xp.like(s, a),
            "scalar", "`a + s`, `s + a`, `a - s`: a tile and a scalar", "vadds", commutative=True),
    _vector("muls", "*", "scalar", (TILE, SCALAR), same, lambda xp, a, s: a * xp.like(s, a),
            "scalar", "`a * s`, `s * a`, `-a`", "vmuls", commutative=True),
    _vector("divs", "/", "scalar", (TILE, SCALAR), same, lambda xp, a, s: a / xp.like(s, a),
            "scalar", "`a / s`", "vdiv"),
    _vector("maxs", "max", "scalar", (TILE, SCALAR), same,
            lambda xp, a, s: xp.maximum(a, xp.like(s, a)), "scalar", "`max(a, s)`", "vmaxs",
            commutative=True),
    _vector("mins", "min", "scalar", (TILE, SCALAR), same,
            lambda xp, a, s: xp.minimum(a, xp.like(s, a)), "scalar", "`min(a, s)`", "vmins",
            commutative=True),
    # unary, reductions, conversions
    _vector("exp", "exp", "call", (TILE,), same, lambda xp, a: xp.exp(a), "unary",
            "`exp(a)`: e to the power a", "vexp", dtypes=VECTOR_FLOATS),
    _vector("cast", "", "call", (TILE,), _cast, lambda xp, a, dtype, round: xp.cast(
        a, dtype, round), "cast", "`cast<T>(a)`, `cast<T>(a, mode)`: converted to T, rounding by mode (rint, round, floor, ceil, trunc)", "vconv"),
    _vector("rowmax", "rowmax", "call", (TILE,), _row_reduce,
            lambda xp, a: a.max(axis=-1, keepdims=True), "reduce", "`rowmax(a)`: [rows, cols] to [rows, 1], the maximum of each row",
            "vcgmax", dtypes=VECTOR_FLOATS),
    _vector("rowsum", "rowsum", "call", (TILE,), _row_reduce,
            lambda xp, a: a.sum(axis=-1, keepdims=True, dtype=a.dtype), "reduce",
            "`rowsum(a)`: [rows, cols] to [rows, 1], the sum of each row", "vcadd", dtypes=VECTOR_FLOATS),
    _vector("fill", "fill", "call", (TYPE, SCALAR), _fill,
            lambda xp, value, type, shape: xp.full(shape, value, type.dtype), "fill",
            "`fill(T[rows, cols], v)`: a tile of one value", "vdup"),
    _vector("pad_cols", "pad_cols", "call", (TILE, INT, SCALAR), same,
            lambda xp, a, valid, value: xp.pad_cols(a, valid, value), "pad",
            "`pad_cols(a, valid, v)`: a with its columns from `valid` (a runtime integer) on set to v", "vdup",
            dtypes=VECTOR_FLOATS),
]

OPS: dict[str, OpSpec] = {spec.name: spec for spec in _ENTRIES}

SCALAR_FUNCTIONS = {"ceil_div": 2, "min": 2, "max": 2}
ROUNDING_MODES = ("rint", "round", "floor", "ceil", "trunc")
# `a - b` with a scalar b is `a + (-b)`; `a / b` with a tile b and a scalar a has no op.
OPERATORS = {"+": "+", "-": "-", "*": "*", "/": "/"}


def resolve(written: str, form: str):
    """The entry written `written` (an operator or a function name) in form `form`, or None."""
    return _RESOLVE.get((written, form))


def markdown_table() -> str:
    """The op table as docs/language.md shows it (a test keeps the two equal)."""
    rows = ["| op | core | pipe | written as, and what it computes |", "|---|---|---|---|"]
    for spec in OPS.values():
        types = f" ({', '.join(spec.dtypes)} tiles)" if spec.dtypes else ""
        rows.append(f"| `{spec.name}` | {spec.core} | {spec.pipe} | {spec.doc}{types} |")
    return "\n".join(rows) + "\n"


def functions() -> set:
    """Names an author calls as functions that are tile ops."""
    return {spec.written for spec in OPS.values() if spec.form == "call" and spec.written}


_RESOLVE = {(spec.written, spec.form): spec for spec in _ENTRIES if spec.written}

# Data movement is not a TileOp node, but it has a hardware pipe: a load or tpop is MTE2 (GM to
# L1 or UB); a store or tpush by the buffer it reads (L0C through the fixpipe, else MTE3).
LOAD_PIPE = "MTE2"
STORE_PIPE = {"L0C": "FIX", "L1": "MTE3", "UB": "MTE3"}
