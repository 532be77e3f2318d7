"""The limits a kernel's declarations must respect, so that the work and the numbers they imply
fit where they go: every declared number fits the C++ type the generated code gives it, the
kernel's name fits in a file name, and the specialisations give a bounded number of code paths.

Limits that depend on a specialisation's values (tile shapes, FIFO sizes, GM strides) are
checked per code path after memory planning (passes/limits.py).
"""

from __future__ import annotations

import math

from .. import ir
from ..walk import expr_children
from ..platform import platform
from .scope import plural

# The kernel's name names the output directory and its files (`test_<kernel>.py`,
# `kernels/orchestration/<kernel>_orch.cpp`): it must stay well inside a file name's 255 bytes.
MAX_NAME = 64
# Each code path is a function in both core files and one case of the dispatch, compiled and
# memory-planned separately: 64 keeps compile time in seconds and the C++ reviewable.
MAX_CODE_PATHS = 64
# `launch_spec.set_block_num(int16_t)` takes the hardware block count.
MAX_BLOCKS = 2**15 - 1
# A pipe's depth is the TPipe's GM slot count; deeper than 64 buys no overlap, only GM.
MAX_DEPTH = 64
# Each pipe takes two cross-core flag ids (data ready, slot free) of the 16 (0..15) there are.
MAX_PIPES = 8
# simpler passes tensor shapes as uint32_t; the orchestration compares them with int64 literals.
MAX_DIM = 2**32 - 1
# The arguments of one simpler task (CORE_MAX_TENSOR_ARGS, CORE_MAX_SCALAR_ARGS at simpler
# HEAD): the tensors and one GM FIFO per pipe; the scalar parameters, the dispatch case index
# and the shape symbols (codegen/layout.py lays them out).
MAX_TENSORS = 32
MAX_SCALARS = 16
INT64 = (-2**63, 2**63 - 1)
# The checker writes `let`s out into the expressions that use them where it needs their value
# at compile time (tile shapes, divisors) or as text (pipe balance). Lets built from lets
# can grow exponentially (`let a1 = a0 + a0; let a2 = a1 + a1; ...`), so a value that would
# have more operations than this once written out is left as it is (a name, a runtime value).
MAX_EXPANSION = 256


def check_declarations(kernel: ir.Kernel, error, phase: bool = False) -> None:
    """Report through `error(span, message)` every declaration beyond a limit; for one phase
    of a kernel (`phase`), only those of the phase: its grid, pipes and task arguments."""
    if not phase:
        if len(kernel.name) > MAX_NAME:
            error(kernel.span, f"the kernel's name is {len(kernel.name)} characters long; at "
                  f"most {MAX_NAME} (it names the output directory and its files)")
        _specialisations(kernel.specializations, error)
    if phase or not kernel.phases:
        _arguments(kernel, error)
    grid = kernel.grid
    if grid is not None and not 1 <= grid.blocks <= MAX_BLOCKS:
        clusters = platform(kernel.target).clusters
        error(grid.span, f"the hardware block count must be between 1 and {MAX_BLOCKS} (the "
              f"launch takes it as an int16_t), got {grid.blocks}; {kernel.target} has "
              f"{clusters} clusters")
    for k, pipe in enumerate(kernel.pipes):
        if k == MAX_PIPES:
            error(pipe.span, f"a kernel has at most {MAX_PIPES} pipes (each takes 2 of the 16 "
                  f"cross-core flag ids); '{pipe.name}' is pipe {k + 1}")
        if not 1 <= pipe.depth <= MAX_DEPTH:
            error(pipe.span, f"pipe '{pipe.name}' has depth {pipe.depth}; the depth must be "
                  f"between 1 and {MAX_DEPTH}")
    for param in () if phase else kernel.params:
        for dim in getattr(param, "shape", ()):
            if isinstance(dim, ir.Const) and isinstance(dim.value, int) and dim.value > MAX_DIM:
                error(dim.span or param.span, f"tensor dimension {dim.value} is too large: "
                      f"simpler passes shapes as uint32_t, at most {MAX_DIM}")


def _arguments(kernel: ir.Kernel, error) -> None:
    tensors = [p for p in kernel.params + kernel.scratch if isinstance(p, ir.TensorParam)]
    pipes = len(kernel.pipes)
    if len(tensors) + pipes > MAX_TENSORS:
        error(kernel.span, f"{plural(len(tensors), 'tensor')} and {plural(pipes, 'pipe')} (a GM "
              f"FIFO each) make {len(tensors) + pipes} tensor arguments of the task; simpler "
              f"takes at most {MAX_TENSORS}")
    scalars = len(kernel.params) + len(kernel.scratch) - len(tensors)
    symbols = len({d.name for p in tensors for d in p.shape if isinstance(d, ir.Name)})
    if scalars + 1 + symbols > MAX_SCALARS:
        error(kernel.span, f"{plural(scalars, 'scalar parameter')}, the dispatch case and "
              f"{plural(symbols, 'shape symbol')} make {scalars + 1 + symbols} scalar "
              f"arguments of the task; simpler takes at most {MAX_SCALARS}")


def _specialisations(specs: tuple, error) -> None:
    for spec in specs:
        for value in spec.values:
            if not INT64[0] <= value <= INT64[1]:
                error(spec.span, f"specialisation '{spec.name}': {value} does not fit in 64 "
                      "bits")
    paths = math.prod(len(set(s.values)) for s in specs)
    if paths > MAX_CODE_PATHS:
        counts = " x ".join(str(len(set(s.values))) for s in specs)
        error(specs[0].span, f"{len(specs)} specialisations give {paths} code paths ({counts}); "
              f"at most {MAX_CODE_PATHS} are compiled")


def too_large_to_write_out(expr: ir.Expr) -> bool:
    """Whether `expr`, with its shared subexpressions written out at every use, has more than
    MAX_EXPANSION nodes. At most that many nodes are visited, without recursion."""
    count, stack = 0, [expr]
    while stack:
        count += 1
        if count > MAX_EXPANSION:
            return True
        stack.extend(expr_children(stack.pop()))
    return False
