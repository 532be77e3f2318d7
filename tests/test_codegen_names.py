"""User names cannot collide with the C++ the compiler emits or includes: every name a kernel
author chooses is emitted with a prefix (`pdsl_u_<name>`), so parameters, shape symbols, lets,
pipes and the kernel itself may be called like pto-isa, simpler or C library identifiers; the
messages keep the author's spelling."""

import shutil
import subprocess

import pytest

from codegen_support import STUB
from pypto_dsl.codegen import generate
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.passes import lower

GXX = shutil.which("g++")

# What issue 11 found colliding, and the next ones a deny-list would miss.
NAMES = ["set_flag", "wait_flag", "pipe_barrier", "PIPE_V", "EVENT_ID0", "from_u64",
         "ChipTensor", "TensorCreateInfo", "make_tensor_external", "rt_submit_task", "PRId64",
         "MixedKernels", "CoreTaskArgs", "INT64_MAX", "NULL", "errno", "assert", "INFINITY",
         "TADD", "Tile", "int64_t", "main", "std", "pto"]

COLLIDING = """\
kernel NULL(
    set_flag: in bf16[PIPE_V, 64], wait_flag: in bf16[64, 64], pipe_barrier: out f32[PIPE_V, 64],
    EVENT_ID0: f32, INT64_MAX: i32)
specialize INFINITY in {16, 32} = PIPE_V >= 64 ? 32 : 16;
require PIPE_V % INFINITY == 0;
{
    grid (errno) = (PIPE_V / INFINITY) on 4 blocks;
    pipe rt_submit_task: aic -> aiv f32[INFINITY, 64] depth 2 split rows;
    pipe TensorCreateInfo: aiv -> aic bf16[INFINITY, 64] depth 2 split rows;
    let from_u64 = errno * INFINITY + min(INT64_MAX, 0);
    aic {
        let ChipTensor = load wait_flag[:, :];
        let MixedKernels = load set_flag[from_u64 : +INFINITY, :];
        tpush rt_submit_task, matmul(MixedKernels, ChipTensor);
        let make_tensor_external = tpop TensorCreateInfo;
    }
    aiv {
        let CoreTaskArgs = INFINITY / 2;
        let assert = tpop rt_submit_task;
        let TADD = assert * EVENT_ID0;
        let Tile = rowmax(TADD);
        let PRId64 = TADD - Tile;
        tpush TensorCreateInfo, cast<bf16>(PRId64);
        store pipe_barrier[from_u64 + lane * CoreTaskArgs : +CoreTaskArgs, :], PRId64;
    }
}
"""


def test_the_collision_kernel_uses_every_listed_name():
    assert all(name in COLLIDING for name in NAMES[:20])


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_names_of_pto_isa_simpler_and_libc_identifiers_compile(tmp_path):
    files = generate(compile_text(COLLIDING, "NULL.pdsl"), "NULL.pdsl")
    for relative, content in files.items():
        if not relative.endswith(".cpp"):
            continue
        flags = (["-D__DAV_CUBE__"] if "/aic/" in relative else ["-D__DAV_VEC__"]
                 if "/aiv/" in relative else ["-Werror=format"])
        source = tmp_path / relative.replace("/", "_")
        source.write_text(content)
        result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", "-Wall", f"-I{STUB}",
                                 *flags, str(source)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
    compile(files["test_NULL.py"], "test_NULL.py", "exec")  # the scene test is valid Python


def test_messages_keep_the_authors_spelling():
    text = COLLIDING.replace("TADD - Tile;", "TADD - wait_flag;")

    with pytest.raises(CompileError) as error:
        lower(compile_text(text, "NULL.pdsl"))

    assert "'wait_flag'" in str(error.value) and "pdsl_u_" not in str(error.value)
