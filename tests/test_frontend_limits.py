"""Inputs too large for the compiler or its target are refused with a located error, quickly,
before any stage runs out of stack, memory or time and before a number the generated C++
receives could overflow its type: nesting, code paths, names, block counts, pipes, tensor
dimensions, literals, matmul sizes, FIFO sizes and GM strides."""

from __future__ import annotations

import time

import numpy as np
import pytest

from pypto_dsl.codegen import render
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.passes import lower
from pypto_dsl.printer import print_kernel


def _kernel(scalar: str = "s0", tile: str = "t") -> str:
    return f"""\
kernel deep(x: in f32[n, 64], z: out f32[n, 64], s0: f32)
{{
    grid (i) = (n / 16) on 4 blocks;
    let s = {scalar};
    aiv {{
        let t = load x[i * 16 : +16, :];
        let y = {tile};
        store z[i * 16 : +16, :], y * s;
    }}
}}
"""


def _errors(text: str, lowered: bool = False) -> list:
    """The error lines of `text` as deep.pdsl: of the checker, or with `lowered` of the passes."""
    with pytest.raises(CompileError) as raised:
        lower(compile_text(text, "deep.pdsl")) if lowered else compile_text(text, "deep.pdsl")
    return [line for line in str(raised.value).splitlines() if line.startswith("deep.pdsl:")]


TOO_DEEP = ("deep.pdsl:{}: error: expression nested too deeply: it is deeper than 256 levels; "
            "split it into smaller expressions with `let`")


@pytest.mark.parametrize("scalar", [" + ".join(["1"] * 2000), " + ".join(["1"] * 10000),
                                    "-" * 10000 + "1"], ids=["2000 terms", "10000 terms",
                                                             "10000 minuses"])
def test_a_scalar_expression_nested_too_deeply_is_refused_quickly(scalar):
    start = time.monotonic()

    errors = _errors(_kernel(scalar=scalar))

    assert (errors, time.monotonic() - start < 10) == ([TOO_DEEP.format("4:13")], True)


def test_a_tile_expression_nested_too_deeply_is_refused():
    assert _errors(_kernel(tile=" + ".join(["t"] * 2000))) == [TOO_DEEP.format("7:17")]


def test_blocks_nested_too_deeply_are_refused_at_the_innermost_statement():
    body = "store z[i * 16 : +16, :], load x[i * 16 : +16, :];"
    for _ in range(200):
        body = f"if i == 0 {{ {body} }}"
    text = (f"kernel k(x: in f32[n, 64], z: out f32[n, 64])\n{{\n"
            f"    grid (i) = (n / 16) on 4 blocks;\n    aiv {{ {body} }}\n}}\n")

    assert _errors(text) == ["deep.pdsl:4:1523: error: blocks nested too deeply: they are "
                             "deeper than 256 levels"]


def test_a_200_term_sum_compiles():
    compile_text(_kernel(scalar=" + ".join(["1"] * 200)), "deep.pdsl")


def test_the_deepest_expressions_accepted_go_through_every_stage():
    # 250 levels, just under the limit: the checker, the passes, both printers, the code
    # generator and the interpreter recurse over them (under pytest's own deep stack).
    kernel = compile_text(_kernel(" + ".join(["s0"] * 250), " + ".join(["t"] * 250)),
                          "deep.pdsl")
    lowered = lower(kernel)
    print_kernel(kernel), print_kernel(lowered), render(lowered, "deep.pdsl")
    inputs = {"x": np.ones((32, 64), np.float32), "s0": np.float32(0.5)}

    outputs = [run_kernel(k, inputs)["z"] for k in (kernel, lowered)]

    assert np.array_equal(outputs[0], np.full((32, 64), 250 * 125, np.float32))
    assert np.array_equal(outputs[1], outputs[0])


# ---- code paths and names


def test_specialisations_giving_too_many_code_paths_are_refused_by_their_product():
    start = time.monotonic()

    errors = _errors("""\
kernel k(x: in f32[n, 64], y: out f32[n, 64])
specialize a in {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} = 1;
specialize b in {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} = 1;
specialize c in {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} = 1;
specialize d in {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} = 1;
specialize e in {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} = 1;
specialize f in {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} = 1;
{
    grid (i) = (n / 16) on 4 blocks;
    aiv { store y[i * 16 : +16, :], load x[i * 16 : +16, :]; }
}
""", lowered=True)

    assert (errors, time.monotonic() - start < 10) == ([
        "deep.pdsl:2:12: error: 6 specialisations give 1000000 code paths "
        "(10 x 10 x 10 x 10 x 10 x 10); at most 64 are compiled"], True)


def test_a_kernel_name_too_long_for_a_directory_is_refused():
    name = "k" * 65
    errors = _errors(f"""\
kernel {name}(x: in f32[n, 64], y: out f32[n, 64])
{{
    grid (i) = (n / 16) on 4 blocks;
    aiv {{ store y[i * 16 : +16, :], load x[i * 16 : +16, :]; }}
}}
""")

    assert errors == ["deep.pdsl:1:8: error: the kernel's name is 65 characters long; at most 64 "
                      "(it names the output directory and its files)"]


# ---- numbers that reach a C++ type


def test_a_block_count_beyond_int16_is_refused():
    errors = _errors("""\
kernel k(x: in f32[n, 64], y: out f32[n, 64])
{
    grid (i) = (n / 16) on 40000 blocks;
    aiv { store y[i * 16 : +16, :], load x[i * 16 : +16, :]; }
}
""")

    assert errors == ["deep.pdsl:3:5: error: the hardware block count must be between 1 and "
                      "32767 (the launch takes it as an int16_t), got 40000; a2a3 has 24 "
                      "clusters"]


@pytest.mark.parametrize("depth", [0, 65, 1000000])
def test_a_pipe_depth_outside_1_to_64_is_refused(depth):
    errors = _errors(f"""\
kernel k(x: in bf16[n, 64], y: out bf16[n, 64])
{{
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aiv -> aic bf16[16, 64] depth {depth} split rows;
    aiv {{ tpush p, load x[i * 16 + lane * 8 : +8, :]; }}
    aic {{ store y[i * 16 : +16, :], tpop p; }}
}}
""")

    assert errors == [f"deep.pdsl:4:10: error: pipe 'p' has depth {depth}; the depth must be "
                      "between 1 and 64"]


def test_a_ninth_pipe_is_refused_for_want_of_flag_ids():
    errors = _errors("""\
kernel k(x: in bf16[n, 64], y: out bf16[n, 64])
{
    grid (i) = (n / 16) on 4 blocks;
    pipe p1: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p2: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p3: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p4: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p5: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p6: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p7: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p8: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe p9: aiv -> aic bf16[16, 64] depth 2 split rows;
    aiv {
        let t = load x[i * 16 + lane * 8 : +8, :];
        tpush p1, t; tpush p2, t; tpush p3, t; tpush p4, t; tpush p5, t;
        tpush p6, t; tpush p7, t; tpush p8, t; tpush p9, t;
    }
    aic {
        let a = tpop p1; let b = tpop p2; let c = tpop p3; let d = tpop p4; let e = tpop p5;
        let f = tpop p6; let g = tpop p7; let h = tpop p8;
        store y[i * 16 : +16, :], tpop p9;
    }
}
""")

    assert errors == ["deep.pdsl:12:10: error: a kernel has at most 8 pipes (each takes 2 of "
                      "the 16 cross-core flag ids); 'p9' is pipe 9"]


def test_a_tensor_dimension_beyond_uint32_and_a_specialisation_beyond_64_bits_are_refused():
    errors = _errors("""\
kernel k(x: in f32[n, 4294967296], y: out f32[n, 64])
specialize s in {1, 18446744073709551616} = 1;
{
    grid (i) = (n / 16) on 4 blocks;
    aiv { store y[i * 16 : +16, :], load x[i * 16 : +16, 0 : +64]; }
}
""")

    assert errors == [
        "deep.pdsl:1:23: error: tensor dimension 4294967296 is too large: simpler passes shapes "
        "as uint32_t, at most 4294967295",
        "deep.pdsl:2:12: error: specialisation 's': 18446744073709551616 does not fit in 64 bits"]


@pytest.mark.parametrize("literal", ["1e39", "1e400"])
def test_a_float_literal_beyond_f32_is_refused(literal):
    errors = _errors(f"""\
kernel k(x: in f32[n, 64], y: out f32[n, 64])
{{
    grid (i) = (n / 16) on 4 blocks;
    aiv {{ store y[i * 16 : +16, :], load x[i * 16 : +16, :] * {literal}; }}
}}
""")

    assert errors == [f"deep.pdsl:4:63: error: {literal} is out of range for f32 (at most "
                      "3.4028235e+38); write `inf` for infinity"]


def test_a_matmul_beyond_4095_is_refused():
    # On a2a3 (and a5) an operand with a dimension of 4096 already overflows L0A, L0B or L0C,
    # so the buffer check refuses it before TMATMUL's own limit (passes/limits.py) is reached.
    errors = _errors("""\
kernel k(a: in i8[16, 4096], b: in i8[4096, 16], c: out i32[16, 16])
{
    grid (i) = (1) on 1 blocks;
    aic { store c[:, :], matmul(load a[:, :], load b[:, :]); }
}
""", lowered=True)

    assert errors == ["deep.pdsl:4:26: error: L0B overflows by 64 KB (need 128 KB of 64 KB): "
                      "live at the peak: the right operand of matmul(load a[:, :], load b[:, :]) "
                      "in L0B (i8[4096, 16], 128 KB)"]


def test_a_gm_fifo_beyond_uint32_words_is_refused():
    errors = _errors("""\
kernel k(x: in bf16[n, 512], y: out bf16[n, 512])
{
    grid (i) = (n / 32) on 32767 blocks;
    pipe p: aiv -> aic bf16[32, 512] depth 64 split rows;
    aiv { tpush p, load x[i * 32 + lane * 16 : +16, :]; }
    aic { store y[i * 32 : +32, :], tpop p; }
}
""", lowered=True)

    assert errors == ["deep.pdsl:4:10: error: pipe 'p': its GM FIFO takes 2 MB per hardware "
                      "block (32 KB slots x depth 64), 64 GB for 32767 blocks; the runtime counts "
                      "it in 4-byte words as a uint32_t, at most 16 GB: lower the depth, the tile "
                      "or the block count"]


def test_a_gm_row_pitch_beyond_int_is_refused_at_the_load():
    errors = _errors("""\
kernel k(x: in f32[n, 3000000000], y: out f32[n, 64])
{
    grid (i) = (n / 16) on 4 blocks;
    aiv { store y[i * 16 : +16, :], load x[i * 16 : +16, 0 : +64]; }
}
""", lowered=True)

    assert errors == ["deep.pdsl:4:37: error: load: the rows of this slice of 'x' are 3000000000 "
                      "elements apart; pto-isa's TLOAD and TSTORE take strides as int, at most "
                      "2147483647"]


def test_more_scalar_arguments_than_a_simpler_task_takes_are_refused():
    errors = _errors("""\
kernel many(
    x0: in f32[n0, 64], x1: in f32[n1, 64], x2: in f32[n2, 64], x3: in f32[n3, 64],
    x4: in f32[n4, 64], x5: in f32[n5, 64], x6: in f32[n6, 64], x7: in f32[n7, 64],
    x8: in f32[n8, 64], x9: in f32[n9, 64], x10: in f32[n10, 64], x11: in f32[n11, 64],
    x12: in f32[n12, 64], x13: in f32[n13, 64], x14: in f32[n14, 64], y: out f32[n0, 64],
    scale: f32,
)
{
    grid (i) = (n0 / 16) on 4 blocks;
    aiv { store y[i * 16 : +16, :], load x0[i * 16 : +16, :] * scale; }
}
""")

    assert errors == ["deep.pdsl:1:8: error: 1 scalar parameter, the dispatch case and 15 shape "
                      "symbols make 17 scalar arguments of the task; simpler takes at most 16"]


# ---- GM slices a GlobalTensor view cannot describe (they crashed the code generator)


def test_a_slice_whose_columns_are_not_adjacent_is_refused_at_the_load():
    errors = _errors("""\
kernel k(x: in f32[n, 64, 4], y: out f32[n, 64])
{
    grid (i) = (n / 16) on 4 blocks;
    aiv { store y[i * 16 : +16, :], load x[i * 16 : +16, :, 0]; }
}
""", lowered=True)

    assert errors == ["deep.pdsl:4:37: error: load: the columns of this slice of 'x' are 4 "
                      "elements apart; a tile's columns must be adjacent in GM (slice a range of "
                      "the last dimension)"]


def test_a_per_row_slice_whose_rows_are_not_adjacent_is_refused_at_the_load():
    errors = _errors("""\
kernel k(x: in f32[n, 64], y: out f32[n, 1])
{
    grid (i) = (n / 16) on 4 blocks;
    aiv { store y[i * 16 + lane * 8 : +8, :], load x[i * 16 + lane * 8 : +8, 3 : +1]; }
}
""", lowered=True)

    assert errors == ["deep.pdsl:4:47: error: load: the rows of this per-row slice of 'x' are 64 "
                      "elements apart; a [rows, 1] tile's rows must be adjacent in GM"]


# ---- lets written out into each other


def test_lets_that_double_at_each_step_are_checked_quickly():
    # a30 written out would be 2**30 terms: the checker leaves such a value unexpanded, both in
    # the pipe balance (loop bounds compared as text) and as a compile-time value (a divisor).
    doubling = " ".join(f"let a{k + 1} = a{k} + a{k};" for k in range(30))
    text = f"""\
kernel k(x: in bf16[n, 64], y: out bf16[n, 64])
specialize t in {{16, 32}} = 16;
{{
    grid (i) = (1) on 1 blocks;
    pipe p: aiv -> aic bf16[16, 64] depth 2 split rows;
    let a0 = t;
    {doubling}
    aiv {{ for j in 0 .. n / a30 {{ tpush p, load x[j * 16 + lane * 8 : +8, :]; }} }}
    aic {{ for j in 0 .. n / a30 {{ store y[j * 16 : +16, :], tpop p; }} }}
}}
"""
    start = time.monotonic()

    lower(compile_text(text, "deep.pdsl"))

    assert time.monotonic() - start < 10
