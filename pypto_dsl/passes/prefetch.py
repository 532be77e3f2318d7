"""Prefetch on the cube core: a loop's GM -> L1 loads issued one iteration ahead.

After this pass a load on the AIC that qualifies (below) no longer runs where it was written:
the load for the loop's first iteration runs before the loop, and iteration j loads the tile of
iteration j+1 right after its own last use of the tile (after the matmul that reads it), into
the tile's other L1 version, so the transfer (MTE2) overlaps the moves, the matmul and the
fixpipe of the current block instead of running between them:

    pipelined for j in a .. b {          if b > a {
        stage s {                            let pdsl_first_kv = block_table[x, a]
            let kv = block_table[x, j]       var t = load k[pdsl_first_kv, ...]
            let t = load k[kv, ...]   =>     pipelined for j in a .. b {
            ... uses of t ...                    stage s {
        }                                            ... uses of t ...
    }                                                if j + 1 < b {
                                                         let pdsl_next_kv_t = block_table[x, j + 1]
                                                         t = load k[pdsl_next_kv_t, ...]
                                                     }
                                                 }
                                             }
                                         }

The sync pass places the flag that orders the current tile's load before its move ahead of the
prefetch (it sits right before the move), so the move waits only for loads issued earlier; the
new value goes into the other version of the tile (memory planning gives a tile a load
redefines in a loop two), so the prefetch waits for nothing still reading the current one.

A load qualifies when it is a `let` at the top level of a `for` body or of a stage of a
`pipelined for` on the AIC, reads a tensor the kernel only reads (an `in` parameter), is read
only in that body or stage and after it there, and its slices depend only on the loop variable,
names bound before the loop that the loop does not assign, and scalar lets of the loop (at the
top level of its body or stages) that depend only on the same: a scalar read of an `in`
tensor such as `block_table[b, j]` included, which is computed again for j+1 (a let the loop
then no longer reads is dropped). Everything else keeps today's code.

Capacity: prefetching keeps a loaded tile in L1 across the whole iteration, so tiles that
shared bytes before no longer can. A case is prefetched only when the bound on its L1 use with
no sharing at all (every AIC load, two versions for those in loops, and every L1 pipe
region at its full depth) is within L1's capacity; the memory plan then always fits. The
decision of each case, the loads and the bound, is recorded in `Kernel.prefetches` (the
report prints it).
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir, walk
from ..platform import platform
from ..walk import Rewriter
from .memory import storage_shape
from .rewrite import reads, substitute_names, substitute_type

FIRST, NEXT = "pdsl_first_", "pdsl_next_"


def prefetch_loads(kernel: ir.Kernel) -> ir.Kernel:
    if "aic" not in kernel.cores or not kernel.aic:
        return kernel
    (dispatch,) = kernel.aic
    readonly = {p.name for p in kernel.params
                if isinstance(p, ir.TensorParam) and p.direction == "in"}
    capacity = platform(kernel.target).buffer("L1").capacity
    cases, records = [], []
    for case in dispatch.cases:
        env = kernel.cases[case.index]
        bound = _l1_bound(kernel, env, case.body)
        rewriter = _Prefetch(readonly)
        body = rewriter.stmts(case.body) if bound <= capacity else case.body
        loads = tuple(rewriter.done) if bound <= capacity else ()
        cases.append(replace(case, body=body))
        records.append(ir.Prefetch(case.index, loads, bound, capacity))
    aic = (replace(dispatch, cases=tuple(cases)),)
    return replace(kernel, aic=aic, prefetches=tuple(records))


# ------------------------------------------------------------------------------- capacity


def _l1_bound(kernel: ir.Kernel, env: ir.CaseEnv, body: tuple) -> int:
    total = 0
    for stmt, in_loop in _with_loops(body, False):
        if isinstance(stmt, (ir.Let, ir.Assign)) and isinstance(stmt.value, ir.Load):
            layout = "zn" if stmt.value.transpose else "nz"
            total += _bytes(stmt.value.type, layout) * (2 if in_loop else 1)
    for decl in kernel.pipes:
        if decl.dst == "aic":
            total += decl.depth * _bytes(substitute_type(decl.tile_type, env.mapping), "nz")
    return total


def _bytes(tile: ir.TileType, layout: str) -> int:
    rows, cols = storage_shape(tile, layout)
    return -(-rows * cols * ir.DTYPE_BYTES[tile.dtype] // 32) * 32


def _with_loops(stmts: tuple, in_loop: bool):
    for stmt in stmts:
        yield stmt, in_loop
        inner = in_loop or isinstance(stmt, (ir.For, ir.PipelinedFor))
        for body in walk.bodies(stmt):
            yield from _with_loops(body, inner)


# ------------------------------------------------------------------------------- rewriting


class _Prefetch(Rewriter):
    def __init__(self, readonly: set):
        self.readonly = readonly
        self.done: list = []  # (tile, tensor), in order of appearance

    def rewrite_For(self, loop: ir.For):
        loop = self.generic_stmt(loop)
        return self._loop(loop, (loop.body,), lambda bodies: replace(loop, body=bodies[0]))

    def rewrite_PipelinedFor(self, loop: ir.PipelinedFor):
        loop = self.generic_stmt(loop)
        bodies = tuple(s.body for s in loop.stages)
        return self._loop(loop, bodies, lambda new: replace(
            loop, stages=tuple(replace(s, body=b) for s, b in zip(loop.stages, new))))

    def _loop(self, loop, bodies: tuple, rebuild):
        scalars = _loop_scalars(bodies)
        inside = {s.name for b in bodies for s in walk.walk_stmts(b)
                  if isinstance(s, (ir.Let, ir.Assign))}
        early = _early_names(scalars, inside, loop.var, self.readonly)
        found = []  # (body index, statement index, Let)
        for k, body in enumerate(bodies):
            for i, stmt in enumerate(body):
                if self._qualifies(stmt, k, bodies, early):
                    found.append((k, i, stmt))
        if not found:
            return loop
        var = ir.Name(loop.var, loop.span, ir.I64)
        after = ir.BinOp("+", var, ir.Const(1, loop.span, ir.I64), loop.span, ir.I64)
        first, dropped, inserted = [], set(), {}
        for k, i, stmt in found:
            preload = _address(stmt, loop.start, FIRST, scalars, var)
            first += [s for s in preload[:-1] if s not in first]
            first.append(replace(preload[-1], mutable=True))
            last = max(n for n, s in enumerate(bodies[k]) if stmt.name in reads((s,)))
            nxt = _address(stmt, after, NEXT, scalars, var)
            load = ir.Assign(stmt.name, nxt.pop().value, stmt.span)
            inserted.setdefault((k, last), []).extend(nxt + [load])
            dropped.add((k, i))
            self.done.append((stmt.name, stmt.value.tensor))
        # The prefetches after one statement share one `if`: the sync pass then knows that the
        # flag ordering the first one also orders the others.
        guard = ir.BinOp("<", after, loop.stop, loop.span, ir.BOOL)
        ifs = {at: (ir.If(guard, tuple(stmts), (), stmts[-1].span),)
               for at, stmts in inserted.items()}
        flat = [tuple(x for n, s in enumerate(body) if (k, n) not in dropped
                      for x in (s, *ifs.get((k, n), ())))
                for k, body in enumerate(bodies)]
        flat = _drop_unread(flat, scalars, set().union(*(reads(b) for b in bodies)))
        guard = ir.BinOp(">", loop.stop, loop.start, loop.span, ir.BOOL)
        return ir.If(guard, tuple(first) + (rebuild(flat),), (), loop.span)

    def _qualifies(self, stmt, k: int, bodies: tuple, early: set) -> bool:
        if not (isinstance(stmt, ir.Let) and not stmt.mutable
                and isinstance(stmt.value, ir.Load)):
            return False
        if stmt.value.tensor not in self.readonly:
            return False
        if any(stmt.name in reads(b) for m, b in enumerate(bodies) if m != k):
            return False
        names = {e.name for e in walk.walk_expr(stmt.value) if isinstance(e, ir.Name)}
        return all(early(n) for n in names)


def _loop_scalars(bodies: tuple) -> dict:
    """Scalar lets at the top level of the loop's bodies: name -> Let, in order."""
    return {s.name: s for b in bodies for s in b
            if isinstance(s, ir.Let) and not s.mutable and isinstance(s.value.type, ir.ScalarType)}


def _early_names(scalars: dict, inside: set, var: str, readonly: set):
    """A test for the names whose value at iteration j+1 can be computed at iteration j: the
    loop variable, names from outside the loop (not bound or assigned in it), and the loop's
    pure scalar lets of those."""
    early, changed = {var}, True
    while changed:
        changed = False
        for name, let in scalars.items():
            if name in early or not _pure(let.value, readonly):
                continue
            used = {e.name for e in walk.walk_expr(let.value) if isinstance(e, ir.Name)}
            if all(n in early or n not in inside for n in used):
                early.add(name)
                changed = True
    return lambda name: name in early or name not in inside


def _pure(expr: ir.Expr, readonly: set) -> bool:
    for e in walk.walk_expr(expr):
        if isinstance(e, (ir.Load, ir.TPop, ir.TileOp)):
            return False
        if isinstance(e, ir.Index) and e.tensor not in readonly:
            return False
    return True


def _address(stmt: ir.Let, iteration: ir.Expr, prefix: str, scalars: dict, var: ir.Name) -> list:
    """The loop's scalar lets `stmt` needs, then `stmt`, for `iteration` instead of the loop
    variable, the lets renamed."""
    needed, todo = [], [stmt.value]
    while todo:
        for e in walk.walk_expr(todo.pop()):
            if isinstance(e, ir.Name) and e.name in scalars and e.name not in needed:
                needed.append(e.name)
                todo.append(scalars[e.name].value)
    order = [n for n in scalars if n in needed]
    # The first iteration's lets are shared by the loads of a loop (`pdsl_first_kv`); the next
    # iteration's are made in each load's own `if`, so they are named after the load too.
    tail = "" if prefix == FIRST else "_" + stmt.name.removeprefix("pdsl_")
    names = {n: ir.Name(f"{prefix}{n}{tail}", scalars[n].span, scalars[n].value.type)
             for n in order}
    values = dict(names, **{var.name: iteration})
    out = [replace(scalars[n], name=names[n].name,
                   value=_substituted(scalars[n].value, values)) for n in order]
    out.append(replace(stmt, value=_substituted(stmt.value, values)))
    return out


def _substituted(expr: ir.Expr, values: dict) -> ir.Expr:
    (stmt,) = substitute_names((ir.TPush("", expr),), values)
    return stmt.value


def _drop_unread(bodies: list, scalars: dict, before: set) -> list:
    """The loop's scalar lets that were read before the rewrite and are read no more, dropped
    (only pure lets are recomputed, so only those can become unread)."""
    while True:
        read = set().union(*(reads(b) for b in bodies))
        dead = {n for n in scalars if n not in read and n in before}
        new = [tuple(s for s in b if not (isinstance(s, ir.Let) and s.name in dead
                                          and scalars.get(s.name) is s)) for b in bodies]
        if new == bodies:
            return new
        bodies = new
