"""Front end: .pdsl text to typed IR (parse, then check)."""

from __future__ import annotations

from .. import ir
from ..diagnostics import CompileError, SourceFile, remember_source
from ..errors import UserError
from ..platform import DEFAULT
from .checker import check
from .parser import parse, parse_recovering

# A kernel is a page of text; the limit keeps `check /dev/zero` or a mistyped path to a data
# file from reading gigabytes before the parser rejects them.
MAX_KERNEL_BYTES = 1 << 20


def read_kernel_file(path: str) -> str:
    """The text of the kernel file `path`; a UserError with a one-line message when it cannot
    be read, is not UTF-8 or is larger than MAX_KERNEL_BYTES. `check`, `run` and `compile` all
    read kernels here. Non-regular files (pipes, devices) are read up to the limit only."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KERNEL_BYTES + 1)
    except OSError as error:
        raise UserError(f"{path}: error: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_KERNEL_BYTES:
        raise UserError(f"{path}: error: cannot read: larger than "
                        f"{MAX_KERNEL_BYTES >> 20} MiB, the limit for a kernel file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: error: cannot read: not UTF-8 text (byte {error.start})"
                        ) from None


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


__all__ = ["load_kernel", "read_kernel_file", "compile_text", "parse", "check"]
