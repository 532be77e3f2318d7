"""An unchanged kernel's check and compile are answered from results.py; any change to the
kernel, its golden or the compiler gives a fresh answer. Each test runs the command line in a
new process with its own cache directory, as a user's repeated `make` would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pypto_dsl import results

ROOT = Path(__file__).parent.parent

# Runs the CLI, then says whether the front end was imported (a remembered result needs none).
RUN = """
import sys
from pypto_dsl import cli
code = cli.main(sys.argv[1:])
print("front end imported" if "pypto_dsl.frontend" in sys.modules else "front end not imported")
sys.exit(code)
"""


def _cli(cache: Path, *args) -> subprocess.CompletedProcess:
    env = os.environ | {"PYPTO_DSL_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def _kernel(tmp_path: Path) -> Path:
    """gemm_epilogue and its golden, copied where the test may edit them."""
    for name in ("gemm_epilogue.pdsl", "gemm_epilogue.golden.py"):
        shutil.copy(ROOT / "kernels" / name, tmp_path / name)
    return tmp_path / "gemm_epilogue.pdsl"


def _files(directory: Path) -> dict:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_a_second_compile_of_an_unchanged_kernel_writes_the_same_files_without_the_front_end(
        tmp_path):
    kernel = _kernel(tmp_path)
    first = _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "a"))
    second = _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "b"))

    assert (first.returncode, second.returncode) == (0, 0)
    assert "front end imported" in first.stdout and "front end not imported" in second.stdout
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_a_second_check_of_an_unchanged_kernel_does_not_parse_it(tmp_path):
    kernel = _kernel(tmp_path)
    _cli(tmp_path / "cache", "check", str(kernel))

    second = _cli(tmp_path / "cache", "check", str(kernel))

    assert second.returncode == 0
    assert second.stdout.splitlines() == [f"{kernel}: ok", "front end not imported"]


def test_an_edited_kernel_is_checked_again_and_its_error_reported(tmp_path):
    kernel = _kernel(tmp_path)
    _cli(tmp_path / "cache", "check", str(kernel))
    kernel.write_text(kernel.read_text().replace("kernel gemm_epilogue(", "kernel gemm_epilogue(("))

    second = _cli(tmp_path / "cache", "check", str(kernel))

    assert second.returncode == 1 and f"{kernel.name}:" in second.stderr


def test_an_edited_golden_goes_into_the_next_compile(tmp_path):
    kernel = _kernel(tmp_path)
    _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "out"))
    golden = tmp_path / "gemm_epilogue.golden.py"
    golden.write_text(golden.read_text() + "\n# edited\n")

    again = _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "out"))

    assert again.returncode == 0 and "front end imported" in again.stdout
    assert (tmp_path / "out" / "gemm_epilogue" / "golden.py").read_text().endswith("# edited\n")


def test_a_corrupt_entry_is_a_miss(tmp_path):
    kernel = _kernel(tmp_path)
    _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "a"))
    for entry in (tmp_path / "cache" / "results").iterdir():
        entry.write_text("{not json")

    again = _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "b"))

    assert again.returncode == 0 and "front end imported" in again.stdout
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_the_fingerprint_changes_when_a_compiler_source_changes(tmp_path, monkeypatch):
    package = tmp_path / "package"
    package.mkdir()
    (package / "pass.py").write_text("x = 1\n")
    monkeypatch.setattr(results, "PACKAGE", package)
    results.fingerprint.cache_clear()
    before = results.fingerprint()
    (package / "pass.py").write_text("x = 22\n")
    results.fingerprint.cache_clear()

    after = results.fingerprint()
    results.fingerprint.cache_clear()

    assert before != after


def test_compile_with_another_golden_copies_that_golden_not_the_remembered_one(tmp_path):
    kernel = _kernel(tmp_path)
    other = tmp_path / "other.golden.py"
    other.write_text((tmp_path / "gemm_epilogue.golden.py").read_text() + "# another golden\n")
    _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "a"))

    second = _cli(tmp_path / "cache", "compile", str(kernel), "-o", str(tmp_path / "b"),
                  "--golden", str(other))

    assert (second.returncode, (tmp_path / "b" / "gemm_epilogue" / "golden.py").read_text()) == (
        0, other.read_text())
