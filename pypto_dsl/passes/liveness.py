"""Program order and tile liveness of one dispatch case body (an analysis, not a pass).

Program order numbers every statement of a case body depth first in source order, compound
statements (`for`, `if`) before their bodies, `Sync` statements skipped: so the numbers stay
valid after sync insertion, and `ir.Allocation.live` and the report use them.

Liveness is the usual backward data flow over the control-flow graph of the structured body:
a `for` may run zero times and jumps back from the end of its body to its header, an `if` takes
either branch. A tile name occupies a statement when the statement writes it or when it is live
into the statement (it will be read later on some path). So a loop-carried tile, or one read
after the loop, occupies the whole loop; a tile bound several times (prologue and steady state
of a pipelined loop) occupies several separate runs of statements. Two names whose occupied
sets are disjoint may share bytes.

The vector unit overlaps consecutive independent vector ops (no barrier between them, and
statements of other pipes in between do not order it), so the ops of such a run count as
simultaneous: a name read in the run stays occupied to its end, a
name written in it is occupied from its start. Bytes are then never shared inside a run, which
would cost a barrier the schedule does not otherwise need.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..ops import OPS
from .. import walk


@dataclass(frozen=True)
class Liveness:
    order: tuple  # statements in program order (Sync skipped); position = index
    occupied: dict  # tile name -> frozenset of positions it is written at or live into
    live_out: tuple  # per position: the tile names read after it on some path
    in_loop: frozenset  # positions inside the body of some `for`
    nodes: tuple  # the body as a tree of Node (position, statement, nested bodies)

    def runs(self, name: str) -> tuple:
        """The occupied positions of `name` as maximal (first, last) runs."""
        return runs(self.occupied.get(name, frozenset()))


def analyze(body: tuple) -> Liveness:
    order: list = []
    nodes = _number(body, order)
    succ: dict = {}
    _wire(nodes, -1, succ)
    in_loop: set = set()
    _loops(nodes, False, in_loop)
    uses = [tile_reads(s) for s in order]
    defs = [tile_writes(s) for s in order]
    live_in = [frozenset()] * len(order)
    live_out = [frozenset()] * len(order)
    changed = True
    while changed:
        changed = False
        for index in reversed(range(len(order))):
            live_out[index] = frozenset().union(*(live_in[s] for s in succ[index] if s >= 0))
            new = uses[index] | (live_out[index] - defs[index])
            if new != live_in[index]:
                live_in[index] = new
                changed = True
    occupied: dict = {}
    for index in range(len(order)):
        for name in live_in[index] | defs[index]:
            occupied.setdefault(name, set()).add(index)
    for first, last in _vector_runs(nodes):
        for index in range(first, last + 1):
            for name in uses[index]:
                occupied[name].update(range(index, last + 1))
            for name in defs[index]:
                occupied[name].update(range(first, index + 1))
    return Liveness(tuple(order), {k: frozenset(v) for k, v in occupied.items()},
                    tuple(live_out), frozenset(in_loop), tuple(nodes))


def runs(positions) -> tuple:
    out: list = []
    for p in sorted(positions):
        if out and out[-1][1] == p - 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return tuple(out)


def is_tile(expr) -> bool:
    return isinstance(getattr(expr, "type", None), ir.TileType)


def is_vector(stmt: ir.Stmt) -> bool:
    """A tile op on the vector pipe, or a tile copy (`x = y` into a var, which is a V op)."""
    if not (isinstance(stmt, (ir.Let, ir.Assign)) and is_tile(stmt.value)):
        return False
    if isinstance(stmt.value, ir.TileOp):
        return OPS[stmt.value.op].pipe == "V"
    copy = isinstance(stmt, ir.Assign) or stmt.mutable
    return isinstance(stmt.value, ir.Name) and copy


def tile_writes(stmt: ir.Stmt) -> frozenset:
    if isinstance(stmt, (ir.Let, ir.Assign)) and is_tile(stmt.value):
        return frozenset((stmt.name,))
    return frozenset()


def tile_reads(stmt: ir.Stmt) -> frozenset:
    if isinstance(stmt, (ir.For, ir.If, ir.Dispatch)):
        return frozenset()  # their own expressions are scalar
    names = set()
    for expr in walk.stmt_exprs(stmt):
        names.update(e.name for e in walk.walk_expr(expr) if isinstance(e, ir.Name) and is_tile(e))
    return frozenset(names)


@dataclass
class Node:
    index: int
    stmt: ir.Stmt
    bodies: list  # of lists of Node


def _number(stmts: tuple, order: list) -> list:
    nodes = []
    for stmt in stmts:
        if isinstance(stmt, ir.Sync):
            continue
        node = Node(len(order), stmt, [])
        order.append(stmt)
        node.bodies = [_number(body, order) for body in walk.bodies(stmt)]
        nodes.append(node)
    return nodes


def _entry(nodes: list, otherwise: int) -> int:
    return nodes[0].index if nodes else otherwise


def _wire(nodes: list, exit_: int, succ: dict) -> None:
    for k, node in enumerate(nodes):
        after = _entry(nodes[k + 1:], exit_)
        if isinstance(node.stmt, ir.For):
            body = node.bodies[0]
            succ[node.index] = {_entry(body, node.index), after}
            _wire(body, node.index, succ)  # the end of the body jumps back to the header
        elif isinstance(node.stmt, ir.If):
            then, orelse = node.bodies
            succ[node.index] = {_entry(then, after), _entry(orelse, after)}
            _wire(then, after, succ)
            _wire(orelse, after, succ)
        elif node.bodies:
            raise AssertionError(f"internal error: {type(node.stmt).__name__} inside a case body")
        else:
            succ[node.index] = {after}


def _vector_runs(nodes: list) -> list:
    """(first, last) positions of the maximal runs of independent vector ops of one statement
    list. Other statements in between (tpop, tpush, store, free, scalar lets) do not order the
    vector pipe, so they do not end a run; a loop or an if does."""
    out: list = []
    run: list = []
    for node in nodes + [None]:
        stmt = node.stmt if node is not None else None
        if stmt is not None and not node.bodies and not is_vector(stmt):
            continue
        if stmt is not None and is_vector(stmt) and not any(depends(n.stmt, stmt) for n in run):
            run.append(node)
            continue
        if len(run) > 1:
            out.append((run[0].index, run[-1].index))
        run = [node] if stmt is not None and is_vector(stmt) else []
        if node is not None:
            for body in node.bodies:
                out.extend(_vector_runs(body))
    return out


def depends(first: ir.Stmt, later: ir.Stmt) -> bool:
    """`later` must stay after `first`: RAW, WAR or WAW on a tile name."""
    w1, r1 = tile_writes(first), tile_reads(first)
    w2, r2 = tile_writes(later), tile_reads(later)
    return bool(w1 & r2 or r1 & w2 or w1 & w2)


def _loops(nodes: list, inside: bool, out: set) -> None:
    for node in nodes:
        if inside:
            out.add(node.index)
        for body in node.bodies:
            _loops(body, inside or isinstance(node.stmt, ir.For), out)
