"""Front end: .pdsl text to typed IR (parse, then check)."""

from __future__ import annotations

from .. import ir
from ..diagnostics import CompileError, SourceFile, remember_source
from ..platform import DEFAULT
from ..sources import MAX_KERNEL_BYTES, read_kernel_file
from .checker import check
from .parser import parse, parse_recovering

def load_kernel(path: str, target: str = DEFAULT) -> ir.Kernel:
    """The typed IR of the kernel in `path` for `target`; raises CompileError with every
    error, or UserError when the file cannot be read (read_kernel_file)."""
    return compile_text(read_kernel_file(path), path, target)


def compile_text(text: str, filename: str = "<input>", target: str = DEFAULT) -> ir.Kernel:
    """The typed IR of `text` for `target` (platform.py); raises CompileError with every
    syntax and semantic error.

    A file whose only syntax errors are missing ';'s is still checked, so its other errors are
    reported with them."""
    source = SourceFile(filename, text)
    remember_source(filename, text)
    kernel, errors = parse_recovering(text, filename)
    if kernel is not None:
        try:
            typed = check(kernel, source, target)
        except CompileError as error:
            errors = errors + error.diagnostics
        else:
            if not errors:
                return typed
    raise CompileError(errors, source)


__all__ = ["load_kernel", "read_kernel_file", "MAX_KERNEL_BYTES", "compile_text", "parse",
           "check"]
