"""Helpers shared by the code generator tests: the kernels of kernels/ and their generated files.

Generation runs once per kernel per test session (`generated(name)` caches), so the snapshot,
syntax and comment tests look at the same bytes.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pypto_dsl import goldens
from pypto_dsl.codegen import generate
from pypto_dsl.codegen.scene import files
from pypto_dsl.frontend import load_kernel

ROOT = Path(__file__).resolve().parents[1]
KERNELS = sorted(p.stem for p in (ROOT / "kernels").glob("*.pdsl"))
# The goldens of the kernels of kernels/, by kernel name (kernels/<name>.golden.py).
GOLDENS = {name: goldens.load(ROOT / "kernels" / f"{name}{goldens.SUFFIX}") for name in KERNELS}
# Every kernel with a golden the interpreter suite checks: kernels/ and tests/kernels/ (kernels
# that exercise the compiler, not part of the zoo). Name -> (path, golden).
CHECKED = {path.stem: (path, goldens.for_kernel(path))
           for path in sorted((ROOT / "kernels").glob("*.pdsl"))
           + sorted((ROOT / "tests" / "kernels").glob("*.pdsl"))}
GOLDEN = ROOT / "tests" / "golden"


def _core_files(name: str) -> list:
    """(phase name, core, generated file) of every core file of kernels/<name>.pdsl: the cores
    it runs on (a vector-only or cube-only kernel has one file), per phase."""
    kernel = load_kernel(str(ROOT / "kernels" / f"{name}.pdsl"))
    return [(phase.phase, core, files(name, phase.phase)[core])
            for phase in kernel.phases or (kernel,) for core in phase.cores]


# The core files of each kernel of kernels/: (phase, core, relative path).
CORES = {name: _core_files(name) for name in KERNELS}
CORE_FILES = [(name, phase, core, path) for name in KERNELS for phase, core, path in CORES[name]]
STUB = ROOT / "tests" / "cpp" / "stub"


def kernel_path(name: str) -> Path:
    return ROOT / "kernels" / f"{name}.pdsl"


@functools.lru_cache(maxsize=None)
def generated(name: str) -> dict:
    """Relative path -> text of the scene-test directory of kernels/<name>.pdsl."""
    path = kernel_path(name)
    return generate(load_kernel(str(path)), path.name)
