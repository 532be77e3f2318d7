"""The kernels of docs/examples/ are real: each checks, compiles into a scene-test directory
that carries its golden, and passes `pypto-dsl run --check` on every case of its golden (the
hardware-only ones too: the interpreter runs them, only slower)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pypto_dsl import goldens
from pypto_dsl.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
KERNELS = sorted(EXAMPLES.glob("*.pdsl"))
CASES = [pytest.param(kernel, case, id=f"{kernel.stem}:{case}") for kernel in KERNELS
         for case in goldens.for_kernel(kernel).cases]


def test_there_are_examples():
    assert KERNELS and len(CASES) >= len(KERNELS)


@pytest.mark.parametrize("kernel", KERNELS, ids=[k.stem for k in KERNELS])
def test_an_example_checks(kernel, capsys):
    assert (main(["check", str(kernel)]), capsys.readouterr().out) == (0, f"{kernel}: ok\n")


@pytest.mark.parametrize("kernel", KERNELS, ids=[k.stem for k in KERNELS])
def test_an_example_compiles_with_its_golden(kernel, tmp_path):
    assert main(["compile", str(kernel), "-o", str(tmp_path)]) == 0

    directory = tmp_path / kernel.stem
    assert (directory / "golden.py").read_text() == goldens.path_for(kernel).read_text()
    assert (directory / f"test_{kernel.stem}.py").is_file()


@pytest.mark.parametrize("kernel, case", CASES)
def test_every_case_of_an_example_passes_its_golden(kernel, case, capsys):
    code = main(["run", str(kernel), "--case", case, "--check"])

    assert (code, capsys.readouterr().out.rstrip().rsplit(": ", 1)[-1]) == (0, "PASS")


def test_the_worked_example_in_docs_goldens_md_is_the_file():
    shown = (EXAMPLES.parent / "goldens.md").read_text(encoding="utf-8")
    kernel = EXAMPLES / "scaled_add.pdsl"

    assert f"```pdsl\n{kernel.read_text()}```" in shown
    assert f"```python\n{goldens.path_for(kernel).read_text()}```" in shown
