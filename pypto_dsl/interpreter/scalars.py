"""Scalar arithmetic over a batch: the C++ int64 / float semantics of `symbolic.evaluate`,
applied element-wise to numpy arrays (one element per member of the batch).

Contract: every function takes and returns numpy values (0-d for values shared by the whole
batch, 1-d with one entry per member otherwise). Integers are int64 and wrap as C++ int64
does; `/` on integers truncates toward zero and `%` takes the sign of the dividend, exactly as
`symbolic.c_div` / `symbolic.c_mod`; f32 values stay float32. A test checks these functions
against `symbolic` on a grid of signed operands.
"""

from __future__ import annotations

import numpy as np

from .. import ir

SCALAR_DTYPES = {"i64": np.dtype(np.int64), "f32": np.dtype(np.float32), "bool": np.dtype(np.bool_)}


class DivisionByZero(ArithmeticError):
    """An integer `/` or `%` by zero in some member (C++ leaves it undefined; we stop)."""


def c_div(a, b):
    """Integer division truncating toward zero."""
    if np.any(b == 0):
        raise DivisionByZero()
    quotient = np.abs(a) // np.abs(b)
    return np.where((a >= 0) == (b >= 0), quotient, -quotient)


def c_mod(a, b):
    return a - b * c_div(a, b)


def ceil_div(a, b):
    """symbolic.ceil_div: rounds the quotient up for a positive divisor."""
    if np.any(b == 0):
        raise DivisionByZero()
    return np.where(b > 0, -((-a) // np.where(b > 0, b, 1)), c_div(a + b + 1, b))


def divide(a, b):
    if a.dtype.kind == "i" and b.dtype.kind == "i":
        return c_div(a, b)
    return a / b


BINARY = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": divide, "%": c_mod,
    "==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
    ">": np.greater, ">=": np.greater_equal,
}

CALLS = {"ceil_div": ceil_div, "min": np.minimum, "max": np.maximum}


def operand_dtype(*types) -> np.dtype:
    """The type both operands are converted to: f32 if either is f32 (as C++ converts)."""
    return SCALAR_DTYPES["f32" if ir.F32 in types else "i64"]


def as_scalar(value, dtype: np.dtype):
    return np.asarray(value, dtype=dtype)


def is_uniform(value) -> bool:
    """True when every member of the batch holds the same value."""
    value = np.asarray(value)
    return value.ndim == 0 or value.size == 0 or bool(np.all(value == value.flat[0]))


def first(value):
    """The value a uniform batch holds, as a Python scalar."""
    value = np.asarray(value)
    return (value if value.ndim == 0 else value.flat[0]).item()
