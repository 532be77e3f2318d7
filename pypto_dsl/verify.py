"""IR invariants that hold after the checker and after every lowering pass.

`verify(kernel)` returns the list of violations (empty when the IR is well formed); tests run it
after each pass. The invariants: every expression is typed; every name read is a kernel-level
name or was bound earlier on the same core; every TileOp is in the op table with its arity;
tpush/tpop/free name declared pipes; tile types have two dims, constant once specialised.
"""

from __future__ import annotations

from . import ir, ops
from . import walk


def verify(kernel: ir.Kernel) -> list[str]:
    problems: list[str] = []
    top = _kernel_names(kernel)
    pipes = {p.name for p in kernel.pipes}
    for core in ("aic", "aiv"):
        bound = set(top) | ({"lane"} if core == "aiv" else set())
        bound |= {s.name for s in kernel.prelude if isinstance(s, ir.Let)}
        _stmts(kernel.body(core), bound, pipes, core, problems)
    return problems


def _kernel_names(kernel: ir.Kernel) -> set:
    names = {p.name for p in kernel.params + kernel.scratch} | {ir.LOGICAL_BLOCK}
    for p in kernel.params:
        if isinstance(p, ir.TensorParam):
            names |= {d.name for d in p.shape if isinstance(d, ir.Name)}
    names |= {s.name for s in kernel.specializations}
    if kernel.grid is not None:
        names |= set(kernel.grid.vars)
    return names


def _stmts(stmts, bound: set, pipes: set, core: str, problems: list) -> None:
    for stmt in stmts:
        where = f"{core}: {type(stmt).__name__} at {getattr(stmt, 'span', None)}"
        for expr in walk.stmt_exprs(stmt):
            _expr(expr, bound, pipes, where, problems)
        if isinstance(stmt, (ir.TPush, ir.Free)) and stmt.pipe not in pipes:
            problems.append(f"{where}: unknown pipe '{stmt.pipe}'")
        if isinstance(stmt, (ir.For, ir.PipelinedFor)):
            bound.add(stmt.var)
        if isinstance(stmt, ir.Dispatch):
            for case in stmt.cases:
                if len(case.values) != len(stmt.symbols):
                    problems.append(f"{where}: a case has {len(case.values)} values for "
                                    f"{len(stmt.symbols)} symbols")
                _stmts(case.body, set(bound), pipes, core, problems)
            continue
        for body in walk.bodies(stmt):
            _stmts(body, bound, pipes, core, problems)
        if isinstance(stmt, ir.Let):
            bound.add(stmt.name)
        if isinstance(stmt, ir.Assign) and stmt.name not in bound:
            problems.append(f"{where}: assigns '{stmt.name}' before it is defined")


def _expr(expr: ir.Expr, bound: set, pipes: set, where: str, problems: list) -> None:
    for e in walk.walk_expr(expr):
        if getattr(e, "type", None) is None:
            problems.append(f"{where}: untyped expression {e}")
        if isinstance(e, ir.Name) and e.name not in bound:
            problems.append(f"{where}: '{e.name}' is read before it is defined")
        if isinstance(e, ir.TPop) and e.pipe not in pipes:
            problems.append(f"{where}: unknown pipe '{e.pipe}'")
        if isinstance(e, ir.TileOp):
            spec = ops.OPS.get(e.op)
            if spec is None:
                problems.append(f"{where}: '{e.op}' is not in the op table")
                continue
            arity = sum(1 for kind in spec.operands if kind != "type")
            if len(e.args) != arity:
                problems.append(f"{where}: {e.op} has {len(e.args)} operands, expected {arity}")
        if isinstance(e.type if hasattr(e, "type") else None, ir.TileType) and len(e.type.shape) != 2:
            problems.append(f"{where}: tile {e} is not 2-D")
