"""Optional: the generated code against the real simulator (simpler's a2a3sim, pto-isa's CPU
headers).

Skipped unless SIMPLER_ROOT names a built simpler checkout (built for a2a3sim, with pto-isa at
$SIMPLER_ROOT/build/pto-isa). Two checks:

- every op (the kernels of tests/op_examples.py) compiles against the real CPU-simulator
  headers, with the compiler in SIMPLER_CXX (default `g++-15`) and simpler's simulator flags;
- the generated scene test of every kernel in kernels/ and tests/kernels/ passes on a2a3sim,
  for every suite case of its golden, and so do the op-example kernels against their numpy
  expressions. They run with the Python in SIMPLER_PYTHON (default
  `python3`), which must import simpler_setup, torch, numpy and ml_dtypes; this checkout is put
  first on its PYTHONPATH so `pypto_dsl` is importable. Each case runs under a timeout, because
  a deadlocked simulator never exits on its own. PYPTO_SIM_KERNELS (comma-separated names)
  restricts the kernels.
"""

import os
import shutil
import subprocess

import pytest

from codegen_support import ROOT
from pypto_dsl import goldens
from pypto_dsl.cli import main
from pypto_dsl.codegen import generate
from pypto_dsl.frontend import compile_text
from op_examples import WRITTEN, golden_text, kernel_texts

SIMPLER_ROOT = os.environ.get("SIMPLER_ROOT")
PYTHON = os.environ.get("SIMPLER_PYTHON", "python3")
CXX = os.environ.get("SIMPLER_CXX", "g++-15")
TIMEOUT_S = int(os.environ.get("PYPTO_SIM_TIMEOUT_S", "900"))

pytestmark = pytest.mark.skipif(
    not SIMPLER_ROOT or not os.path.isdir(os.path.join(SIMPLER_ROOT or "", "simpler_setup")),
    reason="SIMPLER_ROOT does not name a built simpler checkout")

def _kernels() -> list:
    paths = sorted((ROOT / "kernels").glob("*.pdsl")) + sorted((ROOT / "tests" / "kernels")
                                                               .glob("*.pdsl"))
    chosen = os.environ.get("PYPTO_SIM_KERNELS")
    return [p for p in paths if not chosen or p.stem in chosen.split(",")]


CASES = [(path, name) for path in _kernels() for name, case in goldens.for_kernel(path).cases.items()
         if case.suite]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """Kernel path -> its scene-test directory, compiled once per session."""
    out = tmp_path_factory.mktemp("sim")
    cache = {}

    def get(path):
        if path not in cache:
            assert main(["compile", str(path), "-o", str(out)]) == 0
            cache[path] = out / path.stem
        return cache[path]

    return get


OP_KERNELS = kernel_texts(WRITTEN)


@pytest.mark.parametrize("path, case", CASES, ids=[f"{p.stem}/{c}" for p, c in CASES])
def test_generated_scene_test_passes_on_a2a3sim(path, case, compiled):
    _passes_on_a2a3sim(compiled(path), path.stem, case)


@pytest.mark.parametrize("name, text", OP_KERNELS, ids=[name for name, _ in OP_KERNELS])
def test_every_op_runs_on_a2a3sim_as_its_numpy_expression(name, text, tmp_path):
    source = tmp_path / f"{name}.pdsl"
    source.write_text(text)
    (tmp_path / f"{name}.golden.py").write_text(
        golden_text([e for e in WRITTEN if f"out_{e.name}:" in text], str(ROOT / "tests")))
    assert main(["compile", str(source), "-o", str(tmp_path / "out")]) == 0
    _passes_on_a2a3sim(tmp_path / "out" / name, name, "all")


def _passes_on_a2a3sim(directory, stem: str, case: str) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("SIMPLER_SCHEDULER_TIMEOUT_MS", "60000")
    command = [PYTHON, f"test_{stem}.py", "-p", "a2a3sim", "--case", case]
    if shutil.which("timeout"):
        command = ["timeout", str(TIMEOUT_S)] + command
    result = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "PASSED" in output, output[-4000:]


def _sim_flags(core: str) -> list:
    """simpler's simulator kernel build (kernel_compiler.py), with -fsyntax-only."""
    root = SIMPLER_ROOT
    runtime = os.path.join(root, "src", "a2a3", "runtime", "tensormap_and_ringbuffer")
    pto = os.path.join(root, "build", "pto-isa", "include")
    includes = [pto, os.path.join(pto, "pto"), os.path.join(root, "simpler_setup", "incore"),
                os.path.join(root, "src", "common", "platform", "include"),
                os.path.join(runtime, "common"), os.path.join(runtime, "runtime"),
                os.path.join(root, "src", "common", "task_interface"),
                os.path.join(root, "src", "a2a3", "platform", "include")]
    macro = "-D__DAV_CUBE__" if core == "aic" else "-D__DAV_VEC__"
    return (["-fsyntax-only", "-std=c++23", "-fpermissive", "-Wno-ignored-attributes",
             "-D__CPU_SIM", "-DPTO_CPU_MAX_THREADS=1", "-DNDEBUG", macro]
            + [f"-I{path}" for path in includes])


@pytest.mark.skipif(shutil.which(CXX) is None, reason=f"no {CXX} (GCC 13 or newer)")
@pytest.mark.parametrize("core", ["aic", "aiv"])
def test_every_op_compiles_against_the_simulator_headers(core, tmp_path):
    sources = []
    for name, text in OP_KERNELS:
        files = generate(compile_text(text, f"{name}.pdsl"), f"{name}.pdsl")
        if f"kernels/{core}/{name}_{core}.cpp" in files:
            sources.append(tmp_path / f"{name}_{core}.cpp")
            sources[-1].write_text(files[f"kernels/{core}/{name}_{core}.cpp"])
    for source in sources:
        result = subprocess.run([CXX, *_sim_flags(core), str(source)], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr[-4000:]
