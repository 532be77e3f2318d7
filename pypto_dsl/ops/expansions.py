"""Ops pto-isa has no instruction for, as the ops they are made of.

An expansion is a function `(b, dtype, rows, cols, *operands, **attrs)` of a builder `b`: `b.op
(name, *args, **attrs)` applies another op, `b.tile(dtype, rows, cols)` names a tile type for
an op that takes one, and (dtype, rows, cols) is the expanded op's result. The lowering pass
`expand_ops` runs it with an IR builder (each op becomes a `let`); the interpreter runs it with
`Evaluate`, applying each op's semantics, so the op and its expansion give the same bits.
"""

from __future__ import annotations

from types import SimpleNamespace

SQRT_2_OVER_PI_2 = 1.5957691216057308  # 2 sqrt(2 / pi)
GELU_CUBIC = 0.07135481627159634  # 2 sqrt(2 / pi) * 0.044715


def sigmoid(b, dtype, rows, cols, a):
    """1 / (1 + e^-a): e^-a may overflow to inf, and 1 / inf is the right 0."""
    t = b.op("exp", b.op("muls", a, -1.0))
    return b.op("recip", b.op("adds", t, 1.0))


def tanh(b, dtype, rows, cols, a):
    """2 / (1 + e^-2a) - 1, which saturates to -1 and 1 without inf / inf."""
    t = b.op("exp", b.op("muls", a, -2.0))
    t = b.op("recip", b.op("adds", t, 1.0))
    return b.op("adds", b.op("muls", t, 2.0), -1.0)


def silu(b, dtype, rows, cols, a):
    """a / (1 + e^-a)."""
    t = b.op("exp", b.op("muls", a, -1.0))
    return b.op("div", a, b.op("adds", t, 1.0))


def gelu(b, dtype, rows, cols, a):
    """The tanh form 0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3))) = a / (1 + e^z) with
    z = -a (2 sqrt(2/pi) + 2 sqrt(2/pi) 0.044715 a^2)."""
    t = b.op("muls", b.op("mul", a, a), -GELU_CUBIC)
    t = b.op("mul", b.op("adds", t, -SQRT_2_OVER_PI_2), a)
    return b.op("div", a, b.op("adds", b.op("exp", t), 1.0))


def col_index(b, dtype, rows, cols, *_, **__):
    """Every row 0, 1, ..., cols - 1: one row counted by the scalar unit, then broadcast. One
    column is all 0 (a [1, 1] count would be a per-row tile, which TCI cannot write)."""
    if cols == 1:
        return b.op("fill", 0, type=b.tile(dtype, rows, cols))
    return b.op("col_bcast", b.op("iota", type=b.tile(dtype, 1, cols)),
                type=b.tile(dtype, rows, cols))


def row_index(b, dtype, rows, cols, *_, **__):
    """Row r all r: 0 .. rows - 1 counted in one row, seen as a column, broadcast. One row is
    all 0 (its count, [1, 1], would be a per-row tile, which TCI cannot write)."""
    if rows == 1:
        return b.op("fill", 0, type=b.tile(dtype, rows, cols))
    counted = b.op("as_column", b.op("iota", type=b.tile(dtype, 1, rows)))
    return b.op("row_bcast", counted, type=b.tile(dtype, rows, cols))


def acc_zero(b, dtype, rows, cols, *_, **__):
    """An accumulator of zeros: L0C cannot be filled, so it is the product of two zero tiles
    (filled in L1, moved to L0A and L0B by the lowering): bf16 for f32, i8 for i32."""
    operand, k = ("bf16", 16) if dtype == "f32" else ("i8", 32)
    left = b.op("mat_fill", 0.0, type=b.tile(operand, rows, k))
    right = b.op("mat_fill", 0.0, type=b.tile(operand, k, cols))
    return b.op("matmul", left, right)


class Evaluate:
    """The builder the interpreter runs an expansion with: each op's semantics, on arrays
    whose leading axes are the batch (`batch`)."""

    def __init__(self, xp, ops: dict, batch: tuple):
        self.xp, self.ops, self.batch = xp, ops, batch

    def op(self, name: str, *args, **attrs):
        spec = self.ops[name]
        if "type" in attrs:
            attrs["shape"] = self.batch + attrs["type"].dims
        return spec.semantics(self.xp, *args, **attrs)

    def tile(self, dtype: str, rows: int, cols: int):
        return SimpleNamespace(dtype=dtype, dims=(rows, cols))
