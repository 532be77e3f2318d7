"""The README's table of kernels/ cannot drift: one row per kernel, with the cores it runs on
and the line count of its .pdsl file (as `wc -l` counts them)."""

from __future__ import annotations

import re
from pathlib import Path

from pypto_dsl.frontend import load_kernel

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| \[`(\w+)`\]\(kernels/(\w+)\.pdsl\) \| .+ \| (MIX|AIV|AIC) \| (\d+) \|$", re.M)
CORES = {"mix": "MIX", "aiv": "AIV", "aic": "AIC"}


def _table() -> dict:
    """name -> (linked file, cores, lines) of every row of the README's kernels table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {name: (linked, cores, int(lines)) for name, linked, cores, lines in ROW.findall(text)}


def test_the_readme_lists_every_kernel_with_its_cores_and_line_count():
    kernels = sorted((ROOT / "kernels").glob("*.pdsl"))

    actual = {path.stem: (path.stem, CORES[load_kernel(str(path)).launch],
                          path.read_bytes().count(b"\n")) for path in kernels}

    assert _table() == actual
