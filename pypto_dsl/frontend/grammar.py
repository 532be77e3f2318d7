"""The grammar (grammar.lark, shipped in the package) as a Lark LALR parser, built once: per
process (lru_cache), and across processes through Lark's cache (pypto_dsl/cache.py), since
building the LALR tables costs more than the rest of a `check`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import lark
from lark import Lark

from .. import cache


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    grammar = (Path(__file__).parent.parent / "grammar.lark").read_text(encoding="utf-8")
    where = cache.directory()
    stored = str(where / f"lark-{lark.__version__}.pickle") if where is not None else False
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True,
                maybe_placeholders=True, cache=stored)
