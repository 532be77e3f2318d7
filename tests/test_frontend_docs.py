"""The examples of docs/language.md, docs/goldens.md and README.md are real: every ```pdsl block
passes `pypto-dsl check` (the front end and every lowering pass), and the diagnostics shown after a ```pdsl error block (the front end's) or a ```pdsl
lowering-error block (the lowering passes', on a kernel the front end accepts) are exactly what
the compiler prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.passes import lower

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "docs" / "language.md", ROOT / "docs" / "goldens.md", ROOT / "README.md"]
BLOCK = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.M | re.S)


def _blocks(kind: str) -> list:
    """(doc, info string, text, the text of the block after it) of every block of `kind`."""
    found = []
    for doc in DOCS:
        blocks = BLOCK.findall(doc.read_text(encoding="utf-8"))
        for index, (info, text) in enumerate(blocks):
            if info.strip() == kind:
                following = blocks[index + 1][1] if index + 1 < len(blocks) else ""
                found.append(pytest.param(text, following, id=f"{doc.name}:{_title(text)}"))
    return found


def _title(text: str) -> str:
    match = re.search(r"kernel (\w+)", text)
    return match.group(1) if match else text.splitlines()[0]


@pytest.mark.parametrize("text, following", _blocks("pdsl"))
def test_example_kernel_checks(text, following):
    lower(compile_text(text, "example.pdsl"))  # what `pypto-dsl check` does


@pytest.mark.parametrize("text, following", _blocks("pdsl error"))
def test_example_errors_are_printed_as_shown(text, following):
    with pytest.raises(CompileError) as raised:
        compile_text(text, "bad.pdsl")

    assert str(raised.value) + "\n" == following


@pytest.mark.parametrize("text, following", _blocks("pdsl lowering-error"))
def test_example_lowering_errors_are_printed_as_shown(text, following):
    checked = compile_text(text, "bad.pdsl")

    with pytest.raises(CompileError) as raised:
        lower(checked)

    assert str(raised.value) + "\n" == following


def test_the_language_reference_has_examples():
    assert len(_blocks("pdsl")) >= 8 and len(_blocks("pdsl error")) >= 1
