"""Results of `check` and `compile` kept for a kernel that has not changed (the ccache habit).

`make` compiles every kernel after each edit of one; an unchanged kernel gets the answer of
its last successful check or compile back without parsing, lowering, rendering or formatting.
A result is keyed by everything that can change it: the kernel's bytes and file name, the
golden that goes with it, the target, and the compiler itself (`fingerprint`: the size and
modification time of every source, template and grammar of the package, and of the Jinja2,
Lark and clang-format installations). Only successes are kept: an error is always found again,
so its message is never stale. The entries live in `results/` of the cache directory
(pypto_dsl/cache.py; `PYPTO_DSL_CACHE=off` turns this off too); the oldest go beyond
MAX_ENTRIES. A missing, unreadable or corrupt entry is a miss, never an error.

This module imports nothing of the compiler, so a hit costs the start-up of Python and the
reading of the kernel.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from . import cache
from .errors import UserError
from .sources import read_kernel_file

PACKAGE = Path(__file__).resolve().parent
# The installations whose upgrade can change generated text.
DEPENDENCIES = ("jinja2", "lark", "clang_format")
MAX_ENTRIES = 512


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash that changes when any file the compiler reads its behaviour from changes."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(PACKAGE, followlinks=True):  # templates/ is a link
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".j2", ".lark", ".clang-format")):
                _stamp(digest, os.path.join(root, name))
    for module in DEPENDENCIES:
        spec = importlib.util.find_spec(module)
        _stamp(digest, spec.origin if spec is not None and spec.origin else module)
    return digest.hexdigest()


def _stamp(digest, path: str) -> None:
    try:
        status = os.stat(path)
        digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    except OSError:
        digest.update(f"{path}\0missing\n".encode())


def key(kind: str, *parts) -> str:
    """The entry name of a `kind` result that depends on `parts` (str, bytes or None)."""
    digest = hashlib.sha256(f"{kind}\0{fingerprint()}".encode())
    for part in parts:
        data = b"\1" if part is None else part if isinstance(part, bytes) else str(part).encode()
        digest.update(len(data).to_bytes(8, "little") + data)
    return f"{kind}-{digest.hexdigest()}"


def read_input(path) -> str | None:
    """The text of the regular file `path` as the compiler reads it (sources.py: size-limited,
    UTF-8), or None when it is absent, unreadable or not a regular file (a pipe can be read
    once only): the command then goes the whole way and reports what is wrong."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        return read_kernel_file(str(path))
    except (OSError, UserError):
        return None


def _folder() -> Path | None:
    base = cache.directory()
    return None if base is None else base / "results"


def load(entry: str):
    """The JSON value stored as `entry`, or None."""
    folder = _folder()
    if folder is None:
        return None
    try:
        return json.loads((folder / entry).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store(entry: str, value) -> None:
    """Keep `value` (JSON) as `entry`; a directory that cannot be written keeps nothing."""
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=".entry-", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out)
        os.replace(staging, folder / entry)  # readers see a whole entry or none
        _evict(folder)
    except OSError:
        return


def _evict(folder: Path) -> None:
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:len(entries) - MAX_ENTRIES]:
        old.unlink(missing_ok=True)
