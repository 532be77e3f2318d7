"""Sync insertion: set/wait flags, vector barriers and drains between the hardware pipes.

After this pass every dependency between two instructions of one core is ordered, and nothing
else is synchronised. Instructions and their pipes: a load or tpop is MTE2, move_left/right
MTE1, matmul M, vector ops and tile copies V, a tpush or store FIX on the AIC and MTE3 on the
AIV. Two instructions depend when they touch the same bytes (per the memory plan: RAW, WAR,
WAW; the versions of a ping/pong tile and the local slots of a pipe are told apart) or the same
GM tensor, one of them writing. An `ir.Sync` before the consumer orders them:

- `Sync("flag", P, Q, id)`: set_flag(P, Q) + wait_flag(P, Q) (adjacent, as the reference places
  them): everything on P (or already ordered before P) completes before anything later on Q;
- `Sync("barrier", "V", "")`: pipe_barrier(PIPE_V) between dependent vector ops only (the
  vector unit may overlap independent ops); one barrier covers every pending producer;
  a barrier whose only unordered vector producers are one in-place `pad_cols` (emitted as
  `if (valid < cols) { TFILLPAD_INPLACE }`) just before it (frees between) gets that
  condition as its `guard` and runs only when the pad did; it then counts as ordering only
  the pad's accesses (when it does not run, neither did the pad), nothing else in flight;
- `Sync("drain", P, "S", 7)`: set/wait P -> S ID7: after every tpush on the AIC (the reference's
  FIX -> S after each C2V TPUSH) and at the end of the case body when the core's output pipe
  (FIX on the AIC, MTE3 on the AIV) still has work in flight.

Other pipes run in order, so a dependency within MTE1, MTE2, M, FIX or MTE3 needs nothing.
The pass is a forward data-flow analysis: it tracks, for each instruction still in flight, the
pipes it is known to complete before; a sync is added only when a conflicting access is not yet
ordered (a flag implied by earlier flags on every path is never added; a choice covering the
most pending producers is taken first). `for` loops, and the case body itself (it runs once per
logical block inside the stride loop), are iterated to a fixed point, so a dependency around a
back edge gets its sync too.

Handoffs (the ordering taken from the other core): work this core ordered before one of its
tpushes is complete once the other side has consumed that push, which the schedule pass
(schedule.py) derived from the cores' actual push/pop order with the FIFO depths: after
`handoff[(P, Q)]` pops of Q following a push of P (TPOP blocks the scalar unit until the
producer's record, which fires after the producer's pipe finished). In paged attention's
QK-first / softmax-first schedule at depth 2 that is two pops: it retires the reads of a
popped slot before its reuse two pops later, and a pushed tile's MTE3 read before the vector
write of the same ping/pong version, with no flag of their own. Where the schedule gives no
such handoff, flags order the accesses instead.

Event ids: the flags of one (src, dst) pair get ids 0, 1, ... by their consumer's source
position, in order of first appearance (so the prologue and the steady state of a stage share
an id, and the QK and PV steps differ: ID0 and ID1 as in the reference); set and wait are
adjacent, so two flags of one triple are never outstanding at once. Drains use ID7.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from .. import ir, plan
from ..ops import LOAD_PIPE, OPS, STORE_PIPE
from .inflight import (Access, Facts, State, applied, best_sync, in_order, join, older, popped,
                       pushed)
from .liveness import is_tile
from .. import walk

OUTPUT_PIPE = {"aic": "FIX", "aiv": "MTE3"}
DRAIN_EVENT = 7
FLAG_EVENTS = 7  # ids 0..6 for flags


@dataclass(frozen=True)
class SyncCounts:
    flags: tuple = ()  # ((src, dst), count), sorted
    barriers: int = 0  # unconditional ones
    drains: int = 0
    guarded: int = 0  # barriers that run only when the pad they follow runs (valid < cols)

    @property
    def set_wait(self) -> int:
        """set_flag/wait_flag pairs: flags and drains."""
        return sum(n for _, n in self.flags) + self.drains

    @staticmethod
    def of(syncs) -> "SyncCounts":
        syncs = list(syncs)
        counter = Counter((s.src, s.dst) for s in syncs if s.kind == "flag")
        return SyncCounts(tuple(sorted(counter.items())),
                          sum(1 for s in syncs if s.kind == "barrier" and s.guard is None),
                          sum(1 for s in syncs if s.kind == "drain"),
                          sum(1 for s in syncs if s.kind == "barrier" and s.guard is not None))


@dataclass(frozen=True)
class Instr:
    pipe: str
    reads: tuple  # (key, gen)
    writes: tuple  # (key, gen)
    new: str = ""  # the key a new value is written into (its versions rotate)
    pop: str = ""  # the pipe a tpop pops
    push: str = ""  # the FIFO pipe a tpush pushes


def insert_syncs(kernel: ir.Kernel) -> ir.Kernel:
    return plan_syncs(kernel)[0]


def plan_syncs(kernel: ir.Kernel):
    """The kernel with syncs, and {core: {case label: SyncCounts}} of what was inserted."""
    if not kernel.plans:
        raise AssertionError("internal error: insert_syncs needs the memory plan")
    bodies, counts = {}, {}
    for core in ("aic", "aiv"):
        (dispatch,) = kernel.body(core)
        cases, counts[core] = [], {}
        for case in dispatch.cases:
            case_plan = kernel.plans[case.index]
            handoff = kernel.schedules[case.index].handoff(core)
            body, tally = _Case(case, core, case_plan, handoff).run()
            cases.append(replace(case, body=body))
            counts[core][case_plan.case.label] = tally
        bodies[core] = (replace(dispatch, cases=tuple(cases)),)
    return replace(kernel, aic=bodies["aic"], aiv=bodies["aiv"]), counts


class _Case:
    """The analysis of one case body of one core."""

    def __init__(self, case: ir.DispatchCase, core: str, case_plan: plan.CasePlan,
                 handoff: dict):
        self.core = core
        self.handoff = handoff
        storage = case_plan.core(core)
        self.tiles = storage.by_name
        self.body = case.body
        self.ranges: dict = {}
        self.versions: dict = {}
        for t in storage.tiles:
            if t.owns_bytes:
                self.ranges[t.name] = [(t.buffer, t.offset, t.offset + t.footprint)]
                self.versions[t.name] = t.versions
        for p in case_plan.pipes:
            if p.dst == core:
                self.ranges[p.name] = [(p.buffer, start, start + size)
                                       for start, size in p.slots()]
                self.versions[p.name] = p.local_slots

    def run(self):
        self.overlaps = {}  # (key, gen, key, gen) -> whether the bytes overlap (memo)
        self.loops = {}  # (position, entry state) -> a loop's fixed point (memo)
        head = State()
        for _ in range(100):
            body, end, tally = self._stmts(self.body, head, 0)
            drain = self._end_drain(end)
            if drain is not None:
                body, end = body + (drain,), applied(end, drain)
                tally = tally + [drain]
            if join(head, end) == head:
                return _number_events(body), SyncCounts.of(tally)
            head = join(head, end)
        raise AssertionError("internal error: sync analysis did not converge")

    # -- structure -------------------------------------------------------------------------

    def _stmts(self, stmts: tuple, state: State, pos: int):
        out, tally = [], []
        pad = None  # (site, condition) of an in-place pad_cols just before (frees between)
        for stmt in stmts:
            if isinstance(stmt, ir.Sync):
                raise AssertionError("internal error: insert_syncs ran twice")
            if isinstance(stmt, ir.For):
                body, state, inner = self._loop(stmt.body, state, pos + 1)
                out.append(replace(stmt, body=body))
            elif isinstance(stmt, ir.If):
                then, left, inner = self._stmts(stmt.then, state, pos + 1)
                orelse, right, more = self._stmts(stmt.orelse, state, pos + 1 + _size(stmt.then))
                out.append(replace(stmt, then=then, orelse=orelse))
                state, inner = join(left, right), inner + more
            else:
                inner, state = self._instruction(stmt, state, pos, pad)
                out.extend(s for s in inner if s.kind != "drain")
                out.append(stmt)
                out.extend(s for s in inner if s.kind == "drain")  # after the tpush
            tally += inner
            if not isinstance(stmt, ir.Free):
                pad = self._pad_condition(stmt, pos)
            pos += _size((stmt,))
        return tuple(out), state, tally

    def _pad_condition(self, stmt: ir.Stmt, pos: int):
        """(site, condition) when `stmt` is an in-place pad_cols: the code generator runs it
        only when the valid length is short (`valid < cols`)."""
        if not (isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.TileOp)
                and stmt.value.op == "pad_cols" and self.tiles[stmt.name].kind == plan.INPLACE):
            return None
        valid, cols = stmt.value.args[1], stmt.value.type.shape[1]
        if not isinstance(cols, ir.Const):
            return None
        return pos, ir.BinOp("<", valid, ir.Const(cols.value, None, ir.I64), None, ir.BOOL)

    def _loop(self, body: tuple, state: State, pos: int):
        """The loop's fixed point from `state`; the same loop entered in the same state (the
        enclosing fixed point going round again) is not analysed again."""
        memo = self.loops.get((pos, state))
        if memo is not None:
            return memo
        head = state  # what holds at the loop test: on entry and after every iteration
        for _ in range(100):
            new_body, end, tally = self._stmts(body, head, pos)
            if join(head, end) == head:
                self.loops[(pos, state)] = new_body, head, tally
                return new_body, head, tally
            head = join(head, end)
        raise AssertionError("internal error: sync analysis of a loop did not converge")

    # -- one instruction -------------------------------------------------------------------

    def _instruction(self, stmt: ir.Stmt, state: State, pos: int, pad=None):
        instr, gens = self._decode(stmt, dict(state.gens))
        if instr is not None and instr.pop:
            state = popped(state, instr.pop, self.handoff)
        if instr is not None and instr.new:
            state = self._rotate(state, instr.new)
            versions = self.versions.get(instr.new, 1)
            reads = tuple((k, older(g, versions) if k == instr.new and versions > 1 else g)
                          for k, g in instr.reads)
            instr = replace(instr, reads=reads)
        if gens:
            state = State(state.pending, tuple(sorted((dict(state.gens) | gens).items())))
        if instr is None:
            return [], state
        syncs = []
        while True:
            blockers = self._blockers(instr, state)
            if not blockers:
                break
            sync = best_sync(blockers, instr.pipe, stmt.span)
            if (sync.kind == "barrier" and pad is not None
                    and all(a.site == pad[0] for a, _ in blockers if a.pipe == "V")):
                sync = replace(sync, guard=pad[1])
                state = applied(state, sync, frozenset({pad[0]}))
            else:
                state = applied(state, sync)
            syncs.append(sync)
        fresh = Facts(frozenset() if instr.pipe == "V" else frozenset({instr.pipe}))
        new = {Access(pos, key, False, gen, instr.pipe): fresh for key, gen in instr.reads}
        new |= {Access(pos, key, True, gen, instr.pipe): fresh for key, gen in instr.writes}
        kept = tuple(item for item in state.pending if item[0] not in new)
        if kept and kept[-1][0].site > pos:  # after a loop's back edge: merge in order
            state = State(in_order(dict(kept) | new), state.gens)
        else:
            state = State(kept + in_order(new), state.gens)
        if instr.push:
            state = pushed(state, instr.pipe, instr.push)
            if self.core == "aic":
                drain = ir.Sync("drain", "FIX", "S", DRAIN_EVENT, stmt.span)
                syncs.append(drain)
                state = applied(state, drain)
        return syncs, state

    def _decode(self, stmt: ir.Stmt, gens: dict):
        """The instruction a statement issues (None for scalar work, aliases and frees), and
        the versions the names it binds without bytes of their own now refer to."""
        if isinstance(stmt, (ir.TPush, ir.Store)):
            pipe = STORE_PIPE[self.tiles[stmt.value.name].buffer]
            writes = ((f"gm:{stmt.tensor}", 0),) if isinstance(stmt, ir.Store) else ()
            return Instr(pipe, (self._read(stmt.value.name, gens),), writes,
                         push=stmt.pipe if isinstance(stmt, ir.TPush) else ""), {}
        if not (isinstance(stmt, (ir.Let, ir.Assign)) and is_tile(stmt.value)):
            return None, {}
        value, info = stmt.value, self.tiles[stmt.name]
        if info.kind == plan.ALIAS:
            source = value.name if isinstance(value, ir.Name) else value.args[0].name
            return None, {stmt.name: self._read(source, gens)[1]}
        if isinstance(value, ir.TPop):
            return Instr(LOAD_PIPE, (), ((info.root, 0),), info.root, pop=value.pipe), {stmt.name: 0}
        if isinstance(value, ir.Load):
            return Instr(LOAD_PIPE, ((f"gm:{value.tensor}", 0),), ((info.root, 0),), info.root), {}
        operands = value.args if isinstance(value, ir.TileOp) else (value,)
        reads = tuple(self._read(a.name, gens) for a in operands
                      if isinstance(a, ir.Name) and is_tile(a))
        pipe = OPS[value.op].pipe if isinstance(value, ir.TileOp) else "V"
        if info.kind == plan.INPLACE:
            return Instr(pipe, reads, ((info.root, reads[0][1]),)), {stmt.name: reads[0][1]}
        writes = ((info.root, 0),)
        if isinstance(value, ir.TileOp) and OPS[value.op].scratch:
            writes += ((plan.SCRATCH_PREFIX + stmt.name, 0),)
        return Instr(pipe, reads, writes, info.root), {}

    def _read(self, name: str, gens: dict) -> tuple:
        info = self.tiles[name]
        return info.root, (0 if info.root == name else gens.get(name, -1))

    def _rotate(self, state: State, key: str) -> State:
        """A new value goes into `key`: every older access and name moves one version back."""
        versions = self.versions.get(key, 1)
        if versions == 1:
            return state
        facts = {a._replace(gen=older(a.gen, versions)) if a.key == key else a: f
                 for a, f in state.pending}
        gens = {n: older(g, versions) if self.tiles[n].root == key else g
                for n, g in state.gens}
        return State(in_order(facts), tuple(sorted(gens.items())))

    def _blockers(self, instr: Instr, state: State) -> list:
        mine = [(k, g, False) for k, g in instr.reads] + [(k, g, True) for k, g in instr.writes]
        pipe, overlap, out = instr.pipe, self._overlap, []
        # Ordered: `pipe` is in its facts, or it is on `pipe` itself, which runs in order, except
        # V (its instructions need a barrier). Inlined: this is the pass's hot loop.
        in_order_on_pipe = pipe != "V"
        for access, facts in state.pending:
            if pipe in facts.ordered or (in_order_on_pipe and access.pipe == pipe):
                continue
            key_a, gen_a, write_a = access.key, access.gen, access.write
            for key, gen, write in mine:
                if (write or write_a) and overlap(key_a, gen_a, key, gen):
                    out.append((access, facts))
                    break
        return out

    def _overlap(self, key_a: str, gen_a: int, key_b: str, gen_b: int) -> bool:
        known = self.overlaps.get((key_a, gen_a, key_b, gen_b))
        if known is None:
            if key_a == key_b:
                known = (self.versions.get(key_a, 1) == 1 or gen_a < 0 or gen_b < 0
                         or gen_a == gen_b)
            else:
                known = any(ba == bb and sa < eb and sb < ea
                            for ba, sa, ea in self.ranges.get(key_a, ())
                            for bb, sb, eb in self.ranges.get(key_b, ()))
            self.overlaps[(key_a, gen_a, key_b, gen_b)] = known
        return known

    def _end_drain(self, state: State):
        pipe = OUTPUT_PIPE[self.core]
        if any(a.pipe == pipe or pipe in f.ordered for a, f in state.pending):
            return ir.Sync("drain", pipe, "S", DRAIN_EVENT, None)
        return None


def _size(stmts: tuple) -> int:
    """Program positions the statements take (as liveness numbers them: Sync skipped)."""
    return sum(1 + sum(_size(body) for body in walk.bodies(s))
               for s in stmts if not isinstance(s, ir.Sync))


def _number_events(body: tuple) -> tuple:
    """Event ids: per (src, dst) pair, by the consumer's source position, first seen first."""
    ids: dict = {}

    def fn(stmts):
        out = []
        for s in stmts:
            if isinstance(s, ir.Sync) and s.kind == "flag":
                pair = ids.setdefault((s.src, s.dst), {})
                event = pair.setdefault(s.span, len(pair) % FLAG_EVENTS)
                s = replace(s, event=event)
            elif isinstance(s, ir.For):
                s = replace(s, body=fn(s.body))
            elif isinstance(s, ir.If):
                s = replace(s, then=fn(s.then), orelse=fn(s.orelse))
            out.append(s)
        return tuple(out)

    return fn(body)
