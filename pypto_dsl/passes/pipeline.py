"""Software pipelining of `pipelined for` loops with any number of stages.

After this pass no `PipelinedFor` remains. Iteration i of stage k runs at time step i + k, and
within a time step the stages run first to last, so the first stage of the newest iteration
comes first (QK-first on the cube, softmax-first on the vector cores). A loop of N stages over
`a .. b` (n = b - a iterations) becomes

    if b > a {
        time steps 0 .. N-2, unrolled               // prologue: stage k of iteration t - k,
                                                    //   under `if n > t - k` unless t = k
        for j in a + N-1 .. b { time step j - a }   // steady state: every stage, no guard
        drain steps d = 1 .. N-1, unrolled          // epilogue: stages d .. N-1 of iterations
                                                    //   n-1-k+d, under `if n >= N - d`
    }

A value defined in stage k and read in a later stage m is read m - k time steps after it was
defined, by which time stage k has redefined it: each time step starts by shifting a history
of it (`let pdsl_prev_v = v`, `let pdsl_prev2_v = pdsl_prev_v`, ..., oldest first), and stage
m reads the history entry m - k steps back. Tile histories are aliases (no copy); memory
planning gives the tile one version per entry that is live when it is redefined. In the
prologue and epilogue a shift runs only when its source is bound and its time step is not
one the other part runs. For two stages this is the familiar form: prologue `s0[a]`, steady
`s0[j]; s1[j-1]`, epilogue `s1[b-1]`, and no guards. Adjacent statements under one guard are
one `if`: a drain step is a block, not a guard per statement, so the analyses after this pass,
which do not relate two conditions, never follow a path that runs one half of a step (memory
planning would count a history entry as older than it ever is, and the popped tiles and
versions held at once too high). An `if` of a stage whose condition is constant for a copy
(the prefetch pass's `if j + 1 < b` at j = b - 1) is the branch it takes, and the loop's guard
directly inside an `if` of the same condition (the prefetch pass's) is merged into it.

The order is only legal when no `var` is updated in a stage and read in an earlier one, and
none is updated in two stages: such a loop is rejected with the location of the offending
update. A one-stage loop becomes a plain `for`.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir, walk
from ..diagnostics import ErrorSink
from ..walk import Rewriter
from .rewrite import ConstantBranches, defines, reads, rename, substitute_names

PREV = "pdsl_prev_"


def pipeline(kernel: ir.Kernel) -> ir.Kernel:
    rewriter = _Pipeline()
    bodies = {}
    for core in ("aic", "aiv"):
        rewriter.core = core
        bodies[core] = rewriter.stmts(kernel.body(core))
    rewriter.sink.raise_if_any()
    return replace(kernel, aic=bodies["aic"], aiv=bodies["aiv"],
                   pipelined=tuple(rewriter.loops))


def history(name: str, steps: int) -> str:
    """The name holding `name`'s value from `steps` time steps back."""
    if steps == 0:
        return name
    return f"{PREV}{name}" if steps == 1 else f"pdsl_prev{steps}_{name}"


class _Pipeline(Rewriter):
    def __init__(self):
        self.sink = ErrorSink()
        self.core = "aic"
        self.loops: list = []  # ir.PipelinedLoop, one per loop lowered (its copies once)

    def rewrite_If(self, stmt: ir.If):
        """`if c { s...; if c { t... } }` as `if c { s...; t... }` when s assigns nothing c
        reads: the guard of a lowered loop inside the prefetch pass's guard of the same loop."""
        stmt = self.generic_stmt(stmt)
        inner = stmt.then[-1] if stmt.then else None
        if (isinstance(inner, ir.If) and inner.cond == stmt.cond and not inner.orelse
                and not stmt.orelse
                and not _assigned(stmt.then[:-1]) & reads((ir.TPush("", stmt.cond),))):
            return replace(stmt, then=stmt.then[:-1] + inner.then)
        return stmt

    def rewrite_PipelinedFor(self, loop: ir.PipelinedFor):
        stages = [replace(s, body=self.stmts(s.body)) for s in loop.stages]
        record = ir.PipelinedLoop(self.core, tuple(_stage_record(s) for s in stages), loop.span)
        if record not in self.loops:
            self.loops.append(record)
        if len(stages) == 1:
            return ir.For(loop.var, loop.start, loop.stop, stages[0].body, loop.span)
        if not _legal(stages, self.sink):
            return ()
        return (_Schedule(loop, stages).lower(),)


def _stage_record(stage: ir.Stage) -> ir.StageRecord:
    stmts = list(walk.walk_stmts(stage.body))
    pushes = tuple(sorted({s.pipe for s in stmts if isinstance(s, ir.TPush)}))
    pops = tuple(sorted({e.pipe for s in stmts for x in walk.stmt_exprs(s)
                         for e in walk.walk_expr(x) if isinstance(e, ir.TPop)}))
    return ir.StageRecord(stage.name, pushes, pops)


class _Schedule:
    def __init__(self, loop: ir.PipelinedFor, stages: list):
        self.loop, self.stages, self.n_stages = loop, stages, len(stages)
        self.span = loop.span
        # Crossing values: name -> (defining stage, longest distance to a later reader).
        self.crossing: dict = {}
        for k, stage in enumerate(stages):
            for m in range(k + 1, len(stages)):
                for name in sorted(set(defines(stage.body)) & reads(stages[m].body)):
                    first, far = self.crossing.get(name, (k, 0))
                    self.crossing[name] = (first, max(far, m - k))
        self.types = {name: _type_of(name, stages[k].body)
                      for name, (k, _) in self.crossing.items()}

    # -- the three parts -------------------------------------------------------------------

    def lower(self) -> ir.If:
        loop, last = self.loop, self.n_stages - 1
        body: list = []
        for t in range(last):  # prologue
            body += self._shifts(lambda k, e: self._prologue_shift(t, k, e))
            for k in range(t + 1):
                body += self._stage(k, self._at_start(t - k), self._more_than(t - k))
        j = self._var()
        steady = self._shifts(lambda k, e: None)
        for k in range(self.n_stages):
            steady += self._stage(k, self._minus(j, k), None)
        body.append(ir.For(loop.var, self._plus(loop.start, last), loop.stop, tuple(steady),
                           self.span))
        for d in range(1, self.n_stages):  # epilogue
            body += self._shifts(lambda k, e: self._epilogue_shift(d, k, e))
            for k in range(d, self.n_stages):
                iteration = self._plus(self._minus(loop.stop, 1), d - k)
                body += self._stage(k, iteration, self._at_least(self.n_stages - d))
        guard = ir.BinOp(">", loop.stop, loop.start, self.span, ir.BOOL)
        return ir.If(guard, tuple(_merged(body)), (), self.span)

    def _shifts(self, guard_of) -> list:
        """The history shifts that start a time step, oldest entry first. `guard_of(k, e)`
        says whether the shift of entry e of a value of stage k runs: None (always), False
        (never) or a condition."""
        out: list = []
        for name, (k, far) in sorted(self.crossing.items()):
            for e in range(far, 0, -1):
                guard = guard_of(k, e)
                if guard is False:
                    continue
                read = ir.Name(history(name, e - 1), self.span, self.types[name])
                out += _guarded(guard, (ir.Let(history(name, e), read, False, self.span),))
        return out

    def _stage(self, k: int, iteration: ir.Expr, guard) -> list:
        """Stage k's body for `iteration`, reading each crossing value from its history."""
        stage = self.stages[k]
        renames = {name: history(name, k - first) for name, (first, _) in self.crossing.items()
                   if first < k}
        body = substitute_names(rename(stage.body, renames), {self.loop.var: iteration})
        return _guarded(guard, ConstantBranches().stmts(body))

    # -- guards ----------------------------------------------------------------------------

    def _prologue_shift(self, t: int, k: int, e: int):
        """At prologue step t, entry e of a value of stage k is shifted when its source is
        bound: stage k has run since step k, and entry e-1 is bound from step k + e - 1."""
        return None if t - e - k >= 0 else False

    def _epilogue_shift(self, d: int, k: int, e: int):
        """At drain step d (time n-1+d), the same source rule, and only on a step the prologue
        did not already run: n >= k + e + 1 - d and n >= N - d."""
        return self._at_least(max(k + e + 1 - d, self.n_stages - d))

    def _more_than(self, i: int):
        """`n > i` (None when i is 0: the loop runs at least once inside the guard)."""
        return None if i == 0 else ir.BinOp(">", self._trips(), self._int(i), self.span, ir.BOOL)

    def _at_least(self, count: int):
        return None if count <= 1 else ir.BinOp(">=", self._trips(), self._int(count),
                                                self.span, ir.BOOL)

    # -- expressions -----------------------------------------------------------------------

    def _var(self) -> ir.Name:
        return ir.Name(self.loop.var, self.span, ir.I64)

    def _int(self, value: int) -> ir.Const:
        return ir.Const(value, self.span, ir.I64)

    def _trips(self) -> ir.Expr:
        if isinstance(self.loop.start, ir.Const) and self.loop.start.value == 0:
            return self.loop.stop
        return ir.BinOp("-", self.loop.stop, self.loop.start, self.span, ir.I64)

    def _at_start(self, offset: int) -> ir.Expr:
        return self._plus(self.loop.start, offset)

    def _plus(self, expr: ir.Expr, value: int) -> ir.Expr:
        if value == 0:
            return expr
        if value < 0:
            return self._minus(expr, -value)
        if isinstance(expr, ir.Const):
            return self._int(expr.value + value)
        return ir.BinOp("+", expr, self._int(value), self.span, ir.I64)

    def _minus(self, expr: ir.Expr, value: int) -> ir.Expr:
        if value == 0:
            return expr
        if isinstance(expr, ir.Const):
            return self._int(expr.value - value)
        return ir.BinOp("-", expr, self._int(value), self.span, ir.I64)


def _guarded(guard, stmts) -> list:
    if guard is None:
        return list(stmts)
    return [ir.If(guard, tuple(stmts), (), guard.span)]


def _merged(stmts: list) -> list:
    """Adjacent `if g { A }` `if g { B }` as one `if g { A B }` (when A does not change g;
    see the module docstring)."""
    out: list = []
    for stmt in stmts:
        last = out[-1] if out else None
        if (isinstance(stmt, ir.If) and isinstance(last, ir.If) and not stmt.orelse
                and not last.orelse and stmt.cond == last.cond
                and not _names(stmt.cond) & set(defines(last.then))):
            out[-1] = replace(last, then=last.then + stmt.then)
        else:
            out.append(stmt)
    return out


def _names(expr: ir.Expr) -> set:
    return {e.name for e in walk.walk_expr(expr) if isinstance(e, ir.Name)}


def _legal(stages: list, sink: ErrorSink) -> bool:
    ok = True
    for m, later in enumerate(stages):
        for stmt in walk.walk_stmts(later.body):
            if not isinstance(stmt, ir.Assign):
                continue
            for k in range(m):
                earlier = stages[k]
                if stmt.name in reads(earlier.body):
                    sink.error(stmt.span, f"'{stmt.name}' is updated in stage '{later.name}' and "
                               f"read in the earlier stage '{earlier.name}': pipelined, "
                               f"'{earlier.name}' of iteration j+{m - k} runs before "
                               f"'{later.name}' of iteration j; update it in '{earlier.name}' "
                               "instead")
                    ok = False
                    break
                if stmt.name in _assigned(earlier.body):
                    sink.error(stmt.span, f"'{stmt.name}' is updated in both stages "
                               f"'{earlier.name}' and '{later.name}' of a pipelined loop")
                    ok = False
                    break
    return ok


def _assigned(stmts: tuple) -> set:
    return {s.name for s in walk.walk_stmts(stmts) if isinstance(s, ir.Assign)}


def _type_of(name: str, body: tuple):
    """The type of `name` as its definition in `body` gives it."""
    for stmt in walk.walk_stmts(body):
        if isinstance(stmt, (ir.Let, ir.Assign)) and stmt.name == name:
            return stmt.value.type
    raise KeyError(name)
