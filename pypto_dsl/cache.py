"""Where pypto-dsl keeps what it builds once and reuses in later processes: the Lark parser
tables (frontend/grammar.py) and the compiled Jinja2 templates (codegen). Both are keyed by a
hash of their sources (Lark and Jinja2 check it), so a changed grammar or template is rebuilt.

The directory is $PYPTO_DSL_CACHE, else $XDG_CACHE_HOME/pypto-dsl, else ~/.cache/pypto-dsl;
`PYPTO_DSL_CACHE=off` turns caching off. A directory that cannot be created or written is
no cache (everything is built in the process, as without one), never an error.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def directory() -> Path | None:
    chosen = os.environ.get("PYPTO_DSL_CACHE")
    if chosen == "off":
        return None
    if chosen:
        path = Path(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "pypto-dsl"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None
