"""The pto::Tile type of every planned tile (plan.TilePlan): its layout, storage shape and
valid shape are the plan's; this module only spells them.

AIC: a GM load goes to L1 as an NZ `Mat` tile (a transposed load as ZN, read through a DN
GlobalTensor, facts §2); a popped tile lands in L1 as NZ; `move_left`/`move_right` give
`TileLeft`/`TileRight`; matmul results are `TileAcc`. A cube tile of fewer rows than its
16-row fractal is stored padded, its valid rows the tile's own. AIV: every tile is a row-major
`Vec` tile, except per-row values `[R, 1]`, which are DN column tiles `Tile<Vec, T, AR, 1,
ColMajor, R, 1>` (AR = R rounded up to 32 bytes) as TROWMAX/TROWSUM/TROWEXPAND* expect;
element-wise and scalar ops on them go through a row-major view of the same bytes (`Tile<Vec,
T, AR*b/32, 32/b>`), because the simulator rejects scalar ops on column-major tiles (facts §9,
§10). Type aliases are named after their structure, so equal types share one alias.
"""

from __future__ import annotations

import struct

from .. import plan
from ..symbolic import as_int
from . import cxx

PAD_VALUE = {float("-inf"): "pto::PadValue::Min", float("inf"): "pto::PadValue::Max",
             0.0: "pto::PadValue::Zero"}


def valid(tile: plan.TilePlan) -> tuple:
    return tuple(as_int(d) for d in tile.type.shape)


def element(tile: plan.TilePlan) -> str:
    return cxx.ELEMENT[tile.type.dtype]


def is_col(tile: plan.TilePlan) -> bool:
    return tile.layout == "col"


def type_name(tile: plan.TilePlan) -> str:
    rows, cols = valid(tile)
    shape = f"{tile.rows}x{tile.cols}"
    if (rows, cols) != (tile.rows, tile.cols):
        shape += f"_v{rows}x{cols}"
    return cxx.name(tile.layout, tile.type.dtype, shape, "t")


def type_text(tile: plan.TilePlan) -> str:
    t, r, c = element(tile), tile.rows, tile.cols
    vr, vc = valid(tile)
    if tile.layout == "nz":
        return (f"pto::Tile<pto::TileType::Mat, {t}, {r}, {c}, pto::BLayout::ColMajor, {vr}, "
                f"{vc}, pto::SLayout::RowMajor, 512>")
    if tile.layout == "zn":
        return (f"pto::Tile<pto::TileType::Mat, {t}, {r}, {c}, pto::BLayout::RowMajor, {vr}, "
                f"{vc}, pto::SLayout::ColMajor, 512>")
    if tile.layout in ("left", "right", "acc"):
        alias = {"left": "TileLeft", "right": "TileRight", "acc": "TileAcc"}[tile.layout]
        return f"pto::{alias}<{t}, {r}, {c}, {vr}, {vc}>"
    if tile.layout == "col":
        return f"pto::Tile<pto::TileType::Vec, {t}, {r}, 1, pto::BLayout::ColMajor, {vr}, 1>"
    if tile.layout == "mask":  # 8 columns a byte (facts: TCMP / TSEL masks on a2a3)
        return (f"pto::Tile<pto::TileType::Vec, uint8_t, {r}, {c}, pto::BLayout::RowMajor, "
                f"{vr}, {-(-vc // 8)}>")
    return f"pto::Tile<pto::TileType::Vec, {t}, {r}, {c}, pto::BLayout::RowMajor, {vr}, {vc}>"  # vec, vecpad


def view_type(tile: plan.TilePlan) -> tuple:
    """(alias, text) of the row-major view of a column tile (the same bytes)."""
    per_block = 32 // cxx.BYTES[tile.type.dtype]
    rows = tile.rows // per_block
    text = (f"pto::Tile<pto::TileType::Vec, {element(tile)}, {rows}, {per_block}, "
            f"pto::BLayout::RowMajor, {rows}, {per_block}>")
    return cxx.name("colview", tile.type.dtype, f"{tile.rows}x1", "t"), text


def pad_type(tile: plan.TilePlan, value: float) -> tuple:
    """(alias, text) of this tile with a pad value, the destination of TFILLPAD_INPLACE."""
    pad = pad_value(value)
    tag = {"pto::PadValue::Min": "min", "pto::PadValue::Max": "max",
           "pto::PadValue::Zero": "zero"}.get(pad, "custom" + _bits_tag(value))
    t, r, c = element(tile), tile.rows, tile.cols
    vr, vc = valid(tile)
    text = (f"pto::Tile<pto::TileType::Vec, {t}, {r}, {c}, pto::BLayout::RowMajor, {vr}, {vc}, "
            f"pto::SLayout::NoneBox, 512, {pad}>")
    return cxx.name("pad", tag, tile.type.dtype, f"{r}x{c}", "t"), text


def dynamic_type(tile: plan.TilePlan) -> tuple:
    """(alias, text) of this tile with a runtime number of valid columns."""
    t, r, c = element(tile), tile.rows, tile.cols
    vr, _ = valid(tile)
    text = f"pto::Tile<pto::TileType::Vec, {t}, {r}, {c}, pto::BLayout::RowMajor, {vr}, -1>"
    return cxx.name("dyn", tile.type.dtype, f"{r}x{c}", "t"), text


def pad_value(value: float) -> str:
    """The PadValue template argument; a custom value is CustomBase | its f32 bits (what
    pto::PadCustom<v> computes, spelled without C++20 float template arguments)."""
    if value in PAD_VALUE:
        return PAD_VALUE[value]
    return f"static_cast<pto::PadValue>(0x1{_bits_tag(value)}ULL)"


def _bits_tag(value: float) -> str:
    return f"{struct.unpack('<I', struct.pack('<f', value))[0]:08x}"
