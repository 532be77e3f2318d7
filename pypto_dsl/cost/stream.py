"""The instruction stream: what one core issues for one logical block of one case.

Contract: `Streams(kernel, launch, params)` walks the lowered, planned and synced case body of
each core (the AIC; each AIV lane on its own, with its `lane`) with the launch's real scalars:
loop trip counts, `if` conditions, guarded barriers and pad lengths come from the case's
inputs, as the interpreter evaluates them. It reads every decision from where it was made:
the pipe of an op and its cost key from the op table, the buffer of a tile (so the data path
of a load or store, and whether a copy is an alias) from the storage plan, and the flags,
barriers and drains from the `ir.Sync` statements the sync pass inserted. It decides nothing.

`signature(core, lane, block)` is what makes one logical block's stream differ from
another's: the values of the case body's top-level scalars that reach a loop bound, an `if`
condition, a barrier guard or an op's integer operand (directly or through scalars computed
inside the body). Two blocks with one signature issue the same instructions, so
`stream(core, lane, block)` is computed once per signature (`memo=False` walks every block
afresh: the full simulation the shortcut is tested against).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import ir, plan
from ..ops import LOAD_PIPE, OPS, STORE_PIPE
from ..symbolic import apply_binary, apply_call
from .. import walk
from . import rules


@dataclass(frozen=True, slots=True)
class Instr:
    kind: str  # op | load | store | push | pop | flag | barrier | drain
    pipe: str  # the hardware pipe it runs on (a flag's or drain's source pipe)
    cycles: float = 0.0  # fixed cost (ops, on-chip moves)
    extra: float = 0.0  # paid only when its pipe's queue was empty (a matmul's head)
    nbytes: int = 0  # bytes a transfer moves
    path: str = ""  # its bandwidth key
    hbm: bool = False  # GM tensor traffic (shares HBM); FIFO slots stay in L2
    dst: str = ""  # a flag's or drain's destination pipe
    fifo: str = ""  # the pipe a push or pop uses
    flops: int = 0
    scalar: int = 0  # scalar-unit cycles spent before issuing it
    label: str = ""  # `matmul paged_attention.pdsl:31`


class Streams:
    def __init__(self, kernel: ir.Kernel, launch, params, memo: bool = True):
        self.kernel, self.launch, self.params, self.memo = kernel, launch, params, memo
        self.index = _case_index(kernel, launch.statics)
        self.plan = kernel.plans[self.index]
        self.source = Path(kernel.source_name).name
        self.bodies = {core: _case_body(kernel, core, self.index) for core in kernel.cores}
        self.relevant = {core: _cost_relevant(body) for core, body in self.bodies.items()}
        self.cache: dict = {}

    @property
    def case_label(self) -> str:
        return self.plan.case.label

    def _env(self, block: int, lane) -> dict:
        env = dict(self.launch.statics)
        env[ir.LOGICAL_BLOCK] = block
        if lane is not None:
            env["lane"] = lane
        return env

    def signature(self, core: str, lane, block: int) -> tuple:
        env, out = self._env(block, lane), []
        evaluator = _Eval(self.launch, env)
        for stmt in self.bodies[core]:
            if isinstance(stmt, (ir.Let, ir.Assign)) and not isinstance(stmt.value.type,
                                                                         ir.TileType):
                env[stmt.name] = evaluator.value(stmt.value)
                if stmt.name in self.relevant[core]:
                    out.append(env[stmt.name])
        return tuple(out)

    def stream(self, core: str, lane, block: int) -> tuple:
        """(signature, instructions) of `core` (lane `lane`) for logical block `block`."""
        sig = self.signature(core, lane, block)
        key = (core, lane, sig)
        if not self.memo or key not in self.cache:
            walker = _Walk(self, core, self._env(block, lane))
            walker.stmts(self.bodies[core])
            self.cache[key] = tuple(walker.out)
        return sig, self.cache[key]


def _case_index(kernel: ir.Kernel, statics: dict) -> int:
    for case in kernel.cases:
        if all(statics.get(s) == v for s, v in zip(case.symbols, case.values)):
            return case.index
    raise AssertionError("internal error: no dispatch case matches the launch")


def _case_body(kernel: ir.Kernel, core: str, index: int) -> tuple:
    (dispatch,) = kernel.body(core)
    return next(c.body for c in dispatch.cases if c.index == index)


def _cost_relevant(body: tuple) -> set:
    """Scalar names whose values change what a core issues (see the module docstring)."""
    roots: set = set()
    inner: dict = {}  # scalars bound below the top level -> the names their value reads
    top = {id(s) for s in body}
    for stmt in walk.walk_stmts(body):
        exprs = ()
        if isinstance(stmt, ir.For):
            exprs = (stmt.start, stmt.stop)
        elif isinstance(stmt, ir.If):
            exprs = (stmt.cond,)
        elif isinstance(stmt, ir.Sync) and stmt.guard is not None:
            exprs = (stmt.guard,)
        elif isinstance(stmt, (ir.Let, ir.Assign)) and isinstance(stmt.value, ir.TileOp):
            exprs = tuple(a for a in stmt.value.args if not isinstance(a.type, ir.TileType))
        elif (isinstance(stmt, (ir.Let, ir.Assign)) and id(stmt) not in top
              and not isinstance(stmt.value.type, ir.TileType)):
            inner.setdefault(stmt.name, set()).update(_names(stmt.value))
        for expr in exprs:
            roots |= _names(expr)
    relevant, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in relevant:
            relevant.add(name)
            todo.extend(inner.get(name, ()))
    return relevant


def _names(expr: ir.Expr) -> set:
    return {e.name for e in walk.walk_expr(expr) if isinstance(e, ir.Name)}


class _Eval:
    """Scalar expressions with the case's values (scalar reads from the launch's tensors)."""

    def __init__(self, launch, env: dict):
        self.tensors = launch.inputs | launch.initial
        self.env = env

    def value(self, e: ir.Expr):
        if isinstance(e, ir.Const):
            return e.value
        if isinstance(e, ir.Name):
            return self.env[e.name]
        if isinstance(e, ir.BinOp):
            if e.op in ("&&", "||"):
                lhs = bool(self.value(e.lhs))
                if lhs == (e.op == "||"):
                    return lhs
                return bool(self.value(e.rhs))
            return apply_binary(e.op, self.value(e.lhs), self.value(e.rhs))
        if isinstance(e, ir.UnaryOp):
            value = self.value(e.operand)
            return -value if e.op == "-" else not value
        if isinstance(e, ir.Select):
            return self.value(e.if_true if self.value(e.cond) else e.if_false)
        if isinstance(e, ir.Call):
            return apply_call(e.func, [self.value(a) for a in e.args])
        if isinstance(e, ir.Index):
            return self.tensors[e.tensor][tuple(self.value(i) for i in e.indices)].item()
        raise TypeError(f"not a scalar expression: {e}")


class _Walk(walk.Visitor):
    """One core's case body, statement by statement, with real control flow: a loop runs its
    trip count, an `if` only its taken branch."""

    def __init__(self, streams: Streams, core: str, env: dict):
        self.params, self.core = streams.params, core
        self.tiles = streams.plan.core(core).by_name
        self.source = streams.source
        self.eval = _Eval(streams.launch, env)
        self.env = env
        self.out: list = []
        self.scalar = 0  # scalar cycles since the last instruction
        self.vector_open = False  # inside an uninterrupted vector stream

    def emit(self, kind: str, pipe: str, node, name: str, **fields) -> None:
        line = node.span.line if getattr(node, "span", None) is not None else 0
        self.out.append(Instr(kind, pipe, scalar=self.scalar,
                              label=f"{name} {self.source}:{line}", **fields))
        self.scalar = 0

    def visit_For(self, stmt: ir.For) -> None:
        start, stop = self.eval.value(stmt.start), self.eval.value(stmt.stop)
        for j in range(start, stop):
            self.env[stmt.var] = j
            self.scalar += self.params.issue
            self.stmts(stmt.body)

    def visit_If(self, stmt: ir.If) -> None:
        self.scalar += self.params.issue
        self.stmts(stmt.then if self.eval.value(stmt.cond) else stmt.orelse)

    def visit_Free(self, stmt: ir.Free) -> None:
        """TFREE is a no-op on a2a3: the pop already freed its slot."""

    def visit_Sync(self, stmt: ir.Sync) -> None:
        if stmt.guard is not None and not self.eval.value(stmt.guard):
            return
        if "V" in (stmt.src, stmt.dst):
            self.vector_open = False  # the next vector op pays its head and tail again
        name = {"flag": f"set/wait {stmt.src}->{stmt.dst}", "barrier": f"barrier {stmt.src}",
                "drain": f"drain {stmt.src}->{stmt.dst}"}[stmt.kind]
        self.emit(stmt.kind, stmt.src, stmt, name, dst=stmt.dst)

    def visit_Let(self, stmt) -> None:
        value = stmt.value
        if not isinstance(value.type, ir.TileType):
            reads = sum(1 for e in walk.walk_expr(value) if isinstance(e, ir.Index))
            self.scalar += self.params.issue + reads * self.params.scalar_gm_read
            self.env[stmt.name] = self.eval.value(value)
            return
        tile = self.tiles[stmt.name]
        if isinstance(value, ir.Load):
            path = rules.transfer_path("GM", tile.buffer)
            self.emit("load", LOAD_PIPE, stmt, f"load {value.tensor}", path=path, hbm=True,
                      nbytes=rules.tile_bytes(value.type))
        elif isinstance(value, ir.TPop):
            path = rules.transfer_path("GM", tile.buffer)
            self.emit("pop", LOAD_PIPE, stmt, f"tpop {value.pipe}", path=path, fifo=value.pipe,
                      nbytes=rules.tile_bytes(value.type))
        elif isinstance(value, ir.Name):
            self._copy(stmt, tile, value)
        else:
            self._op(stmt, tile, value)

    visit_Assign = visit_Let

    def _copy(self, stmt, tile: plan.TilePlan, value: ir.Name) -> None:
        """A tile bound to another name: no instruction when the plan gives them the same bytes
        (an alias, or one offset), else a vector copy (as the code generator emits it)."""
        source = self.tiles.get(value.name)
        if not tile.owns_bytes or (source is not None and source.owns_bytes
                                   and tile.versions == source.versions == 1
                                   and tile.offset == source.offset):
            return
        self._vector(stmt, "copy", rules.vector_cycles("vcopy", value.type, self.params,
                                                       not self.vector_open))

    def _op(self, stmt, tile: plan.TilePlan, value: ir.TileOp) -> None:
        spec = OPS[value.op]
        if spec.alias or tile.kind == plan.ALIAS:
            return  # the same bytes seen as another type: no instruction
        if spec.pipe == "V":
            self._vector(stmt, value.op, rules.op_cost(value, self.params,
                                                       not self.vector_open))
            return
        flops = 0
        extra = 0.0
        if spec.cost == "mad":
            (m, k), (_, n) = (rules.tile_shape(a.type) for a in value.args[-2:])
            flops, extra = 2 * m * k * n, self.params.mad_head
        self.emit("op", spec.pipe, stmt, value.op, flops=flops, extra=extra,
                  cycles=rules.op_cost(value, self.params, False))

    def _vector(self, stmt, name: str, cycles: float) -> None:
        self.vector_open = True
        self.emit("op", "V", stmt, name, cycles=cycles)

    def visit_TPush(self, stmt: ir.TPush) -> None:
        buffer = self.tiles[stmt.value.name].buffer
        self.emit("push", STORE_PIPE[buffer], stmt, f"tpush {stmt.pipe}", fifo=stmt.pipe,
                  path=rules.transfer_path(buffer, "GM"), nbytes=rules.tile_bytes(stmt.value.type))

    def visit_Store(self, stmt: ir.Store) -> None:
        buffer = self.tiles[stmt.value.name].buffer
        self.emit("store", STORE_PIPE[buffer], stmt, f"store {stmt.tensor}", hbm=True,
                  path=rules.transfer_path(buffer, "GM"), nbytes=rules.tile_bytes(stmt.value.type))
