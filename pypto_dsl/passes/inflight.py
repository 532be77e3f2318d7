"""The abstract state of the sync pass: the instructions still in flight on one core.

Each access of an instruction that may not have completed is an `Access` (which bytes, read or
write, which version, which pipe); its `Facts` say which pipes' later instructions are known to
start after it completes (`ordered`; later instructions of its own pipe also start after it,
except on V, whose instructions need a barrier), and, when it was ordered before a tpush, that
push's pipe and how many pops of each pipe followed (the handoff, see syncs.py and
schedule.py). `join` is what holds on both of two paths; the other functions are the effect of
one event. Facts only grow along a path and shrink at joins, so the fixed points of the sync
pass exist and are reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .. import ir

PIPES = ("MTE2", "MTE1", "M", "FIX", "S", "V", "MTE3")  # upstream to downstream


# Access and Facts are tuples, not dataclasses: the pass hashes and compares them hundreds of
# thousands of times per kernel, which tuples do in C. An Access's field order is its sort order.
class Access(NamedTuple):
    site: int  # program position of the instruction
    key: str  # allocated root, "pipe:<name>" or "gm:<tensor>"
    write: bool
    gen: int  # version relative to the key's current one (-1: unknown)
    pipe: str


class Facts(NamedTuple):
    ordered: frozenset = frozenset()  # pipes whose later instructions start after it is done
    pushed: str = ""  # the pipe of the first tpush it was ordered before ("" for none)
    pops: tuple = ()  # (pipe, pops since that push), sorted


@dataclass(frozen=True)
class State:
    pending: tuple = ()  # (Access, Facts), sorted by access
    gens: tuple = ()  # (name, version of its root it refers to), for names not owning bytes


def applied(state: State, sync: ir.Sync, sites: frozenset = None) -> State:
    """The state after `sync`: what it orders gains its destination pipe; a drain completes.
    A guarded barrier (`sites`: the program positions of the pads it is conditional on) orders
    only the accesses of those pads: when it does not run, neither did they, and whatever else
    is in flight stays unordered."""
    facts = {}
    for access, f in state.pending:
        if sites is not None and access.site not in sites:
            facts[access] = f
            continue
        before = access.pipe == sync.src or sync.src in f.ordered
        if sync.kind == "drain" and before:
            continue  # complete
        gained = (sync.dst if sync.kind == "flag" and before else
                  "V" if sync.kind == "barrier" and access.pipe == "V" else None)
        if gained is not None and gained not in f.ordered:
            f = Facts(f.ordered | {gained}, f.pushed, f.pops)
        facts[access] = f
    # the accesses keep their order (same keys, some dropped): no sort needed
    return State(tuple(facts.items()), state.gens)


def best_sync(blockers: list, pipe: str, span) -> ir.Sync:
    """The sync that orders the most blockers; on a tie a barrier (it waits for the vector
    pipe only), then the flag from the most upstream pipe (it waits for the least work, so a
    ping/pong load can still overlap the matmul of the other buffer)."""
    candidates = set()
    for access, facts in blockers:
        if access.pipe == pipe:
            candidates.add(("barrier", "V"))
        else:
            candidates.add(("flag", access.pipe))
        candidates.update(("flag", p) for p in facts.ordered if p != pipe)

    def covered(candidate) -> int:
        kind, src = candidate
        if kind == "barrier":
            return sum(1 for a, _ in blockers if a.pipe == "V")
        return sum(1 for a, f in blockers if a.pipe == src or src in f.ordered)

    kind, src = max(sorted(candidates), key=lambda c: (covered(c), c[0] == "barrier",
                                                       -PIPES.index(c[1])))
    if kind == "barrier":
        return ir.Sync("barrier", "V", "", 0, span)
    return ir.Sync("flag", src, pipe, 0, span)


def popped(state: State, pipe: str, handoff: dict) -> State:
    """A tpop of `pipe`: count it for every pushed access, and retire those whose push the
    other side has consumed by now (`handoff[(pushed pipe, pipe)]` pops after the push)."""
    facts = {}
    for access, f in state.pending:
        if f.pushed:
            needed = handoff.get((f.pushed, pipe))
            pops = dict(f.pops)
            pops[pipe] = pops.get(pipe, 0) + 1
            if needed is not None and pops[pipe] >= needed:
                continue
            pops[pipe] = min(pops[pipe], needed if needed is not None else 1)
            f = Facts(f.ordered, f.pushed, tuple(sorted(pops.items())))
        facts[access] = f
    return State(tuple(facts.items()), state.gens)


def pushed(state: State, hardware: str, fifo: str) -> State:
    """A tpush of FIFO pipe `fifo`, issued on the `hardware` pipe: what is ordered before it is
    complete once the other side has consumed this push."""
    pending = tuple((a, Facts(f.ordered, fifo, f.pops)
                         if not f.pushed and (a.pipe == hardware or hardware in f.ordered) else f)
                    for a, f in state.pending)
    return State(pending, state.gens)


def join(a: State, b: State) -> State:
    """What holds on both paths: every in-flight access of either, facts that hold on both."""
    facts = dict(a.pending)
    for access, f in b.pending:
        g = facts.get(access)
        if g is None:
            facts[access] = f
            continue
        pushed = f.pushed if f.pushed == g.pushed else ""
        pops = ()
        if pushed:
            mine, theirs = dict(f.pops), dict(g.pops)
            pops = tuple(sorted((p, min(mine.get(p, 0), theirs.get(p, 0)))
                                for p in set(mine) | set(theirs)))
        facts[access] = Facts(f.ordered & g.ordered, pushed, pops)
    gens = dict(a.gens)
    for name, gen in b.gens:
        gens[name] = gen if gens.get(name, gen) == gen else -1
    return State(in_order(facts), tuple(sorted(gens.items())))


def in_order(facts: dict) -> tuple:
    return tuple(sorted(facts.items(), key=_access))


def _access(item) -> Access:
    return item[0]  # sorted by site, key, write, gen, pipe: the tuple's own order


def older(gen: int, versions: int) -> int:
    return -1 if gen < 0 else (gen + 1) % versions
