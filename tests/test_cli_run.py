"""`pypto-dsl run`: a golden case passes with exit 0; user mistakes exit 1 with one clear
message and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from codegen_support import GOLDENS
from pypto_dsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
ATTENTION = str(ROOT / "kernels" / "paged_attention.pdsl")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pypto_dsl.cli", "run", *args],
                          capture_output=True, text=True, cwd=ROOT)


def _save(path: Path, **changes) -> str:
    golden = GOLDENS["paged_attention"]
    inputs = golden.make_inputs(golden.cases["small_q16_bs128"], seed=0) | changes
    np.savez(path, **inputs)
    return str(path)


def test_a_case_checked_against_its_golden_passes():
    done = _run(ATTENTION, "--case", "ragged_shuffled", "--check", "--seed", "3")

    assert (done.returncode, done.stdout.split(":")[-1].strip()) == (0, "PASS")


def test_inputs_from_npz_are_run_and_outputs_written(tmp_path):
    inputs = _save(tmp_path / "in.npz")

    done = _run(ATTENTION, "--inputs", inputs, "--out", str(tmp_path / "out.npz"), "--check")

    with np.load(tmp_path / "out.npz") as out:
        assert (done.returncode, out["out"].shape) == (0, (3, 16, 128))


def test_a_bad_input_is_one_message_and_exit_1(tmp_path):
    inputs = _save(tmp_path / "in.npz", context_lens=np.zeros(5, np.int32))

    done = _run(ATTENTION, "--inputs", inputs)

    assert (done.returncode, done.stderr) == (
        1, "shape symbol 'batch' is 3 from 'query' dimension 0 but 5 from 'context_lens' "
           "dimension 0\n")


def test_an_unknown_scalar_in_set_is_one_message_and_exit_1(tmp_path):
    done = _run(ATTENTION, "--case", "default", "--set", "temperature=2")

    assert (done.returncode, done.stderr) == (
        1, "--set temperature=2: expected NAME=VALUE with NAME a scalar parameter of "
           "paged_attention (scale)\n")


def test_a_missing_inputs_file_is_one_message_and_exit_1(tmp_path):
    done = _run(ATTENTION, "--inputs", str(tmp_path / "nowhere.npz"))

    assert (done.returncode, "Traceback" in done.stderr, "nowhere.npz: error: cannot read" in
            done.stderr) == (1, False, True)


# ---- files and flags: one line and exit 1, before any work is lost

BIG = """\
kernel big(x: in f32[256, 256], y: out f32[256, 256])
{
    grid (i) = (1) on 1 blocks;
    aiv { store y[:, :], exp(load x[:, :]); }
}
"""


def _main(capsys, *args) -> tuple:
    """(exit code, stderr) of `pypto-dsl run ARGS`, in this process."""
    try:
        code = main(["run", *map(str, args)])
    except SystemExit as done:  # argparse's usage errors
        code = done.code
    return code, capsys.readouterr().err


def _zip_of(path: Path) -> bytes:
    np.savez(path, a=np.arange(64.0))
    return path.read_bytes()


def _npy(path: Path) -> None:
    with open(path, "wb") as handle:
        np.save(handle, np.zeros(3))


@pytest.mark.parametrize("make, message", [
    (_npy, "a .npy file holds one array; give a .npz of the inputs by parameter name "
           "(numpy.savez(path, name=array, ...))"),
    (lambda p: p.write_text("a = 1\n"),
     "not a .npz file; give the inputs by parameter name as numpy.savez(path, name=array, ...) "
     "writes them"),
    (lambda p: np.savez(p), "the .npz holds no arrays; give one per input parameter"),
    (lambda p: p.write_bytes(_zip_of(p)[:200]),
     "a truncated or corrupt .npz: File is not a zip file"),
    (lambda p: p.write_bytes(_zip_of(p).replace(np.arange(64.0).tobytes()[8:16], b"x" * 8)),
     "a truncated or corrupt .npz: Bad CRC-32 for file 'a.npy'"),
    (lambda p: np.savez(p, a=np.array([{}], dtype=object)),
     "it holds Python objects (pickled data); give numeric arrays"),
], ids=["npy", "text", "empty", "truncated", "corrupt", "objects"])
def test_an_inputs_file_that_is_not_a_good_npz_is_one_line(make, message, tmp_path, capsys):
    path = tmp_path / "in.npz"
    make(path)

    assert _main(capsys, ATTENTION, "--inputs", path) == (1, f"{path}: error: {message}\n")


@pytest.mark.parametrize("out, message", [
    ("missing/out.npz", "cannot write: the directory {tmp}/missing does not exist"),
    ("file/out.npz", "cannot write: {tmp}/file is not a directory"),
    (".", "cannot write: it is a directory"),
])
def test_an_output_path_that_cannot_be_written_is_refused_before_the_run(out, message, tmp_path,
                                                                         capsys):
    (tmp_path / "file").write_text("")
    out = tmp_path / out

    # Nothing is run: the inputs do not even exist.
    code, err = _main(capsys, ATTENTION, "--inputs", tmp_path / "none.npz", "--out", out)

    assert (code, err) == (1, f"{out}: error: {message.format(tmp=tmp_path)}\n")


@pytest.mark.parametrize("flag, message", [
    (("--seed", "-1"), "argument --seed: a seed is 0 or more, got -1"),
    (("--blocks", "0"), "argument --blocks: the hardware block count is between 1 and 32767, "
                        "got 0"),
])
def test_a_seed_or_block_count_out_of_range_is_a_usage_error(flag, message, capsys):
    code, err = _main(capsys, ATTENTION, "--case", "default", *flag)

    assert (code, err.splitlines()[-1]) == (1, f"pypto-dsl run: error: {message}")


def test_a_kernel_file_that_is_not_text_is_one_line(tmp_path, capsys):
    (tmp_path / "binary.pdsl").write_bytes(b"\x00\xff kernel")

    assert _main(capsys, tmp_path / "binary.pdsl", "--case", "default") == (
        1, f"{tmp_path}/binary.pdsl: error: cannot read: not UTF-8 text (byte 1)\n")


def test_run_refuses_a_kernel_that_check_refuses(tmp_path, capsys):
    (tmp_path / "big.pdsl").write_text(BIG)
    np.savez(tmp_path / "in.npz", x=np.ones((256, 256), np.float32))

    code, err = _main(capsys, tmp_path / "big.pdsl", "--inputs", tmp_path / "in.npz")

    assert (code, err.splitlines()[0]) == (1, f"{tmp_path}/big.pdsl:4:26: error: UB overflows by "
                                              "328 KB (need 512 KB of 184 KB): live at the peak: "
                                              "the result of load x[:, :] (f32[256, 256], 256 "
                                              "KB), the result of exp(load x[:, :]) (f32[256, "
                                              "256], 256 KB)")


def test_no_lower_checks_runs_it_anyway_with_a_warning(tmp_path, capsys):
    (tmp_path / "big.pdsl").write_text(BIG)
    np.savez(tmp_path / "in.npz", x=np.zeros((256, 256), np.float32))
    out = tmp_path / "out"  # written as named: numpy alone would append `.npz`

    code, err = _main(capsys, tmp_path / "big.pdsl", "--inputs", tmp_path / "in.npz",
                      "--out", out, "--no-lower-checks")

    with np.load(out) as written:
        assert (code, err, written["y"].sum()) == (0, (
            f"{tmp_path}/big.pdsl: warning: --no-lower-checks: the lowering passes' checks "
            "(buffer capacity, pipelining, target limits) are skipped; `check` and `compile` may "
            "reject this kernel\n"), 256 * 256)


PART_AT_RUNTIME_ROW = """\
kernel part_row(x: in f32[8, 64], idx: in i32[2], y: out f32[16, 64])
{
    grid (i) = (1) on 1 blocks;
    aiv {
        let t = load x[:, :];
        var u = t;
        u[idx[lane] : +8, 0 : +16] = t[0 : +8, 0 : +16];
        store y[lane * 8 : +8, :], u;
    }
}
"""


def test_a_part_row_offset_outside_the_tile_at_run_time_is_located_and_exit_1(tmp_path):
    kernel = tmp_path / "part_row.pdsl"
    kernel.write_text(PART_AT_RUNTIME_ROW)
    np.savez(tmp_path / "in.npz", x=np.ones((8, 64), np.float32), idx=np.array([0, 3], np.int32))

    done = _run(str(kernel), "--inputs", str(tmp_path / "in.npz"))

    assert (done.returncode, done.stderr.splitlines()[0]) == (
        1, f"{kernel}:7:9: error: the tile part's rows 3 .. 11 (row offset `idx[lane]`) are "
           "outside the tile's 8 rows in hardware block 0, AIV1, logical block 0 (i=0)")


# ---- a golden must return exactly the kernel's out/inout tensors

COPY = """\
kernel copy(x: in f32[16, 64], y: out f32[16, 64])
{
    grid (i) = (1) on 1 blocks;
    aiv { store y[lane * 8 : +8, :], load x[lane * 8 : +8, :]; }
}
"""

COPY_GOLDEN = """\
import numpy as np
from pypto_dsl.goldens import Case

CASES = [Case("one", {{}}, description="one block")]


def make_inputs(case, seed=0):
    return {{"x": np.ones((16, 64), np.float32), "y": np.zeros((16, 64), np.float32)}}


def golden(inputs):
    return {returned}
"""


@pytest.mark.parametrize("returned, message", [
    ('{"x": inputs["x"]}', "golden() returns 'x', which is not an output of the kernel; its "
                           "outputs are y"),
    ("{}", "golden() leaves out y: it must return every out/inout tensor of the kernel (y)"),
])
def test_a_golden_that_does_not_return_exactly_the_outputs_is_one_line(returned, message,
                                                                        tmp_path):
    (tmp_path / "copy.pdsl").write_text(COPY)
    golden = tmp_path / "copy.golden.py"
    golden.write_text(COPY_GOLDEN.format(returned=returned))

    done = _run(str(tmp_path / "copy.pdsl"), "--check")

    assert (done.returncode, done.stderr) == (1, f"{golden}: {message}\n")
