"""Formatting and writing a generated directory.

C++ goes through clang-format (the binary of the `clang-format` wheel next to the running
Python, falling back to PATH) with the repository's `.clang-format` passed explicitly, so the
result does not depend on the working directory. A directory is written into a temporary
sibling and then swapped in by renames, so a failed compile never leaves a partial directory
and an earlier good build stays in place until the new one is complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STYLE = REPO / ".clang-format"
TEMPLATES = REPO / "templates"


def clang_format_binary() -> str:
    beside = Path(sys.executable).with_name("clang-format")
    if beside.exists():
        return str(beside)
    found = shutil.which("clang-format")
    if found is None:
        raise RuntimeError("clang-format not found: install the `clang-format` wheel "
                           "(pip install -e '.[test]' does)")
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
