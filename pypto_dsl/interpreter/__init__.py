"""The reference interpreter: runs a kernel's IR (checked or lowered) on simulated MIX clusters.

Python API::

    from pypto_dsl.frontend import load_kernel
    from pypto_dsl.interpreter import run_kernel, run_case

    kernel = load_kernel("kernels/paged_attention.pdsl")
    outputs = run_kernel(kernel, inputs)            # {"out": np.ndarray}
    result = run_case(kernel, "small_q16_bs128")    # CaseResult(max_abs, max_rel, passed, ...)

`run_kernel(kernel, inputs, blocks=None, progress=False, batched=True)`:
    `inputs` maps parameter names to arrays (scalars as Python numbers or 0-d arrays). bf16/f16
    tensors may be given as floats (rounded to nearest even), i32 tensors as any integer type
    whose values fit; `out` tensors may be omitted (they start as zeros). Returns a new array
    for every out/inout tensor; the inputs are never modified. `blocks` overrides the kernel's
    hardware block count H. `progress` draws a bar on stderr when it is a terminal and the run
    takes more than two seconds. `batched=False` forces the reference schedule (each core of
    each hardware block a task of its own, logical blocks h, h+H, ... in turn); the default
    runs logical blocks in lock-step when that provably gives the same outputs (see
    schedule.py) and falls back to the reference schedule otherwise.
    Raises LaunchError (bad inputs, failed require, no specialisation, out-of-range index read
    from GM, all with their source location), DeadlockError (listing every blocked core, its
    pipe, tpush/tpop and line) and UserError (a FIFO not empty at the end).

`run_case(kernel, case=None, seed=0, blocks=None, rtol=2e-3, atol=2e-3, batched=True)`:
    runs the named case of the kernel's golden module (`pypto_dsl.goldens.get(kernel.name)`,
    default its DEFAULT_CASE) on seeded inputs through interpreter and golden and compares
    them element-wise: |x - y| <= atol + rtol * |y|.

The modules: ops (numpy semantics of every op-table entry), scalars (C++ integer semantics over
a batch), memory (bounds-checked GM access), pipes (bounded FIFOs), engine (one function per IR
node), schedule (clusters, deadlock detection, lock-step batches), launch (input checks).
"""

from __future__ import annotations

import importlib

# Imported on first use (PEP 562): `pypto-dsl check` and `compile` register the `run` command
# from this package without paying for numpy and ml_dtypes.
_EXPORTS = {"run_kernel": "run", "CaseResult": "case", "compare": "case", "run_case": "case",
            "Launch": "launch", "prepare": "launch"}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CaseResult", "Launch", "compare", "prepare", "run_case", "run_kernel"]
