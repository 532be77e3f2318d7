"""The real kernels through the front end, and `pypto-dsl check` as a user meets it.

The CLI runs in a subprocess, as from a shell: exit 0 when every kernel checks, 1 for any user
error (bad kernel, missing or unreadable file, bad command line) with `file:line:col: error:`
and never a Python traceback; 2 is kept for crashes of the compiler itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pypto_dsl import ir
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.printer import print_kernel
from pypto_dsl.verify import verify

ROOT = Path(__file__).parent.parent
KERNELS = sorted((ROOT / "kernels").glob("*.pdsl"))

BAD = """\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        store y[i * 16 : +16, :], exp(tile);
    }
}
"""


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pypto_dsl.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_the_zoo_has_at_least_twelve_kernels_each_with_its_golden():
    assert len(KERNELS) >= 12
    assert all(path.with_name(path.stem + ".golden.py").is_file() for path in KERNELS)


@pytest.mark.parametrize("path", KERNELS, ids=lambda p: p.stem)
def test_kernel_checks_into_verified_typed_ir(path):
    kernel = load_kernel(str(path))

    assert isinstance(kernel, ir.Kernel) and verify(kernel) == []


def test_check_says_ok_for_each_kernel():
    result = _cli("check", "kernels/gemm_epilogue.pdsl", "kernels/paged_attention.pdsl")

    assert (result.returncode, result.stdout, result.stderr) == (
        0, "kernels/gemm_epilogue.pdsl: ok\nkernels/paged_attention.pdsl: ok\n", "")


def test_dump_ir_prints_the_typed_paged_attention():
    result = _cli("check", "--dump-ir", "kernels/paged_attention.pdsl")

    lines = result.stdout.splitlines()
    assert result.returncode == 0 and set(lines) >= {
        "kernel paged_attention",
        "  specialize q_tile in {16, 64} = ((num_heads >= 64) ? 64 : 16)",
        "  specialize block_size in {64, 128} (from a tensor shape)",
        "  grid (b, t) = (batch, (num_heads / q_tile)) on 24 blocks",
        "  pipe sij: aic -> aiv f32[q_tile, block_size] depth 2 split rows",
        "  pipe oi: aic -> aiv f32[q_tile, 128] depth 2 split rows",
        "    let q: bf16[q_tile, 128] = load query[b, h0 : +q_tile, 0 : +head_dim]",
        "        tpush sij, matmul(q, transpose(load key_cache[kv, 0 : +block_size, 0, "
        "0 : +head_dim]))",
        "        let s: f32[(q_tile / 2), block_size] = muls(pad_cols(tpop sij, valid, -inf), "
        "scale)",
        "        let p: bf16[(q_tile / 2), block_size] = cast(exp(row_sub(s, m_new)), dtype=bf16, "
        "round=round)",
        "        o = add(row_mul(o, alpha), tpop oi)",
    }


def test_dump_ir_prints_the_typed_gemm():
    result = _cli("check", "--dump-ir", "kernels/gemm_epilogue.pdsl")

    lines = result.stdout.splitlines()
    assert result.returncode == 0 and set(lines) >= {
        "  pipe acc_tile: aic -> aiv f32[tm, 128] depth 2 split rows",
        "    var acc: f32[tm, 128] = matmul(load a[r0 : +tm, 0 : +tk], load b[0 : +tk, c0 : +tn])",
        "      acc = matmul_acc(acc, load a[r0 : +tm, (kk * tk) : +tk], "
        "load b[(kk * tk) : +tk, c0 : +tn])",
        "    store out[r : +lane_rows, c0 : +tn], maxs(y, 0.0)",
    }


def test_a_bad_kernel_exits_1_with_a_located_error(tmp_path):
    (tmp_path / "bad.pdsl").write_text(BAD)

    result = _cli("check", "bad.pdsl", cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", "bad.pdsl:4:39: error: 'tile' is not defined\n"
               "            store y[i * 16 : +16, :], exp(tile);\n"
               "                                          ^~~~\n")


def test_good_and_bad_kernels_together_report_both(tmp_path):
    (tmp_path / "bad.pdsl").write_text(BAD)

    result = _cli("check", str(KERNELS[0]), "bad.pdsl", cwd=tmp_path)

    assert (result.returncode, result.stdout.endswith(": ok\n"), result.stderr.splitlines()[0]) \
        == (1, True, "bad.pdsl:4:39: error: 'tile' is not defined")


def test_a_missing_file_exits_1_with_a_clear_message(tmp_path):
    result = _cli("check", "nowhere.pdsl", cwd=tmp_path)

    assert (result.returncode, result.stderr) == (
        1, "nowhere.pdsl: error: cannot read: No such file or directory\n")


def test_a_file_that_is_not_text_exits_1(tmp_path):
    (tmp_path / "binary.pdsl").write_bytes(b"\xff\xfe\x00kernel")

    result = _cli("check", "binary.pdsl", cwd=tmp_path)

    assert (result.returncode, result.stderr) == (
        1, "binary.pdsl: error: cannot read: not UTF-8 text (byte 0)\n")


def test_a_bad_command_line_exits_1_with_usage():
    result = _cli("check")

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "pypto-dsl check: error: the following arguments are required: KERNEL.pdsl")


def test_syntax_errors_exit_1_without_a_traceback(tmp_path):
    (tmp_path / "bad.pdsl").write_text("kernel k(x: in f32[n, 64]) { aiv { let on = ; } @ }")

    result = _cli("check", "bad.pdsl", cwd=tmp_path)

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("bad.pdsl:1:")


# ---- facts of the language that the kernels rely on

def test_require_equal_to_a_constant_fixes_a_shape_dimension():
    kernel = compile_text("""\
kernel k(x: in f32[n, d], y: out f32[n, d])
require d == 64;
{
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = exp(load x[i * 16 : +16, :]);
        store y[i * 16 : +16, :], t;
    }
}
""", "ok.pdsl")

    assert "    let t: f32[16, 64] = exp(load x[(i * 16) : +16, 0 : +d])" in print_kernel(kernel)


def test_a_specialisation_without_a_rule_is_bound_by_a_tensor_shape():
    kernel = compile_text("""\
kernel k(x: in f32[n, cols], y: out f32[n, cols])
specialize cols in {64, 128};
{
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        let t = load x[i * 16 : +16, :];
        store y[i * 16 : +16, :], t;
    }
}
""", "ok.pdsl")

    assert "    let t: f32[16, cols] = load x[(i * 16) : +16, 0 : +cols]" in print_kernel(kernel)


def test_a_range_needs_no_spaces_around_dot_dot():
    kernel = compile_text("""\
kernel k(x: in f32[n, 64], y: out f32[n, 64]) {
    grid (i) = (n / 16) on 4 blocks;
    aiv {
        for j in 0..2 {
            store y[i * 16 + lane * 8 + j * 4 : +4, :], load x[i * 16 + lane * 8 + j * 4 : +4, :];
        }
    }
}
""", "ok.pdsl")

    assert (str(kernel.aiv[0].start), str(kernel.aiv[0].stop)) == ("0", "2")
