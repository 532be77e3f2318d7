"""Golden comparison: run a named case of a kernel through the interpreter and its golden.

Contract: `run_case` draws the case's inputs with the golden module's `make_inputs(case, seed)`,
runs `run_kernel` and `golden` on the same inputs and compares every output with
`compare`: an element passes when |x - y| <= atol + rtol * |y| (NaN matches only NaN).
`max_rel` is max |x - y| / max(|y|, atol), so that zeros in the expected output do not make
it infinite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import goldens, ir
from ..errors import UserError

RTOL = ATOL = 2e-3


@dataclass
class CaseResult:
    kernel: str
    case: str
    seed: int
    max_abs: float
    max_rel: float
    passed: bool
    outputs: dict
    expected: dict

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (f"{self.kernel} {self.case} (seed {self.seed}): max abs error "
                f"{self.max_abs:.3g}, max rel error {self.max_rel:.3g}: {verdict}")


def golden_of(kernel: ir.Kernel, golden=None) -> goldens.Golden:
    """The kernel's golden: `golden` (a Golden or a path) when given, else the file beside
    the kernel's source."""
    if isinstance(golden, goldens.Golden):
        return golden
    return goldens.for_kernel(kernel.source_name, golden)


def case_inputs(kernel: ir.Kernel, case: str | None = None, seed: int = 0,
                golden=None) -> tuple:
    """(case name, seeded inputs) of a named case; None or "default" is the DEFAULT_CASE."""
    ref = golden_of(kernel, golden)
    spec = ref.case(case)
    return spec.name, ref.make_inputs(spec, seed=seed)


def run_case(kernel: ir.Kernel, case: str | None = None, seed: int = 0,
             blocks: int | None = None, rtol: float | None = None, atol: float | None = None,
             batched: bool = True, golden=None) -> CaseResult:
    """Run a golden case through the interpreter and compare; the tolerances default to the
    golden's (its RTOL/ATOL, or the case's own)."""
    from . import run_kernel

    ref = golden_of(kernel, golden)
    name, inputs = case_inputs(kernel, case, seed, ref)
    outputs = run_kernel(kernel, inputs, blocks=blocks, batched=batched)
    expected = ref.expected(inputs, kernel.outputs)
    case_rtol, case_atol = ref.tolerance(ref.case(name))
    return compare(kernel.name, name, seed, outputs, expected,
                   case_rtol if rtol is None else rtol, case_atol if atol is None else atol)


def compare(kernel: str, case: str, seed: int, outputs: dict, expected: dict,
            rtol: float = RTOL, atol: float = ATOL) -> CaseResult:
    max_abs = max_rel = 0.0
    passed = True
    for name, want in expected.items():
        got = outputs[name].astype(np.float64)
        want = np.asarray(want).astype(np.float64)
        if got.shape != want.shape:
            raise UserError(f"output '{name}' has shape {got.shape}, the golden {want.shape}")
        both_nan = np.isnan(got) & np.isnan(want)
        error = np.where(both_nan, 0.0, np.abs(got - want))
        error = np.where(np.isnan(error), np.inf, error)
        if error.size:
            max_abs = max(max_abs, float(error.max()))
            scale = np.maximum(np.abs(want), atol)  # 0 where an exact golden (atol 0) wants 0
            relative = np.divide(error, scale, out=np.where(error > 0, np.inf, 0.0),
                                 where=scale > 0)
            max_rel = max(max_rel, float(relative.max()))
        passed = passed and bool(np.all(error <= atol + rtol * np.abs(want)))
    return CaseResult(kernel, case, seed, max_abs, max_rel, passed, outputs, expected)
