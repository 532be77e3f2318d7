"""The malformed-kernel catalogue: each bad kernel and the exact error lines its author sees.

Every case is a whole kernel, compiled as `bad.pdsl`; the assertion is the list of
`file:line:col: error: message` lines, in order. One test also pins the source line and caret.
"""

from __future__ import annotations

import pytest

from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text


def _errors(text: str) -> list:
    with pytest.raises(CompileError) as raised:
        compile_text(text, "bad.pdsl")
    return [line for line in str(raised.value).splitlines() if line.startswith("bad.pdsl:")]


# ---- Syntax errors: said in the author's words, never as grammar token names


def test_a_syntax_error_shows_the_source_line_and_a_caret():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :]
        store y[i * 16 : +16, :], exp(t);
    }
}
"""
    with pytest.raises(CompileError) as raised:
        compile_text(text, "bad.pdsl")
    assert str(raised.value) == (
        "bad.pdsl:4:40: error: expected ';' before 'store'\n"
        "            let t = load x[i * 16 : +16, :]\n"
        "                                           ^"
    )


def test_a_semantic_error_underlines_the_whole_expression():
    text = """\
kernel k(x: in f32[n, 64], z: in bf16[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let a = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], a + load z[i * 16 : +16, :];
    }
}
"""
    with pytest.raises(CompileError) as raised:
        compile_text(text, "bad.pdsl")
    assert str(raised.value) == (
        "bad.pdsl:5:35: error: dtype mismatch: f32[16, 64] + bf16[16, 64]; cast one side\n"
        "            store y[i * 16 : +16, :], a + load z[i * 16 : +16, :];\n"
        "                                      ^~~~~~~~~~~~~~~~~~~~~~~~~~~"
    )


def test_missing_semicolon():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :]
        store y[i * 16 : +16, :], exp(t);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:40: error: expected ';' before 'store'",
    ]


def test_missing_closing_brace():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], exp(t);
}
"""
    assert _errors(text) == [
        "bad.pdsl:6:2: error: unexpected end of file: expected '}' to close the '{' on line 1",
    ]


def test_stray_character():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :] @ 2;
        store y[i * 16 : +16, :], t;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:41: error: unexpected character '@'",
    ]


def test_bad_token_in_expression():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], t * * 2.0;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:39: error: expected an expression, found '*'",
    ]


def test_chained_comparison():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    let inside = 0 <= n < 1024;
}
"""
    assert _errors(text) == [
        ("bad.pdsl:3:25: error: expected an operator or ';', found '<': comparisons do not chain, "
         "combine them with &&"),
    ]


def test_unexpected_eof():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], exp(load x[i * 16 : +16, :]
"""
    assert _errors(text) == [
        "bad.pdsl:4:62: error: unexpected end of file: expected an operator, ')' or ','",
    ]


def test_empty_file():
    text = """\
// nothing here yet
"""
    assert _errors(text) == [
        "bad.pdsl:1:1: error: unexpected end of file: expected 'kernel'",
    ]


def test_keyword_as_name():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    let on = 2;
}
"""
    assert _errors(text) == [
        "bad.pdsl:3:9: error: expected a name, found the keyword 'on'",
    ]


def test_unknown_dtype():
    text = """\
kernel k(x: in float[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
}
"""
    assert _errors(text) == [
        "bad.pdsl:1:16: error: expected a dtype, found 'float'",
    ]


def test_bad_direction():
    text = """\
kernel k(x: in f32[n, 64], y: output f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
}
"""
    assert _errors(text) == [
        "bad.pdsl:1:31: error: expected a direction (in, out or inout), found 'output'",
    ]


def test_bad_split():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split cols;
}
"""
    assert _errors(text) == [
        "bad.pdsl:3:50: error: expected a split (rows or none), found 'cols'",
    ]


def test_bad_core_body():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    gpu {
        store y[i * 16 : +16, :], load x[i * 16 : +16, :];
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:3:5: error: expected a core body (aic or aiv), found 'gpu'",
    ]


# ---- Every error in a file is reported


def test_several_syntax_errors():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let a = ;
        let b = (1 + 2;
        store y[i * 16 : +16, :] load x[i * 16 : +16, :];
        for j in 0 n { let c = j; }
        let d = 3
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:17: error: expected an expression, found ';'",
        "bad.pdsl:5:23: error: expected an operator or ')', found ';'",
        "bad.pdsl:6:34: error: expected ',', found the keyword 'load'",
        "bad.pdsl:7:20: error: expected an operator or '..', found 'n'",
        "bad.pdsl:8:18: error: expected ';' before '}'",
    ]


def test_missing_semicolon_and_semantic_errors():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks
    aiv {
        let t = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], exp(u);
        store x[i * 16 : +16, :], t;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:2:36: error: expected ';' before 'aiv'",
        "bad.pdsl:5:39: error: 'u' is not defined",
        "bad.pdsl:6:9: error: cannot store to 'x': it is an input (`in`)",
    ]


def test_several_semantic_errors():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aic {
        let t = exp(load x[i * 16 : +16, :]);
    }
    aiv {
        let u = load y[i * 16 : +16, :];
        store y[i * 16 : +16, :], v;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:17: error: exp is a vector op: it runs on aiv, not in the aic body",
        "bad.pdsl:7:17: error: cannot load from 'y': it is an output (`out`)",
        "bad.pdsl:8:35: error: 'v' is not defined",
    ]


# ---- Names


def test_undefined_name():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], exp(tile);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:39: error: 'tile' is not defined",
    ]


def test_duplicate_let():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :];
        let t = exp(t);
        store y[i * 16 : +16, :], t;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:13: error: 't' is already defined",
    ]


def test_duplicate_parameter():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64], x: f32) {
    grid (i) = (n / 16) on 4 blocks;
}
"""
    assert _errors(text) == [
        "bad.pdsl:1:47: error: 'x' is already defined",
    ]


def test_reserved_names():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64], __x: f32, a__b: f32, pdsl_t0: f32) {
    grid (i) = (n / 16) on 4 blocks;
}
"""
    assert _errors(text) == [
        "bad.pdsl:1:47: error: cannot use '__x' as a name: C++ reserves names that contain '__'",
        "bad.pdsl:1:57: error: cannot use 'a__b' as a name: C++ reserves names that contain '__'",
        ("bad.pdsl:1:68: error: cannot use 'pdsl_t0' as a name: the compiler keeps the prefix "
         "'pdsl_' for its own names"),
    ]


def test_tensor_used_as_value():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], exp(x);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:39: error: 'x' is a tensor, not a value: load it with `load`",
    ]


def test_lane_on_aic():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aic {
        let row = i * 16 + lane * 8;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:28: error: 'lane' (the vector lane index) exists only in the `aiv { }` body",
    ]


def test_lane_redefined():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let lane = 1;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:13: error: 'lane' is the vector lane index (0 or 1) and cannot be redefined",
    ]


def test_aic_value_read_on_aiv():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aic {
        let row = i * 16;
    }
    aiv {
        store y[row : +16, :], load x[row : +16, :];
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:7:17: error: 'row' is defined in the aic body and cannot be read on aiv: "
         "cores share data only through pipes"),
        ("bad.pdsl:7:39: error: 'row' is defined in the aic body and cannot be read on aiv: "
         "cores share data only through pipes"),
    ]


# ---- Assignment


def test_assign_to_let():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :];
        t = exp(t);
        store y[i * 16 : +16, :], t;
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:5:9: error: cannot assign to 't': it is a `let` binding; declare it with "
         "`var` to update it"),
    ]


def test_assign_to_loop_variable():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        for j in 0 .. 4 {
            j = j + 1;
        }
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:13: error: cannot assign to 'j': it is a loop variable",
    ]


def test_assign_changes_type():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        var acc = fill(f32[16, 64], 0.0);
        acc = load x[i * 16 : +8, :];
        store y[i * 16 : +16, :], acc;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:9: error: 'acc' is f32[16, 64], cannot assign f32[8, 64]",
    ]


# ---- Tile types and shapes


def test_dtype_mismatch():
    text = """\
kernel k(x: in f32[n, 64], z: in bf16[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let a = load x[i * 16 : +16, :];
        let b = load z[i * 16 : +16, :];
        store y[i * 16 : +16, :], a + b;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:6:35: error: dtype mismatch: f32[16, 64] + bf16[16, 64]; cast one side",
    ]


def test_matmul_shape_mismatch():
    text = """\
kernel k(a: in bf16[n, 64], b: in bf16[32, 128], y: out f32[n, 128]) {
    grid (i) = (n / 16) on 4 blocks;
    aic {
        store y[i * 16 : +16, :], matmul(load a[i * 16 : +16, :], load b[:, :]);
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:4:35: error: matmul: shape mismatch: bf16[16, 64] @ bf16[32, 128] (the inner "
         "dimensions 64 and 32 differ)"),
    ]


def test_shapes_do_not_broadcast():
    text = """\
kernel k(x: in f32[n, 64], z: in f32[n, 32], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let a = load x[i * 16 : +16, :];
        let b = load z[i * 16 : +16, :];
        store y[i * 16 : +16, :], a * b;
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:6:35: error: shapes do not broadcast: f32[16, 64] * f32[16, 32] (tiles "
         "combine with a tile of the same shape, a [rows, 1] or [1, cols] tile on the right, or a scalar)"),
    ]


def test_row_tile_on_the_wrong_rows():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let a = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], a - fill(f32[8, 1], 1.0);
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:5:35: error: shapes do not broadcast: f32[16, 64] - f32[8, 1] (tiles combine "
         "with a tile of the same shape, a [rows, 1] or [1, cols] tile on the right, or a scalar)"),
    ]


def test_scalar_minus_tile():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64], s: f32) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], s - load x[i * 16 : +16, :];
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:35: error: scalar - tile is not supported: write it as -tile + scalar",
    ]


def test_select_on_tiles():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], i > 0 ? t : exp(t);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:35: error: `? :` chooses between scalars; use `if` for tiles",
    ]


def test_tile_dim_not_compile_time():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64], rows: i32) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +rows, :], load x[i * 16 : +rows, :];
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:4:27: error: a tile dimension must be known at compile time, but 'rows' is "
         "not: use constants and specialisations, or fix a shape dimension with `require dim == "
         "N`"),
        ("bad.pdsl:4:54: error: a tile dimension must be known at compile time, but 'rows' is "
         "not: use constants and specialisations, or fix a shape dimension with `require dim == "
         "N`"),
    ]


def test_tile_dim_from_shape_symbol():
    text = """\
kernel k(x: in f32[n, d], y: out f32[n, d]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], load x[i * 16 : +16, :];
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:4:31: error: a tile dimension must be known at compile time, but 'd' is not: "
         "use constants and specialisations, or fix a shape dimension with `require dim == N`"),
        ("bad.pdsl:4:56: error: a tile dimension must be known at compile time, but 'd' is not: "
         "use constants and specialisations, or fix a shape dimension with `require dim == N`"),
    ]


def test_tile_type_outside_fill():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        var l = ceil_div(f32[16, 1], 0.0);
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:4:17: error: a tile type such as f32[16, 64] is an argument of fill, "
         "col_index and row_index, not of ceil_div"),
    ]


def test_division_by_zero():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64])
specialize q in {16, 32} = 16;
{
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let half_rows = q / (q - q);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:6:30: error: division by zero",
    ]


# ---- Calls


def test_unknown_function():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], erf(load x[i * 16 : +16, :]);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:35: error: unknown function 'erf'",
    ]


def test_wrong_argument_count():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    let blocks = ceil_div(n);
    aiv {
        let t = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], exp(t, t);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:3:18: error: ceil_div takes 2 arguments, got 1",
        "bad.pdsl:6:35: error: exp takes 1 argument, got 2",
    ]


def test_cast_to_same_dtype():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], cast<f32>(load x[i * 16 : +16, :]);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:35: error: cast: cast to f32 of a tile that already is f32",
    ]


def test_unknown_rounding_mode():
    text = """\
kernel k(x: in f32[n, 64], y: out bf16[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], cast<bf16>(load x[i * 16 : +16, :], nearest);
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:4:71: error: unknown rounding mode 'nearest': use one of rint, round, floor, "
         "ceil, trunc"),
    ]


def test_transpose_of_non_load():
    text = """\
kernel k(a: in bf16[n, 64], b: in bf16[64, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aic {
        let c = matmul(load a[i * 16 : +16, :], load b[:, :]);
        store y[i * 16 : +16, :], transpose(c);
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:5:35: error: transpose applies to a load (`transpose(load t[...])`): it "
         "becomes a column-major view of GM, no data is moved"),
    ]


# ---- Cores


def test_loop_bounds_differ_through_a_kernel_level_let():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64], m: i32) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split rows;
    let same = m;
    let more = m + 1;
    aic {
        for j in 0 .. m { tpush p, load x[j * 16 : +16, :]; }
    }
    aiv {
        for j in 0 .. same { store y[j * 16 + lane * 8 : +8, :], tpop p; }
        for j in 0 .. more { store y[j * 16 + lane * 8 : +8, :], tpop p; }
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:3:10: error: pipe 'p': aic pushes 1 tile per iteration of 0 .. m, but aiv pops "
         "1 tile per iteration of 0 .. (m + 1) and 1 tile per iteration of 0 .. m; every tile "
         "pushed must be popped"),
    ]


def test_matmul_on_aiv():
    text = """\
kernel k(a: in bf16[n, 64], b: in bf16[64, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], matmul(load a[i * 16 : +16, :], load b[:, :]);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:35: error: matmul is a cube op: it runs on aic, not in the aiv body",
    ]


def test_exp_on_aic():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aic {
        store y[i * 16 : +16, :], exp(load x[i * 16 : +16, :]);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:35: error: exp is a vector op: it runs on aiv, not in the aic body",
    ]


def test_tile_at_kernel_level():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    let t = load x[i * 16 : +16, :];
}
"""
    assert _errors(text) == [
        "bad.pdsl:3:13: error: load runs on a core: move it into `aic { }` or `aiv { }`",
    ]


# ---- GM tensors: directions and slices


def test_load_from_out():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], exp(load y[i * 16 : +16, :]);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:39: error: cannot load from 'y': it is an output (`out`)",
    ]


def test_store_to_in():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store x[i * 16 : +16, :], exp(load x[i * 16 : +16, :]);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:9: error: cannot store to 'x': it is an input (`in`)",
    ]


def test_read_scalar_from_out():
    text = """\
kernel k(x: in f32[n, 64], y: out i32[n]) {
    grid (i) = (y[0]) on 4 blocks;
}
"""
    assert _errors(text) == [
        "bad.pdsl:2:17: error: cannot read 'y': it is an output (`out`)",
    ]


def test_store_shape_mismatch():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, 0 : +32], load x[i * 16 : +16, :];
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:9: error: store: the slice of 'y' is f32[16, 32], the tile is f32[16, 64]",
    ]


def test_store_dtype_mismatch():
    text = """\
kernel k(x: in f32[n, 64], y: out bf16[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], load x[i * 16 : +16, :];
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:9: error: store: 'y' holds bf16, the tile is f32; cast it first",
    ]


def test_slice_sizes_that_are_not_integers():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let row = fill(f32[8, 1], 0.0);
        let a = load x[0 : +rows, :];
        let b = load x[0 : row + 1, :];
        let c = load x[0 : +2.5, :];
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:29: error: 'rows' is not defined",
        "bad.pdsl:6:24: error: a slice size must be a scalar, got a tile f32[8, 1]",
        "bad.pdsl:7:29: error: a slice size must be an integer, got f32",
    ]


def test_load_of_3d_slice():
    text = """\
kernel k(x: in f32[b, n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], load x[:, i * 16 : +16, :];
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:4:35: error: a load moves a 2-D tile, this slice of 'x' has 3 dimensions "
         "(index the others with a single value)"),
    ]


# ---- Pipes


def test_tpush_from_consumer():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split rows;
    aiv {
        tpush p, load x[i * 16 + lane * 8 : +8, :];
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:5:9: error: tpush on pipe 'p' from the aiv side: the pipe carries tiles from "
         "aic to aiv, so only aic pushes"),
    ]


def test_tpop_on_producer():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aiv -> aic f32[16, 64] depth 2 split rows;
    aiv {
        let t = tpop p;
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:5:17: error: tpop on pipe 'p' from the aiv side: the pipe carries tiles from "
         "aiv to aic, so only aic pops"),
    ]


def test_tpush_dtype_differs():
    text = """\
kernel k(a: in bf16[n, 64], b: in bf16[64, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv bf16[16, 64] depth 2 split rows;
    aic {
        tpush p, matmul(load a[i * 16 : +16, :], load b[:, :]);
    }
    aiv {
        store y[i * 16 + lane * 8 : +8, :], cast<f32>(tpop p);
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:9: error: tpush: pipe 'p' carries bf16[16, 64], got f32[16, 64]",
    ]


def test_tpush_full_tile_on_split_pipe():
    text = """\
kernel k(x: in f32[n, 64], w: in f32[64, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aiv -> aic f32[16, 64] depth 2 split rows;
    aiv {
        tpush p, load x[i * 16 : +16, :];
    }
    aic {
        store y[i * 16 : +16, :], tpop p;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:5:9: error: tpush: pipe 'p' carries f32[8, 64] per lane, got f32[16, 64]",
    ]


def test_tpop_split_half_stored_as_full():
    text = """\
kernel k(a: in bf16[n, 64], b: in bf16[64, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split rows;
    aic {
        tpush p, matmul(load a[i * 16 : +16, :], load b[:, :]);
    }
    aiv {
        store y[i * 16 : +16, :], tpop p;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:8:9: error: store: the slice of 'y' is f32[16, 64], the tile is f32[8, 64]",
    ]


def test_push_pop_counts_differ():
    text = """\
kernel k(a: in bf16[n, 64], b: in bf16[64, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split rows;
    aic {
        for j in 0 .. 4 {
            tpush p, matmul(load a[i * 16 : +16, :], load b[:, :]);
        }
    }
    aiv {
        store y[i * 16 + lane * 8 : +8, :], tpop p;
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:3:10: error: pipe 'p': aic pushes 4 tiles, but aiv pops 1 tile; every "
         "tile pushed must be popped"),
    ]


def test_pop_only_under_if():
    text = """\
kernel k(a: in bf16[n, 64], b: in bf16[64, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split rows;
    aic {
        tpush p, matmul(load a[i * 16 : +16, :], load b[:, :]);
    }
    aiv {
        if i > 0 {
            store y[i * 16 + lane * 8 : +8, :], tpop p;
        }
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:3:10: error: pipe 'p': aic pushes 1 tile, but aiv pops 1 tile if (i > 0); "
         "every tile pushed must be popped"),
    ]


def test_pipe_shape_not_known_at_compile_time():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64], rows: i32) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[rows, 64] depth 2 split rows;
    aic {
        tpush p, load x[i * 16 : +16, :];
    }
    aiv {
        store y[i * 16 + lane * 8 : +8, :], tpop p;
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:3:28: error: a tile dimension must be known at compile time, but 'rows' is "
         "not: use constants and specialisations, or fix a shape dimension with "
         "`require dim == N`"),
    ]


def test_pipe_aic_to_aic():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aic f32[16, 64] depth 2 split none;
}
"""
    assert _errors(text) == [
        ("bad.pdsl:3:10: error: pipe 'p' must go from one core to the other (aic -> aiv or aiv "
         "-> aic)"),
    ]


def test_pipe_aiv_to_aic_not_split():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aiv -> aic bf16[16, 64] depth 2 split none;
}
"""
    assert _errors(text) == [
        ("bad.pdsl:3:10: error: pipe 'p': an aiv -> aic pipe must be `split rows` (each lane "
         "pushes its half of the cube's tile)"),
    ]


def test_pipe_odd_rows_split():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[15, 64] depth 2 split rows;
}
"""
    assert _errors(text) == [
        "bad.pdsl:3:10: error: pipe 'p' is split by rows but has 15 rows, an odd number",
    ]


def test_pipe_tile_not_2d():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16] depth 2 split rows;
    aiv {
        store y[i * 16 : +8, :], tpop p;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:3:10: error: a tile has 2 dimensions, [rows, cols]; this one has 1",
    ]


# ---- Kernel structure


def test_grid_missing():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    aiv {
        store y[0 : +16, :], load x[0 : +16, :];
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:1:8: error: the kernel declares no grid: add `grid (i) = (extent) on N blocks;`",
    ]


def test_grid_extent_count():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i, j) = (n / 16) on 4 blocks;
}
"""
    assert _errors(text) == [
        "bad.pdsl:2:5: error: the grid names 2 dimensions but gives 1 extent",
    ]


def test_specialisation_without_rule():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64])
specialize tile in {16, 32};
{
    grid (i) = (n / tile) on 4 blocks;
}
"""
    assert _errors(text) == [
        ("bad.pdsl:2:12: error: specialisation 'tile' has no rule and is not a tensor "
         "dimension: write `= expression` or use it in a tensor shape"),
    ]


def test_if_condition_not_comparison():
    text = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64], s: f32) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        if s {
            store y[i * 16 : +16, :], load x[i * 16 : +16, :];
        }
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:4:12: error: an `if` condition must be a comparison, got f32",
    ]


def test_require_equal_to_a_float_does_not_fix_a_dimension():
    text = """\
kernel k(x: in f32[n, d], y: out f32[n, d])
require d == inf;
{
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], load x[i * 16 : +16, :];
    }
}
"""
    assert _errors(text) == [
        ("bad.pdsl:6:31: error: a tile dimension must be known at compile time, but 'd' is not: "
         "use constants and specialisations, or fix a shape dimension with `require dim == N`"),
        ("bad.pdsl:6:56: error: a tile dimension must be known at compile time, but 'd' is not: "
         "use constants and specialisations, or fix a shape dimension with `require dim == N`"),
    ]


def test_a_part_row_offset_of_the_lane_outside_the_tile_in_one_lane():
    text = """\
kernel k(x: in f32[8, 64], y: out f32[16, 64]) {
    grid (i) = (1) on 1 blocks;
    aiv {
        let t = load x[:, :];
        var u = t;
        let r = lane * 4;
        u[r : +8, 0 : +16] = t[0 : +8, 0 : +16];
        store y[lane * 8 : +8, :], u;
    }
}
"""
    assert _errors(text) == [
        "bad.pdsl:7:11: error: the part's rows 4 .. 12 in lane 1 are outside f32[8, 64] (8 rows)",
    ]
