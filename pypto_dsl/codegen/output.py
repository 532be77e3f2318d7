"""Formatting and writing a generated directory.

C++ goes through clang-format (the binary of the `clang-format` wheel, falling back to PATH)
with the package's style file (`pypto_dsl/style.clang-format`) passed explicitly, so the result
does not depend on the working directory or on where the package is installed. A directory is written into a temporary
sibling and then swapped in by renames, so a failed compile never leaves a partial directory
and an earlier good build stays in place until the new one is complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

try:
    import clang_format
except ImportError:  # a checkout without the wheel may use a clang-format on PATH
    clang_format = None

PACKAGE = Path(__file__).resolve().parents[1]
STYLE = PACKAGE / "style.clang-format"
TEMPLATES = PACKAGE / "templates"  # package data; in a checkout, a link to templates/


def clang_format_binary() -> str:
    """The binary the `clang-format` wheel ships (its console script would start a Python
    process first), else one on PATH."""
    if clang_format is not None and Path(clang_format.get_executable("clang-format")).exists():
        return clang_format.get_executable("clang-format")
    found = shutil.which("clang-format")
    if found is None:
        raise RuntimeError("clang-format not found: install the `clang-format` wheel "
                           "(pip install pypto-dsl installs it)")
    return found


def format_cpp(text: str, filename: str) -> str:
    result = subprocess.run(
        [clang_format_binary(), f"--style=file:{STYLE}", f"--assume-filename={filename}"],
        input=text, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"clang-format failed on {filename}: {result.stderr.strip()}")
    return result.stdout


def write_directory(files: dict, target: Path) -> None:
    """Write `files` (relative path -> text) as the directory `target`, replacing it whole."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    retired = None
    try:
        for relative in sorted(files):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[relative], encoding="utf-8")
        os.chmod(staging, 0o755)
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rename(target, retired / target.name)
        os.rename(staging, target)
    except BaseException:
        if retired is not None and not target.exists():
            os.rename(retired / target.name, target)  # put the earlier build back
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
