"""Memory planning: the storage plan of every case (plan.py), written into `Kernel.plans`.

After this pass `Kernel.plans[k]` is the `plan.CasePlan` of case k, and every later reader takes
its facts from there:

- a `PipePlan` per pipe: the tile's rows and columns, the lane split, the GM depth, the slot
  size (the whole tile, or the consumer's padded local tile when that is larger, so a cube tile
  of fewer than 16 rows fits its 16-row fractal), the local slots (how many popped tiles of the
  pipe are live at once, from storage.py, at least two when the depth allows, for double
  buffering; more than the depth is a located error naming the pipe and its pops) and the
  consumer region: from offset 0 of the consumer's buffer (UB on the AIV, L1 on the AIC), in
  declaration order, (local_slots - 1) * slot_size + local tile bytes in UB, local_slots *
  slot_size in L1 (the pinned pto-isa rules, facts sheet §5). Local slot k starts at
  k * slot_size, so a region has holes between the slots' bytes, where tiles may live;
- a `TilePlan` per tile name of each core: its storage (storage.py), its layout's padded shape
  and, for names that own bytes, a 32-byte-aligned offset in its buffer, its size, its
  versions and its live range (program positions, liveness.py);
- the peak use of every buffer.

Tiles whose occupied positions are disjoint share bytes: first fit, in two orders (by first
use, and largest first), the lower peak kept, so the plan is deterministic. A case that does
not fit its buffer's capacity (platform.py) is a located error naming the buffer, the excess
and the tiles live at the peak; every overflowing buffer of every case is reported.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir, plan
from ..diagnostics import ErrorSink
from ..platform import kib, platform
from ..symbolic import as_int
from .liveness import analyze, runs
from .rewrite import substitute_type
from .shown import shown
from .storage import analyze_storage

CONSUMER_BUFFER = {"aiv": "UB", "aic": "L1"}


def plan_memory(kernel: ir.Kernel) -> ir.Kernel:
    chip = platform(kernel.target)
    sink = ErrorSink()
    plans = []
    for case in kernel.cases:
        bodies = {core: kernel.body(core)[0].cases[case.index].body for core in ("aic", "aiv")}
        plans.append(_plan_case(kernel, case, bodies, chip, sink))
    sink.raise_if_any()
    return replace(kernel, plans=tuple(plans))


def _plan_case(kernel: ir.Kernel, case: ir.CaseEnv, bodies: dict, chip, sink) -> plan.CasePlan:
    before = len(sink.diagnostics)
    lives = {core: analyze(bodies[core]) for core in bodies}
    analyses = {core: analyze_storage(lives[core], core, sink) for core in bodies}
    if len(sink.diagnostics) > before:
        return None
    # Pipes with one popped tile live get a second local slot for double buffering; when that
    # makes a buffer overflow, the plan is made again with one slot for them, and only then
    # an overflow is an error.
    trial = ErrorSink()
    pipes = _pipes(kernel, case, analyses, chip, trial, double=True)
    cores = {core: _core(core, lives[core], analyses[core], pipes, case, chip, trial)
             for core in bodies}
    if trial.diagnostics:
        pipes = _pipes(kernel, case, analyses, chip, sink, double=False)
        cores = {core: _core(core, lives[core], analyses[core], pipes, case, chip, sink)
                 for core in bodies}
    return plan.CasePlan(case, chip.name, pipes, cores["aic"], cores["aiv"])


# ------------------------------------------------------------------------------------ pipes


def _pipes(kernel, case: ir.CaseEnv, analyses: dict, chip, sink, double: bool) -> tuple:
    out, end = [], {}
    for k, decl in enumerate(kernel.pipes):
        rows, cols = (as_int(d) for d in substitute_type(decl.tile_type, case.mapping).shape)
        element = ir.DTYPE_BYTES[decl.dtype]
        stored = storage_shape(ir.TileType(decl.dtype, (ir.Const(rows, None, ir.I64),
                                                        ir.Const(cols, None, ir.I64))), "acc")
        if decl.src == "aic" and decl.split == "rows" and stored != (rows, cols):
            # pto-isa's CPU simulator splits the accumulator's stored rows and columns between
            # the lanes, the NPU its valid ones: only a tile stored as it is agrees on both.
            where = f" at {case.label}" if case.label else ""
            sink.error(decl.span, f"pipe '{decl.name}'{where} splits the rows of a cube tile "
                       f"{decl.dtype}[{rows}, {cols}] that the cube stores as [{stored[0]}, "
                       f"{stored[1]}] (16-row fractals{', 32-column i32 blocks' if decl.dtype == 'i32' else ''}): "
                       "push a tile of whole fractals, or declare the pipe `split none` and let "
                       "each lane take its rows")
        side = ir.TileType(decl.dtype, substitute_type(decl.side_type(decl.dst),
                                                       case.mapping).shape)
        lane_rows = as_int(side.shape[0]) if decl.dst == "aiv" else rows // (
            2 if decl.split == "rows" else 1)
        layout = "vec" if decl.dst == "aiv" else "nz"
        if decl.dst == "aiv" and cols == 1:
            layout = "col"
        srows, scols = storage_shape(side, layout)
        local_bytes = srows * scols * element
        slot_size = _align(max(rows * cols * element, local_bytes), chip.alignment)
        live = analyses[decl.dst].slots.get(decl.name, 1)
        if live > decl.depth:
            spans = analyses[decl.dst].pops.get(decl.name, ())
            where = ", ".join(dict.fromkeys(str(span) for span in spans))
            count = f"{live}" if live < 64 else "an unbounded number of"
            keep = ("" if decl.dst == "aic" else
                    ", or copy a tile to keep it (`var kept = t;`)")
            staged = any(loop.core == decl.dst and any(decl.name in s.pops for s in loop.stages)
                         for loop in kernel.pipelined)
            why = ("; a pipelined loop holds a tile it reads in a later stage until then"
                   if staged else "")
            sink.error(decl.span, f"pipe '{decl.name}' has depth {decl.depth}, but {decl.dst} "
                       f"holds {count} of its popped tiles at once (popped at {where}{why}): "
                       f"hold at most {decl.depth}, or raise the depth{keep}")
        wanted = max(live, 2) if double else live
        slots = min(wanted, decl.depth)
        buffer = CONSUMER_BUFFER[decl.dst]
        region = (slots - 1) * slot_size + (local_bytes if buffer == "UB" else slot_size)
        offset = _align(end.get(buffer, 0), chip.alignment)
        end[buffer] = offset + region
        lane_bytes = lane_rows * cols * element if decl.split == "rows" else 0
        out.append(plan.PipePlan(decl.name, decl.src, decl.dst, decl.dtype, rows, cols,
                                 decl.split == "rows", lane_rows, decl.depth, 2 * k, slot_size,
                                 slots, buffer, offset, region, local_bytes, lane_bytes))
    return tuple(out)


def storage_shape(tile: ir.TileType, layout: str) -> tuple:
    """(rows, cols) a tile of `layout` is stored as: its shape padded to the layout's boxes
    (facts sheet §1 and pto-isa's tile rules). vec: 32-byte rows; col ([R, 1] per-row values,
    DN): R rounded up to 32 bytes; L1/L0A/L0B: 512-byte fractals of 16 rows by 32 bytes
    (nz, left) or 32 bytes by 16 columns (zn, right); L0C: 16 x 16."""
    rows, cols = (as_int(d) for d in tile.shape)
    unit = max(1, 32 // ir.DTYPE_BYTES[tile.dtype])
    if layout == "vec":
        return rows, _align(cols, unit)
    if layout == "vecpad":  # rows padded like a column tile's (storage.needs_padded_rows)
        return _align(rows, unit), _align(cols, unit)
    if layout == "col":
        return _align(rows, unit), 1
    if layout == "mask":  # 8 columns a byte, rows of at least 32 bytes
        return rows, _align(-(-cols // 8), 32)
    # i8 fractals are 32 wide both ways where TMOV transposes them (facts: K and N % 32; an
    # i8 B's K is checked to be a multiple of 32, so its nz rows need no more than 16)
    wide = 32 if tile.dtype == "i8" else 16
    if layout in ("left", "nz"):
        return _align(rows, 16), _align(cols, unit)
    if layout in ("zn", "right"):
        return _align(rows, unit), _align(cols, wide)
    # acc: 16 x 16 boxes; an i32 accumulator (of an i8 matmul) as wide as its i8 B, 32
    return _align(rows, 16), _align(cols, 32 if tile.dtype == "i32" else 16)


# ----------------------------------------------------------------------------------- tiles


def _core(core: str, live, analysis, pipes: tuple, case, chip, sink) -> plan.CoreStorage:
    tiles = analysis.tiles
    fixed = [(p.buffer, start, start + size) for p in pipes if p.dst == core
             for start, size in p.slots()]
    placed: dict = {}  # root -> (offset, size, versions)
    for buffer in chip.buffer_names:
        roots = [r for r in analysis.versions if tiles[r].buffer == buffer]
        busy = [(s, e) for b, s, e in fixed if b == buffer]
        best = min((_place(order, analysis, busy, chip) for order in _orders(roots, analysis)),
                   key=lambda found: max((o + s * v for o, s, v in found.values()), default=0))
        placed.update(best)
    out = []
    popped = {p.name: p for p in pipes if p.dst == core}
    for name in sorted(tiles):
        tile = tiles[name]
        rows, cols = storage_shape(tile.type, tile.layout)
        entry = dict(name=name, type=tile.type, kind=tile.kind, root=tile.root,
                     buffer=tile.buffer, layout=tile.layout, rows=rows, cols=cols,
                     span=tile.span)
        if tile.kind == plan.POPPED:
            pipe = popped[tile.root]
            entry.update(offset=pipe.offset, size=pipe.local_bytes, versions=pipe.local_slots)
        elif tile.root in placed:
            offset, size, versions = placed[tile.root]
            spots = analysis.positions[tile.root]
            entry.update(offset=offset, size=size, versions=versions)
            if tile.root == name:
                entry.update(live=runs(spots))
        out.append(plan.TilePlan(**entry))
    out.sort(key=lambda t: (not t.owns_bytes, chip.buffer_names.index(t.buffer), t.offset,
                            t.name))
    peak = _high_water(out, pipes, core, chip)
    storage = plan.CoreStorage(core, tuple(out), peak)
    _check_fit(storage, pipes, live, analysis, case, chip, sink)
    return storage


def _storage_bytes(tile: ir.TileType, layout: str) -> int:
    rows, cols = storage_shape(tile, layout)
    element = 1 if layout == "mask" else ir.DTYPE_BYTES[tile.dtype]
    return rows * cols * element


def _orders(roots: list, analysis) -> tuple:
    """Two first-fit orders, the better one is kept: by first use, and largest first (which
    lets the big tiles take the holes between pipe slots before small ones split them)."""
    first = sorted(roots, key=lambda r: (min(analysis.positions[r]), r))
    largest = sorted(roots, key=lambda r: (-_bytes(r, analysis), min(analysis.positions[r]), r))
    return first, largest


def _bytes(root: str, analysis) -> int:
    tile = analysis.tiles[root]
    rows, cols = storage_shape(tile.type, tile.layout)
    return _storage_bytes(tile.type, tile.layout) * analysis.versions[root]


def _place(roots: list, analysis, fixed: list, chip) -> dict:
    placed: dict = {}
    for root in roots:
        tile = analysis.tiles[root]
        size = _align(_storage_bytes(tile.type, tile.layout), chip.alignment)
        versions = analysis.versions[root]
        spots = analysis.positions[root]
        busy = fixed + [(o, o + s * v) for other, (o, s, v) in placed.items()
                        if spots & analysis.positions[other]]
        placed[root] = (_first_fit(size * versions, busy, chip.alignment), size, versions)
    return placed


def _first_fit(size: int, busy: list, alignment: int) -> int:
    offset = 0
    for start, end in sorted(busy):
        if offset + size <= start:
            break
        offset = max(offset, _align(end, alignment))
    return offset


def _high_water(tiles: list, pipes: tuple, core: str, chip) -> tuple:
    top: dict = {}
    for t in tiles:
        if t.owns_bytes:
            top[t.buffer] = max(top.get(t.buffer, 0), t.offset + t.footprint)
    for p in pipes:
        if p.dst == core:
            top[p.buffer] = max(top.get(p.buffer, 0), p.offset + p.region)
    return tuple((b, top[b]) for b in chip.buffer_names if b in top)


def _check_fit(storage: plan.CoreStorage, pipes, live, analysis, case, chip, sink) -> None:
    for buffer, need in storage.peak:
        capacity = chip.buffer(buffer).capacity
        if need <= capacity:
            continue
        mine = [t for t in storage.tiles if t.owns_bytes and t.buffer == buffer]
        regions = [p for p in pipes if p.dst == storage.core and p.buffer == buffer]
        reserved = sum(p.region for p in regions)
        at = max(range(len(live.order)),
                 key=lambda q: (sum(t.footprint for t in mine if q in analysis.positions[t.root]),
                                -q))
        held = sorted((t for t in mine if at in analysis.positions[t.root]),
                      key=lambda t: (-t.footprint, t.name))
        items = [f"{shown(t.name, t.span)} ({t.type}, {kib(t.footprint)})" for t in held]
        items += [f"pipe {p.name} {kib(p.region)}" for p in regions]
        span = getattr(live.order[at], "span", None) if live.order else None
        if span is None and held:
            span = held[0].span
        where = f" at {case.label}" if case.label else ""
        note = (f"{kib(reserved)} of {buffer} is reserved for pipe consumer slots" if reserved
                else f"{buffer} holds the tiles of one "
                     f"{'AIV lane' if buffer == 'UB' else 'AIC'}")
        sink.error(span, f"{buffer} overflows by {kib(need - capacity)}{where} (need "
                   f"{kib(need)} of {kib(capacity)}): live at the peak: {', '.join(items)}",
                   note, _split_hint(buffer, held[0] if held else None, regions))


def _split_hint(buffer: str, largest, regions: list) -> str:
    """How a kernel author would make it fit: the split to try, by buffer."""
    tile = (f" ({shown(largest.name, largest.span)}, {largest.type})" if largest is not None
            else "")
    if buffer == "UB":
        lanes = ("" if any(p.split for p in regions) else
                 " (a pipe `split rows` gives each lane half of a tile),")
        return (f"to fit, split the rows of the largest tile{tile} across the two lanes{lanes} "
                "or over more blocks of the grid, or loop over chunks of its columns")
    if buffer in ("L0A", "L0B"):
        return (f"to fit, split the matmul{tile}: loop over K with `c = matmul_acc(c, a, b)`, "
                "or over N")
    if buffer == "L0C":
        return f"to fit, split the accumulator{tile} into column blocks (loop over N)"
    return f"to fit, load smaller blocks{tile} inside a loop"


def _align(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment
