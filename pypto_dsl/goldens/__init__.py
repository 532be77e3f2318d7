"""Independent numpy goldens for the kernels in ``kernels/``.

Each kernel module exposes the same interface:

* ``CASES: dict[str, Case]`` holds the named input configurations. ``Case.suite`` is
  True for test-suite-sized cases and False for benchmark-sized ones.
* ``DEFAULT_CASE: str`` names a small, fast case (the one ``make`` uses).
* ``make_inputs(case, seed=0) -> dict[str, np.ndarray]`` returns seeded arguments keyed
  by the kernel's parameter names, in kernel argument order. Outputs are zero-filled,
  scalars are 0-d arrays and bf16 tensors are ``ml_dtypes.bfloat16`` arrays.
* ``golden(inputs) -> dict[str, np.ndarray]`` returns the expected value of every
  out/inout tensor. It is vectorised numpy and never mutates ``inputs``.

The goldens share only ``dtypes`` (rounding helpers and dtype names) with the reference
interpreter, so that they stay an independent check of it.
"""

from __future__ import annotations

from types import ModuleType

from . import gemm_epilogue, paged_attention
from .dtypes import Case

GOLDENS: dict[str, ModuleType] = {
    "paged_attention": paged_attention,
    "gemm_epilogue": gemm_epilogue,
}


def get(kernel_name: str) -> ModuleType:
    """Return the golden module of ``kernel_name``. Raises KeyError listing the known kernels."""
    try:
        return GOLDENS[kernel_name]
    except KeyError:
        raise KeyError(f"no golden for kernel {kernel_name!r}; known: {sorted(GOLDENS)}") from None


__all__ = ["Case", "GOLDENS", "get", "gemm_epilogue", "paged_attention"]
