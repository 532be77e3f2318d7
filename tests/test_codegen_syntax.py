"""The generated C++ compiles against tests/cpp/stub with the host g++ (-fsyntax-only), with no
warning of its own under -Wall -Wextra (a warning pointing into a generated file fails; one
pointing into the stub is the stub's).

The stub declares the pto-isa / simpler API subset the generator uses and checks names,
template argument lists, arity and a few documented static rules (tile alignment, TASSIGN
bounds, TLOAD layout pairs, scalar ops only on row-major tiles). It is a syntax and arity
check, not evidence that the kernels are correct. Each core file is compiled the way simpler
compiles it (-D__DAV_CUBE__ for the AIC, -D__DAV_VEC__ for the AIV), once for the NPU and once
with -D__CPU_SIM (the simulator build, which drops the lane-offset bridge).
"""

import shutil
import subprocess

import pytest

from codegen_support import CORES, KERNELS, STUB, generated

GXX = shutil.which("g++")
CORE_MACRO = {"aic": "-D__DAV_CUBE__", "aiv": "-D__DAV_VEC__"}


def _builds():
    for kernel in KERNELS:
        for phase, core, path in CORES[kernel]:
            for sim in (False, True):
                name = f"{kernel}/{phase + '/' if phase else ''}{core}" + ("/cpu_sim" if sim else "")
                flags = [CORE_MACRO[core]] + (["-D__CPU_SIM"] if sim else [])
                yield pytest.param(kernel, path, flags, id=name)
        yield pytest.param(kernel, f"kernels/orchestration/{kernel}_orch.cpp",
                           ["-Werror=format"], id=f"{kernel}/orchestration")


@pytest.mark.skipif(GXX is None, reason="no host g++")
@pytest.mark.parametrize("kernel, relative, flags", list(_builds()))
def test_generated_cpp_compiles_against_the_stub(kernel, relative, flags, tmp_path):
    source = tmp_path / relative.rsplit("/", 1)[1]
    source.write_text(generated(kernel)[relative], encoding="utf-8")
    result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", "-Wall", "-Wextra", f"-I{STUB}",
                             *flags, str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert warnings_in(result.stderr, source.name) == [], result.stderr


def warnings_in(stderr: str, name: str) -> list:
    """The warnings g++ reports at a line of the generated file `name`."""
    return [line for line in stderr.splitlines() if f"{name}:" in line and "warning:" in line]


@pytest.mark.parametrize("kernel", KERNELS)
def test_generated_scene_test_is_valid_python(kernel):
    relative = f"test_{kernel}.py"
    compile(generated(kernel)[relative], relative, "exec")
