"""How the orchestration launches a kernel: a MIX task when it has an AIC and an AIV block, a
vector-only task (two AIV blocks a block, lane = block_idx % 2) when it has only `aiv`, a
cube-only task when it has only `aic`; no idle core is held and no empty core file written.
(On a2a3sim: tests/test_codegen_sim.py runs the op-example kernels, some of which are
vector-only or cube-only.)"""

import shutil
import subprocess

import pytest

from codegen_support import STUB
from op_examples import BY_NAME, kernel_text
from pypto_dsl.codegen import generate
from pypto_dsl.frontend import compile_text

VECTOR_ONLY = kernel_text([BY_NAME["add"]], "vo")
CUBE_ONLY = kernel_text([BY_NAME["matmul"]], "co")
GXX = shutil.which("g++")


def _files(text: str, name: str) -> dict:
    return generate(compile_text(text, f"{name}.pdsl"), f"{name}.pdsl")


def test_a_vector_only_kernel_is_a_vector_only_task_of_two_aiv_blocks_a_block():
    files = _files(VECTOR_ONLY, "vo")

    orch = files["kernels/orchestration/vo_orch.cpp"]
    aiv = files["kernels/aiv/vo_aiv.cpp"]
    assert "kernels/aic/vo_aic.cpp" not in files
    assert "rt_submit_aiv_task(pdsl_aiv_kernel, pdsl_task);" in orch
    assert "set_block_num(static_cast<int16_t>(2 * pdsl_blocks))" in orch
    assert "MixedKernels" not in orch
    assert "get_block_idx(pdsl_args) / 2;" in aiv and "get_block_idx(pdsl_args) % 2;" in aiv
    assert "get_sub_block_id" not in aiv
    assert '"core_type": "aiv"' in files["test_vo.py"] and '"aic"' not in files["test_vo.py"]


def test_a_cube_only_kernel_is_a_cube_only_task():
    files = _files(CUBE_ONLY, "co")

    orch = files["kernels/orchestration/co_orch.cpp"]
    assert "kernels/aiv/co_aiv.cpp" not in files
    assert "rt_submit_aic_task(pdsl_aic_kernel, pdsl_task);" in orch
    assert "set_block_num(static_cast<int16_t>(pdsl_blocks))" in orch
    assert '"core_type": "aic"' in files["test_co.py"] and '"aiv"' not in files["test_co.py"]


def test_a_kernel_with_both_blocks_is_one_mix_task():
    files = _files(kernel_text([BY_NAME["add"], BY_NAME["matmul"]], "mx"), "mx")

    orch = files["kernels/orchestration/mx_orch.cpp"]
    assert "rt_submit_task(pdsl_kernels, pdsl_task);" in orch
    assert "get_sub_block_id(pdsl_args)" in files["kernels/aiv/mx_aiv.cpp"]


@pytest.mark.skipif(GXX is None, reason="no host g++")
@pytest.mark.parametrize("text, name", [(VECTOR_ONLY, "vo"), (CUBE_ONLY, "co")])
def test_single_core_launches_compile_against_the_stub(text, name, tmp_path):
    for relative, content in _files(text, name).items():
        if not relative.endswith(".cpp"):
            continue
        flags = (["-D__DAV_CUBE__"] if "/aic/" in relative else ["-D__DAV_VEC__"]
                 if "/aiv/" in relative else ["-Wall", "-Werror=format"])
        source = tmp_path / relative.replace("/", "_")
        source.write_text(content)
        result = subprocess.run(["g++", "-fsyntax-only", "-std=c++17", f"-I{STUB}", *flags,
                                 str(source)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
