"""Symbols and scopes of the checker: what a name is, and where it is visible."""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from .. import walk

# How each kind of symbol reads in a message.
KIND_WORDS = {
    "tensor": "a tensor", "scalar_param": "a scalar parameter", "shape": "a shape dimension",
    "spec": "a specialisation", "grid": "a grid index", "let": "a `let` binding",
    "var": "a `var`", "loop": "a loop variable", "lane": "the lane index", "pipe": "a pipe",
}



@dataclass(frozen=True)
class Symbol:
    kind: str  # tensor | scalar_param | shape | spec | grid | let | var | loop | lane | pipe
    type: object = None
    static: ir.Expr | None = None  # compile-time value, for static scalars
    core: str | None = None  # core whose body defined it (None: both)
    ir_name: str = ""  # the name in the IR when it differs (a core's second binding site)
    by_lane: tuple = ()  # a scalar `let` of the lane: its compile-time value in lane 0, lane 1


class Scope:
    def __init__(self, parent: "Scope | None" = None):
        self.parent = parent
        self.names: dict[str, Symbol] = {}

    def lookup(self, name: str) -> Symbol | None:
        scope = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def defined_names(stmts: tuple) -> set:
    """The names that `let`, `var` and loops define anywhere in `stmts`."""
    names = set()
    for stmt in walk.walk_stmts(stmts):
        if isinstance(stmt, ir.Let):
            names.add(stmt.name)
        elif isinstance(stmt, (ir.For, ir.PipelinedFor)):
            names.add(stmt.var)
    return names
