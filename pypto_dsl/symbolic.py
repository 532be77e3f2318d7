"""Scalar expressions as values: evaluation with C++ integer semantics, and a canonical form.

`evaluate` is the one definition of scalar arithmetic (the interpreter and the launch-time
checks use it; the generated C++ does the same in int64). `canonical` turns a static expression
into a normal form so that `q_tile / 2` and `lane_rows` (bound to it) compare equal as tile dims.
"""

from __future__ import annotations

from fractions import Fraction

from . import ir
from . import walk


def c_div(a: int, b: int) -> int:
    """Integer division truncating toward zero, as C++ does."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


def c_mod(a: int, b: int) -> int:
    return a - b * c_div(a, b)


def ceil_div(a: int, b: int) -> int:
    return -((-a) // b) if b > 0 else c_div(a + b + 1, b)


_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "&&": lambda a, b: bool(a) and bool(b),
    "||": lambda a, b: bool(a) or bool(b),
}


def apply_binary(op: str, a, b):
    if op == "/":
        if isinstance(a, int) and isinstance(b, int):
            return c_div(a, b)
        return a / b
    if op == "%":
        return c_mod(a, b)
    return _BINARY[op](a, b)


def apply_call(func: str, args: list):
    if func == "ceil_div":
        return ceil_div(args[0], args[1])
    if func == "min":
        return min(args)
    if func == "max":
        return max(args)
    raise KeyError(func)


def evaluate(expr: ir.Expr, lookup):
    """Value of a scalar expression; `lookup(name)` gives a name's value (or raises KeyError)."""
    if isinstance(expr, ir.Const):
        return expr.value
    if isinstance(expr, ir.Name):
        return lookup(expr.name)
    if isinstance(expr, ir.BinOp):
        return apply_binary(expr.op, evaluate(expr.lhs, lookup), evaluate(expr.rhs, lookup))
    if isinstance(expr, ir.UnaryOp):
        value = evaluate(expr.operand, lookup)
        return -value if expr.op == "-" else not value
    if isinstance(expr, ir.Select):
        branch = expr.if_true if evaluate(expr.cond, lookup) else expr.if_false
        return evaluate(branch, lookup)
    if isinstance(expr, ir.Call):
        return apply_call(expr.func, [evaluate(a, lookup) for a in expr.args])
    raise TypeError(f"not a static scalar expression: {expr}")


def substitute(expr: ir.Expr, values: dict) -> ir.Expr:
    """`expr` with names in `values` replaced by expressions (or ints), folded where constant."""
    if isinstance(expr, ir.Name) and expr.name in values:
        value = values[expr.name]
        return value if isinstance(value, ir.Expr) else ir.Const(value, expr.span, expr.type)
    if isinstance(expr, ir.BinOp):
        lhs, rhs = substitute(expr.lhs, values), substitute(expr.rhs, values)
        if isinstance(lhs, ir.Const) and isinstance(rhs, ir.Const):
            return ir.Const(apply_binary(expr.op, lhs.value, rhs.value), expr.span, expr.type)
        return ir.BinOp(expr.op, lhs, rhs, expr.span, expr.type)
    if isinstance(expr, ir.Select):
        cond = substitute(expr.cond, values)
        a, b = substitute(expr.if_true, values), substitute(expr.if_false, values)
        if isinstance(cond, ir.Const):
            return a if cond.value else b
        return ir.Select(cond, a, b, expr.span, expr.type)
    if isinstance(expr, ir.Call) and expr.func in ("ceil_div", "min", "max"):
        args = tuple(substitute(a, values) for a in expr.args)
        if all(isinstance(a, ir.Const) for a in args):
            return ir.Const(apply_call(expr.func, [a.value for a in args]), expr.span, expr.type)
        return ir.Call(expr.func, args, expr.span, expr.type)
    if isinstance(expr, ir.UnaryOp):
        operand = substitute(expr.operand, values)
        if isinstance(operand, ir.Const) and expr.op == "-":
            return ir.Const(-operand.value, expr.span, expr.type)
        return ir.UnaryOp(expr.op, operand, expr.span, expr.type)
    return expr


def canonical(expr: ir.Expr) -> frozenset:
    """A normal form of +, -, * and division by constants; anything else is an opaque atom."""
    return frozenset((m, c) for m, c in _poly(expr).items() if c != 0)


def _poly(expr: ir.Expr) -> dict:
    if isinstance(expr, ir.Const):
        return {(): Fraction(expr.value)}
    if isinstance(expr, ir.Name):
        return {(expr.name,): Fraction(1)}
    if isinstance(expr, ir.BinOp) and expr.op in ("+", "-"):
        out = dict(_poly(expr.lhs))
        sign = 1 if expr.op == "+" else -1
        for mono, coeff in _poly(expr.rhs).items():
            out[mono] = out.get(mono, 0) + sign * coeff
        return out
    if isinstance(expr, ir.BinOp) and expr.op == "*":
        out: dict = {}
        for m1, c1 in _poly(expr.lhs).items():
            for m2, c2 in _poly(expr.rhs).items():
                mono = tuple(sorted(m1 + m2))
                out[mono] = out.get(mono, 0) + c1 * c2
        return out
    if isinstance(expr, ir.BinOp) and expr.op == "/" and isinstance(expr.rhs, ir.Const):
        return {m: c / expr.rhs.value for m, c in _poly(expr.lhs).items()}
    if isinstance(expr, ir.UnaryOp) and expr.op == "-":
        return {m: -c for m, c in _poly(expr.operand).items()}
    return {(f"<{expr}>",): Fraction(1)}


def same_dim(a: ir.Expr, b: ir.Expr) -> bool:
    return canonical(a) == canonical(b)


def names_in(expr: ir.Expr) -> set:
    return {e.name for e in walk.walk_expr(expr) if isinstance(e, ir.Name)}


def as_int(expr: ir.Expr):
    """The int value of a constant dim, else None."""
    if isinstance(expr, ir.Const) and float(expr.value).is_integer():
        return int(expr.value)
    return None

