"""`pypto-dsl compile` as a user meets it: every kernel is compiled and every failure reported
in one line (exit 1), whatever is wrong with the kernel files or the output directory; a
traceback is never the answer to bad input."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from codegen_support import kernel_path
from pypto_dsl.cli import main

GOOD = str(kernel_path("gemm_epilogue"))


def _compile(capsys, *args) -> tuple:
    code = main(["compile", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_kernel_is_compiled_and_every_failure_reported(tmp_path, capsys):
    (tmp_path / "binary.pdsl").write_bytes(b"kernel \xff\xfe")

    code, out, err = _compile(capsys, tmp_path / "missing.pdsl", tmp_path / "binary.pdsl", GOOD,
                              "-o", tmp_path / "build")

    assert (code, out, err) == (1, f"{GOOD}: wrote {tmp_path}/build/gemm_epilogue/\n",
                                f"{tmp_path}/missing.pdsl: error: cannot read: No such file "
                                "or directory\n"
                                f"{tmp_path}/binary.pdsl: error: cannot read: not UTF-8 text "
                                "(byte 7)\n")


def test_an_output_directory_that_is_a_file_is_one_message(tmp_path, capsys):
    (tmp_path / "taken").write_text("")

    code, out, err = _compile(capsys, GOOD, "-o", tmp_path / "taken")

    assert (code, out, err) == (1, "", f"{tmp_path}/taken: error: cannot write the output: "
                                       f"{tmp_path}/taken is not a directory\n")


def test_an_output_directory_under_a_file_is_one_message(tmp_path, capsys):
    (tmp_path / "taken").write_text("")

    code, out, err = _compile(capsys, GOOD, "-o", tmp_path / "taken" / "build")

    assert (code, err) == (1, f"{tmp_path}/taken/build: error: cannot write the output: "
                              f"{tmp_path}/taken is not a directory\n")


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EFBIG, errno.EACCES, errno.EROFS])
def test_a_write_that_fails_keeps_the_earlier_build_and_is_one_message(number, tmp_path, capsys,
                                                                        monkeypatch):
    assert _compile(capsys, GOOD, "-o", tmp_path)[0] == 0
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    def fail(self, *args, **kwargs):  # a full disk, a file size limit, a read-only mount
        if tmp_path in self.parents:
            raise OSError(number, os.strerror(number), str(self))
        return write_text(self, *args, **kwargs)

    write_text = Path.write_text

    monkeypatch.setattr(Path, "write_text", fail)
    code, out, err = _compile(capsys, GOOD, "-o", tmp_path)

    assert (code, err) == (1, f"{tmp_path}/gemm_epilogue: error: cannot write: "
                              f"{os.strerror(number)}\n")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


COPY = """\
kernel copy(x: in f32[16, 64], y: out f32[16, 64])
{
    grid (i) = (1) on 1 blocks;
    aiv { store y[lane * 8 : +8, :], load x[lane * 8 : +8, :]; }
}
"""


def test_a_golden_that_is_not_python_is_reported_against_the_authors_file(tmp_path, capsys):
    (tmp_path / "copy.pdsl").write_text(COPY)
    (tmp_path / "copy.golden.py").write_text("CASES = []\n\ndef golden(:\n")

    code, out, err = _compile(capsys, tmp_path / "copy.pdsl", "-o", tmp_path / "build")

    assert (code, err) == (1, f"{tmp_path}/copy.golden.py:3: error: the golden is not valid "
                              "Python: invalid syntax\n")


def test_two_kernels_of_one_name_are_not_written_over_each_other(tmp_path, capsys):
    (tmp_path / "copy.pdsl").write_text(Path(GOOD).read_text(encoding="utf-8"), encoding="utf-8")

    code, out, err = _compile(capsys, GOOD, tmp_path / "copy.pdsl", "-o", tmp_path / "build")

    assert (code, out, err) == (1, f"{GOOD}: wrote {tmp_path}/build/gemm_epilogue/\n",
                                f"{tmp_path}/copy.pdsl: error: kernel 'gemm_epilogue' is also in "
                                f"{GOOD}, and both would be written to {tmp_path}/build/"
                                "gemm_epilogue/: rename one or compile them into different "
                                "directories\n")
