"""What one instruction costs: the op table's `cost` key applied to a parameter set.

Contract: every function is pure arithmetic on tile shapes and a `CostParams`; the scheduler
adds what depends on the moment (whether a vector stream or the cube queue is fresh, the HBM
share of a GM transfer). The formulas (reference sheet, pto-isa Perf-Sim):

- vector op: `slope * repeats`, at least `vector_floor` when the last repeat of a row is a
  partial mask, plus `head + tail` for the first op of an uninterrupted vector stream; a repeat
  is 256 bytes of one row of the widest tile the op touches;
- matmul: `ceil(m/16) * ceil(k/(32/sizeof(A))) * ceil(n/16)` cycles, twice that for f32
  operands, plus `mad_head` when the cube queue was empty;
- data movement: `bytes / rate`, the rate the path's `Link` gives for that size, capped by the
  transfer's share of HBM for GM traffic.
"""

from __future__ import annotations

from .. import ir
from ..ops import OPS
from ..symbolic import as_int

CUBE_MOVES = ("L1->L0A", "L1->L0B", "L1 fill")


def tile_shape(kind: ir.TileType) -> tuple:
    return tuple(as_int(d) for d in kind.shape)


def tile_bytes(kind: ir.TileType) -> int:
    rows, cols = tile_shape(kind)
    return rows * cols * ir.DTYPE_BYTES[kind.dtype]


def repeats(kind: ir.TileType, params) -> tuple:
    """(repeats, whether the last repeat of each row has a partial mask) of a vector op over a
    tile of this type."""
    rows, cols = tile_shape(kind)
    row_bytes = cols * ir.DTYPE_BYTES[kind.dtype]
    per_row = -(-row_bytes // params.repeat_bytes)
    return rows * per_row, row_bytes % params.repeat_bytes != 0


def vector_cycles(key: str, kind: ir.TileType, params, fresh: bool) -> float:
    """A vector op of cost key `key` over tiles of type `kind` (the widest it touches)."""
    head, slope, tail = params.vector[key]
    count, partial = repeats(kind, params)
    body = slope * count
    if partial:
        body = max(body, params.vector_floor)
    return body + (head + tail if fresh else 0)


def mad_cycles(m: int, k: int, n: int, dtype: str, params, fresh: bool) -> float:
    size = ir.DTYPE_BYTES[dtype]
    cycles = -(-m // 16) * -(-k // (32 // size)) * -(-n // 16)
    if dtype == "f32":
        cycles *= 2
    return cycles + (params.mad_head if fresh else 0)


def transfer_cycles(path: str, nbytes: int, params, share: float | None = None) -> float:
    """Cycles to move `nbytes` on `path`; `share` (bytes per cycle) caps a GM transfer at its
    part of the HBM bandwidth."""
    rate = params.bandwidth[path].rate(nbytes)
    if share is not None:
        rate = min(rate, share)
    return nbytes / rate


def transfer_path(src: str, dst: str) -> str:
    """The bandwidth key of a move between a buffer and GM: `GM->UB`, `L0C->GM`, ..."""
    return f"{src}->{dst}"


def widest(value: ir.TileOp) -> ir.TileType:
    """The tile type a vector op's repeats are counted over: the largest it reads or writes."""
    kinds = [value.type] + [a.type for a in value.args if isinstance(a.type, ir.TileType)]
    return max(kinds, key=tile_bytes)


def op_cost(value: ir.TileOp, params, fresh: bool) -> float:
    """Cycles of one tile op on its pipe, per its op-table entry's cost key. `fresh`: the first
    op of a vector stream, or a matmul on an empty cube queue."""
    key = OPS[value.op].cost
    if key == "mad":
        a, b = value.args[-2].type, value.args[-1].type
        (m, k), (_, n) = tile_shape(a), tile_shape(b)
        return mad_cycles(m, k, n, a.dtype, params, fresh)
    if key in CUBE_MOVES:
        return transfer_cycles(key, tile_bytes(value.type), params)
    if key == "scalar":  # TCI: the scalar unit writes one element a cycle (assumed)
        return tile_shape(value.type)[1] * params.issue
    if key in params.vector:
        return vector_cycles(key, widest(value), params, fresh)
    return 0.0  # an alias (no instruction) or the fixpipe's conversion, paid by the store
