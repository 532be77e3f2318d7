"""`pypto-dsl run`: a golden case passes with exit 0; user mistakes exit 1 with one clear
message and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from codegen_support import GOLDENS

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

    assert (done.returncode, "Traceback" in done.stderr, "nowhere.npz: cannot read" in
            done.stderr) == (1, False, True)
