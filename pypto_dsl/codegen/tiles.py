"""The pto::Tile type of every tile of one core, from where the tile lives and who reads it.

AIC: a GM load goes to L1 as an NZ `Mat` tile (a transposed load as ZN, read through a DN
GlobalTensor, facts §2); a popped tile lands in L1 as NZ; `move_left`/`move_right` give
`TileLeft`/`TileRight`; matmul results are `TileAcc`. AIV: every tile is a row-major `Vec`
tile, except per-row values `[R, 1]`, which are DN column tiles `Tile<Vec, T, AR, 1, ColMajor,
R, 1>` (AR = R rounded up to 32 bytes) as TROWMAX/TROWSUM/TROWEXPAND* expect; element-wise and
scalar ops on them go through a row-major view of the same bytes (`Tile<Vec, T, AR*b/32, 32/b>`),
because the simulator rejects scalar ops on column-major tiles (facts §9, §10).
Type aliases are named after their structure, so equal types share one alias.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .. import ir
from ..symbolic import as_int
from . import cxx

MAT_NZ, MAT_ZN, LEFT, RIGHT, ACC, VEC, COL = "nz", "zn", "left", "right", "acc", "vec", "col"
PAD_VALUE = {float("-inf"): "pto::PadValue::Min", float("inf"): "pto::PadValue::Max",
             0.0: "pto::PadValue::Zero"}


@dataclass(frozen=True)
class TileInfo:
    name: str
    dtype: str
    rows: int
    cols: int
    kind: str

    @property
    def element(self) -> str:
        return cxx.ELEMENT[self.dtype]

    @property
    def is_col(self) -> bool:
        return self.kind == COL

    @property
    def type_name(self) -> str:
        return cxx.name(self.kind, self.dtype, f"{self.rows}x{self.cols}", "t")

    @property
    def view_type_name(self) -> str:
        """The row-major view of a column tile."""
        return cxx.name("colview", self.dtype, f"{self.rows}x{self.cols}", "t")

    def type_text(self) -> str:
        t, r, c = self.element, self.rows, self.cols
        if self.kind == MAT_NZ:
            return (f"pto::Tile<pto::TileType::Mat, {t}, {r}, {c}, pto::BLayout::ColMajor, {r}, {c}, "
                    "pto::SLayout::RowMajor, 512>")
        if self.kind == MAT_ZN:
            return (f"pto::Tile<pto::TileType::Mat, {t}, {r}, {c}, pto::BLayout::RowMajor, {r}, {c}, "
                    "pto::SLayout::ColMajor, 512>")
        if self.kind == LEFT:
            return f"pto::TileLeft<{t}, {r}, {c}>"
        if self.kind == RIGHT:
            return f"pto::TileRight<{t}, {r}, {c}>"
        if self.kind == ACC:
            return f"pto::TileAcc<{t}, {r}, {c}>"
        if self.kind == COL:
            return (f"pto::Tile<pto::TileType::Vec, {t}, {self.aligned_rows}, 1, "
                    f"pto::BLayout::ColMajor, {r}, 1>")
        return f"pto::Tile<pto::TileType::Vec, {t}, {r}, {c}, pto::BLayout::RowMajor, {r}, {c}>"

    @property
    def aligned_rows(self) -> int:
        per_block = 32 // cxx.BYTES[self.dtype]
        return -(-self.rows // per_block) * per_block

    def view_text(self) -> str:
        per_block = 32 // cxx.BYTES[self.dtype]
        rows = self.aligned_rows // per_block
        return (f"pto::Tile<pto::TileType::Vec, {self.element}, {rows}, {per_block}, "
                f"pto::BLayout::RowMajor, {rows}, {per_block}>")

    def pad_type(self, value: float) -> tuple:
        """(alias, text) of this tile with a pad value, the destination of TFILLPAD_INPLACE."""
        pad = pad_value(value, self.dtype)
        tag = {"pto::PadValue::Min": "min", "pto::PadValue::Max": "max",
               "pto::PadValue::Zero": "zero"}.get(pad, "custom" + _bits_tag(value))
        t, r, c = self.element, self.rows, self.cols
        text = (f"pto::Tile<pto::TileType::Vec, {t}, {r}, {c}, pto::BLayout::RowMajor, {r}, {c}, "
                f"pto::SLayout::NoneBox, 512, {pad}>")
        return cxx.name("pad", tag, self.dtype, f"{r}x{c}", "t"), text

    def dynamic_type(self) -> tuple:
        """(alias, text) of this tile with a runtime number of valid columns."""
        t, r, c = self.element, self.rows, self.cols
        text = f"pto::Tile<pto::TileType::Vec, {t}, {r}, {c}, pto::BLayout::RowMajor, {r}, -1>"
        return cxx.name("dyn", self.dtype, f"{r}x{c}", "t"), text


def pad_value(value: float, dtype: str) -> str:
    """The PadValue template argument; a custom value is CustomBase | its f32 bits (what
    pto::PadCustom<v> computes, spelled without C++20 float template arguments)."""
    if value in PAD_VALUE:
        return PAD_VALUE[value]
    return f"static_cast<pto::PadValue>(0x1{_bits_tag(value)}ULL)"


def _bits_tag(value: float) -> str:
    return f"{struct.unpack('<I', struct.pack('<f', value))[0]:08x}"


def classify(body: tuple, core: str) -> dict:
    """name -> TileInfo for every tile bound in `body` (a dispatch case of `core`)."""
    out: dict = {}
    for stmt in ir.walk_stmts(body):
        if not isinstance(stmt, (ir.Let, ir.Assign)):
            continue
        value = stmt.value
        if not isinstance(value.type, ir.TileType) or stmt.name in out:
            continue
        rows, cols = (as_int(d) for d in value.type.shape)
        if rows is None or cols is None:
            raise ValueError(f"tile {stmt.name} has a non-constant shape {value.type}")
        out[stmt.name] = TileInfo(stmt.name, value.type.dtype, rows, cols,
                                  _kind(value, core, cols, out))
    return out


def _kind(value: ir.Expr, core: str, cols: int, known: dict) -> str:
    if core == "aiv":
        return COL if cols == 1 else VEC
    if isinstance(value, ir.Load):
        return MAT_ZN if value.transpose else MAT_NZ
    if isinstance(value, ir.TPop):
        return MAT_NZ
    if isinstance(value, ir.Name):
        return known[value.name].kind
    if isinstance(value, ir.TileOp):
        return {"move_left": LEFT, "move_right": RIGHT, "matmul": ACC, "matmul_acc": ACC}.get(
            value.op, MAT_NZ)
    return MAT_NZ
