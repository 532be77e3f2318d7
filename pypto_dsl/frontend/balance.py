"""The push/pop balance of every pipe: producer and consumer move the same number of tiles
per iteration of the same loops (compared as text, kernel-level lets written out)."""

from __future__ import annotations

from .. import ir
from ..symbolic import substitute
from .limits import too_large_to_write_out
from .scope import plural
from .. import walk


def check_pipe_balance(kernel: ir.Kernel, error) -> None:
    """Report through `error(span, message)` every pipe whose two sides disagree."""
    # Loop bounds are compared as text with the kernel-level lets, which both cores share,
    # written out: `0 .. n` on one core and `0 .. ceil_div(ctx, bs)` on the other agree.
    shared: dict = {}
    for stmt in kernel.prelude:
        if isinstance(stmt, ir.Let) and not stmt.mutable:
            value = substitute(stmt.value, shared)
            if not too_large_to_write_out(value):  # else it stays a name
                shared[stmt.name] = value
    for pipe in kernel.pipes:
        pushes = _count(kernel.body(pipe.src), pipe.name, "push", shared)
        pops = _count(kernel.body(pipe.dst), pipe.name, "pop", shared)
        if pushes != pops:
            error(pipe.span, f"pipe '{pipe.name}': {pipe.src} pushes "
                  f"{_describe_counts(pushes)}, but {pipe.dst} pops "
                  f"{_describe_counts(pops)}; every tile pushed must be popped")


def _count(stmts: tuple, pipe: str, what: str, shared: dict, where: tuple = ()) -> dict:
    """How many tiles cross `pipe`, keyed by where: the enclosing loops' ranges and the
    conditions of enclosing `if`s whose branches move different numbers of tiles, with the
    kernel-level lets in `shared` written out."""
    counts: dict = {}

    def add(key, n):
        counts[key] = counts.get(key, 0) + n

    for stmt in stmts:
        for expr in walk.stmt_exprs(stmt):
            n = sum(1 for e in walk.walk_expr(expr) if isinstance(e, ir.TPop) and e.pipe == pipe)
            if what == "pop" and n:
                add(where, n)
        if what == "push" and isinstance(stmt, ir.TPush) and stmt.pipe == pipe:
            add(where, 1)
        if isinstance(stmt, (ir.For, ir.PipelinedFor)):
            start, stop = _written_out(stmt.start, shared), _written_out(stmt.stop, shared)
            trips = _constant_trips(start, stop)
            key = where if trips is not None else where + (f"per iteration of {start} .. {stop}",)
            for body in walk.bodies(stmt):
                for k, n in _count(body, pipe, what, shared, key).items():
                    add(k, n * (trips if trips is not None else 1))
        elif isinstance(stmt, ir.If):
            then = _count(stmt.then, pipe, what, shared, where)
            if then != _count(stmt.orelse, pipe, what, shared, where):
                cond = _written_out(stmt.cond, shared)
                then = _count(stmt.then, pipe, what, shared, where + (f"if {cond}",))
                then.update(_count(stmt.orelse, pipe, what, shared, where + (f"unless {cond}",)))
            for k, n in then.items():
                add(k, n)
    return {k: n for k, n in counts.items() if n}


def _written_out(expr: ir.Expr, shared: dict) -> ir.Expr:
    """`expr` with the kernel-level lets written out, or as it is when that would be too
    large (limits.MAX_EXPANSION): then only the same text on both sides agrees."""
    value = substitute(expr, shared)
    return expr if too_large_to_write_out(value) else value


def _constant_trips(start: ir.Expr, stop: ir.Expr):
    """The trip count of a loop with constant bounds, else None."""
    if isinstance(start, ir.Const) and isinstance(stop, ir.Const):
        return max(0, int(stop.value) - int(start.value))
    return None


def _describe_counts(counts: dict) -> str:
    if not counts:
        return "no tiles"
    parts = [" ".join((plural(n, "tile"),) + where) for where, n in sorted(counts.items())]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
