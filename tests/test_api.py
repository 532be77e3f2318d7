"""The Python API: the README's example runs as it is, and one exception type carries every
user error."""

from __future__ import annotations

import re

import pytest

import pypto_dsl
from codegen_support import ROOT


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)

    exec(compile(_readme_example(), "README.md", "exec"), {})

    out = capsys.readouterr().out
    assert "['README.md', 'kernels', 'test_scale_rows.py']" in out
    assert "broken.pdsl:1:" in out and "error:" in out
    assert (tmp_path / "build" / "scale_rows" / "kernels" / "aiv" / "scale_rows_aiv.cpp").exists()


def test_every_user_error_is_a_pypto_dsl_error():
    kernel = pypto_dsl.Kernel.from_file(ROOT / "kernels" / "gemm_epilogue.pdsl")

    with pytest.raises(pypto_dsl.Error, match="missing input 'a'"):
        kernel.run({})
    with pytest.raises(pypto_dsl.Error, match="has no case 'nope'"):
        kernel.run_case("nope")


def test_a_kernels_golden_case_runs_through_the_api():
    kernel = pypto_dsl.Kernel.from_file(ROOT / "kernels" / "gemm_epilogue.pdsl")

    assert kernel.run_case("tiny_m32_k64_n128").passed
