"""The numpy the op table's semantics are written in (`ops.OpSpec.semantics(xp, ...)`).

Contract:

* Every op-table entry's `semantics` is called with this module as `xp`, then the evaluated
  operands in table order, then the TileOp's attrs as keywords; `fill` also gets `shape=`
  (batch axes and tile dims), the one result shape its operands do not give.
* Tiles are numpy arrays with any number of leading batch axes (the interpreter runs a batch
  of logical blocks at once); the tile's own two dimensions are the last two. A scalar operand
  arrives either as a 0-d value or with the batch axes followed by two axes of length 1, so it
  broadcasts over its member's tile.
* Element types: `DTYPES` below. bf16 tiles are `ml_dtypes.bfloat16` arrays, f16 tiles
  `float16`, and every value is stored rounded to its type. f32 math stays in float32, never
  float64; matmul widens its operands to f32 and accumulates in f32 (i8 operands in i32), as
  the cube's L0C does.
* Operations never modify their operands: values are immutable, so a `let` may alias.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

BF16 = np.dtype(ml_dtypes.bfloat16)
F16 = np.dtype(np.float16)
F32 = np.dtype(np.float32)

DTYPES: dict[str, np.dtype] = {
    "bf16": BF16, "f16": F16, "f32": F32,
    "i8": np.dtype(np.int8), "i32": np.dtype(np.int32), "i64": np.dtype(np.int64),
    "bool": np.dtype(np.bool_),
}


def _f32(tile):
    """The tile in f32, row-major: numpy's batched matmul is slow on other layouts, and
    widening a row-major copy is faster than widening a strided view."""
    return np.ascontiguousarray(tile).astype(F32, copy=False)


# numpy functions the semantics use as they are
exp, log, sqrt, abs, maximum, minimum = np.exp, np.log, np.sqrt, np.abs, np.maximum, np.minimum
where, concatenate = np.where, np.concatenate
COMPARE = {"LT": np.less, "LE": np.less_equal, "GT": np.greater, "GE": np.greater_equal,
           "EQ": np.equal, "NE": np.not_equal}


def rsqrt(tile):
    """1 / sqrt(x) as a square root and a division in the tile's type (two roundings, as
    TRSQRT's precise form computes it)."""
    return recip(np.sqrt(tile))


def recip(tile):
    return like(1, tile) / tile


def relu(tile):
    return np.maximum(tile, like(0, tile))


def rowmax(tile):
    return tile.max(axis=-1, keepdims=True)


def rowmin(tile):
    return tile.min(axis=-1, keepdims=True)


def rowsum(tile):
    return tile.sum(axis=-1, keepdims=True, dtype=tile.dtype)


def rowargmax(tile):
    """The first column of each row's maximum, as i32 [rows, 1]."""
    return np.argmax(tile, axis=-1)[..., None].astype(np.int32)


def rowargmin(tile):
    return np.argmin(tile, axis=-1)[..., None].astype(np.int32)


def colsum(tile):
    return tile.sum(axis=-2, keepdims=True, dtype=tile.dtype)


def colmax(tile):
    return tile.max(axis=-2, keepdims=True)


def colmin(tile):
    return tile.min(axis=-2, keepdims=True)


def compare(a, b, mode: str):
    return COMPARE[mode](a, b)


def iota(shape, dtype: str):
    """0, 1, 2, ... along the one row of `shape`."""
    return np.broadcast_to(np.arange(shape[-1]).astype(DTYPES[dtype]), shape)


def as_column(tile):
    """A [1, n] tile's values as [n, 1]."""
    return np.swapaxes(tile, -1, -2)


def broadcast_to(tile, shape):
    return np.broadcast_to(tile, shape)


class PartOutside(IndexError):
    """A tile part whose runtime row offset puts it outside its tile; `member` is the first
    member of the batch (0 when the offset is the same for all) it happened to."""

    def __init__(self, message: str, member: int):
        super().__init__(message)
        self.member = member


def _row_offsets(tile, row, rows: int):
    """The row offset of a tile part: one for all members, or (a runtime offset that differs,
    e.g. by lane) one per member; each checked to keep the part inside the tile."""
    offsets = np.asarray(row).reshape(-1)
    outside = (offsets < 0) | (offsets + rows > tile.shape[-2])
    if np.any(outside):
        member = int(np.flatnonzero(outside)[0])
        bad = int(offsets[member])
        raise PartOutside(f"the tile part's rows {bad} .. {bad + rows - 1} are outside the "
                          f"tile's {tile.shape[-2]} rows", member if offsets.size > 1 else 0)
    return int(offsets[0]) if np.all(offsets == offsets[0]) else offsets


def window(tile, row, col, rows: int, cols: int):
    """tile[row : row + rows, col : col + cols] (the column offset a compile-time constant)."""
    col, row = int(np.asarray(col).reshape(-1)[0]), _row_offsets(tile, row, rows)
    if isinstance(row, int):
        return tile[..., row:row + rows, col:col + cols]
    whole = np.broadcast_to(tile, (len(row),) + tile.shape[-2:])
    return np.stack([whole[k, r:r + rows, col:col + cols] for k, r in enumerate(row)])


def insert(tile, part, row, col):
    """A copy of `tile` with `part` written at (row, col)."""
    col, row = int(np.asarray(col).reshape(-1)[0]), _row_offsets(tile, row, part.shape[-2])
    if isinstance(row, int):
        out = np.array(tile)
        out[..., row:row + part.shape[-2], col:col + part.shape[-1]] = part
        return out
    out = np.array(np.broadcast_to(tile, (len(row),) + tile.shape[-2:]))
    part = np.broadcast_to(part, (len(row),) + part.shape[-2:])
    for k, r in enumerate(row):
        out[k, r:r + part.shape[-2], col:col + part.shape[-1]] = part[k]
    return out


def matmul(a, b):
    """a @ b with f32 operands and f32 accumulation, or i8 operands and i32 accumulation. A
    transposed load arrives as a column-major view; computing (b^T a^T)^T multiplies it in its
    stored layout instead of copying it first (the same products; the result is returned
    row-major like every other tile)."""
    if a.dtype == np.int8:
        return np.matmul(a.astype(np.int32), b.astype(np.int32))
    if b.strides[-2] < b.strides[-1] and min(b.shape[-2:]) > 1:
        product = np.matmul(_f32(b.swapaxes(-1, -2)), _f32(a.swapaxes(-1, -2)))
        return np.ascontiguousarray(product.swapaxes(-1, -2))
    return np.matmul(_f32(a), _f32(b))


def like(scalar, tile):
    """A scalar operand in the tile's element type, so that f32 math stays f32."""
    return np.asarray(scalar, dtype=tile.dtype)


def full(shape, value, dtype: str):
    return np.full(shape, value, dtype=DTYPES[dtype])


def pad_cols(tile, valid, value):
    """Columns at and past `valid` (per member) become `value`; valid >= cols pads nothing."""
    return np.where(np.arange(tile.shape[-1]) >= valid, like(value, tile), tile)


def cast(tile, dtype: str, round: str = "rint"):
    """Convert to `dtype` with rounding mode `round` (ops.ROUNDING_MODES).

    rint: nearest, ties to even; round: nearest, ties away from zero; floor, ceil, trunc:
    toward -inf, +inf, 0. Widening a float is exact; float to int saturates.
    """
    target = DTYPES[dtype]
    if target.kind in "iu":
        info = np.iinfo(target)
        return np.clip(np.nan_to_num(_ROUND_TO_INT[round](_f32(tile))), info.min,
                       info.max).astype(target)
    value = _f32(tile)  # exact for every float source
    if target == F32:
        return value
    if target == BF16:
        return _to_bf16(value, round)
    return _to_narrow_float(value, target, round)


# f32 -> bf16 keeps the top 16 bits of the f32 pattern. Each mode adds a carry to the pattern
# before the low 16 bits are cut off; the sign is a separate bit, so adding to the magnitude
# rounds symmetrically. rint is ml_dtypes' own conversion (round to nearest, ties to even).
_BF16_CARRY = {
    "round": lambda bits, negative: np.uint32(0x8000),
    "trunc": lambda bits, negative: np.uint32(0),
    "floor": lambda bits, negative: np.where(negative, np.uint32(0xFFFF), np.uint32(0)),
    "ceil": lambda bits, negative: np.where(negative, np.uint32(0), np.uint32(0xFFFF)),
}


def _to_bf16(value, mode: str):
    if mode == "rint":
        return value.astype(BF16)
    bits = np.ascontiguousarray(value).view(np.uint32)
    carried = (bits + _BF16_CARRY[mode](bits, np.signbit(value))) >> np.uint32(16)
    rounded = carried.astype(np.uint16).view(BF16)
    return np.where(np.isnan(value), BF16.type(np.nan), rounded)


def _to_narrow_float(value, target, mode: str):
    """f32 -> f16 (or another numpy float): the two neighbours of `value`, then pick."""
    nearest = value.astype(target)  # ties to even
    back = nearest.astype(F32)
    below = np.where(back > value, np.nextafter(nearest, target.type(-np.inf)), nearest)
    above = np.where(back < value, np.nextafter(nearest, target.type(np.inf)), nearest)
    if mode == "rint":
        return nearest
    if mode == "floor":
        return below
    if mode == "ceil":
        return above
    if mode == "trunc":
        return np.where(value >= 0, below, above)
    tie = (value - below.astype(F32)) == (above.astype(F32) - value)
    return np.where(tie & (below != above), np.where(value >= 0, above, below), nearest)


def _round_half_away(value):
    whole = np.trunc(value)
    return np.where(np.abs(value - whole) == 0.5, whole + np.sign(value), np.rint(value))


_ROUND_TO_INT = {"rint": np.rint, "round": _round_half_away, "floor": np.floor,
                 "ceil": np.ceil, "trunc": np.trunc}
