"""`pypto-dsl check` runs the lowering passes too: their errors are located like the checker's."""

import subprocess
import sys
import textwrap

import pytest

from pypto_dsl.cli import main

STAGES_OUT_OF_ORDER = textwrap.dedent("""\
    kernel bad(x: in f32[n, 64], weights: in bf16[64, 64], y: out f32[n, 64])
    {
        grid (g) = (1) on 1 blocks;
        pipe fwd: aiv -> aic bf16[16, 64] depth 2 split rows;
        pipe back: aic -> aiv f32[16, 64] depth 2 split rows;
        aic {
            for j in 0 .. n / 16 {
                tpush back, matmul(tpop fwd, load weights[:, :]);
            }
        }
        aiv {
            var acc = fill(f32[8, 64], 0.0);
            var seen = fill(f32[8, 1], 0.0);
            pipelined for j in 0 .. n / 16 {
                stage first {
                    let v = load x[j * 16 + lane * 8 : +8, :] + seen;
                    tpush fwd, cast<bf16>(v);
                }
                stage second {
                    acc = acc + tpop back;
                    seen = rowsum(acc);
                }
            }
            store y[lane * 8 : +8, :], acc;
        }
    }
    """)


def _check(path, *extra):
    return subprocess.run([sys.executable, "-m", "pypto_dsl.cli", "check", str(path), *extra],
                          capture_output=True, text=True)


def test_a_stage_order_pipelining_cannot_keep_is_a_located_check_error(tmp_path):
    path = tmp_path / "bad.pdsl"
    path.write_text(STAGES_OUT_OF_ORDER)

    result = _check(path)

    assert (result.returncode, result.stderr.splitlines()[:3]) == (1, [
        f"{path}:21:17: error: 'seen' is updated in stage 'second' and read in the earlier "
        "stage 'first': pipelined, 'first' of iteration j+1 runs before 'second' of iteration "
        "j; update it in 'first' instead",
        "                    seen = rowsum(acc);",
        "                    ^~~~",
    ])


def test_dump_ir_after_a_pass_prints_the_lowered_ir():
    result = _check("kernels/gemm_epilogue.pdsl", "--dump-ir", "--after", "insert_syncs")

    assert "sync drain FIX -> S event 7" in result.stdout


def test_a5_is_a_target_with_its_own_capacities(capsys, tmp_path):
    assert main(["compile", "--target", "a5", "kernels/paged_attention.pdsl", "-o",
                 str(tmp_path), "--report"]) == 0

    out = capsys.readouterr().out
    assert "paged_attention on a5: capacity per core L1 512 KB, L0A 64 KB, L0B 64 KB, " \
           "L0C 256 KB, UB 256 KB" in out
    readme = (tmp_path / "paged_attention" / "README.md").read_text()
    assert "**Draft for a5.**" in readme


def test_an_unknown_target_is_a_command_line_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--target", "a9", "kernels/gemm_epilogue.pdsl"])

    assert exit_.value.code == 1
    assert "argument --target: invalid choice: 'a9'" in capsys.readouterr().err


def test_a_kernel_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path, capsys):
    huge = tmp_path / "huge.pdsl"
    huge.write_text("// " + "x" * (1 << 21) + "\n")

    code = main(["check", str(huge), "/dev/zero"])

    assert (code, capsys.readouterr().err) == (1, (
        f"{huge}: error: cannot read: larger than 1 MiB, the limit for a kernel file\n"
        "/dev/zero: error: cannot read: larger than 1 MiB, the limit for a kernel file\n"))
