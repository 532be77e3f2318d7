"""Front end: .pdsl text to typed IR (parse, then check)."""

from __future__ import annotations

from .. import ir
from ..diagnostics import SourceFile
from .checker import check
from .parser import parse


def load_kernel(path: str) -> ir.Kernel:
    """The typed IR of the kernel in `path`; raises CompileError with every error."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return compile_text(text, path)


def compile_text(text: str, filename: str = "<input>") -> ir.Kernel:
    return check(parse(text, filename), SourceFile(filename, text))


__all__ = ["load_kernel", "compile_text", "parse", "check"]
