"""How each IR node executes: the reference semantics of the language, one core at a time.

A `CoreTask` is one core of a cluster (the AIC, or AIV lane 0 or 1) running the kernel for a
sequence of batches of logical blocks. For each batch it binds the grid variables (and `lane`
on the AIV), runs the kernel prelude, then its core's body. Every value carries the batch axis
first: a scalar is a 0-d value (the same for every member) or one entry per member; a tile is
`[members, rows, cols]`. With one member per batch this is exactly the hardware's view of a
core; with many, the members run in lock-step.

Contract with the scheduler: `task.generator` yields a `Blocked` whenever a tpush finds its FIFO
full or a tpop finds it empty, and is resumed once `Blocked.ready()`; it raises `Diverged` when
the members of a batch disagree on control flow (a branch, a loop bound), which cannot happen
with one member. Statements run in program order; within an expression the pops come first, in
evaluation order, then the rest (nothing else in an expression can block or be observed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import ir
from ..errors import LaunchError
from ..ops import OPS
from . import memory, scalars
from .launch import located
from . import numerics
from .pipes import AIC, Fifo
from .. import walk

TRUE, FALSE = ir.Const(True, None, ir.BOOL), ir.Const(False, None, ir.BOOL)


class Scope:
    """Names visible in a block; inner blocks see outer names.

    A core's names are one namespace (the checker forbids shadowing, and the generated C++
    declares each name once per core function): `let` of a name already visible rebinds it
    where it lives, so the epilogue of a pipelined loop reads what the loop body bound last,
    and `let` of a new name binds it in the core's function scope, so a name first bound under
    a guard (a pipelined loop's prologue, when the trip count allows) is seen after it.
    """

    def __init__(self, parent: "Scope | None" = None, values: dict | None = None,
                 function: bool = False):
        self.parent, self.values = parent, values if values is not None else {}
        self.function = function

    def lookup(self, name: str):
        scope = self
        while name not in scope.values:
            scope = scope.parent
        return scope.values[name]

    def define(self, name: str, value) -> None:
        scope = self
        while scope is not None and name not in scope.values:
            scope = scope.parent
        if scope is None:
            scope = self
            while not scope.function and scope.parent is not None:
                scope = scope.parent
        scope.values[name] = value

    def assign(self, name: str, value) -> None:
        scope = self
        while name not in scope.values:
            scope = scope.parent
        scope.values[name] = value

    def subset(self, rows: np.ndarray) -> "Subset":
        return Subset(self, rows)

    def member(self, k: int) -> int:
        return k


class Subset(Scope):
    """A read-only view of a scope for some members only (a `?:` or `&&` side they take)."""

    def __init__(self, scope: Scope, rows: np.ndarray):
        super().__init__(scope)
        self.rows = rows

    def lookup(self, name: str):
        value = self.parent.lookup(name)
        return value[self.rows] if np.ndim(value) else value

    def member(self, k: int) -> int:
        return self.parent.member(int(self.rows[k]))


class Diverged(Exception):
    """The members of a batch disagree on a control-flow value; `values` has one per member."""

    def __init__(self, task: "CoreTask", values: np.ndarray):
        super().__init__(task.label)
        self.task, self.values = task, values


@dataclass
class Blocked:
    """What a task waits for: room in a FIFO (tpush) or a tile in it (tpop)."""

    task: "CoreTask"
    fifo: Fifo
    action: str  # tpush | tpop
    span: object

    def ready(self) -> bool:
        side = self.task.side
        return self.fifo.can_push(side) if self.action == "tpush" else self.fifo.can_pop(side)

    def __str__(self) -> str:
        return (f"{self.task.where(0)}: {self.action} on pipe '{self.fifo.decl.name}' at "
                f"{self.span}")


class CoreTask:
    """One core of a cluster: `batches` are the logical-block batches it runs in turn, `fifos`
    the cluster's pipes, `tensors` the GM tensors of the run (shared by every cluster)."""

    def __init__(self, launch, tensors: dict, core: str, lane: int | None, fifos: dict,
                 batches: list, on_block_done=None):
        self.launch, self.tensors, self.core, self.lane = launch, tensors, core, lane
        self.side = AIC if core == "aic" else lane
        self.label = "AIC" if core == "aic" else f"AIV{lane}"
        self.fifos, self.batches, self.on_block_done = fifos, batches, on_block_done
        self.logical = np.zeros(0, np.int64)  # the logical blocks of the current batch
        self.wait: Blocked | None = None
        self.generator = self.run()

    @property
    def batch(self) -> int:
        return len(self.logical)

    def where(self, k: int) -> str:
        """`hardware block 3, AIV1, logical block 27 (b=3, t=1)` for member k of the batch."""
        logical = int(self.logical[k])
        return (f"hardware block {logical % self.launch.blocks}, {self.label}, "
                f"{self.launch.describe(logical)}")

    # ------------------------------------------------------------------ statements

    def run(self):
        kernel = self.launch.kernel
        for logical in self.batches:
            self.logical = logical
            scope = Scope(Scope(None, dict(self.launch.statics)), function=True)
            scope.define(ir.LOGICAL_BLOCK, scalars.as_scalar(logical, np.int64))
            for var, coord in zip(kernel.grid.vars, self.launch.coords(logical)):
                scope.define(var, scalars.as_scalar(coord, np.int64))
            if self.core == "aiv":
                scope.define("lane", np.int64(self.lane))
            yield from self.block(kernel.prelude, scope)
            yield from self.block(kernel.body(self.core), Scope(scope))
            if self.on_block_done is not None:
                self.on_block_done(len(logical))

    def block(self, stmts: tuple, scope: Scope):
        for stmt in stmts:
            yield from STATEMENTS[type(stmt)](self, stmt, scope)

    def let(self, stmt: ir.Let, scope: Scope):
        scope.define(stmt.name, (yield from self.value(stmt.value, scope)))

    def assign(self, stmt: ir.Assign, scope: Scope):
        scope.assign(stmt.name, (yield from self.value(stmt.value, scope)))

    def tpush(self, stmt: ir.TPush, scope: Scope):
        tile = yield from self.value(stmt.value, scope)
        fifo = self.fifos[stmt.pipe]
        while not fifo.can_push(self.side):
            yield Blocked(self, fifo, "tpush", stmt.span)
        fifo.push(self.side, tile)

    def store(self, stmt: ir.Store, scope: Scope):
        tile = yield from self.value(stmt.value, scope)
        self.gm(stmt, scope, memory.store, self.windows(stmt.slices, scope, {}), tile)

    def for_loop(self, stmt: ir.For, scope: Scope):
        """Bounds are evaluated once, before the first iteration."""
        for j in range(self.control(stmt.start, scope), self.control(stmt.stop, scope)):
            yield from self.block(stmt.body, Scope(scope, {stmt.var: np.int64(j)}))

    def pipelined_for(self, stmt: ir.PipelinedFor, scope: Scope):
        """The stages of one iteration run in order and share its scope; overlapping them is
        the compiler's job and must not change any value (each FIFO keeps its order)."""
        for j in range(self.control(stmt.start, scope), self.control(stmt.stop, scope)):
            inner = Scope(scope, {stmt.var: np.int64(j)})
            for stage in stmt.stages:
                yield from self.block(stage.body, inner)

    def if_stmt(self, stmt: ir.If, scope: Scope):
        taken = stmt.then if self.control(stmt.cond, scope) else stmt.orelse
        yield from self.block(taken, Scope(scope))

    def dispatch(self, stmt: ir.Dispatch, scope: Scope):
        values = tuple(scope.lookup(s) for s in stmt.symbols)
        case = next((c for c in stmt.cases if tuple(c.values) == values), None)
        if case is None:
            chosen = ", ".join(f"{s}={v}" for s, v in zip(stmt.symbols, values))
            raise LaunchError(located(stmt.span, f"no code path for {chosen}"))
        yield from self.block(case.body, Scope(scope))

    def no_effect(self, stmt, scope: Scope):
        """Free: the slot was released when its tile was popped. Sync: orders hardware pipes,
        which the interpreter runs one statement at a time anyway."""
        yield from ()

    # ------------------------------------------------------------------ expressions

    def value(self, expr: ir.Expr, scope: Scope):
        """The value of `expr`: first its pops, in evaluation order (each may block)."""
        popped = {}
        for pop in _pops(expr):
            fifo = self.fifos[pop.pipe]
            while not fifo.can_pop(self.side):
                yield Blocked(self, fifo, "tpop", pop.span)
            popped[id(pop)] = fifo.pop(self.side)
        return self.eval(expr, scope, popped)

    def eval(self, expr: ir.Expr, scope: Scope, popped: dict):
        return EXPRESSIONS[type(expr)](self, expr, scope, popped)

    def const(self, e: ir.Const, scope, popped):
        return scalars.as_scalar(e.value, _scalar_dtype(e))

    def name(self, e: ir.Name, scope, popped):
        return scope.lookup(e.name)

    def binop(self, e: ir.BinOp, scope, popped):
        if e.op == "&&":
            return self.choose(self.eval(e.lhs, scope, popped), e.rhs, FALSE, scope, popped, e)
        if e.op == "||":
            return self.choose(self.eval(e.lhs, scope, popped), TRUE, e.rhs, scope, popped, e)
        dtype = scalars.operand_dtype(e.lhs.type, e.rhs.type)
        lhs = scalars.as_scalar(self.eval(e.lhs, scope, popped), dtype)
        rhs = scalars.as_scalar(self.eval(e.rhs, scope, popped), dtype)
        return self.arith(e, scalars.BINARY[e.op], lhs, rhs)

    def unary(self, e: ir.UnaryOp, scope, popped):
        operand = self.eval(e.operand, scope, popped)
        return np.negative(operand) if e.op == "-" else np.logical_not(operand)

    def select(self, e: ir.Select, scope, popped):
        cond = self.eval(e.cond, scope, popped)
        return self.choose(cond, e.if_true, e.if_false, scope, popped, e)

    def call(self, e: ir.Call, scope, popped):
        dtype = scalars.SCALAR_DTYPES[e.type.dtype]
        args = [scalars.as_scalar(self.eval(a, scope, popped), dtype) for a in e.args]
        return self.arith(e, scalars.CALLS[e.func], *args)

    def index(self, e: ir.Index, scope, popped):
        windows = tuple(memory.Window(self.eval(i, scope, popped), None) for i in e.indices)
        values = self.gm(e, scope, memory.read_scalars, windows)
        return scalars.as_scalar(values, scalars.SCALAR_DTYPES[e.type.dtype])

    def load(self, e: ir.Load, scope, popped):
        tile = self.gm(e, scope, memory.load, self.windows(e.slices, scope, popped), self.batch)
        return np.swapaxes(tile, -1, -2) if e.transpose else tile

    def tpop(self, e: ir.TPop, scope, popped):
        return popped[id(e)]

    def tile_op(self, e: ir.TileOp, scope, popped):
        spec = OPS[e.op]
        args = [self.eval(a, scope, popped) for a in e.args]
        args = [a if kind in ("tile", "row", "col") else _per_member(a)
                for kind, a in zip(spec.operand_kinds, args)]
        attrs = {k: self.static(v, scope) if isinstance(v, ir.Expr) else v for k, v in e.attrs}
        if "type" in attrs:  # an op whose result shape its operands do not give (fill)
            dims = tuple(self.static(d, scope) for d in attrs["type"].shape)
            attrs["shape"] = (self.batch,) + dims
        try:
            return spec.semantics(numerics, *args, **attrs)
        except numerics.PartOutside as bad:  # a runtime row offset the checker cannot see
            raise LaunchError(located(e.span, f"{bad} in {self.where(bad.member)}")) from None

    # ------------------------------------------------------------------ helpers

    def control(self, expr: ir.Expr, scope: Scope):
        """A value that steers control flow: every member must agree on it."""
        value = self.eval(expr, scope, {})
        if not scalars.is_uniform(value):
            raise Diverged(self, np.broadcast_to(value, (self.batch,)))
        return scalars.first(value)

    def static(self, expr: ir.Expr, scope: Scope) -> int:
        """A tile dimension or slice size: the same for every member (the checker's rule)."""
        return int(scalars.first(self.eval(expr, scope, {})))

    def choose(self, cond, if_true: ir.Expr, if_false: ir.Expr, scope, popped, e):
        """Per member `cond ? if_true : if_false`, each side evaluated only by the members
        that take it (so `i < n && t[i] > 0` never reads t[n])."""
        if scalars.is_uniform(cond):
            taken = if_true if np.size(cond) == 0 or scalars.first(cond) else if_false
            return self.eval(taken, scope, popped)
        out = np.empty(np.shape(cond), scalars.SCALAR_DTYPES[e.type.dtype])
        for side, rows in ((if_true, np.flatnonzero(cond)), (if_false, np.flatnonzero(~cond))):
            out[rows] = self.eval(side, scope.subset(rows), popped)
        return out

    def arith(self, e: ir.Expr, function, *args):
        try:
            return function(*args)
        except scalars.DivisionByZero:
            raise LaunchError(located(e.span, f"`{e}` divides by zero in {self.where(0)}")
                              ) from None

    def windows(self, slices: tuple, scope: Scope, popped: dict) -> tuple:
        out = []
        for s in slices:
            start = self.eval(s.start, scope, popped)
            start = scalars.first(start) if scalars.is_uniform(start) else start
            out.append(memory.Window(start, None if s.point else self.static(s.size, scope)))
        return tuple(out)

    def gm(self, node, scope: Scope, access, windows: tuple, *args):
        """A bounds-checked access to tensor `node.tensor`; errors name the node's source."""
        tensor = self.tensors[node.tensor]
        try:
            return access(tensor, windows, *args)
        except memory.OutOfBounds as bad:
            who = self.where(scope.member(bad.member))
            raise LaunchError(located(node.span, f"{_out_of_bounds(node, bad, tensor.shape)} "
                                                 f"in {who}")) from None


def _out_of_bounds(node, bad: memory.OutOfBounds, shape: tuple) -> str:
    """`load key_cache[kv, ...]: index kv = 999 is out of range: 'key_cache' has 96 ...`"""
    subscripts = node.indices if isinstance(node, ir.Index) else node.slices
    starts = node.indices if isinstance(node, ir.Index) else [s.start for s in node.slices]
    what = {ir.Index: "read", ir.Load: "load", ir.Store: "store"}[type(node)]
    accessed = f"{node.tensor}[{', '.join(str(s) for s in subscripts)}]"
    if bad.size is None:
        issue = f"index {starts[bad.dim]} = {bad.start}"
    else:
        issue = f"slice {starts[bad.dim]} = {bad.start} : +{bad.size}"
    return (f"{what} {accessed}: {issue} is out of range: dimension {bad.dim} of "
            f"'{node.tensor}' has {shape[bad.dim]} entries (shape {tuple(shape)})")


def _scalar_dtype(e: ir.Const) -> np.dtype:
    if e.type is not None:
        return scalars.SCALAR_DTYPES[e.type.dtype]
    return scalars.SCALAR_DTYPES["f32" if isinstance(e.value, float) else "i64"]


def _per_member(value):
    """A scalar operand of a tile op: one value per member broadcasts over its [rows, cols]."""
    value = np.asarray(value)
    return value.reshape(value.shape + (1, 1)) if value.ndim else value


_POPS: dict[int, tuple] = {}


def _pops(expr: ir.Expr) -> tuple:
    """The TPop nodes of `expr` in evaluation order (cached: statements run many times)."""
    key = id(expr)
    if key not in _POPS:
        _POPS[key] = (expr, tuple(e for e in walk.walk_expr(expr) if isinstance(e, ir.TPop)))
    return _POPS[key][1]


STATEMENTS = {
    ir.Let: CoreTask.let,
    ir.Assign: CoreTask.assign,
    ir.TPush: CoreTask.tpush,
    ir.Store: CoreTask.store,
    ir.For: CoreTask.for_loop,
    ir.PipelinedFor: CoreTask.pipelined_for,
    ir.If: CoreTask.if_stmt,
    ir.Dispatch: CoreTask.dispatch,
    ir.Free: CoreTask.no_effect,
    ir.Sync: CoreTask.no_effect,
}

EXPRESSIONS = {
    ir.Const: CoreTask.const,
    ir.Name: CoreTask.name,
    ir.BinOp: CoreTask.binop,
    ir.UnaryOp: CoreTask.unary,
    ir.Select: CoreTask.select,
    ir.Call: CoreTask.call,
    ir.Index: CoreTask.index,
    ir.Load: CoreTask.load,
    ir.TPop: CoreTask.tpop,
    ir.TileOp: CoreTask.tile_op,
}
