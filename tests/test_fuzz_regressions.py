"""Kernels the back-end fuzzer (tests/test_backend_fuzz.py, `make fuzz`) found failing, shrunk:
each once crashed the compiler, was wrongly refused, or gave C++ that failed the stub."""

import pytest

from backend_fuzz import GXX, syntax_errors
from pypto_dsl.codegen import generate
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.passes import lower

# An accumulator updated in the first stage and pushed two stages later: the history entry the
# push reads is an older value of it, in another version of its L0C bytes, so accumulating in
# place into the newest value is legal (it was refused as "read again afterwards").
ACCUMULATOR_ACROSS_STAGES = """\
kernel acc3(a: in bf16[rows, 64], y: out f32[rows, 32], t0: i64)
{
    grid (b) = (rows / 16) on 1 blocks;
    pipe pp: aic -> aiv f32[16, 32] depth 2 split rows;
    aic {
        pipelined for j in 0 .. t0 {
            stage s0 {
                var c = matmul(load a[0 : +16, :], load a[0 : +64, 0 : +32]);
                c = matmul_acc(c, load a[0 : +16, :], load a[0 : +64, 0 : +32]);
            }
            stage s1 { }
            stage s2 { tpush pp, c; }
        }
    }
    aiv {
        for j in 0 .. t0 { store y[b * 16 + lane * 8 : +8, :], tpop pp; }
    }
}
"""
# The same, with the older value held on only one path: still refused.
ACCUMULATOR_READ_AFTERWARDS = """\
kernel accbad(a: in bf16[rows, 64], y: out f32[rows, 32], t0: i64)
{
    grid (b) = (rows / 16) on 1 blocks;
    aic {
        var c = matmul(load a[0 : +16, :], load a[0 : +64, 0 : +32]);
        let p = c;
        if t0 > 0 { c = matmul(load a[0 : +16, :], load a[0 : +64, 0 : +32]); }
        c = matmul_acc(c, load a[0 : +16, :], load a[0 : +64, 0 : +32]);
        store y[0 : +16, :], p;
        store y[16 : +16, :], c;
    }
}
"""
# pad_cols's pad value is a template argument of TFILLPAD_INPLACE: a runtime scalar crashed
# the code generator (ValueError) after `check` had accepted it.
PAD_WITH_A_SCALAR = """\
kernel pad(x: in f32[rows, 64], y: out f32[rows, 64], s0: f32, t0: i32)
{
    grid (b) = (rows / 16) on 1 blocks;
    aiv {
        store y[b * 16 + lane * 8 : +8, :], pad_cols(load x[b * 16 + lane * 8 : +8, :], t0, s0);
    }
}
"""
# A scalar parameter read only by a kernel-level let that this core does not use: the AIV's
# case function took it anyway (-Wunused-parameter).
PARAMETER_ONLY_IN_AN_UNREAD_LET = """\
kernel unused(x: in f32[rows, 64], y: out f32[rows, 64], t0: i32)
{
    grid (b) = (rows / 16) on 1 blocks;
    let n = t0 + 1;
    aiv {
        let r = b * 16 + lane * 8;
        if lane == 0 { store y[b * 16 : +16, :], load x[b * 16 : +16, :]; }
    }
}
"""


def _cpp_failures(text: str) -> list:
    return syntax_errors([("kernel", generate(compile_text(text, "fuzz.pdsl"), "fuzz.pdsl"))])


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_an_accumulator_pushed_two_stages_later_compiles():
    assert _cpp_failures(ACCUMULATOR_ACROSS_STAGES) == []


def test_an_accumulator_whose_older_value_is_read_on_one_path_is_refused():
    with pytest.raises(CompileError) as error:
        lower(compile_text(ACCUMULATOR_READ_AFTERWARDS, "accbad.pdsl"))

    assert str(error.value).startswith("accbad.pdsl:8:9: error: matmul_acc accumulates into 'c'")


def test_a_runtime_pad_value_is_a_located_error():
    with pytest.raises(CompileError) as error:
        compile_text(PAD_WITH_A_SCALAR, "pad.pdsl")

    assert str(error.value).startswith("pad.pdsl:5:93: error: pad_cols: this operand is a "
                                       "template argument of the instruction")


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_a_parameter_read_only_by_an_unused_let_is_not_taken():
    assert _cpp_failures(PARAMETER_ONLY_IN_AN_UNREAD_LET) == []


# The index tiles of one row (row_index) or one column (col_index) counted a [1, 1] tile with
# TCI, whose tile is then a per-row (DN) tile: the stub's "TCI: one row" static assertion.
INDEX_TILES_OF_ONE_ROW_OR_COLUMN = """\
kernel ri(y: out f32[128, 512], z: out i32[128, 1])
{
    grid (g) = (1) on 1 blocks;
    aiv {
        store y[lane : +1, 0 : +8], row_index(f32[1, 8]) + 1.0;
        store z[lane * 8 : +8, :], col_index(i32[8, 1]);
    }
}
"""


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_index_tiles_of_one_row_or_one_column_compile():
    assert _cpp_failures(INDEX_TILES_OF_ONE_ROW_OR_COLUMN) == []


# A tile part at a row offset (`lane`) that leaves the tile on lane 1: the interpreter raised a
# bare IndexError, an internal compiler error in `run` (exit 2). The lane is known to the
# checker, which now reports it (a runtime offset is a LaunchError: tests/test_cli_run.py).
PART_OUTSIDE_ITS_TILE_ON_ONE_LANE = """\
kernel part(x: in f32[64, 128], y: out f32[64, 128])
{
    grid (g) = (1) on 1 blocks;
    aiv {
        var t = load x[lane * 2 : +2, 0 : +8];
        t[lane : +2, 0 : +8] = load x[32 : +2, 0 : +8];
        store y[lane * 2 : +2, 0 : +8], t;
    }
}
"""


def test_a_tile_part_outside_its_tile_on_one_lane_is_a_located_error():
    with pytest.raises(CompileError) as error:
        compile_text(PART_OUTSIDE_ITS_TILE_ON_ONE_LANE, "part.pdsl")

    assert str(error.value).startswith("part.pdsl:6:11: error: the part's rows 1 .. 3 in lane 1 "
                                       "are outside f32[2, 8] (2 rows)")
