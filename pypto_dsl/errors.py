"""Errors a user can cause outside the kernel text: bad inputs, failed launch checks, deadlocks.

Each carries a message that names what was wrong and where (a parameter, a source line, a core);
the CLI prints it and exits 1. Errors located in a kernel file are `diagnostics.CompileError`;
all of them are `Error`s, the one exception type the Python API raises.
"""


class Error(Exception):
    """Every error a user can cause: a bad kernel (diagnostics.CompileError, located), bad
    inputs, a failed launch check, a deadlock. `str()` is the message to show."""


class UserError(Error):
    """A user mistake that is not in the kernel's text."""


class LaunchError(UserError):
    """The inputs do not satisfy the kernel: a require fails, no specialisation matches, a shape
    or dtype is wrong, an index read from GM is out of range."""


class DeadlockError(UserError):
    """No core can make progress; the message lists every blocked core, pipe and source line."""
