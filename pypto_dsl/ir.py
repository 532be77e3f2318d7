"""The typed IR: frozen nodes, each carrying the source span it came from.

The parser builds these nodes with `type=None`; the checker returns new nodes with every
expression typed; the lowering passes return new nodes again (`dataclasses.replace`), never
mutate. The interpreter executes any of these forms, from the checked IR to the fully lowered one.

Expressions: scalar ones (Const, Name, BinOp, UnaryOp, Select, Call on a scalar builtin, Index)
and tile ones (Load, TPop, TileOp). Statements: Let, Assign, TPush, Store, For, PipelinedFor,
If, plus the lowering-only forms Dispatch, Free and Sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from .diagnostics import Span

# ---------------------------------------------------------------------------------------- types

# The logical block index, the one value the hardware stride loop provides to a core's body
# once the grid is lowered (passes/grid.py); the interpreter binds it, the C++ loops over it.
LOGICAL_BLOCK = "pdsl_lb"

# bool: a mask, bit-packed 8 columns a byte; u32: only the compiler's scratch tiles.
DTYPE_BYTES = {"bf16": 2, "f16": 2, "f32": 4, "i32": 4, "i64": 8, "i8": 1, "bool": 1, "u32": 4}
FLOAT_DTYPES = ("bf16", "f16", "f32")


@dataclass(frozen=True)
class ScalarType:
    dtype: str  # i64 for every integer scalar computation, f32, bool

    def __str__(self) -> str:
        return self.dtype


@dataclass(frozen=True)
class TileType:
    dtype: str
    shape: tuple  # two Expr dims, static (constants, shape symbols, specialisation symbols)

    def __str__(self) -> str:
        return f"{self.dtype}[{', '.join(str(d) for d in self.shape)}]"


Type = Union[ScalarType, TileType]
I64 = ScalarType("i64")
F32 = ScalarType("f32")
BOOL = ScalarType("bool")

# ---------------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Expr:
    pass


@dataclass(frozen=True)
class Const(Expr):
    value: Union[int, float]
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        if isinstance(self.value, float):
            if self.value == float("inf"):
                return "inf"
            if self.value == float("-inf"):
                return "-inf"
            return repr(self.value)
        return str(self.value)


@dataclass(frozen=True)
class Name(Expr):
    name: str
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class BinOp(Expr):
    op: str  # + - * / % == != < <= > >= && ||
    lhs: Expr
    rhs: Expr
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        return f"({self.lhs} {self.op} {self.rhs})"


@dataclass(frozen=True)
class UnaryOp(Expr):
    op: str  # - !
    operand: Expr
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        return f"{self.op}{self.operand}"


@dataclass(frozen=True)
class Select(Expr):
    cond: Expr
    if_true: Expr
    if_false: Expr
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        return f"({self.cond} ? {self.if_true} : {self.if_false})"


@dataclass(frozen=True)
class Call(Expr):
    """A call as written: a scalar builtin (ceil_div, min, max) or, before checking, a tile op."""

    func: str
    args: tuple
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        return f"{self.func}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True)
class Index(Expr):
    """A scalar read from a GM tensor: `context_lens[b]`."""

    tensor: str
    indices: tuple
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        return f"{self.tensor}[{', '.join(str(i) for i in self.indices)}]"


@dataclass(frozen=True)
class SliceDim:
    """One dimension of a GM slice: `start : +size`; `point=True` drops the dimension."""

    start: Expr
    size: Optional[Expr]  # None: to the end of the dimension (filled in by the checker)
    point: bool = False
    span: Optional[Span] = field(default=None, compare=False)

    def __str__(self) -> str:
        if self.point:
            return str(self.start)
        return f"{self.start} : +{self.size}"


@dataclass(frozen=True)
class Load(Expr):
    tensor: str
    slices: tuple  # of SliceDim
    transpose: bool = False
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        text = f"load {self.tensor}[{', '.join(str(s) for s in self.slices)}]"
        return f"transpose({text})" if self.transpose else text


@dataclass(frozen=True)
class TPop(Expr):
    pipe: str
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def __str__(self) -> str:
        return f"tpop {self.pipe}"


@dataclass(frozen=True)
class TileOp(Expr):
    """A tile operation resolved against the op table (ops.py); `attrs` are (key, value) pairs."""

    op: str
    args: tuple
    attrs: tuple = ()
    span: Optional[Span] = field(default=None, compare=False)
    type: Optional[Type] = None

    def attr(self, key: str, default=None):
        return dict(self.attrs).get(key, default)

    def __str__(self) -> str:
        parts = [str(a) for a in self.args] + [f"{k}={_attr_text(v)}" for k, v in self.attrs]
        return f"{self.op}({', '.join(parts)})"


def _attr_text(value) -> str:
    return str(value)


# ----------------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class Stmt:
    pass


@dataclass(frozen=True)
class Let(Stmt):
    name: str
    value: Expr
    mutable: bool = False  # `var` when True
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Assign(Stmt):
    name: str
    value: Expr
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class TPush(Stmt):
    pipe: str
    value: Expr
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Store(Stmt):
    tensor: str
    slices: tuple
    value: Expr
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class For(Stmt):
    var: str
    start: Expr
    stop: Expr
    body: tuple
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Stage:
    name: str
    body: tuple
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class StageRecord:
    """What the pipelining pass leaves of a stage: its name and the pipes it pushes and pops
    (for the schedule check's messages)."""
    name: str
    pushes: tuple
    pops: tuple


@dataclass(frozen=True)
class PipelinedLoop:
    """A `pipelined for` as the pipelining pass found it: where, on which core, its stages."""
    core: str
    stages: tuple  # of StageRecord
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Prefetch:
    """What the prefetch pass (passes/prefetch.py) decided for one dispatch case of the AIC:
    the loads it issues one iteration ahead, and the L1 bound that allowed it (or did not)."""

    case: int  # index into Kernel.cases
    loads: tuple  # (tile name, tensor) of the loads issued one iteration ahead
    bound: int  # bytes of L1 the case would need at most with no tiles sharing bytes
    capacity: int  # bytes of L1

    @property
    def fits(self) -> bool:
        return self.bound <= self.capacity


@dataclass(frozen=True)
class PipelinedFor(Stmt):
    var: str
    start: Expr
    stop: Expr
    stages: tuple  # of Stage
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class If(Stmt):
    cond: Expr
    then: tuple
    orelse: tuple = ()
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class CaseEnv:
    """One code path of a specialised kernel (written by passes/specialize.py, read by every
    later pass, the report and the code generator): the specialisation values and the scalar
    environment they give (the specialisation symbols and the dimensions a `require d == c`
    fixes), as (name, int) pairs."""

    index: int
    symbols: tuple  # specialisation symbol names
    values: tuple  # one int per symbol
    env: tuple  # (name, int) pairs

    @property
    def mapping(self) -> dict:
        return dict(self.env)

    @property
    def label(self) -> str:
        """`q_tile=16, block_size=64`, or "" for a kernel without specialisations."""
        return ", ".join(f"{s}={v}" for s, v in zip(self.symbols, self.values))


@dataclass(frozen=True)
class DispatchCase:
    index: int  # into Kernel.cases and Kernel.plans
    values: tuple  # one int per Dispatch.symbols
    body: tuple


@dataclass(frozen=True)
class Dispatch(Stmt):
    """Static dispatch: run the body whose values equal the specialisation symbols' values."""

    symbols: tuple
    cases: tuple  # of DispatchCase
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Free(Stmt):
    """TFREE: the popped tile of `pipe` is no longer read; its slot may be reused."""

    pipe: str
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Sync(Stmt):
    """A hardware-pipe synchronisation: set/wait flag pair or barrier. No effect on values."""

    kind: str  # "flag" (set_flag + wait_flag) | "barrier" | "drain"
    src: str  # hardware pipe, e.g. "MTE2"
    dst: str  # hardware pipe ("" for a barrier)
    event: int = 0
    span: Optional[Span] = field(default=None, compare=False)
    # A barrier needed only by an in-place pad_cols that runs under a condition (the valid
    # length is short): the same condition (a bool Expr); the barrier runs only when it holds.
    guard: Optional[Expr] = None


# -------------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class TensorParam:
    name: str
    direction: str  # in | out | inout
    dtype: str
    shape: tuple  # of Expr: Name binds a shape symbol, Const fixes a size
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class ScalarParam:
    name: str
    dtype: str
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Specialize:
    name: str
    values: tuple
    rule: Optional[Expr]  # None: bound by a tensor shape dimension of the same name
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class Require:
    cond: Expr
    span: Optional[Span] = field(default=None, compare=False)
    pins: tuple = ()  # (name, value) when `require name == value` fixes a shape dimension


@dataclass(frozen=True)
class Grid:
    vars: tuple
    extents: tuple
    blocks: int
    span: Optional[Span] = field(default=None, compare=False)


@dataclass(frozen=True)
class PipeDecl:
    name: str
    src: str  # aic | aiv
    dst: str
    dtype: str
    shape: tuple  # full (unsplit) tile shape, two Expr
    depth: int
    split: str  # rows | none
    span: Optional[Span] = field(default=None, compare=False)

    @property
    def tile_type(self) -> TileType:
        return TileType(self.dtype, self.shape)

    def side_type(self, core: str) -> TileType:
        """The tile `core` moves per push or pop: the lane split, decided here once. Each AIV
        lane of a `split rows` pipe moves half of the rows; every other side the whole tile."""
        if self.split != "rows" or core != "aiv" or len(self.shape) != 2:
            return self.tile_type
        rows, cols = self.shape
        if isinstance(rows, Const):
            half: Expr = Const(rows.value // 2, rows.span, I64)
        else:
            half = BinOp("/", rows, Const(2, None, I64), rows.span, I64)
        return TileType(self.dtype, (half, cols))


@dataclass(frozen=True)
class Kernel:
    name: str
    params: tuple  # TensorParam | ScalarParam, in argument order
    specializations: tuple
    requires: tuple
    grid: Optional[Grid]
    pipes: tuple
    prelude: tuple  # statements both cores run first (the kernel-level lets)
    aic: tuple
    aiv: tuple
    source_name: str = ""
    span: Optional[Span] = field(default=None, compare=False)
    target: str = "a2a3"  # the platform (platform.py) every decision is made for
    cases: tuple = ()  # CaseEnv, one per code path, once specialised
    schedules: tuple = ()  # passes.schedule.Schedule, one per case, once pipelined
    plans: tuple = ()  # plan.CasePlan, one per case, once memory is planned
    # The cores it runs on: both (a MIX task), or the one whose block the author wrote (a
    # vector-only or cube-only task).
    cores: tuple = ("aic", "aiv")
    pipelined: tuple = ()  # PipelinedLoop, once pipelined (the loops it lowered)
    prefetches: tuple = ()  # Prefetch, one per case, once loads are prefetched
    # GM tensors the kernel declares for itself (`scratch name: f32[...]`, direction
    # "scratch"), sized at launch: no argument holds them; the orchestration allocates them
    # before the first task and the interpreter fills them with NaN (so that a read of an
    # element nothing stored shows). Every phase reads and writes them.
    scratch: tuple = ()
    # A kernel written in phases: one single-phase Kernel per `phase`, run in declaration
    # order, each its own task that starts when the one before has finished (the
    # orchestration makes every later task depend on the earlier ones through the tensors
    # they may write); a phase with an empty grid is not submitted. The kernel itself then
    # has no grid, pipes or bodies, and its prelude holds the kernel-level lets the phases
    # share. A phase's Kernel has the same params, specialisations, requires and scratch,
    # its own `phase` name, and every pass lowers it on its own.
    phases: tuple = ()
    phase: str = ""

    @property
    def tensors(self) -> tuple:
        """Every GM tensor the cores may address: the tensor parameters, then the scratch."""
        return tuple(p for p in self.params if isinstance(p, TensorParam)) + self.scratch

    def param(self, name: str):
        """A tensor or scalar parameter, or a scratch tensor, by name."""
        return next((p for p in self.params + self.scratch if p.name == name), None)

    @property
    def outputs(self) -> tuple:
        """The names of the out and inout tensors, in argument order."""
        return tuple(p.name for p in self.params
                     if isinstance(p, TensorParam) and p.direction != "in")

    def pipe(self, name: str) -> Optional[PipeDecl]:
        return next((p for p in self.pipes if p.name == name), None)

    def body(self, core: str) -> tuple:
        return self.aic if core == "aic" else self.aiv

    @property
    def launch(self) -> str:
        """How the orchestration submits it: "mix", "aiv" or "aic"."""
        return "mix" if len(self.cores) == 2 else self.cores[0]
