"""What the three generated C++ files must agree on: the argument layout, the cases, the pipes.

`args[]` of both core kernels (and the CoreTaskArgs the orchestration builds):
  [0, nT)            the kernel's tensors, in the author's order (add_input/add_output/add_inout),
                     then its scratch tensors (allocated by the orchestration)
  [nT, nT + nP)      one GM FIFO per pipe, in declaration order (runtime-allocated outputs)
  then scalars:      the author's scalars in order, the dispatch case index, the shape symbols
                     (in order of first appearance in the tensor parameters)
The case index is computed once, by the orchestration, from the specialisation rules, so the
AIC and the AIVs always run the same case. Pipes get flag ids 0/1, 2/3, ... in declaration
order; their geometry (slot size, local slots, consumer regions) comes from the storage plan.

Hardware blocks: the task is launched on min(`on N blocks`, logical blocks) blocks (at least
one), so no cluster is reserved for a block with no work; each block owns one slice of every
FIFO (`block_idx * SlotSize * depth` bytes in).

A kernel in phases has one layout per phase (its pipes, its cores' func_ids after those of the
phases before it); the tensors and scalars are the same in every phase.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..frontend.limits import MAX_SCALARS, MAX_TENSORS  # the checker refuses more
from . import cxx
from .exprs import Shapes

CASE = cxx.name("case")


def pipe_type(pipe) -> str:
    """The pto::TPipe type of a pipe, the same on both cores."""
    direction = "pto::Direction::DIR_C2V" if pipe.c2v else "pto::Direction::DIR_V2C"
    return (f"pto::TPipe<{pipe.flag}, {direction}, {pipe.slot_size}, {pipe.depth}, "
            f"{pipe.local_slots}>")


def split_axis(pipe, core: str, popping: bool) -> str:
    """Each AIV lane moves its half of a row-split pipe's tiles, and the cube pushes a split
    tile as such (the library then waits for both lanes to free it); the cube pops the whole
    tile."""
    if not pipe.split or (core == "aic" and popping):
        return "pto::TileSplitAxis::TILE_NO_SPLIT"
    return "pto::TileSplitAxis::TILE_UP_DOWN"


@dataclass(frozen=True)
class Scalar:
    name: str
    dtype: str  # f32 | i32 | i64
    kind: str  # param | case | shape

    @property
    def ctype(self) -> str:
        return cxx.SCALAR[self.dtype]


@dataclass(frozen=True)
class Layout:
    kernel: ir.Kernel  # the kernel, or one phase of a kernel in phases
    tensors: tuple  # ir.TensorParam: the tensor parameters, then the scratch tensors
    scalars: tuple  # Scalar, in args order after the FIFOs
    symbols: tuple  # shape symbol names
    plans: tuple  # plan.CasePlan, one per dispatch case
    first_func_id: int = 0  # the phases before this one took the func_ids below it

    @property
    def func_ids(self) -> dict:
        """Core -> the func_id of its kernel in the scene test (the orchestration submits by
        it): the cores of the phases in order, each phase's cores numbered in order."""
        return {core: self.first_func_id + index for index, core in enumerate(self.kernel.cores)}

    @property
    def params(self) -> tuple:
        """The tensors the orchestration receives as arguments (not the scratch)."""
        return tuple(t for t in self.tensors if t.direction != "scratch")

    @property
    def fifo_base(self) -> int:
        return len(self.tensors)

    def scalar_index(self, name: str) -> int:
        names = [s.name for s in self.scalars]
        return len(self.tensors) + len(self.kernel.pipes) + names.index(name)

    def shapes(self, case: ir.CaseEnv) -> Shapes:
        env = case.mapping
        return Shapes({t.name: tuple(_dim(d, env) for d in t.shape) for t in self.tensors},
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


def build_all(kernel: ir.Kernel) -> list:
    """The layout of each phase of a lowered kernel in phases, func_ids numbered across them;
    of a kernel without phases, its one layout."""
    layouts: list = []
    for phase in kernel.phases or (kernel,):
        first = sum(len(each.kernel.cores) for each in layouts)
        layouts.append(build(phase, first))
    return layouts


def build(kernel: ir.Kernel, first_func_id: int = 0) -> Layout:
    """The layout of a lowered kernel or phase (its core bodies are single Dispatch
    statements)."""
    tensors = kernel.tensors
    symbols = shape_symbols(kernel)
    scalars = [Scalar(p.name, p.dtype, "param") for p in kernel.params
               if isinstance(p, ir.ScalarParam)]
    scalars.append(Scalar(CASE, "i64", "case"))
    scalars += [Scalar(s, "i64", "shape") for s in symbols]
    if len(tensors) + len(kernel.pipes) > MAX_TENSORS or len(scalars) > MAX_SCALARS:
        raise ValueError(f"codegen: {len(tensors)} tensors + {len(kernel.pipes)} FIFOs and "
                         f"{len(scalars)} scalars exceed simpler's {MAX_TENSORS}/{MAX_SCALARS}")
    if not kernel.plans:
        raise ValueError("codegen: expected a lowered kernel (memory planned)")
    return Layout(kernel, tensors, tuple(scalars), symbols, kernel.plans, first_func_id)
