"""Memory planning: a byte offset in an on-chip buffer for every tile of every case.

After this pass each `DispatchCase` of both cores carries an `ir.MemoryPlan`:

- one `ir.Allocation` per tile name that owns bytes (see `tiles.py` for which names do: aliases,
  in-place pads and popped tiles do not; row reductions add a `pdsl_tmp_<result>` scratch), in
  its buffer (AIC: L1, L0A, L0B, L0C; AIV: UB), 32-byte aligned, `versions` copies of `size`
  bytes, `live` = (first, last) program position (liveness.py) at which its bytes are in use;
- one `ir.Reservation("pipe:<name>", ...)` per pipe this core consumes, from offset 0 in
  declaration order, sized by the pinned pto-isa rules (facts sheet §5): a UB consumer region
  is (LocalSlotNum-1)*SlotSize + laneTileBytes, an L1 one LocalSlotNum*SlotSize, with SlotSize
  the full (unsplit) tile's bytes. Local slot k starts at k*SlotSize, so a row-split pipe's
  region has a hole [laneTileBytes, SlotSize) that TPOP never writes: tiles may live there;
- `peak`: per used buffer, the highest byte in use (the footprint that must fit).

Tiles whose occupied positions are disjoint share bytes: first fit in order of first use, so
the plan is deterministic. A case that does not fit its buffer's capacity (platform.py) is a
located CompileError naming the buffer, the excess, and the tiles live at the peak; every
overflowing buffer of every case is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import ir
from ..diagnostics import ErrorSink
from ..platform import BUFFERS, DEFAULT, kib, platform
from .liveness import analyze
from .tiles import Tiles, classify, tile_bytes


@dataclass(frozen=True)
class PipeRegion:
    """A pipe's consumer-side region: `slots` are (offset from the base, bytes written)."""

    buffer: str
    slot_size: int
    size: int
    slots: tuple


def plan_memory(kernel: ir.Kernel, target: str = DEFAULT) -> ir.Kernel:
    chip = platform(target)
    sink = ErrorSink()
    bodies = {}
    for core in ("aic", "aiv"):
        (dispatch,) = kernel.body(core)
        cases = tuple(replace(c, memory=_plan_case(c, dispatch, core, chip, sink))
                      for c in dispatch.cases)
        bodies[core] = (replace(dispatch, cases=cases),)
    sink.raise_if_any()
    return replace(kernel, aic=bodies["aic"], aiv=bodies["aiv"])


def case_label(dispatch: ir.Dispatch, case: ir.DispatchCase) -> str:
    return ", ".join(f"{s}={v}" for s, v in zip(dispatch.symbols, case.values))


def pipe_region(pipe: ir.PipeDecl, chip) -> PipeRegion:
    buffer = "UB" if pipe.dst == "aiv" else "L1"
    rows, cols = (d.value for d in pipe.shape)
    slot_size = rows * cols * ir.DTYPE_BYTES[pipe.dtype]
    if pipe.dst == "aiv" and pipe.split == "rows":
        rows //= 2
    local = tile_bytes(ir.TileType(pipe.dtype, (ir.Const(rows), ir.Const(cols))), buffer)
    if local > slot_size:
        raise AssertionError(f"internal error: pipe '{pipe.name}': a local tile of {local} bytes "
                             f"does not fit a {slot_size}-byte slot")
    slots = tuple((k * slot_size, local) for k in range(chip.local_slots))
    size = slots[-1][0] + (local if buffer == "UB" else slot_size)
    return PipeRegion(buffer, slot_size, size, slots)


def reservations(case: ir.DispatchCase, core: str, chip) -> tuple:
    out, end = [], {}
    for pipe in case.pipes:
        if pipe.dst != core:
            continue
        region = pipe_region(pipe, chip)
        offset = _align(end.get(region.buffer, 0), chip.alignment)
        out.append(ir.Reservation(f"pipe:{pipe.name}", region.buffer, offset, region.size))
        end[region.buffer] = offset + region.size
    return tuple(out)


def reserved_bytes(case: ir.DispatchCase, chip) -> tuple:
    """(label, buffer, start, end) of the bytes the reservations really use (pipe slots)."""
    out = []
    for res in case.memory.reservations:
        region = pipe_region(case.pipe(res.label[len("pipe:"):]), chip)
        out.extend((res.label, res.buffer, res.offset + start, res.offset + start + size)
                   for start, size in region.slots)
    return tuple(out)


def _plan_case(case, dispatch, core: str, chip, sink: ErrorSink) -> ir.MemoryPlan:
    live = analyze(case.body)
    tiles = classify(live, core)
    plan = ir.MemoryPlan((), reservations(case, core, chip))
    fixed = reserved_bytes(replace(case, memory=plan), chip)
    placed: list = []  # (allocation, positions)
    for buffer in BUFFERS:
        roots = [r for r in tiles.versions if tiles.info[r].buffer == buffer]
        busy = [(s, e) for _, b, s, e in fixed if b == buffer]
        placed += min((_place(ordered, tiles, busy, chip) for ordered in _orders(roots, tiles)),
                      key=lambda allocs: max((a.offset + a.size * a.versions for a, _ in allocs),
                                             default=0))
    allocations = tuple(sorted((a for a, _ in placed),
                               key=lambda a: (BUFFERS.index(a.buffer), a.offset, a.name)))
    peak = _high_water(allocations, plan.reservations)
    _check_fit(peak, placed, plan.reservations, live, tiles, dispatch, case, chip, sink)
    return ir.MemoryPlan(allocations, plan.reservations, peak)


def _orders(roots: list, tiles: Tiles) -> tuple:
    """Two first-fit orders, the better one is kept: by first use, and largest first (which
    lets the big tiles take the holes between pipe slots before small ones split them)."""
    first = sorted(roots, key=lambda r: (min(tiles.positions[r]), r))
    largest = sorted(roots, key=lambda r: (-_bytes(r, tiles), min(tiles.positions[r]), r))
    return first, largest


def _bytes(root: str, tiles: Tiles) -> int:
    info = tiles.info[root]
    return tile_bytes(info.type, info.buffer) * tiles.versions[root]


def _place(roots: list, tiles: Tiles, fixed: list, chip) -> list:
    placed: list = []
    for root in roots:
        tile = tiles.info[root]
        size = tile_bytes(tile.type, tile.buffer)
        spots = tiles.positions[root]
        busy = fixed + [(a.offset, a.offset + a.size * a.versions) for a, other in placed
                        if spots & other]
        offset = _first_fit(size * tiles.versions[root], busy, chip.alignment)
        placed.append((ir.Allocation(root, tile.buffer, offset, size, tiles.versions[root],
                                     (min(spots), max(spots))), spots))
    return placed


def _first_fit(size: int, busy: list, alignment: int) -> int:
    offset = 0
    for start, end in sorted(busy):
        if offset + size <= start:
            break
        offset = max(offset, _align(end, alignment))
    return offset


def _high_water(allocations: tuple, reserved: tuple) -> tuple:
    top: dict = {}
    for a in allocations:
        top[a.buffer] = max(top.get(a.buffer, 0), a.offset + a.size * a.versions)
    for r in reserved:
        top[r.buffer] = max(top.get(r.buffer, 0), r.offset + r.size)
    return tuple((b, top[b]) for b in BUFFERS if b in top)


def _check_fit(peak, placed, reserved, live, tiles: Tiles, dispatch, case, chip, sink) -> None:
    for buffer, need in peak:
        capacity = chip.buffer(buffer).capacity
        if need <= capacity:
            continue
        mine = [(a, spots) for a, spots in placed if a.buffer == buffer]
        fixed = sum(r.size for r in reserved if r.buffer == buffer)
        at = max(range(len(live.order)),
                 key=lambda p: (sum(a.size * a.versions for a, s in mine if p in s), -p))
        held = sorted((a for a, s in mine if at in s),
                      key=lambda a: (-a.size * a.versions, a.name))
        items = [f"{a.name} {tiles.info[a.name].type} {kib(a.size * a.versions)}" for a in held]
        items += [f"{r.label} {kib(r.size)}" for r in reserved if r.buffer == buffer]
        where = case_label(dispatch, case)
        span = getattr(live.order[at], "span", None) if live.order else None
        if span is None and held:
            span = tiles.info[held[0].name].span
        sink.error(span, f"{buffer} overflows by {kib(need - capacity)}"
                   f"{' at ' + where if where else ''} (need {kib(need)} of {kib(capacity)}): "
                   f"live at the peak: {', '.join(items)}",
                   f"{kib(fixed)} of {buffer} is reserved for pipe consumer slots" if fixed else
                   f"{buffer} holds the tiles of one {'AIV lane' if buffer == 'UB' else 'AIC'}")


def _align(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment
