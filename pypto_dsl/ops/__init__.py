"""The op table: every tile operation declared once, with all there is to know about it.

An entry (`OpSpec`, spec.py) holds, for one op:

- how it is written (`written`, `form`): the checker resolves `a + b` (form "tile", both of one
  shape), `a + r` ("row", a [rows, 1] operand broadcast along the row), `a + c` ("col", a
  [1, cols] operand broadcast down the columns), `a + 2.0` ("scalar") and `exp(a)` ("call") to
  entries through `resolve`;
- its typing rule: the operand kinds (`operands`), the element types its first tile operand may
  have (`dtypes`: what the target's instruction accepts), and `rule(types, attrs)` (rules.py),
  the result type or a sentence saying what is wrong;
- where it runs and what it touches: the core, the hardware `pipe` it issues on, the buffer and
  pto-isa layout of its result (cube ops), whether it may write over its first operand
  (`in_place`), the tmp tile its instruction needs (`scratch`), whether its result is its
  operand's bytes seen as another type (`alias`); the planner, the sync pass and the cost model
  read these;
- its numpy semantics for the interpreter: `semantics(xp, *operands, **attrs)`, where `xp` is
  `interpreter/numerics.py`, passed in so that this table imports no numpy and `check` and
  `compile` do not pay for it;
- its C++ emission: `emit`, the argument rule codegen/body.py applies to build the record of
  the template macro named like the op in templates/ops.cpp.j2; an op pto-isa has no
  instruction for has an `expand` (expansions.py) instead, which the lowering applies;
- its cost rule (`cost`, a key of the platform's cost table) and its documentation line
  (`doc`, its row in docs/language.md).

docs/adding-an-operation.md says how to add one. tests/test_ops_table.py walks the table.
"""

from __future__ import annotations

from .rules import CMP_MODES
from .spec import AIC, AIV, COL, CONST, INT, ROW, SCALAR, TILE, TYPE, ZERO, OpSpec
from .table import CUBE, FLOAT, VECTOR

OPS: dict[str, OpSpec] = {spec.name: spec for spec in CUBE + VECTOR}

SCALAR_FUNCTIONS = {"ceil_div": 2, "min": 2, "max": 2}
ROUNDING_MODES = ("rint", "round", "floor", "ceil", "trunc")
OPERATORS = ("+", "-", "*", "/") + tuple(CMP_MODES)

# Data movement is not a TileOp node, but it has a hardware pipe: a load or tpop is MTE2 (GM to
# L1 or UB); a store or tpush by the buffer it reads (L0C through the fixpipe, else MTE3).
LOAD_PIPE = "MTE2"
STORE_PIPE = {"L0C": "FIX", "L1": "MTE3", "UB": "MTE3"}


def resolve(written: str, form: str, core: str | None = None):
    """The entry written `written` (an operator or a function name) in form `form` on `core`
    (the vector core when None), or None."""
    found = [spec for spec in _RESOLVE.get((written, form), ())
             if spec.core == (core or AIV)]
    return found[0] if found else None


def functions(core: str | None = None) -> set:
    """Names an author calls as functions that are tile ops on `core`."""
    return {name for (name, form), specs in _RESOLVE.items() if form == "call"
            for spec in specs if spec.core == (core or AIV)}


def markdown_table() -> str:
    """The op table as docs/language.md shows it (a test keeps the two equal)."""
    rows = ["| op | core | pipe | written as, and what it computes |", "|---|---|---|---|"]
    for spec in OPS.values():
        types = f" ({', '.join(spec.dtypes)} tiles)" if spec.dtypes else ""
        pipe = "(expanded)" if spec.expand else spec.pipe
        rows.append(f"| `{spec.name}` | {spec.core} | {pipe} | {spec.doc}{types} |")
    return "\n".join(rows) + "\n"


_RESOLVE: dict = {}
for _spec in OPS.values():
    for _written in _spec.written:
        if _written:
            _RESOLVE.setdefault((_written, _spec.form), []).append(_spec)

__all__ = ["AIC", "AIV", "CMP_MODES", "COL", "FLOAT", "INT", "LOAD_PIPE", "OPERATORS", "OPS",
           "OpSpec", "ROUNDING_MODES", "ROW", "SCALAR", "SCALAR_FUNCTIONS", "STORE_PIPE", "TILE",
           "TYPE", "ZERO", "CONST", "functions", "markdown_table", "resolve"]
