"""Kernels that once broke the generated C++ (found by writing the kernel zoo): each compiles
and its C++ passes the stub; what the simulator showed is in tests/op_examples.py and
tests/kernels/."""

import shutil
import subprocess

import pytest

from codegen_support import STUB
from pypto_dsl.codegen import generate
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.passes import lower

GXX = shutil.which("g++")

FOLDED_AWAY_TENSOR = """\
kernel folded(x: in f32[16, 64], z: in f32[16, 64], y: out f32[16, 64], sel: i32)
specialize s in {0, 1} = sel;
{
    grid (g) = (1) on 1 blocks;
    aiv {
        if s == 1 {
            store y[lane * 8 : +8, :], load z[lane * 8 : +8, :];
        } else {
            store y[lane * 8 : +8, :], load x[lane * 8 : +8, :];
        }
    }
}
"""
SMALL_CUBE_TILE = """\
kernel small(a: in bf16[2, 64], b: in bf16[64, 64], y: out f32[2, 64])
{
    grid (i) = (1) on 1 blocks;
    pipe acc: aic -> aiv f32[2, 64] depth 1 split SPLIT;
    aic { tpush acc, matmul(load a[:, :], load b[:, :]); }
    aiv { if lane == 0 { store y[:, :], tpop acc; } else { let t = tpop acc; } }
}
"""
PIPE_SHAPE_FROM_A_LET = """\
kernel shaped(x: in bf16[n, 64], w: in bf16[64, 64], y: out f32[n, 64])
specialize t in {16, 32} = n >= 1024 ? 32 : 16;
require n % t == 0;
{
    grid (i) = (n / t) on 1 blocks;
    let rows = t;
    pipe acc: aic -> aiv f32[rows, 64] depth 2 split rows;
    aic { tpush acc, matmul(load x[i * t : +t, :], load w[:, :]); }
    aiv { store y[i * t + lane * (t / 2) : +t / 2, :], tpop acc; }
}
"""


GRID_OF_CEIL_DIV = """\
kernel rounded(x: in f32[m, 64], y: out f32[m, 64])
{
    grid (i) = (ceil_div(m, 16)) on 4 blocks;
    aiv {
        let r = min(i * 16 + lane * 8, m - 8);
        store y[r : +8, :], load x[r : +8, :];
    }
}
"""


def _stub_compiles(text: str, name: str, tmp_path) -> None:
    for relative, content in generate(compile_text(text, f"{name}.pdsl"), f"{name}.pdsl").items():
        if relative.endswith(".cpp"):
            source = tmp_path / relative.replace("/", "_")
            source.write_text(content)
            flags = (["-D__DAV_CUBE__"] if "/aic/" in relative else ["-D__DAV_VEC__"]
                     if "/aiv/" in relative else ["-Wall", "-Wextra", "-Werror=format"])
            result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", f"-I{STUB}", *flags,
                                     str(source)], capture_output=True, text=True)
            assert result.returncode == 0, result.stderr[-3000:]
            assert "warning:" not in result.stderr, result.stderr[-3000:]


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_a_grid_extent_may_call_ceil_div_and_min(tmp_path):
    """The orchestration evaluates the grid with the same helpers as the cores."""
    _stub_compiles(GRID_OF_CEIL_DIV, "rounded", tmp_path)


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_a_case_whose_branch_folds_away_a_tensor_is_called_without_it(tmp_path):
    _stub_compiles(FOLDED_AWAY_TENSOR, "folded", tmp_path)


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_a_cube_tile_under_16_rows_is_pushed_whole_to_both_lanes(tmp_path):
    _stub_compiles(SMALL_CUBE_TILE.replace("SPLIT", "none"), "small", tmp_path)


def test_splitting_the_rows_of_a_padded_cube_tile_is_a_located_error():
    with pytest.raises(CompileError) as error:
        lower(compile_text(SMALL_CUBE_TILE.replace("SPLIT", "rows").replace(
            "store y[:, :], tpop acc", "store y[0 : +1, :], tpop acc"), "small.pdsl"))

    (diagnostic,) = error.value.diagnostics
    assert diagnostic.message.startswith(
        "pipe 'acc' splits the rows of a cube tile f32[2, 64] that the cube stores as [16, 64]")


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_a_pipe_shape_may_use_a_kernel_level_let(tmp_path):
    _stub_compiles(PIPE_SHAPE_FROM_A_LET, "shaped", tmp_path)
