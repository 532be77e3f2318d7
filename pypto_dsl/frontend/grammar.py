"""The grammar (grammar.lark, shipped in the package) as a Lark LALR parser, built once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lark import Lark


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    grammar = (Path(__file__).parent.parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True,
                maybe_placeholders=True)
