"""The storage plan: what memory planning decided, one immutable record per dispatch case.

`passes/memory.py` (plan_memory) writes one `CasePlan` per case into `Kernel.plans`. Sync
insertion, the report, the code generator, the cost model and the hazard checker read it; none
of them recomputes liveness, slot geometry, the lane split or the case environment.

- `TilePlan`: every tile name of one core's case body: how it is stored (`kind`: its own bytes,
  a popped tile in its pipe's consumer slots, an alias of another name's bytes, an in-place
  result, or a reduction's scratch), where (`buffer`, `offset`, `size` of one version,
  `versions` for ping/pong), its pto-isa `layout` and padded storage shape, and its live range.
- `PipePlan`: every pipe's geometry, the same on both cores: slot size, GM depth, local slots
  (LocalSlotNum: how many popped tiles of the pipe are live at once), the consumer's region,
  the lane split and the direction.
- `CasePlan`: the case (values and scalar environment), the target, the pipes and both cores'
  tiles with their peak use per buffer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from . import ir

# How a tile name is stored.
OWN, POPPED, ALIAS, INPLACE, SCRATCH = "own", "popped", "alias", "inplace", "scratch"
SCRATCH_PREFIX = "pdsl_tmp_"  # + the reduction's result: the name of its scratch tile


@dataclass(frozen=True)
class TilePlan:
    name: str
    type: ir.TileType
    kind: str  # own | popped | alias | inplace | scratch
    root: str  # the name owning the bytes; for a popped tile the pipe's name
    buffer: str  # L1 | L0A | L0B | L0C | UB
    layout: str  # nz | zn | left | right | acc | vec | col (pto-isa tile layouts, codegen/tiles)
    rows: int  # storage shape: the type's shape padded to the layout's boxes
    cols: int
    offset: int = 0  # bytes from the buffer's start (own and scratch tiles)
    size: int = 0  # bytes of one version
    versions: int = 1  # ping/pong: version k % versions at the k-th definition
    live: tuple = ()  # ((first, last), ...): the runs of program positions its bytes are in use
    span: object = None

    def in_use(self, position: int) -> bool:
        return any(first <= position <= last for first, last in self.live)

    @property
    def owns_bytes(self) -> bool:
        return self.kind in (OWN, SCRATCH)

    @property
    def footprint(self) -> int:
        return self.size * self.versions


@dataclass(frozen=True)
class PipePlan:
    name: str
    src: str  # aic | aiv
    dst: str
    dtype: str
    rows: int  # the whole tile, as the cube pushes or pops it
    cols: int
    split: bool  # `split rows`: each AIV lane moves rows / 2 of them
    lane_rows: int  # rows an AIV lane moves (rows when not split)
    depth: int  # GM slots
    flag: int  # TPipe flag id (2 per pipe)
    slot_size: int  # bytes of one GM slot, and the stride of the consumer's local slots
    local_slots: int  # LocalSlotNum: popped tiles of this pipe live at once (at least 1)
    buffer: str  # where the consumer's local slots are: UB (aiv) | L1 (aic)
    offset: int  # the consumer region's start in that buffer
    region: int  # its bytes: (local_slots - 1) * slot_size + local_bytes
    local_bytes: int  # bytes of one popped tile in the consumer's layout
    lane_bytes: int  # byte offset of lane 1's half inside a GM slot (0 when not split)

    @property
    def c2v(self) -> bool:
        return self.src == "aic"

    @property
    def block_bytes(self) -> int:
        """GM FIFO bytes per hardware block."""
        return self.slot_size * self.depth

    def slots(self) -> tuple:
        """(offset in the buffer, bytes) of each local slot: slot k at k * slot_size."""
        return tuple((self.offset + k * self.slot_size, self.local_bytes)
                     for k in range(self.local_slots))


@dataclass(frozen=True)
class CoreStorage:
    core: str
    tiles: tuple  # TilePlan, by (buffer, offset, name) for owners, then the others by name
    peak: tuple  # (buffer, bytes used at the highest point), in platform buffer order

    def tile(self, name: str) -> TilePlan:
        return self.by_name[name]

    def get(self, name: str):
        return self.by_name.get(name)

    @cached_property
    def by_name(self) -> dict:
        return {t.name: t for t in self.tiles}


@dataclass(frozen=True)
class CasePlan:
    case: ir.CaseEnv
    target: str
    pipes: tuple  # PipePlan, in declaration order
    aic: CoreStorage
    aiv: CoreStorage

    def core(self, core: str) -> CoreStorage:
        return self.aic if core == "aic" else self.aiv

    def pipe(self, name: str) -> PipePlan:
        return next(p for p in self.pipes if p.name == name)
