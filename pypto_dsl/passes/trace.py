"""Running a lowered case body's control flow for given scalar values: the order of its pipe
pushes and pops (an analysis shared by the schedule pass).

Only scalars are evaluated: `let`s of scalars, loop bounds and `if` conditions. Tiles are not
computed; a `tpop` and a `tpush` become events. The values a body reads but does not compute
(the logical block index, the lane, scalar parameters, shape symbols, scalars read from GM)
come from a `Sample`, which gives every such leaf a value, the same for every core: the leaves
of a kernel are its inputs, and every core sees the same inputs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .. import ir
from ..symbolic import apply_binary, apply_call
from ..walk import Visitor

# Values a sampled integer leaf takes: small counts, block-size edges, and a few larger ones.
INTEGERS = (0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 96, 127, 128, 129, 192,
            255, 256, 257, 300, 320, 384, 512, 640, 1000, 1024, 2048)
MAX_EVENTS = 20000  # per core and sample: a longer run is not a useful sample


class Skip(Exception):
    """This sample cannot be evaluated (a division by zero, a run too long): use another."""


@dataclass(frozen=True)
class Event:
    kind: str  # push | pop
    pipe: str
    span: object


class Sample:
    """Values of a kernel's leaves: fixed ones (`fixed`) and, for the rest, a value drawn per
    leaf from INTEGERS by a generator seeded with the sample's number and the leaf."""

    def __init__(self, number: int, fixed: dict):
        self.number, self.fixed, self.drawn = number, dict(fixed), {}

    def leaf(self, key, typed: ir.Type):
        if key in self.fixed:
            return self.fixed[key]
        if typed == ir.F32:
            return 1.0
        if key not in self.drawn:
            self.drawn[key] = random.Random(f"{self.number}:{key}").choice(INTEGERS)
        return self.drawn[key]

    def describe(self) -> str:
        return ", ".join(f"{_key_text(k)} = {v}" for k, v in sorted(self.drawn.items(), key=str))


def _key_text(key) -> str:
    if isinstance(key, tuple):
        tensor, indices = key
        return f"{tensor}[{', '.join(str(i) for i in indices)}]"
    return str(key)


def evaluate(expr: ir.Expr, sample: Sample, env: dict | None = None):
    """The value of a scalar expression with the sample's leaves (raises Skip when it has
    none: a division by zero)."""
    return _Run(sample, env or {}).value(expr)


def pipe_events(body: tuple, sample: Sample, env: dict) -> list:
    """The push and pop events of one run of `body` with `env` (the logical block index and,
    on the AIV, the lane) and the sample's leaves."""
    run = _Run(sample, env)
    run.stmts(body)
    return run.events


# id of a statement list -> (the list, its statements that matter to a run): kept alive with
# the list, so the id is not reused while the entry exists.
_RELEVANT: dict = {}


def _relevant(stmts: tuple) -> tuple:
    """The statements of `stmts` that push, pop or compute a scalar, and the loops and ifs
    holding one: a run skips the rest (tile computations, stores, syncs), which would
    otherwise be walked once per iteration of every loop around them."""
    found = _RELEVANT.get(id(stmts))
    if found is not None and found[0] is stmts:
        return found[1]
    out = []
    for stmt in stmts:
        if isinstance(stmt, ir.TPush) or (isinstance(stmt, (ir.Let, ir.Assign)) and (
                isinstance(stmt.value, ir.TPop) or not isinstance(stmt.value.type, ir.TileType))):
            out.append(stmt)
        elif isinstance(stmt, ir.For) and _relevant(stmt.body):
            out.append(stmt)
        elif isinstance(stmt, ir.If) and (_relevant(stmt.then) or _relevant(stmt.orelse)):
            out.append(stmt)
    if len(_RELEVANT) > 100000:
        _RELEVANT.clear()
    _RELEVANT[id(stmts)] = (stmts, tuple(out))
    return tuple(out)


class _Run(Visitor):
    def __init__(self, sample: Sample, env: dict):
        self.sample, self.env, self.events = sample, dict(env), []

    def stmts(self, stmts) -> None:
        for stmt in _relevant(tuple(stmts)):
            self.stmt(stmt)

    def visit_Let(self, stmt) -> None:
        value = stmt.value
        if isinstance(value, ir.TPop):
            self._event("pop", value.pipe, value.span)
        elif not isinstance(value.type, ir.TileType):
            self.env[stmt.name] = self.value(value)

    visit_Assign = visit_Let

    def visit_TPush(self, stmt) -> None:
        self._event("push", stmt.pipe, stmt.span)

    def visit_For(self, stmt) -> None:
        for j in range(int(self.value(stmt.start)), int(self.value(stmt.stop))):
            self.env[stmt.var] = j
            self.stmts(stmt.body)

    def visit_If(self, stmt) -> None:
        self.stmts(stmt.then if self.value(stmt.cond) else stmt.orelse)

    def generic_stmt(self, stmt) -> None:
        pass  # stores, frees, syncs: no pipe event and no scalar

    def _event(self, kind: str, pipe: str, span) -> None:
        self.events.append(Event(kind, pipe, span))
        if len(self.events) > MAX_EVENTS:
            raise Skip()

    def value(self, expr: ir.Expr):
        if isinstance(expr, ir.Const):
            return expr.value
        if isinstance(expr, ir.Name):
            if expr.name in self.env:
                return self.env[expr.name]
            return self.sample.leaf(expr.name, expr.type)
        if isinstance(expr, ir.BinOp):
            lhs, rhs = self.value(expr.lhs), self.value(expr.rhs)
            if expr.op in ("/", "%") and rhs == 0:
                raise Skip()
            return apply_binary(expr.op, lhs, rhs)
        if isinstance(expr, ir.UnaryOp):
            operand = self.value(expr.operand)
            return -operand if expr.op == "-" else not operand
        if isinstance(expr, ir.Select):
            return self.value(expr.if_true if self.value(expr.cond) else expr.if_false)
        if isinstance(expr, ir.Call):
            args = [self.value(a) for a in expr.args]
            if expr.func == "ceil_div" and args[1] == 0:
                raise Skip()
            return apply_call(expr.func, args)
        if isinstance(expr, ir.Index):
            indices = tuple(self.value(i) for i in expr.indices)
            return self.sample.leaf((expr.tensor, indices), expr.type)
        raise Skip()
