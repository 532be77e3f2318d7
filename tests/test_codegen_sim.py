"""Optional: the generated scene tests pass on simpler's CPU simulator (a2a3sim).

Skipped unless SIMPLER_ROOT names a built simpler checkout (built for a2a3sim, see
/work/notes/sim-setup.md for one way). The scene test runs with the Python in SIMPLER_PYTHON
(default `python3`), which must import simpler_setup, torch, numpy and ml_dtypes; this
checkout is put first on its PYTHONPATH so `pypto_dsl.goldens` is importable. Each case runs
under a timeout, because a deadlocked simulator never exits on its own.
"""

import os
import shutil
import subprocess

import pytest

from codegen_support import ROOT, kernel_path
from pypto_dsl.cli import main

SIMPLER_ROOT = os.environ.get("SIMPLER_ROOT")
PYTHON = os.environ.get("SIMPLER_PYTHON", "python3")
TIMEOUT_S = int(os.environ.get("PYPTO_SIM_TIMEOUT_S", "900"))

pytestmark = pytest.mark.skipif(
    not SIMPLER_ROOT or not os.path.isdir(os.path.join(SIMPLER_ROOT or "", "simpler_setup")),
    reason="SIMPLER_ROOT does not name a built simpler checkout")

CASES = [
    ("gemm_epilogue", "small_m64_k256_n128"),
    ("gemm_epilogue", "wrap_m256_k128_n1024"),
    ("paged_attention", "small_q16_bs128"),
    ("paged_attention", "ctx_edges_bs128"),
    ("paged_attention", "wrap_batch30_q64"),
]


@pytest.mark.parametrize("kernel, case", CASES, ids=[f"{k}/{c}" for k, c in CASES])
def test_generated_scene_test_passes_on_a2a3sim(kernel, case, tmp_path):
    assert main(["compile", str(kernel_path(kernel)), "-o", str(tmp_path)]) == 0
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("SIMPLER_SCHEDULER_TIMEOUT_MS", "60000")
    command = [PYTHON, f"test_{kernel}.py", "-p", "a2a3sim", "--case", case]
    if shutil.which("timeout"):
        command = ["timeout", str(TIMEOUT_S)] + command
    result = subprocess.run(command, cwd=tmp_path / kernel, env=env, capture_output=True,
                            text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "PASSED" in output, output[-4000:]
