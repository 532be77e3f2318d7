"""The storage model of a case's tiles (an analysis shared by memory planning, sync insertion
and the report).

Every tile name of a case body resolves to a storage root:

- a tile computed into its own bytes (`kind "tile"`): its root is itself. AIC: a load lives in
  L1, `move_left` in L0A, `move_right` in L0B, a matmul result in L0C; AIV: everything in UB.
  `var x = ...; x = y` (Assign of a name) is a copy into x's own bytes.
- a popped tile (`"popped"`): its root is the pipe's consumer region, `pipe:<name>`; TPOP
  chooses the slot (local slot k % LocalSlotNum at the k-th pop).
- an alias (`"alias"`), `let x = y` of a tile: x is y's bytes as they are when the let runs;
  y may be redefined later (the pipelining pass's `pdsl_prev_` copies), which is what gives the
  root a second version.
- an in-place pad (`"inplace"`): `let r = pad_cols(x, ...)` where nothing reads x (or another
  name of x's storage) afterwards is TFILLPAD_INPLACE on x's bytes; r has x's root.
- a row-reduction scratch (`"scratch"`): `let r = rowmax(x)` / `rowsum(x)` needs TROWMAX's
  mandatory tmp tile of x's type; it is the name `pdsl_tmp_r`, live only at those statements.

A root gets `versions = 2` when a load defines it inside a loop (ping/pong, so the next load
can overlap the current reads) or when it is redefined while an alias of its old value is live.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from .liveness import Liveness, is_tile, tile_reads

AIC_LOCATION = {"move_left": "L0A", "move_right": "L0B", "matmul": "L0C", "matmul_acc": "L0C"}
ROW_REDUCTIONS = ("rowmax", "rowsum")
SCRATCH = "pdsl_tmp_"


@dataclass(frozen=True)
class TileInfo:
    name: str
    type: ir.TileType
    kind: str  # tile | popped | alias | inplace | scratch
    root: str  # the allocated name, or "pipe:<name>" for popped storage
    buffer: str  # L1 | L0A | L0B | L0C | UB
    span: object = None


@dataclass(frozen=True)
class Tiles:
    info: dict  # name -> TileInfo
    versions: dict  # allocated root -> 1 or 2
    positions: dict  # root -> frozenset of program positions its bytes are in use

    def root(self, name: str) -> str:
        return self.info[name].root


def classify(live: Liveness, core: str) -> Tiles:
    info: dict = {}
    scratch: dict = {}  # scratch name -> positions of its reduction statements
    for index, stmt in _tile_bindings(live):
        _merge(info, _classify(stmt, index, live, core, info))
        if isinstance(stmt.value, ir.TileOp) and stmt.value.op in ROW_REDUCTIONS:
            name = SCRATCH + stmt.name
            _merge(info, TileInfo(name, stmt.value.args[0].type, "scratch", name, "UB", stmt.span))
            scratch.setdefault(name, set()).add(index)
    defs: dict = {}  # root -> positions that write a new value into it
    for index, stmt in _tile_bindings(live):
        if info[stmt.name].kind in ("tile", "popped"):
            defs.setdefault(info[stmt.name].root, []).append(index)
    positions: dict = {}
    for name, tile in info.items():
        spots = frozenset(scratch[name]) if tile.kind == "scratch" else live.occupied[name]
        positions[tile.root] = positions.get(tile.root, frozenset()) | spots
    versions = {root: _versions(root, info, defs, live) for root in positions
                if not root.startswith("pipe:")}
    return Tiles(info, versions, positions)


def _tile_bindings(live: Liveness):
    for index, stmt in enumerate(live.order):
        if isinstance(stmt, (ir.Let, ir.Assign)) and is_tile(stmt.value):
            yield index, stmt


def _classify(stmt, index: int, live: Liveness, core: str, info: dict) -> TileInfo:
    value, name = stmt.value, stmt.name
    if isinstance(value, ir.TPop):
        buffer = "L1" if core == "aic" else "UB"
        return TileInfo(name, value.type, "popped", f"pipe:{value.pipe}", buffer, stmt.span)
    if isinstance(value, ir.Name):
        source = info[value.name]
        if isinstance(stmt, ir.Let) and not stmt.mutable:
            return TileInfo(name, value.type, "alias", source.root, source.buffer, stmt.span)
        if core == "aic":
            raise AssertionError(f"internal error: tile copy '{name} = {value.name}' on the AIC")
        return TileInfo(name, value.type, "tile", name, "UB", stmt.span)
    if isinstance(value, ir.TileOp) and value.op == "pad_cols":
        operand = info[value.args[0].name]
        if _dies_here(operand.root, name, index, live, info):
            return TileInfo(name, value.type, "inplace", operand.root, operand.buffer, stmt.span)
    buffer = "UB"
    if core == "aic":
        buffer = AIC_LOCATION.get(value.op, "L1") if isinstance(value, ir.TileOp) else "L1"
    return TileInfo(name, value.type, "tile", name, buffer, stmt.span)


def _dies_here(root: str, result: str, index: int, live: Liveness, info: dict) -> bool:
    """No name of `root`'s storage but `result` is read after the statement at `index`."""
    after = live.live_out[index] - {result}
    return not any(info[n].root == root for n in after if n in info)


def _merge(info: dict, tile: TileInfo) -> None:
    """One storage decision per name: every binding of a name must agree."""
    old = info.get(tile.name)
    if old is None:
        info[tile.name] = tile
        return
    if old.type != tile.type:
        raise AssertionError(f"internal error: '{tile.name}' is bound as {old.type} and as "
                             f"{tile.type}")
    if (old.kind, old.root, old.buffer) != (tile.kind, tile.root, tile.buffer):
        if {old.kind, tile.kind} == {"inplace", "tile"}:
            info[tile.name] = tile if tile.kind == "tile" else old  # pad into its own bytes
            return
        raise AssertionError(f"internal error: '{tile.name}' is bound as {old.kind} of "
                             f"{old.root} in {old.buffer} and as {tile.kind} of {tile.root} in "
                             f"{tile.buffer}")


def _versions(root: str, info: dict, defs: dict, live: Liveness) -> int:
    writes = defs.get(root, ())
    if any(i in live.in_loop and isinstance(live.order[i].value, ir.Load) for i in writes):
        return 2
    aliases = {n for n, t in info.items() if t.root == root and t.kind == "alias"}
    for index in writes:
        held = (live.live_out[index] | tile_reads(live.order[index])) & aliases
        if held:
            return 2
    return 1


def tile_bytes(tile: ir.TileType, buffer: str) -> int:
    """Bytes of one tile in `buffer`, padded as the pto-isa tile rules need (facts sheet §1):
    UB RowMajor rows are 32-byte multiples and an [R, 1] per-row tile is DN ColMajor with R
    rounded up to 32 bytes; L1/L0A/L0B tiles are boxed in 512-byte fractals (16 x 32 bytes);
    L0C tiles in 16 x 16 boxes."""
    rows, cols = (_const(d) for d in tile.shape)
    size = ir.DTYPE_BYTES[tile.dtype]
    unit = max(1, 32 // size)
    if buffer == "UB":
        if cols == 1 and rows > 1:
            rows = _round_up(rows, unit)
        else:
            cols = _round_up(cols, unit)
    elif buffer == "L0C":
        rows, cols = _round_up(rows, 16), _round_up(cols, 16)
    else:
        box = max(16, unit)
        rows, cols = _round_up(rows, box), _round_up(cols, box)
    return _round_up(rows * cols * size, 32)


def _const(dim) -> int:
    if isinstance(dim, ir.Const) and isinstance(dim.value, int):
        return dim.value
    raise AssertionError(f"internal error: tile dimension {dim} is not a constant (run "
                         f"specialize first)")


def _round_up(value: int, unit: int) -> int:
    return -(-value // unit) * unit
