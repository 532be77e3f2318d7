"""Goldens: a kernel's independent reference, kept by its author beside the kernel.

A golden is a Python file, `<kernel>.golden.py` next to `<kernel>.pdsl` (or any file given
with `--golden FILE`), defining:

* ``CASES``: the named input configurations, a list (or dict by name) of ``Case(name, params,
  suite=True, description="", rtol=None, atol=None)``. ``suite`` cases are small enough for a
  test suite and the simulator; the others are benchmark-sized (hardware, ``make bench``).
* ``DEFAULT_CASE`` (optional): the case ``run --check`` uses; the first suite case otherwise.
* ``RTOL``, ``ATOL`` (optional, default 2e-3): |x - y| <= ATOL + RTOL |y| passes.
* ``make_inputs(case, seed=0) -> dict``: seeded arguments keyed by parameter name (outputs may
  be given zero-filled, scalars as 0-d arrays, bf16 as ``BF16`` arrays).
* ``golden(inputs) -> dict``: the expected value of every out/inout tensor (all of them, and
  nothing else), computed from the math (float64 or the rounding the kernel specifies), never
  by running the kernel.
* ``cost_inputs(case, seed=0) -> dict`` (optional): the arguments as the cost model reads them
  (``pypto-dsl profile``): every tensor with its shape and dtype and the values the kernel reads
  as scalars (``context_lens[b]``); a tensor read only as tiles may be a zero-stride
  ``np.broadcast_to`` placeholder, so that a hardware-sized case costs no memory. Without it the
  cost model calls ``make_inputs``.

`pypto-dsl run --check` / `--case`, the Python API's `run_case` and the generated scene test
(its CASES, generate_args and compute_golden) all read the golden through `load`. The helpers
below (dtypes, seeded uniform draws, bf16 rounding) are what a golden may import from here.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..errors import UserError

# The helpers a golden imports from here live in dtypes.py, which needs numpy and ml_dtypes:
# they load on first use (PEP 562), so that `compile` (which only copies a golden beside the
# scene test) imports neither.
_DTYPES = ("BF16", "DTYPES", "F16", "F32", "I8", "I32", "Case", "dtype_name", "random_uniform",
           "round_bf16", "scalar_f32", "to_bf16", "to_f32")


def __getattr__(name: str):
    if name in _DTYPES:
        from . import dtypes

        return getattr(dtypes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SUFFIX = ".golden.py"
RTOL = ATOL = 2e-3


@dataclass(frozen=True)
class Golden:
    path: Path
    module: ModuleType
    cases: dict  # name -> Case, in declaration order
    default_case: str
    rtol: float
    atol: float

    def case(self, name: str | None):
        """A case by name; None or "default" is the default case."""
        name = self.default_case if name in (None, "default") else name
        if name not in self.cases:
            raise UserError(f"{self.path.name} has no case '{name}'; the cases are "
                            f"{', '.join(self.cases)}")
        return self.cases[name]

    def tolerance(self, case) -> tuple:
        return (case.rtol if case.rtol is not None else self.rtol,
                case.atol if case.atol is not None else self.atol)

    def make_inputs(self, case, seed: int = 0) -> dict:
        return self._call("make_inputs", case, seed=seed)

    def cost_inputs(self, case, seed: int = 0) -> dict:
        """The arguments the cost model needs: `cost_inputs` when the golden has it."""
        function = "cost_inputs" if hasattr(self.module, "cost_inputs") else "make_inputs"
        return self._call(function, case, seed=seed)

    def expected(self, inputs: dict, outputs: tuple) -> dict:
        """`golden(inputs)`, checked to give exactly the kernel's out/inout tensors `outputs`
        (the interpreter's `run --check` and the scene test compare every one of them)."""
        result = self._call("golden", inputs)
        listed = ", ".join(outputs)
        if not isinstance(result, dict):
            raise UserError(f"{self.path}: golden() returns a {type(result).__name__}, not a "
                            f"dict of the kernel's outputs ({listed})")
        unknown = [name for name in result if name not in outputs]
        if unknown:
            raise UserError(f"{self.path}: golden() returns '{unknown[0]}', which is not an "
                            f"output of the kernel; its outputs are {listed}")
        missing = [name for name in outputs if name not in result]
        if missing:
            raise UserError(f"{self.path}: golden() leaves out {', '.join(missing)}: it must "
                            f"return every out/inout tensor of the kernel ({listed})")
        return result

    def _call(self, function: str, *args, **kwargs):
        try:
            return getattr(self.module, function)(*args, **kwargs)
        except Exception as error:  # the author's code: their error, reported as such
            raise UserError(f"{self.path}: {function}() failed: {type(error).__name__}: "
                            f"{error}") from error


def path_for(kernel_path: str | Path) -> Path:
    """Where the golden of the kernel in `kernel_path` is kept: `<stem>.golden.py` beside it."""
    path = Path(kernel_path)
    return path.with_name(path.name[:-len(".pdsl")] + SUFFIX if path.name.endswith(".pdsl")
                          else path.name + SUFFIX)


def for_kernel(kernel_path: str | Path, golden: str | Path | None = None) -> Golden:
    """The golden of a kernel: `golden` when given, else the file beside the kernel."""
    path = Path(golden) if golden is not None else path_for(kernel_path)
    if not path.is_file():
        if golden is not None:
            raise UserError(f"{path}: no such golden file")
        raise UserError(f"no golden for {Path(kernel_path).name}: write {path.name} beside it "
                        "(see docs/goldens.md) or give one with --golden FILE")
    return load(path)


def check_syntax(text: str, name: str) -> None:
    """A UserError when the golden's text is not Python (what compile checks without running
    it: the scene test runs it)."""
    try:
        compile(text, name, "exec")
    except SyntaxError as error:
        raise UserError(f"{name}:{error.lineno}: error: the golden is not valid Python: "
                        f"{error.msg}") from None


def load_text(text: str, name: str) -> Golden:
    """A golden from its source text (as the code generator copies it into a scene test)."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / Path(name).name
        path.write_text(text, encoding="utf-8")
        loaded = load(path)
    return Golden(Path(name), loaded.module, loaded.cases, loaded.default_case, loaded.rtol,
                  loaded.atol)


def load(path: str | Path) -> Golden:
    path = Path(path)
    name = "pypto_dsl_golden_" + "".join(c if c.isalnum() else "_" for c in str(path.resolve()))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserError(f"{path}: cannot load as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise UserError(f"{path}: the golden does not load: {type(error).__name__}: "
                        f"{error}") from error
    for needed in ("CASES", "make_inputs", "golden"):
        if not hasattr(module, needed):
            raise UserError(f"{path}: a golden defines CASES, make_inputs and golden; "
                            f"{needed} is missing")
    cases = module.CASES
    cases = dict(cases) if isinstance(cases, dict) else {c.name: c for c in cases}
    if not cases or not all(isinstance(c, __getattr__("Case")) for c in cases.values()):
        raise UserError(f"{path}: CASES must be a non-empty list of pypto_dsl.goldens.Case")
    suite = [n for n, c in cases.items() if c.suite]
    default = getattr(module, "DEFAULT_CASE", suite[0] if suite else next(iter(cases)))
    if default not in cases:
        raise UserError(f"{path}: DEFAULT_CASE '{default}' is not one of its CASES")
    return Golden(path, module, cases, default, float(getattr(module, "RTOL", RTOL)),
                  float(getattr(module, "ATOL", ATOL)))


__all__ = ["ATOL", "BF16", "Case", "DTYPES", "F16", "F32", "Golden", "I8", "I32", "RTOL",
           "dtype_name", "for_kernel", "load", "path_for", "random_uniform", "round_bf16",
           "scalar_f32", "to_bf16", "to_f32"]
