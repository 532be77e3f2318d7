"""`run_kernel`: one launch of a kernel on the interpreter (see the package docstring)."""

from __future__ import annotations

import numpy as np

from .. import ir
from .launch import prepare
from .progress import Progress
from .schedule import NotLockStep, run_batched, run_exact


def run_kernel(kernel: ir.Kernel, inputs: dict, blocks: int | None = None,
               progress: bool = False, batched: bool = True) -> dict:
    """Outputs (every out/inout tensor) of one launch of `kernel` on `inputs`."""
    launch = prepare(kernel, inputs, blocks)
    bar = Progress(3 * launch.logical_blocks, progress)
    try:
        with np.errstate(all="ignore"):  # inf and nan are values here, as on the hardware
            if batched:
                try:
                    return run_batched(launch, bar)
                except NotLockStep:
                    bar = Progress(3 * launch.logical_blocks, progress)
            return run_exact(launch, bar)
    finally:
        bar.close()
