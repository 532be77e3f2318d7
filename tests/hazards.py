"""A brute-force check of synchronisation, independent of the sync pass's data flow.

`unordered_pairs(kernel, case, core, blocks)` runs a lowered case body for concrete values (one
dict of scalar values per logical block, e.g. `{"n": 3}`), records every instruction with its
pipe and the exact bytes it reads and writes (versions and pipe slots resolved by counting
definitions and pops, as the hardware does), builds the happens-before graph that the emitted
`Sync` statements give under the pipe rules, and returns every pair of conflicting accesses that
is not ordered. Rules: an instruction of MTE1/MTE2/M/FIX/MTE3 waits for the one before it on its
pipe; a vector op waits only for the last barrier or wait_flag on V; a barrier and a set_flag
wait for everything before them on their pipe; a wait_flag waits for its set_flag; a drain
(set/wait to S) makes every later instruction wait. Across cores, from the other core's own
program order for the same values (not from the sync pass's handoff table): a tpop of tile m of
Q makes every later instruction wait for each of this core's pushes P#k that the other side
(both lanes, for the cube) popped before pushing Q#m (TPOP waits for that push, and the push's
record fires after the other side's pipe finished, which was after it consumed P#k).

Conditional work, as the code generator emits it: an in-place pad_cols runs only when its valid
length is short (`valid < cols`), and a guarded barrier only when its guard holds. Both are
evaluated from the scalars of the block (e.g. `{"ctx": 200}`: n and each block's valid length
follow); when a guard cannot be evaluated (e.g. `{"n": 3}`, no ctx) the pad and the barrier both
run. Scalars given in a block's values are kept; the others are recomputed at each Let.
"""

from __future__ import annotations

from pypto_dsl import ir, plan
from pypto_dsl.ops import OPS
from pypto_dsl.passes.liveness import is_tile
from pypto_dsl.passes.trace import Sample, Skip, evaluate

OUT = {"aic": "FIX", "aiv": "MTE3"}


def unordered_pairs(kernel: ir.Kernel, case: ir.DispatchCase, core: str, blocks: list,
                    sample: Sample | None = None) -> list:
    return _traced(kernel, case, core, blocks, sample).unordered()


def executed_barriers(kernel: ir.Kernel, case: ir.DispatchCase, core: str, blocks: list) -> int:
    """How many pipe_barrier(PIPE_V) the blocks execute (guarded ones only when they run)."""
    return sum(1 for e in _traced(kernel, case, core, blocks).events if e[1] == "barrier")


def _traced(kernel, case, core: str, blocks: list, sample=None) -> "_Trace":
    """`blocks`: one dict of fixed scalar values per logical block; every other value the
    body reads (a scalar parameter, a shape symbol, a scalar read from GM) comes from `sample`
    (passes/trace.py: the same value on every core)."""
    sample = sample or Sample(0, {})
    other = "aiv" if core == "aic" else "aic"
    other_body = kernel.body(other)[0].cases[case.index].body
    sides = (0, 1) if other == "aiv" else (None,)
    others = [_run(_Order(other, sample), other_body, blocks, lane) for lane in sides]
    mine = _Trace(kernel.plans[case.index], core, others, sample)
    return _run(mine, case.body, blocks, 0 if core == "aiv" else None)


def _run(trace, body, blocks: list, lane):
    for block, values in enumerate(blocks):
        trace.given = set(values)
        env = {ir.LOGICAL_BLOCK: block} | dict(values)
        if lane is not None:
            env.setdefault("lane", lane)
        trace.run(body, env)
    return trace


class _Trace:
    def __init__(self, case_plan, core, others: list, sample):
        self.core, self.sample = core, sample
        self.tiles = case_plan.core(core).by_name
        self.alloc = {t.name: t for t in case_plan.core(core).tiles if t.owns_bytes}
        self.pipes = {p.name: p for p in case_plan.pipes if p.dst == core}
        self.others = others  # the other side's cores (_Order), for the cross-core order
        self.events = []  # (pipe, kind, accesses, preds)
        self.defs: dict = {}  # root -> definitions so far
        self.pops: dict = {}  # pipe -> pops so far
        self.bound: dict = {}  # name -> (buffer, start, end) it refers to
        self.fences: list = []  # events every later event waits for
        self.pushes: list = []  # [event, pipe, tile index] of this core's pushes not yet known done
        self.pushed: dict = {}  # pipe -> pushes so far
        self.given: set = set()  # scalars the block's values fix

    # -- execution -------------------------------------------------------------------------

    def run(self, stmts, env):
        for stmt in stmts:
            if isinstance(stmt, ir.For):
                start, stop = (self._eval(e, env) for e in (stmt.start, stmt.stop))
                for value in range(start, stop):
                    env[stmt.var] = value
                    self.run(stmt.body, env)
            elif isinstance(stmt, ir.If):
                self.run(stmt.then if self._eval(stmt.cond, env) else stmt.orelse, env)
            elif isinstance(stmt, ir.Sync):
                if stmt.guard is None or self._holds(stmt.guard, env):
                    self._sync(stmt)
            elif isinstance(stmt, (ir.Let, ir.Assign)) and not is_tile(stmt.value):
                if stmt.name in self.given:
                    continue
                try:
                    env[stmt.name] = self._eval(stmt.value, env)
                except Skip:
                    env.pop(stmt.name, None)
            else:
                self._instruction(stmt, env)

    def _eval(self, expr, env):
        return evaluate(expr, self.sample, env)

    def _holds(self, cond, env) -> bool:
        """A guard's value; True when it cannot be evaluated (the work is assumed to run)."""
        try:
            return bool(self._eval(cond, env))
        except Skip:
            return True

    def _pad_runs(self, value, env) -> bool:
        """An in-place pad_cols runs only when its valid length is short (codegen/body.py)."""
        cols = value.type.shape[1]
        return self._holds(ir.BinOp("<", value.args[1], cols, None, ir.BOOL), env)

    def _instruction(self, stmt, env):
        if isinstance(stmt, (ir.TPush, ir.Store)):
            value = self.bound[stmt.value.name]
            pipe = "MTE3" if value[0] in ("UB", "L1") else "FIX"
            writes = [("gm:" + stmt.tensor, 0, 1)] if isinstance(stmt, ir.Store) else []
            event = self._event(pipe, "op", [value], writes)
            if isinstance(stmt, ir.TPush):
                k = self.pushed.get(stmt.pipe, 0)
                self.pushed[stmt.pipe] = k + 1
                self.pushes.append([event, stmt.pipe, k])
            return
        if not isinstance(stmt, (ir.Let, ir.Assign)):
            return  # free
        value, info = stmt.value, self.tiles[stmt.name]
        if info.kind == plan.ALIAS:
            source = value.name if isinstance(value, ir.Name) else value.args[0].name
            self.bound[stmt.name] = self.bound[source]
            return
        if isinstance(value, ir.TPop):
            self._popped(value.pipe)
            pipe = self.pipes[value.pipe]
            start, size = pipe.slots()[self.pops.get(value.pipe, 0) % pipe.local_slots]
            self.pops[value.pipe] = self.pops.get(value.pipe, 0) + 1
            self.bound[stmt.name] = (pipe.buffer, start, start + size)
            self._event("MTE2", "op", [], [self.bound[stmt.name]])
            return
        if isinstance(value, ir.Load):
            self.bound[stmt.name] = self._new(info.root)
            self._event("MTE2", "op", [("gm:" + value.tensor, 0, 1)], [self.bound[stmt.name]])
            return
        operands = value.args if isinstance(value, ir.TileOp) else (value,)
        reads = [self.bound[a.name] for a in operands if isinstance(a, ir.Name) and is_tile(a)]
        pipe = OPS[value.op].pipe if isinstance(value, ir.TileOp) else "V"
        self.bound[stmt.name] = reads[0] if info.kind == plan.INPLACE else self._new(info.root)
        if (info.kind == plan.INPLACE and isinstance(value, ir.TileOp) and value.op == "pad_cols"
                and not self._pad_runs(value, env)):
            return
        writes = [self.bound[stmt.name]]
        if isinstance(value, ir.TileOp) and OPS[value.op].scratch:
            writes.append(self._new(plan.SCRATCH_PREFIX + stmt.name))
        self._event(pipe, "op", reads, writes)

    def _new(self, root):
        a = self.alloc[root]
        k = self.defs.get(root, 0)
        self.defs[root] = k + 1
        start = a.offset + (k % a.versions) * a.size
        return (a.buffer, start, start + a.size)

    def _popped(self, pipe):
        """Pop m of `pipe`: every push of this core the other side consumed before pushing
        tile m is complete before what follows."""
        m = self.pops.get(pipe, 0)
        still = []
        for event, pushed, k in self.pushes:
            if all(other.before(("pop", pushed, k), ("push", pipe, m)) for other in self.others):
                self.fences.append(event)
            else:
                still.append([event, pushed, k])
        self.pushes = still

    def _sync(self, sync):
        if sync.kind == "barrier":
            self._event("V", "barrier", [], [])
        elif sync.kind == "flag":
            setter = self._event(sync.src, "set", [], [])
            self._event(sync.dst, "wait", [], [], extra=[setter])
        else:
            self.fences.append(self._event(sync.src, "set", [], []))

    # -- happens-before --------------------------------------------------------------------

    def _event(self, pipe, kind, reads, writes, extra=()):
        index = len(self.events)
        preds = set(extra) | set(self.fences)
        same = [i for i, e in enumerate(self.events) if e[0] == pipe]
        if pipe != "V":
            preds.update(same[-1:])
        elif kind in ("barrier", "set"):
            preds.update(same)
        else:
            gates = [i for i in same if self.events[i][1] in ("barrier", "wait")]
            preds.update(gates[-1:])
        self.events.append((pipe, kind, [(r, False) for r in reads] + [(w, True) for w in writes],
                            preds))
        return index

    def unordered(self) -> list:
        before = []
        for pipe, kind, accesses, preds in self.events:
            mask = 0
            for p in preds:
                mask |= before[p] | (1 << p)
            before.append(mask)
        bad = []
        for j, (_, _, acc_j, _) in enumerate(self.events):
            for i in range(j):
                if before[j] >> i & 1:
                    continue
                if any((wi or wj) and _overlap(ri, rj) for ri, wi in self.events[i][2]
                       for rj, wj in acc_j):
                    bad.append((i, j, self.events[i][:3], self.events[j][:3]))
        return bad


class _Order(_Trace):
    """The other side's program order of pushes and pops, for the same values."""

    def __init__(self, core, sample):
        self.core, self.sample, self.given, self.order = core, sample, set(), []
        self.count: dict = {}
        self.position: dict = {}

    def _instruction(self, stmt, env):
        if isinstance(stmt, ir.TPush):
            self._note("push", stmt.pipe)
        elif isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.TPop):
            self._note("pop", stmt.value.pipe)

    def _sync(self, sync):
        pass

    def _note(self, kind, pipe):
        k = self.count.get((kind, pipe), 0)
        self.count[(kind, pipe)] = k + 1
        self.position[(kind, pipe, k)] = len(self.order)
        self.order.append((kind, pipe, k))

    def before(self, first, second) -> bool:
        """Whether event `first` ((kind, pipe, index)) comes before `second` in this order."""
        position = self.position
        return first in position and second in position and position[first] < position[second]


def _overlap(a, b) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]
