"""The Python API: kernels driven from a user's own code.

    import numpy as np
    import pypto_dsl

    kernel = pypto_dsl.Kernel.from_file("kernels/gemm_epilogue.pdsl")   # or .from_text(text)
    kernel.check()                                  # every lowering pass: capacity, deadlock
    outputs = kernel.run({"a": a, "b": b, "row_scale": s, "alpha": 2.0})   # {"out": array}
    directory = kernel.compile("build")             # build/gemm_epilogue/, a scene test
    result = kernel.run_case("small_m64_k256_n128") # against the kernel's golden
    prediction = kernel.profile("small_m64_k256_n128") # cost model: .seconds, .busy(), ...

Every error a user can cause (a bad kernel, located; bad inputs; a deadlock) raises
`pypto_dsl.Error`, whose `str()` is the message the command line would print.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from . import ir
from .codegen import render
from .codegen.output import write_directory
from .frontend import compile_text, load_kernel
from .interpreter import run_case, run_kernel
from .passes import lower
from .platform import DEFAULT
from .report import report


class Kernel:
    """A kernel checked for a target (its typed IR is `ir`, its fully lowered IR `lowered`)."""

    def __init__(self, checked: ir.Kernel):
        self.ir = checked

    @classmethod
    def from_file(cls, path: str | Path, target: str = DEFAULT) -> "Kernel":
        return cls(load_kernel(str(path), target))

    @classmethod
    def from_text(cls, text: str, name: str = "kernel.pdsl", target: str = DEFAULT) -> "Kernel":
        """`name` is the file name errors and generated comments give the text."""
        return cls(compile_text(text, name, target))

    @property
    def name(self) -> str:
        return self.ir.name

    @property
    def target(self) -> str:
        return self.ir.target

    @cached_property
    def lowered(self) -> ir.Kernel:
        return lower(self.ir)

    def check(self) -> None:
        """Run every lowering pass (what `pypto-dsl check` does); raise Error on a problem."""
        self.lowered  # noqa: B018 (computed for its errors)

    def run(self, inputs: dict, blocks: int | None = None) -> dict:
        """One launch on the reference interpreter: parameter name -> array (scalars as
        numbers) in, out/inout tensor name -> array back."""
        self.check()
        return run_kernel(self.ir, inputs, blocks=blocks)

    def run_case(self, case: str | None = None, seed: int = 0, golden: str | None = None):
        """A case of the kernel's golden (beside its file, or `golden`) through the
        interpreter, compared; returns a CaseResult (`.passed`, `.max_abs`, `.summary()`)."""
        self.check()
        return run_case(self.ir, case, seed=seed, golden=golden)

    def compile(self, out_dir: str | Path, golden: str | Path | None = None) -> Path:
        """Write `out_dir/<kernel>/` (the simpler scene test); returns that directory."""
        files = render(self.lowered, Path(self.ir.source_name).name, golden)
        target = Path(out_dir) / self.name
        write_directory(files, target)
        return target

    def profile(self, case: str | None = None, params: str = "", blocks: int | None = None,
                golden: str | None = None):
        """The cost model's prediction for a golden case (`pypto-dsl profile`): a Prediction
        (`.seconds`, `.hbm_gbps`, `.tflops`, `.busy()`, `.critical_pipe`)."""
        from . import goldens
        from .cost.profile import parameters, predict_kernel

        ref = goldens.for_kernel(self.ir.source_name, golden)
        return predict_kernel(self.lowered, ref, case, parameters(self.target, params), blocks)

    def report(self) -> str:
        """The memory map and sync counts per core and case (`compile --report`)."""
        return report(self.lowered)
