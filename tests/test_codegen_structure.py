"""Structural checks of the generated sources: source-line comments and op coverage."""

import re

import pytest

from codegen_support import CORE_FILES, CORES, KERNELS, generated, kernel_path
from pypto_dsl import ir
from pypto_dsl.frontend import load_kernel
from pypto_dsl.passes import lower
from pypto_dsl import walk

COMMENT = re.compile(r"// (\w+\.pdsl):(\d+)$")


def _statement_lines(kernel, core: str) -> set:
    """Lines of the DSL statements that lowering leaves in `core`'s code (each produces code)."""
    lines = set()
    for stmt in walk.walk_stmts(kernel.body(core)):
        if isinstance(stmt, ir.Dispatch) or getattr(stmt, "span", None) is None:
            continue
        lines.add(stmt.span.line)
    if kernel.grid is not None:
        lines.add(kernel.grid.span.line)
    return lines


def _commented_lines(text: str, source: str) -> set:
    found = set()
    for line in text.splitlines():
        match = COMMENT.search(line)
        if match:
            assert match.group(1) == source, line
            found.add(int(match.group(2)))
    return found


@pytest.mark.parametrize("kernel, phase, core, path", CORE_FILES,
                         ids=[f"{k}/{p + '/' if p else ''}{c}" for k, p, c, _ in CORE_FILES])
def test_every_dsl_statement_line_is_named_in_a_comment(kernel, phase, core, path):
    lowered = lower(load_kernel(str(kernel_path(kernel))))
    lowered = next((p for p in lowered.phases if p.phase == phase), lowered)
    text = generated(kernel)[path]
    assert _statement_lines(lowered, core) <= _commented_lines(text, f"{kernel}.pdsl")


@pytest.mark.parametrize("kernel", KERNELS)
def test_comments_name_only_statement_lines(kernel):
    source = kernel_path(kernel).read_text().splitlines()
    for _, _, path in CORES[kernel]:
        text = generated(kernel)[path]
        for line in _commented_lines(text, f"{kernel}.pdsl"):
            assert source[line - 1].strip() and not source[line - 1].strip().startswith("//")

