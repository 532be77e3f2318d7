"""The storage model of one core's case body (the analysis memory planning runs; its results
are written into the plan, see plan.py, and nothing else recomputes them).

Every tile name resolves to a storage root:

- its own bytes (`plan.OWN`): AIC: a load lives in L1, a tile op's result in the buffer the op
  table says (`OpSpec.writes`: L0A, L0B, L0C); AIV: everything in UB. `var x = y` and `x = y`
  (a name) copy into x's own bytes.
- a popped tile (`POPPED`): its root is the pipe; TPOP puts the k-th popped tile in local slot
  k % local_slots of the pipe's consumer region.
- an alias (`ALIAS`), `let x = y` of a tile: x is y's bytes as they are when the let runs; y
  may be redefined later (the pipelining pass's histories), which is what gives the root more
  versions. An alias whose value is held over an unbounded number of redefinitions (a loop that
  keeps redefining its source) is a copy into bytes of its own instead.
- an in-place result (`INPLACE`): `let r = pad_cols(x, ...)` where nothing reads x (or another
  name of x's storage) afterwards is TFILLPAD_INPLACE on x's bytes; `matmul_acc(c, a, b)`
  always accumulates in c's bytes (a2a3's TMATMUL_ACC ignores a separate input accumulator),
  so c must not be read after it.
- a row-reduction scratch (`SCRATCH`): `let r = rowmax(x)` / `rowsum(x)` needs TROWMAX's tmp
  tile of x's type; it is the name `pdsl_tmp_r`, in use only at those statements.

Versions (ping/pong) and local slots follow from one forward analysis of generation ages: each
new value written into a root makes every name still referring to an older value of it one
generation older; a root needs one version more than the oldest generation still read after a
redefinition, and a root a load redefines inside a loop gets two (so the next load can overlap
the reads of the current one). A pipe's local slots are its popped tiles' versions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import ir, plan, walk
from ..diagnostics import ErrorSink
from ..ops import OPS
from ..symbolic import as_int
from .liveness import Liveness, is_tile
from .shown import shown

UNBOUNDED = 64  # generation ages are counted up to this; reaching it means "no bound"


@dataclass(frozen=True)
class Storage:
    name: str
    type: ir.TileType
    kind: str  # plan.OWN | POPPED | ALIAS | INPLACE | SCRATCH
    root: str  # the name owning the bytes, or the pipe's name for a popped tile
    buffer: str
    layout: str
    span: object = None


@dataclass(frozen=True)
class Analysis:
    tiles: dict  # name -> Storage
    versions: dict  # own root -> versions it needs
    slots: dict  # pipe -> popped tiles of it live at once (1 when it is never popped twice live)
    positions: dict  # own root -> frozenset of program positions its bytes are in use
    pops: dict  # pipe -> spans of its pops (for messages)


def analyze_storage(live: Liveness, core: str, sink: ErrorSink) -> Analysis:
    copies: set = set()  # aliases that must be copies (found unbounded in a first round)
    while True:
        tiles, scratch = _classify(live, core, copies, sink)
        versions, slots, unbounded = _generations(live, tiles)
        more = {n for n in unbounded if tiles[n].kind == plan.ALIAS} - copies
        if not more or core == "aic":
            break
        copies |= more
    for name in sorted(unbounded):
        tile = tiles[name]
        if core == "aic" and tile.kind == plan.ALIAS:
            root = tiles[tile.root].span if tile.root in tiles else None
            sink.error(tile.span, f"{shown(name, tile.span)} holds an older value of "
                       f"{shown(tile.root, root)} while a loop keeps redefining it, and the cube "
                       "core cannot copy tiles: load it again where it is needed")
    positions: dict = {}
    for name, tile in tiles.items():
        spots = frozenset(scratch[name]) if tile.kind == plan.SCRATCH else live.occupied[name]
        if tile.kind in (plan.OWN, plan.SCRATCH, plan.ALIAS, plan.INPLACE):
            positions[tile.root] = positions.get(tile.root, frozenset()) | spots
    pops: dict = {}
    for stmt in live.order:
        if isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.TPop):
            pops.setdefault(stmt.value.pipe, []).append(stmt.value.span)
    _check_uses(live, tiles, sink)
    for stmt in _accumulated_while_read(live, tiles):
        acc = stmt.value.args[0].name
        sink.error(stmt.span, f"matmul_acc accumulates into {shown(acc, tiles[acc].span)} in "
                   "place (the cube core has no separate output accumulator), but it is "
                   "read again afterwards: update it as `c = matmul_acc(c, a, b)`")
    own = {root: v for root, v in versions.items() if root in positions}
    return Analysis(tiles, own, slots, positions, pops)


def scratch_type(spec, value: ir.TileOp) -> ir.TileType:
    """The tmp tile the instruction of `value` needs (its entry's `scratch`)."""
    if spec.scratch == "select":  # TSEL: a few u32 (facts: >= 2 elements)
        return ir.TileType("u32", (ir.Const(1, None, ir.I64), ir.Const(16, None, ir.I64)))
    if spec.scratch == "selects":  # TSELS: the scalar, in the tile's type (one 32-byte row)
        unit = 32 // ir.DTYPE_BYTES[value.type.dtype]
        return ir.TileType(value.type.dtype, (ir.Const(1, None, ir.I64),
                                              ir.Const(unit, None, ir.I64)))
    return value.args[0].type


def _check_uses(live: Liveness, tiles: dict, sink: ErrorSink) -> None:
    """What the target's instructions require of the operands the planner sees: a cube cast
    is only stored; a tile part's column offset, and the width before a concatenation, are
    whole 32-byte blocks; a matmul's inner dimension fills whole fractals."""
    casts = _accumulator_casts(live.order)
    for stmt in live.order:
        if isinstance(stmt.value if hasattr(stmt, "value") else None, ir.Name) \
                and isinstance(stmt, (ir.Let, ir.Assign)):
            continue  # another name of it (a pipelined loop's history): not a use
        if isinstance(stmt, (ir.Let, ir.Assign, ir.TPush)) and casts:
            read = {e.name for e in walk.walk_expr(stmt.value) if isinstance(e, ir.Name)}
            if read & casts and not (isinstance(stmt.value, ir.TileOp)
                                     and stmt.value.op == "acc_cast"):
                name = sorted(read & casts)[0]
                sink.error(stmt.span, f"{shown(name, tiles[name].span)} is an accumulator "
                           "converted on its way out of the cube: it can only be stored "
                           "(`store ..., cast<bf16>(acc)`)")
        if not (isinstance(stmt, (ir.Let, ir.Assign)) and isinstance(stmt.value, ir.TileOp)):
            continue
        value = stmt.value
        if value.op in ("extract", "insert"):
            source = value.args[0].type
            col = value.args[-1]
            if not isinstance(col, ir.Const) or (col.value * ir.DTYPE_BYTES[source.dtype]) % 32:
                sink.error(stmt.span, f"a tile part's column offset {col} is not a whole "
                           f"number of 32-byte blocks of {source.dtype} (a multiple of "
                           f"{32 // ir.DTYPE_BYTES[source.dtype]})")
        if value.op == "concat":
            first = value.args[0].type
            width = as_int(first.shape[1]) * ir.DTYPE_BYTES[first.dtype]
            if width % 32:
                sink.error(stmt.span, f"concat: the first tile's width, {first}, is not a whole "
                           "number of 32-byte blocks")
        if value.op in ("matmul", "matmul_acc"):
            a = value.args[-2].type
            k = as_int(a.shape[1])
            box = 32 if a.dtype == "i8" else 32 // ir.DTYPE_BYTES[a.dtype]
            if k % box:
                sink.error(stmt.span, f"{value.op}: the inner dimension {k} of {a} is not a "
                           f"multiple of {box}, the cube's fractal for {a.dtype}: pad it with "
                           "zeros in GM")
        if value.op in ("cmp", "cmps", "select", "selects"):
            tile = value.args[0].type
            if as_int(tile.shape[1]) % 8:
                sink.error(stmt.span, f"{value.op}: a mask packs 8 columns a byte, so the "
                           f"tile's columns ({tile}) are a multiple of 8")


def _accumulator_casts(order: tuple) -> set:
    """The names of a cube cast (acc_cast), and the other names of one."""
    casts: set = set()
    while True:
        more = {s.name for s in order if isinstance(s, (ir.Let, ir.Assign))
                and ((isinstance(s.value, ir.TileOp) and s.value.op == "acc_cast")
                     or (isinstance(s.value, ir.Name) and s.value.name in casts))} - casts
        if not more:
            return casts
        casts |= more


# ------------------------------------------------------------------------------ classification


def _classify(live: Liveness, core: str, copies: set, sink: ErrorSink) -> tuple:
    tiles: dict = {}
    scratch: dict = {}  # scratch name -> positions of the statements that use it
    for index, stmt in enumerate(live.order):
        if not (isinstance(stmt, (ir.Let, ir.Assign)) and is_tile(stmt.value)):
            continue
        _merge(tiles, _classify_one(stmt, index, live, core, tiles, copies, sink), sink)
        value = stmt.value
        padded = isinstance(value, ir.TileOp) and needs_padded_rows(value)
        if padded:  # its operand is a copy made for it (expand.py): stored with padded rows
            operand = value.args[0].name
            tiles[operand] = replace(tiles[operand], layout="vecpad")
        if isinstance(value, ir.TileOp) and OPS[value.op].scratch:
            name = plan.SCRATCH_PREFIX + stmt.name
            kind = scratch_type(OPS[value.op], value)
            _merge(tiles, Storage(name, kind, plan.SCRATCH, name, "UB",
                                  "vecpad" if padded else "vec", stmt.span), sink)
            scratch.setdefault(name, set()).add(index)
    return tiles, scratch


def needs_padded_rows(value: ir.TileOp) -> bool:
    """pto-isa's TROWSUM (on the CPU simulator) wants its source stored with as many rows as
    its [R, 1] result, whose rows are padded to whole 32 bytes: a source of other rows is
    summed from a copy stored that way (layout "vecpad")."""
    if value.op != "rowsum":
        return False
    tile = value.args[0].type
    return as_int(tile.shape[0]) % (32 // ir.DTYPE_BYTES[tile.dtype]) != 0


def _classify_one(stmt, index: int, live: Liveness, core: str, tiles: dict, copies: set,
                  sink: ErrorSink) -> Storage:
    value, name = stmt.value, stmt.name
    vector = "vec" if core == "aiv" else None
    if isinstance(value, ir.TPop):
        buffer, layout = ("UB", vector) if core == "aiv" else ("L1", "nz")
        return Storage(name, value.type, plan.POPPED, value.pipe, buffer, _layout(layout, value),
                       stmt.span)
    if isinstance(value, ir.Name):
        source = tiles[value.name]
        alias = isinstance(stmt, ir.Let) and not stmt.mutable and name not in copies
        if alias:
            return Storage(name, value.type, plan.ALIAS, source.root, source.buffer,
                           source.layout, stmt.span)
        if core == "aic":
            sink.error(stmt.span, f"{shown(name, stmt.span)} copies the tile "
                       f"{shown(value.name, source.span)}, and the cube core cannot copy tiles: "
                       "compute or load it into its own name")
        return Storage(name, value.type, plan.OWN, name, "UB", _layout(vector, value),
                       stmt.span)
    if isinstance(value, ir.Load):
        if core == "aiv":
            return Storage(name, value.type, plan.OWN, name, "UB", _layout(vector, value),
                           stmt.span)
        return Storage(name, value.type, plan.OWN, name, "L1", "zn" if value.transpose else "nz",
                       stmt.span)
    spec = OPS[value.op]
    if spec.alias:
        operand = tiles[value.args[0].name]
        layout = spec.layout if core == "aic" else _layout(vector, value)
        return Storage(name, value.type, plan.ALIAS, operand.root, operand.buffer, layout,
                       stmt.span)
    if value.op == "insert":  # `t[...] = v`: into the var's own bytes
        operand = tiles[value.args[0].name]
        return Storage(name, value.type, plan.INPLACE, operand.root, operand.buffer,
                       operand.layout, stmt.span)
    if value.op == "pad_cols":
        operand = tiles[value.args[0].name]
        if _dies_here(operand.root, name, index, live, tiles):
            return Storage(name, value.type, plan.INPLACE, operand.root, operand.buffer,
                           operand.layout, stmt.span)
    if value.op == "matmul_acc":  # read afterwards: reported by _accumulated_while_read
        acc = tiles[value.args[0].name]
        return Storage(name, value.type, plan.INPLACE, acc.root, acc.buffer, acc.layout,
                       stmt.span)
    buffer = spec.writes if core == "aic" else "UB"
    layout = spec.layout if core == "aic" else _layout(vector, value)
    return Storage(name, value.type, plan.OWN, name, buffer, layout, stmt.span)


def _layout(layout: str, value: ir.Expr) -> str:
    """A vector tile of one column is a per-row value: a DN column tile; a bool tile is a
    bit-packed mask."""
    if layout == "vec" and value.type.dtype == "bool":
        return "mask"
    if layout == "vec" and _is_column(value.type):
        return "col"
    return layout


def _is_column(tile: ir.TileType) -> bool:
    return isinstance(tile.shape[1], ir.Const) and tile.shape[1].value == 1


def _dies_here(root: str, result: str, index: int, live: Liveness, tiles: dict) -> bool:
    """No name of `root`'s storage but `result` is read after the statement at `index`."""
    after = live.live_out[index] - {result}
    return not any(tiles[n].root == root for n in after if n in tiles)


def _merge(tiles: dict, tile: Storage, sink: ErrorSink) -> None:
    """One storage decision per name: every binding of a name must agree. The checker gives
    every binding site of a core its own name, so what meets here is the pipelining pass's
    copies of one site (they agree) and the updates of a `var`."""
    old = tiles.get(tile.name)
    if old is None:
        tiles[tile.name] = tile
        return
    if {old.kind, tile.kind} == {plan.INPLACE, plan.OWN} and old.buffer == "UB":
        tiles[tile.name] = tile if tile.kind == plan.OWN else old  # pad into its own bytes
        return
    if {old.kind, tile.kind} == {plan.INPLACE, plan.OWN} and old.root == tile.root:
        return  # `c = matmul_acc(c, a, b)`: the var's own bytes
    if (old.type, old.kind, old.root, old.buffer) != (tile.type, tile.kind, tile.root,
                                                      tile.buffer):
        sink.error(tile.span, f"{shown(tile.name, tile.span)} cannot live in one place: it "
                   f"is {_where(old, tiles)} and {_where(tile, tiles)}; give the two values "
                   "different names")


def _where(tile: Storage, tiles: dict) -> str:
    if tile.kind == plan.POPPED:
        return f"a tile popped from '{tile.root}'"
    if tile.kind in (plan.ALIAS, plan.INPLACE):
        root = tiles[tile.root].span if tile.root in tiles else None
        return f"the bytes of {shown(tile.root, root)} ({tile.type})"
    return f"a tile of its own in {tile.buffer} ({tile.type})"


# ------------------------------------------------------------------------ generation ages


def _generations(live: Liveness, tiles: dict) -> tuple:
    """(versions per own root, local slots per pipe, names whose age grew without bound)."""
    need: dict = {}
    unbounded: set = set()
    loads_in_loops = {tiles[s.name].root for i, s in enumerate(live.order)
                      if i in live.in_loop and isinstance(s, (ir.Let, ir.Assign))
                      and isinstance(s.value, ir.Load) and s.name in tiles}

    def redefined(ages: dict, index: int, root: str) -> None:
        held = [ages[n] for n in live.live_out[index] if n in ages and tiles[n].root == root]
        need[root] = max(need.get(root, 1), 1 + max(held, default=0))
        for n in live.live_out[index]:
            if n in ages and tiles[n].root == root and ages[n] >= UNBOUNDED:
                unbounded.add(n)

    _walk_ages(live, tiles, max, redefined, lambda ages, index, stmt: None, repeat=True)
    versions, slots = {}, {}
    for root, count in need.items():
        if any(t.kind == plan.POPPED and t.root == root for t in tiles.values()):
            slots[root] = count
        else:
            versions[root] = max(count, 2 if root in loads_in_loops else 1)
    for name, tile in tiles.items():
        if tile.kind in (plan.OWN, plan.SCRATCH) and tile.root not in versions:
            versions[tile.root] = 1
    return versions, slots, unbounded


def _accumulated_while_read(live: Liveness, tiles: dict) -> list:
    """The `matmul_acc` statements after which a name of the accumulator's current bytes other
    than the result is still read (on some path): TMATMUL_ACC overwrites what it reads. A name
    of an older value of the root (a pipelined loop's history, in another version of its
    bytes) is not one of them, so ages join by their minimum here; and a name not yet bound in
    the logical block (only a guarded definition of a pipelined loop's epilogue, upward
    exposed to liveness) holds nothing."""
    found: list = []

    def accumulated(ages: dict, index: int, stmt) -> None:
        value = stmt.value
        if not (isinstance(value, ir.TileOp) and value.op == "matmul_acc"):
            return
        root = tiles[stmt.name].root
        if any(n != stmt.name and n in tiles and tiles[n].root == root and ages.get(n) == 0
               for n in live.live_out[index]) and stmt not in found:
            found.append(stmt)

    _walk_ages(live, tiles, min, lambda ages, index, root: None, accumulated, repeat=False)
    return found


def _walk_ages(live: Liveness, tiles: dict, pick, redefined, before, repeat: bool) -> None:
    """Forward analysis of generation ages (how many redefinitions of its root ago each
    name's value was written) over the case body (with `repeat`, run like a loop, as the
    logical blocks run it, to a fixed point; else once from nothing bound); paths
    join by `pick` (max: the oldest value a name may hold; min: the newest). `redefined(ages,
    index, root)` sees a root written anew (the other names already one generation older),
    `before(ages, index, stmt)` every tile statement before it runs."""

    def join(a: dict, b: dict) -> dict:
        out = dict(a)
        for name, age in b.items():
            out[name] = pick(out[name], age) if name in out else age
        return out

    def define(ages: dict, index: int, stmt) -> dict:
        tile = tiles[stmt.name]
        ages = dict(ages)
        before(ages, index, stmt)
        if tile.kind in (plan.OWN, plan.POPPED):
            root = tile.root
            for n in ages:
                if tiles[n].root == root and n != stmt.name:
                    ages[n] = min(ages[n] + 1, UNBOUNDED)
            redefined({n: a for n, a in ages.items() if n != stmt.name}, index, root)
            ages[stmt.name] = 0
        elif tile.kind in (plan.ALIAS, plan.INPLACE):
            source = stmt.value.name if isinstance(stmt.value, ir.Name) else stmt.value.args[0].name
            ages[stmt.name] = ages.get(source, 0)
        return ages

    def run(nodes: list, ages: dict) -> dict:
        for node in nodes:
            stmt = node.stmt
            if isinstance(stmt, ir.For):
                head = ages
                for _ in range(UNBOUNDED + 2):
                    end = run(node.bodies[0], head)
                    joined = join(head, end)
                    if joined == head:
                        break
                    head = joined
                ages = head
            elif isinstance(stmt, ir.If):
                ages = join(run(node.bodies[0], ages), run(node.bodies[1], ages))
            elif isinstance(stmt, (ir.Let, ir.Assign)) and stmt.name in tiles:
                ages = define(ages, node.index, stmt)
        return ages

    # The case body runs once per logical block, again and again: iterate it like a loop.
    head: dict = {}
    if not repeat:
        run(list(live.nodes), head)
        return
    for _ in range(UNBOUNDED + 2):
        joined = join(head, run(list(live.nodes), head))
        if joined == head:
            break
        head = joined
