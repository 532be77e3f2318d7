"""`run_kernel`: one launch of a kernel on the interpreter (see the package docstring)."""

from __future__ import annotations

import numpy as np

from .. import ir
from .launch import for_phase, prepare
from .progress import Progress
from .schedule import NotLockStep, run_batched, run_exact


def run_kernel(kernel: ir.Kernel, inputs: dict, blocks: int | None = None,
               progress: bool = False, batched: bool = True) -> dict:
    """Outputs (every out/inout tensor) of one launch of `kernel` on `inputs`. A kernel in
    phases runs them in order on the same tensors, each to its end before the next begins
    (a phase with an empty grid does nothing)."""
    launch = prepare(kernel, inputs, blocks)
    tensors = launch.fresh_tensors()
    each = ([for_phase(launch, phase, blocks) for phase in kernel.phases] if kernel.phases
            else [launch])
    bar = Progress(3 * sum(p.logical_blocks for p in each), progress)
    try:
        with np.errstate(all="ignore"):  # inf and nan are values here, as on the hardware
            for phase in each:
                _run(phase, tensors, bar, batched)
    finally:
        bar.close()
    return {name: tensors[name] for name in launch.initial}


def _run(launch, tensors: dict, bar, batched: bool) -> None:
    """One phase: lock-step when it provably gives the same outputs, else the reference
    schedule, from the tensors as they were before the lock-step attempt."""
    if batched:
        written = [n for n in tensors if n not in launch.inputs]
        before = {n: tensors[n].copy() for n in written}
        try:
            run_batched(launch, bar, tensors)
            return
        except NotLockStep:
            tensors.update(before)
    run_exact(launch, bar, tensors)
