"""Formatting and writing a generated directory.

C++ goes through clang-format (the binary of the `clang-format` wheel, falling back to PATH)
with the package's style file (`pypto_dsl/style.clang-format`) passed explicitly, so the result
does not depend on the working directory or on where the package is installed. A directory is
written into a temporary sibling and then swapped in by renames, so a failed or interrupted
compile never leaves a partial directory, an earlier good build stays in place until the new one
is complete, and two compiles into one directory at the same moment both succeed
(write_directory).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from ..errors import UserError

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
    return format_all({filename: text})[filename]


def format_all(sources: dict) -> dict:
    """filename -> formatted text of every C++ source in `sources`: one clang-format process
    each, all running at once (formatting, not start-up, is what they spend their time on)."""
    binary = clang_format_binary()
    running = {name: subprocess.Popen(
        [binary, f"--style=file:{STYLE}", f"--assume-filename={name}"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in sources}
    out = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(sources[name])
        if process.returncode != 0:
            raise RuntimeError(f"clang-format failed on {name}: {stderr.strip()}")
        out[name] = stdout
    return out


def write_kernel(files: dict, out_dir: str, name: str) -> Path:
    """Write `files` as `out_dir/<name>/`, replacing it whole; returns that directory."""
    directory = Path(out_dir) / name
    try:
        write_directory(files, directory)
    except OSError as error:
        # The failing path is usually a staging file the user never sees: name the target.
        raise UserError(f"{directory}: error: cannot write: {error.strerror or error}") from None
    return directory


def write_directory(files: dict, target: Path) -> None:
    """Write `files` (relative path -> text) as the directory `target`, replacing it whole.

    The files go into a hidden staging sibling, which is then renamed to `target`; an existing
    `target` is first moved into a hidden retired sibling, removed at the end. Two writers of
    one target at the same moment both succeed: each moves aside whatever is there and renames
    its own complete build in, so the build left is one writer's, never a mix. When the write
    fails, or SIGTERM or SIGINT arrives during it, the hidden directories are removed and an
    earlier build that was moved aside is put back."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _unwinding_on_termination():
        staging = retired = None
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            for relative in sorted(files):
                path = staging / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(files[relative], encoding="utf-8")
            os.chmod(staging, 0o755)
            _rename_over(staging, target, retired)
        except BaseException:
            if retired is not None:
                _put_back(retired, target)
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            if retired is not None:
                shutil.rmtree(retired, ignore_errors=True)


# A failed try means that another writer's build went in between our moving the old one aside
# and renaming ours in; 64 tries outlast any realistic number of simultaneous compiles.
RENAME_TRIES = 64


def _rename_over(staging: Path, target: Path, retired: Path) -> None:
    """Rename `staging` to `target`, moving whatever is at `target` into `retired` first (as
    retired/0, retired/1, ... in the order they were moved)."""
    for attempt in range(RENAME_TRIES):
        try:
            os.rename(staging, target)  # replaces an absent or empty `target` atomically
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        try:
            os.rename(target, retired / str(attempt))
        except FileNotFoundError:
            pass  # another writer moved it aside first: try again
    raise OSError(errno.EBUSY, f"other writers kept replacing it ({RENAME_TRIES} tries)",
                  str(target))


def _put_back(retired: Path, target: Path) -> None:
    """After a failed write: the build last moved aside back at `target`, unless a concurrent
    writer has put its own there."""
    moved = sorted(retired.iterdir(), key=lambda p: int(p.name))
    if moved and not target.exists():
        try:
            os.rename(moved[-1], target)
        except OSError:
            pass  # a concurrent writer got there first: its build stands


class _Terminated(BaseException):
    """SIGTERM or SIGINT arrived while a directory was being written."""


@contextmanager
def _unwinding_on_termination():
    """Within the block SIGTERM and SIGINT raise `_Terminated`, so that `write_directory`
    removes its hidden directories; then the process ends by the signal as it would have
    (a Python handler that was installed, such as SIGINT's KeyboardInterrupt, runs instead).
    Handlers belong to the main thread, so another thread's write is not covered."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = (signal.SIGTERM, signal.SIGINT)
    previous = {s: signal.getsignal(s) for s in caught}

    def terminate(signum, frame):
        for s in caught:  # a second signal must not interrupt the clean-up
            signal.signal(s, signal.SIG_IGN)
        raise _Terminated(signum)

    for s in caught:
        if previous[s] is not signal.SIG_IGN:
            signal.signal(s, terminate)
    try:
        yield
    except _Terminated as terminated:
        _restore(previous)
        signal.raise_signal(terminated.args[0])
        raise SystemExit(128 + terminated.args[0]) from None  # the previous handler returned
    finally:
        _restore(previous)


def _restore(handlers: dict) -> None:
    for signum, handler in handlers.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
