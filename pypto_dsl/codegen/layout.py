"""What the three generated C++ files must agree on: the argument layout, the cases, the pipes.

`args[]` of both core kernels (and the CoreTaskArgs the orchestration builds):
  [0, nT)            the kernel's tensors, in the author's order (add_input/add_output/add_inout)
  [nT, nT + nP)      one GM FIFO per pipe, in declaration order (runtime-allocated outputs)
  then scalars:      the author's scalars in order, the dispatch case index, the shape symbols
                     (in order of first appearance in the tensor parameters)
The case index is computed once, by the orchestration, from the specialisation rules, so the
AIC and the AIVs always run the same case. Pipes get flag ids 0/1, 2/3, ... in declaration
order; their consumer regions come from the memory plans of both cores.

Hardware blocks: the task is launched on min(`on N blocks`, logical blocks) blocks (at least
one), so no cluster is reserved for a block with no work; each block owns one slice of every
FIFO (`block_idx * SlotSize * depth` bytes in).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..passes.memory import pipe_region
from ..passes.specialize import pinned
from ..platform import DEFAULT, platform
from . import cxx
from .exprs import Shapes

MAX_TENSORS = 32  # CORE_MAX_TENSOR_ARGS at simpler HEAD
MAX_SCALARS = 16  # CORE_MAX_SCALAR_ARGS
CASE = cxx.name("case")


@dataclass
class PipeInfo:
    """A pipe as both cores build it (same template arguments and constructor arguments)."""

    name: str
    flag: int
    direction: str  # pto::Direction::DIR_C2V | DIR_V2C
    slot_size: int
    depth: int
    local_slots: int
    lane_bytes: int
    split: bool
    c2v_base: int
    v2c_base: int

    @property
    def var(self) -> str:
        return cxx.name("pipe", self.name)

    @property
    def type_name(self) -> str:
        return cxx.name("pipe", self.name, "t")

    @property
    def fifo(self) -> str:
        return cxx.name("fifo", self.name)

    @property
    def block_bytes(self) -> int:
        return self.slot_size * self.depth

    def type_text(self) -> str:
        return (f"pto::TPipe<{self.flag}, {self.direction}, {self.slot_size}, {self.depth}, "
                f"{self.local_slots}>")

    def split_axis(self, core: str, popping: bool) -> str:
        if not self.split or (core == "aic" and popping):
            return "pto::TileSplitAxis::TILE_NO_SPLIT"
        return "pto::TileSplitAxis::TILE_UP_DOWN"

    def consumer_base(self, core: str) -> int:
        return self.c2v_base if core == "aiv" else self.v2c_base


@dataclass(frozen=True)
class Scalar:
    name: str
    dtype: str  # f32 | i32 | i64
    kind: str  # param | case | shape

    @property
    def ctype(self) -> str:
        return cxx.SCALAR[self.dtype]


@dataclass(frozen=True)
class CaseInfo:
    index: int
    values: tuple
    env: dict  # specialisation symbols and pinned dims -> int
    pipes: dict  # name -> PipeInfo
    label: str  # "q_tile=16, block_size=64"


@dataclass(frozen=True)
class Layout:
    kernel: ir.Kernel
    tensors: tuple  # ir.TensorParam
    scalars: tuple  # Scalar, in args order after the FIFOs
    symbols: tuple  # shape symbol names
    cases: tuple  # CaseInfo

    @property
    def fifo_base(self) -> int:
        return len(self.tensors)

    def scalar_index(self, name: str) -> int:
        names = [s.name for s in self.scalars]
        return len(self.tensors) + len(self.kernel.pipes) + names.index(name)

    def shapes(self, case: CaseInfo) -> Shapes:
        return Shapes({t.name: tuple(_dim(d, case.env) for d in t.shape) for t in self.tensors},
                      {t.name: t.dtype for t in self.tensors})


def _dim(dim: ir.Expr, env: dict) -> ir.Expr:
    if isinstance(dim, ir.Name) and dim.name in env:
        return ir.Const(env[dim.name], dim.span, ir.I64)
    return dim


def shape_symbols(kernel: ir.Kernel) -> tuple:
    out: list = []
    for param in kernel.params:
        if isinstance(param, ir.TensorParam):
            for dim in param.shape:
                if isinstance(dim, ir.Name) and dim.name not in out:
                    out.append(dim.name)
    return tuple(out)


def build(kernel: ir.Kernel) -> Layout:
    """The layout of a lowered kernel (its core bodies are single Dispatch statements)."""
    tensors = tuple(p for p in kernel.params if isinstance(p, ir.TensorParam))
    symbols = shape_symbols(kernel)
    scalars = [Scalar(p.name, p.dtype, "param") for p in kernel.params
               if isinstance(p, ir.ScalarParam)]
    scalars.append(Scalar(CASE, "i64", "case"))
    scalars += [Scalar(s, "i64", "shape") for s in symbols]
    if len(tensors) + len(kernel.pipes) > MAX_TENSORS or len(scalars) > MAX_SCALARS:
        raise ValueError(f"codegen: {len(tensors)} tensors + {len(kernel.pipes)} FIFOs and "
                         f"{len(scalars)} scalars exceed simpler's {MAX_TENSORS}/{MAX_SCALARS}")
    aic, aiv = _dispatch(kernel.aic), _dispatch(kernel.aiv)
    cases = []
    fixed = pinned(kernel)
    for index, (cube, vector) in enumerate(zip(aic.cases, aiv.cases)):
        env = dict(zip(aic.symbols, cube.values)) | fixed
        label = ", ".join(f"{n}={v}" for n, v in zip(aic.symbols, cube.values)) or "single case"
        cases.append(CaseInfo(index, tuple(cube.values), env, _pipes(kernel, cube, vector), label))
    return Layout(kernel, tensors, tuple(scalars), symbols, tuple(cases))


def _dispatch(body: tuple) -> ir.Dispatch:
    if len(body) != 1 or not isinstance(body[0], ir.Dispatch):
        raise ValueError("codegen: expected a lowered kernel (one Dispatch per core)")
    return body[0]


def _pipes(kernel: ir.Kernel, cube: ir.DispatchCase, vector: ir.DispatchCase) -> dict:
    """Template and constructor arguments of each pipe, from the same slot geometry and
    platform table (LocalSlotNum) as the memory plan."""
    chip = platform(DEFAULT)
    out = {}
    for k, decl in enumerate(kernel.pipes):
        pipe = cube.pipe(decl.name) or decl
        slot = pipe_region(pipe, chip).slot_size
        split = pipe.split == "rows"
        lane = slot // 2 if split else 0
        c2v = pipe.src == "aic"
        out[decl.name] = PipeInfo(
            name=decl.name, flag=2 * k,
            direction="pto::Direction::DIR_C2V" if c2v else "pto::Direction::DIR_V2C",
            slot_size=slot, depth=pipe.depth, local_slots=chip.local_slots, lane_bytes=lane,
            split=split, c2v_base=_region(vector, decl.name) if c2v else 0,
            v2c_base=0 if c2v else _region(cube, decl.name))
    return out


def _region(case: ir.DispatchCase, pipe: str) -> int:
    if case.memory is None:
        return 0
    label = f"pipe:{pipe}"
    found = next((r for r in case.memory.reservations if r.label == label), None)
    if found is None:
        raise ValueError(f"codegen: the memory plan reserves no consumer region '{label}'")
    return found.offset
