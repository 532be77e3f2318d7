"""Driving a generated kernel through the whole compiler (tests/test_backend_fuzz.py and
tests/fuzz_backend.py, `make fuzz`).

`exercise(kernel)` checks, lowers and renders a kernel drawn by kernel_strategies, runs it on
the interpreter on its source IR and on its lowered IR with seeded inputs, and returns the
generated C++ files; any exception is a failure (a CompileError too: the kernel is valid by
construction). `syntax_errors(batch)` compiles the C++ of many kernels with g++ against the
stub of tests/cpp/stub in a few invocations: every core file of one kind goes into one
translation unit, each kernel's code in a namespace of its own and behind a `#line` naming the
kernel, so an error points at the kernel that caused it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from pypto_dsl.codegen import render
from pypto_dsl.frontend import compile_text
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.passes import lower

STUB = Path(__file__).resolve().parent / "cpp" / "stub"
GXX = shutil.which("g++")
SOURCE = "fuzz.pdsl"
# The five ways a generated file is compiled (tests/test_codegen_syntax.py): each core file
# for the NPU and for the simulator, and the orchestration.
BUILDS = {"aic": ["-D__DAV_CUBE__"], "aic/cpu_sim": ["-D__DAV_CUBE__", "-D__CPU_SIM"],
          "aiv": ["-D__DAV_VEC__"], "aiv/cpu_sim": ["-D__DAV_VEC__", "-D__CPU_SIM"],
          "orchestration": ["-Werror=format"]}


class Mismatch(AssertionError):
    """The interpreter's outputs on the source IR and on the lowered IR differ."""


def exercise(kernel, seed: int = 0) -> dict:
    """The generated files of `kernel` (a kernel_strategies.Generated); raises on a failure."""
    checked = compile_text(kernel.text, SOURCE)
    lowered = lower(checked)
    files = render(lowered, SOURCE)
    inputs = kernel.inputs(seed)
    source, after = run_kernel(checked, inputs), run_kernel(lowered, inputs)
    differing = sorted(name for name in source
                       if source[name].tobytes() != after[name].tobytes())
    if differing:
        raise Mismatch(f"outputs differ after lowering: {', '.join(differing)}")
    return files


def _core_file(files: dict, build: str) -> str | None:
    kind = build.split("/")[0]
    folder = {"aic": "kernels/aic/", "aiv": "kernels/aiv/",
              "orchestration": "kernels/orchestration/"}[kind]
    return next((text for path, text in files.items() if path.startswith(folder)), None)


def _unit(batch: list, build: str) -> tuple:
    """(C++ text, labels in order) of one translation unit with every kernel's file."""
    parts, labels = [], []
    for n, (label, files) in enumerate(batch):
        text = _core_file(files, build)
        if text is None:
            continue
        body = re.sub(r"\b(kernel_entry|aicpu_orchestration_entry|aicpu_orchestration_config)\b",
                      rf"\1_{n}", text)
        includes = [line for line in body.splitlines() if line.startswith("#include")]
        parts.append("\n".join(includes))
        parts.append(f"namespace pdsl_fuzz_{n} {{\n#line 1 \"kernel{n}\"\n{body}\n}}")
        labels.append(label)
    return "\n".join(parts), labels


def syntax_errors(batch: list) -> list:
    """[(label, g++ messages)] for every kernel of `batch` ([(label, files)]) whose C++ fails
    the stub, or draws a warning of its own."""
    if GXX is None or not batch:
        return []
    failures: dict = {}

    def compile_one(build: str):
        text, labels = _unit(batch, build)
        if not labels:
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"fuzz_{build.replace('/', '_')}.cpp"
            path.write_text(text, encoding="utf-8")
            result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", "-Wall", "-Wextra",
                                     f"-I{STUB}", *BUILDS[build], str(path)],
                                    capture_output=True, text=True)
        # A line of a kernel (an instantiation's "required from here", or the error itself)
        # names the kernel the next error is charged to; a warning counts only in a kernel.
        kernel = None
        for line in result.stderr.splitlines():
            found = re.match(r"kernel(\d+):\d+:\d+: ", line)
            if found:
                kernel = int(found.group(1))
            if ": error:" in line or (found and ": warning:" in line):
                label = batch[kernel][0] if kernel is not None else "(the batch)"
                failures.setdefault(label, []).append(f"{build}: {line}")
        if result.returncode != 0 and not failures:
            failures.setdefault("(the batch)", []).append(result.stderr[-3000:])

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(compile_one, BUILDS))
    return sorted(failures.items())


def outputs_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.asarray(a[k]).tobytes() == np.asarray(b[k]).tobytes()
                                        for k in a)
