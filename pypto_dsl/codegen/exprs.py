"""Scalar IR expressions as C++ expressions, and GM element offsets in int64.

Integer scalars are `int64_t` in the generated code and every GM offset is built from int64
factors (an i32 read from GM is widened before it is multiplied), so `block_table[b, j] *
block_size * head_dim` cannot overflow 32 bits. `/` and `%` truncate toward zero in both the
interpreter (symbolic.c_div) and C++; `ceil_div`, `min` and `max` are small inline helpers
emitted into every core file (`HELPERS`), so their meaning does not depend on operand signs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..symbolic import substitute
from . import cxx

CALLS = {"ceil_div": cxx.name("ceildiv"), "min": cxx.name("min"), "max": cxx.name("max")}

# Binding strength of C++ operators, to print only the parentheses that are needed.
_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
               "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
_ATOM = 9


@dataclass(frozen=True)
class Shapes:
    """The dims of every tensor parameter (Exprs, case values substituted), for GM offsets."""

    dims: dict  # tensor name -> tuple of Expr
    dtypes: dict  # tensor name -> element dtype

    def strides(self, tensor: str) -> tuple:
        """Row-major element strides of `tensor`, as Exprs."""
        dims = self.dims[tensor]
        out = []
        for k in range(len(dims)):
            stride: ir.Expr = ir.Const(1, None, ir.I64)
            for d in dims[k + 1:]:
                stride = _mul(stride, d)
            out.append(stride)
        return tuple(out)


def _mul(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    if any(isinstance(x, ir.Const) and x.value == 0 for x in (a, b)):
        return ir.Const(0, None, ir.I64)
    if isinstance(a, ir.Const) and a.value == 1:
        return b
    if isinstance(b, ir.Const) and b.value == 1:
        return a
    if isinstance(a, ir.Const) and isinstance(b, ir.Const):
        return ir.Const(a.value * b.value, None, ir.I64)
    return ir.BinOp("*", a, b, None, ir.I64)


def _add(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    if isinstance(a, ir.Const) and a.value == 0:
        return b
    if isinstance(b, ir.Const) and b.value == 0:
        return a
    return ir.BinOp("+", a, b, None, ir.I64)


def offset(shapes: Shapes, tensor: str, starts: tuple) -> ir.Expr:
    """The element offset of `tensor[starts...]` as an int64 Expr (folded where constant)."""
    total: ir.Expr = ir.Const(0, None, ir.I64)
    for start, stride in zip(starts, shapes.strides(tensor)):
        total = _add(total, _mul(start, stride))
    return substitute(total, {})


class Printer:
    """Prints scalar expressions; `values` are constants substituted first (case values)."""

    def __init__(self, shapes: Shapes, values: dict | None = None):
        self.shapes = shapes
        self.values = dict(values or {})
        self.used: set = set()  # the C++ names printed: which parameters a function reads

    def __call__(self, expr: ir.Expr) -> str:
        return self._print(substitute(expr, self.values) if self.values else expr)[0]

    def _print(self, expr: ir.Expr) -> tuple:
        """(text, precedence)."""
        if isinstance(expr, ir.Const):
            dtype = expr.type.dtype if isinstance(expr.type, ir.ScalarType) else ""
            text = cxx.scalar_literal(expr.value, dtype)
            return text, (_ATOM if not text.startswith("-") else 7)
        if isinstance(expr, ir.Name):
            return self.name(expr.name), _ATOM
        if isinstance(expr, ir.BinOp):
            level = _PRECEDENCE[expr.op]
            lhs = self._operand(expr.lhs, level, right=False)
            rhs = self._operand(expr.rhs, level, right=True)
            return f"{lhs} {expr.op} {rhs}", level
        if isinstance(expr, ir.UnaryOp):
            operand = self._operand(expr.operand, 8, right=True)
            return f"{expr.op}{operand}", 7
        if isinstance(expr, ir.Select):
            cond = self._operand(expr.cond, 1, right=False)
            a, b = self(expr.if_true), self(expr.if_false)
            return f"{cond} ? {a} : {b}", 0
        if isinstance(expr, ir.Call):
            args = ", ".join(self(a) for a in expr.args)
            return f"{CALLS[expr.func]}({args})", _ATOM
        if isinstance(expr, ir.Index):
            return self.element(expr.tensor, expr.indices), _ATOM
        raise TypeError(f"not a scalar expression: {expr}")

    def _operand(self, expr: ir.Expr, level: int, right: bool) -> str:
        text, inner = self._print(expr)
        # Left-associative: a right operand at the same level needs parentheses (a - (b - c)).
        if inner < level or (right and inner == level):
            return f"({text})"
        return text

    def element(self, tensor: str, indices: tuple) -> str:
        """A scalar read from GM, widened to int64 (a float element is read as float)."""
        where = self(offset(self.shapes, tensor, tuple(indices)))
        ctype = cxx.SCALAR[self.shapes.dtypes[tensor]]
        return f"static_cast<{ctype}>({self.name(tensor)}[{where}])"

    def name(self, ir_name: str) -> str:
        """The C++ name of an IR name, noted as used."""
        text = cxx.ident(ir_name)
        self.used.add(text)
        return text


# The scalar builtins with the interpreter's semantics (symbolic.ceil_div, min, max).
_HELPER_BODIES = (
    "int64_t pdsl_ceildiv(int64_t a, int64_t b) "
    "{ return b > 0 ? (a >= 0 ? (a + b - 1) / b : -((-a) / b)) : (a + b + 1) / b; }",
    "int64_t pdsl_min(int64_t a, int64_t b) { return a < b ? a : b; }",
    "int64_t pdsl_max(int64_t a, int64_t b) { return a > b ? a : b; }",
    "float pdsl_min(float a, float b) { return a < b ? a : b; }",
    "float pdsl_max(float a, float b) { return a > b ? a : b; }",
)
HELPERS = tuple(f"static __aicore__ inline {body}" for body in _HELPER_BODIES)
# The same functions for the orchestration (AICPU code: no __aicore__), which evaluates the
# grid extents and the requirements with them.
HOST_HELPERS = tuple(f"[[maybe_unused]] static inline {body}" for body in _HELPER_BODIES)
