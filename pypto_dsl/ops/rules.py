"""Typing rules of the op table: (operand types, attrs) -> result type, or what is wrong."""

from __future__ import annotations

from .. import ir
from ..symbolic import same_dim

MATMUL_TYPES = {"bf16": "f32", "f16": "f32", "f32": "f32", "i8": "i32"}  # operands -> acc
CMP_MODES = {"<": "LT", "<=": "LE", ">": "GT", ">=": "GE", "==": "EQ", "!=": "NE"}


def one(value) -> ir.Const:
    return ir.Const(value, None, ir.I64)


def same(types, attrs):
    return types[0]


def elementwise(types, attrs):
    a, b = types[0], types[1]
    if a.dtype != b.dtype:
        return f"dtype mismatch: {a} and {b}; cast one side"
    if not same_shape(a, b):
        return f"shapes differ: {a} and {b}"
    return a


def row_broadcast(types, attrs):
    tile, row = types[0], types[1]
    if tile.dtype != row.dtype:
        return f"dtype mismatch: {tile} and {row}; cast one side"
    if not (is_row(row) and same_dim(tile.shape[0], row.shape[0])):
        return f"{row} is not one value per row of {tile}"
    return tile


def col_broadcast(types, attrs):
    tile, col = types[0], types[1]
    if tile.dtype != col.dtype:
        return f"dtype mismatch: {tile} and {col}; cast one side"
    if not (is_col(col) and same_dim(tile.shape[1], col.shape[1])):
        return f"{col} is not one value per column of {tile}"
    return tile


def row_reduce(dtype=None):
    def rule(types, attrs):
        tile = types[0]
        if is_row(tile):
            return f"a [rows, 1] tile ({tile}) is its own row reduction"
        return ir.TileType(dtype or tile.dtype, (tile.shape[0], one(1)))
    return rule


def col_reduce(types, attrs):
    tile = types[0]
    if is_col(tile):
        return f"a [1, cols] tile ({tile}) is its own column reduction"
    return ir.TileType(tile.dtype, (one(1), tile.shape[1]))


def matmul(types, attrs):
    a, b = types[-2], types[-1]
    if a.dtype != b.dtype or a.dtype not in MATMUL_TYPES:
        return f"operands must both be bf16, f16, f32 or i8, got {a} and {b}"
    if not same_dim(a.shape[1], b.shape[0]):
        return (f"shape mismatch: {a} @ {b} (the inner dimensions {a.shape[1]} and "
                f"{b.shape[0]} differ)")
    return ir.TileType(MATMUL_TYPES[a.dtype], (a.shape[0], b.shape[1]))


def matmul_acc(types, attrs):
    product = matmul(types, attrs)
    if isinstance(product, str):
        return product
    acc = types[0]
    if acc.dtype != product.dtype or not same_shape(acc, product):
        return f"the accumulator is {acc}, the product is {product}"
    return product


def cast(types, attrs):
    if attrs["dtype"] == types[0].dtype:
        return f"cast to {attrs['dtype']} of a tile that already is {attrs['dtype']}"
    return ir.TileType(attrs["dtype"], types[0].shape)


def fill(types, attrs):
    return attrs["type"]


def acc_fill(types, attrs):
    tile = attrs["type"]
    if tile.dtype not in ("f32", "i32"):
        return f"an accumulator is f32 or i32, not {tile.dtype}"
    return tile


def compare(types, attrs):
    a = types[0]
    b = types[1] if len(types) > 1 else None
    if isinstance(b, ir.TileType):
        checked = elementwise(types, attrs)
        if isinstance(checked, str):
            return checked
    if a.dtype == "i32" and attrs["mode"] not in ("EQ", "NE"):
        return ("a2a3 compares i32 tiles for == and != only (its vector unit computes EQ for "
                "every other mode); cast them to f32 first (exact below 2^24)")
    return ir.TileType("bool", a.shape)


def select(types, attrs):
    mask, a = types[0], types[1]
    b = types[2] if len(types) > 2 else None
    if mask.dtype != "bool":
        return f"the first operand is a mask (a comparison's result), got {mask}"
    if not same_shape(mask, a):
        return f"the mask {mask} and {a} differ in shape"
    if isinstance(b, ir.TileType) and (b.dtype != a.dtype or not same_shape(a, b)):
        return f"the two choices differ: {a} and {b}"
    return a


def index(types, attrs):
    tile = attrs["type"]
    if tile.dtype not in ("f32", "i32"):
        return f"index tiles are f32 or i32, not {tile.dtype}"
    return tile


def iota(types, attrs):
    tile = attrs["type"]
    if not (isinstance(tile.shape[0], ir.Const) and tile.shape[0].value == 1):
        return f"iota makes one row, not {tile}"
    return tile


def as_column(types, attrs):
    tile = types[0]
    return ir.TileType(tile.dtype, (tile.shape[1], one(1)))


def broadcast(types, attrs):
    return attrs["type"]


def extract(types, attrs):
    tile = types[0]
    return ir.TileType(tile.dtype, (attrs["rows"], attrs["cols"]))


def insert(types, attrs):
    whole, part = types[0], types[1]
    if whole.dtype != part.dtype:
        return f"dtype mismatch: {part} into {whole}"
    return whole


def concat(types, attrs):
    a, b = types[0], types[1]
    if a.dtype != b.dtype or not same_dim(a.shape[0], b.shape[0]):
        return f"concatenates tiles of one dtype and row count, got {a} and {b}"
    cols = ir.BinOp("+", a.shape[1], b.shape[1], None, ir.I64)
    if isinstance(a.shape[1], ir.Const) and isinstance(b.shape[1], ir.Const):
        cols = one(a.shape[1].value + b.shape[1].value)
    return ir.TileType(a.dtype, (a.shape[0], cols))


def same_shape(a: ir.TileType, b: ir.TileType) -> bool:
    return all(same_dim(x, y) for x, y in zip(a.shape, b.shape))


def is_row(tile: ir.TileType) -> bool:
    return isinstance(tile.shape[1], ir.Const) and tile.shape[1].value == 1


def is_col(tile: ir.TileType) -> bool:
    return isinstance(tile.shape[0], ir.Const) and tile.shape[0].value == 1
