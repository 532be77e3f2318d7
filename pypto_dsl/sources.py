"""Reading a kernel file: the one reader `check`, `run`, `compile` and results.py use.

Kept apart from the front end, which it serves, so that reading a kernel imports nothing of
the compiler (an unchanged kernel's result is found without the front end, results.py).
"""

from __future__ import annotations

from .errors import UserError

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
