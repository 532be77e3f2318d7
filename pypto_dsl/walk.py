"""One walker over the IR: every statement and expression kind, and where its children are.

`Visitor` visits; `Rewriter` rebuilds. A pass overrides only the node kinds it cares about,
as `visit_<Class>` or `rewrite_<Class>` (e.g. `rewrite_PipelinedFor`); every other node is
walked by the generic method, which knows each kind's children from the two tables below. A new
node kind is added here once, and every pass walks it.

A rewriter returns the node itself when nothing under it changed, so unchanged subtrees are
shared. `rewrite_<Stmt>` may return one statement, a tuple of statements (spliced into the
enclosing list) or `()` (the statement is dropped). `rewrite_<Expr>` is called after the
expression's children were rewritten, with the rebuilt node.
"""

from __future__ import annotations

from dataclasses import replace

from . import ir

# Statement kind -> its fields that hold expressions, and those that hold statement lists.
STMT_EXPRS = {
    ir.Let: ("value",), ir.Assign: ("value",), ir.TPush: ("value",),
    ir.Store: ("slices", "value"), ir.For: ("start", "stop"), ir.PipelinedFor: ("start", "stop"),
    ir.If: ("cond",), ir.Dispatch: (), ir.Free: (), ir.Sync: ("guard",),
}
STMT_BODIES = {ir.For: ("body",), ir.If: ("then", "orelse")}
# Statements whose bodies sit in records: a pipelined loop's stages, a dispatch's cases.
STMT_RECORDS = {ir.PipelinedFor: "stages", ir.Dispatch: "cases"}

# Expression kind -> its fields that hold sub-expressions (tuples of them, or slices).
EXPR_FIELDS = {
    ir.Const: (), ir.Name: (), ir.TPop: (),
    ir.BinOp: ("lhs", "rhs"), ir.UnaryOp: ("operand",),
    ir.Select: ("cond", "if_true", "if_false"),
    ir.Call: ("args",), ir.TileOp: ("args",), ir.Index: ("indices",), ir.Load: ("slices",),
}


def bodies(stmt: ir.Stmt) -> tuple:
    """The nested statement lists of a statement, in source order."""
    out = tuple(getattr(stmt, f) for f in STMT_BODIES.get(type(stmt), ()))
    records = STMT_RECORDS.get(type(stmt))
    if records:
        out += tuple(r.body for r in getattr(stmt, records))
    return out


def stmt_exprs(stmt: ir.Stmt) -> tuple:
    """The expressions a statement evaluates itself (not those of nested statements)."""
    return tuple(_flat(getattr(stmt, f) for f in STMT_EXPRS[type(stmt)]))


def expr_children(expr: ir.Expr) -> tuple:
    return tuple(_flat(getattr(expr, f) for f in EXPR_FIELDS[type(expr)]))


def _flat(values):
    for value in values:
        if isinstance(value, ir.Expr):
            yield value
        elif isinstance(value, ir.SliceDim):
            yield value.start
            if value.size is not None:
                yield value.size
        elif isinstance(value, tuple):
            yield from _flat(value)


def walk_stmts(stmts):
    """Every statement in `stmts`, depth first, in source order."""
    for stmt in stmts:
        yield stmt
        for body in bodies(stmt):
            yield from walk_stmts(body)


def walk_expr(expr: ir.Expr):
    """`expr` and every sub-expression, parents first."""
    yield expr
    for child in expr_children(expr):
        yield from walk_expr(child)


def exprs_in(stmts):
    """Every expression node evaluated anywhere in `stmts`, nested statements included."""
    for stmt in walk_stmts(stmts):
        for expr in stmt_exprs(stmt):
            yield from walk_expr(expr)


class Visitor:
    """Depth-first, source-order traversal. Override `visit_<Class>`; call `self.generic(node)`
    from an override to continue into the node's children."""

    def stmts(self, stmts) -> None:
        for stmt in stmts:
            self.stmt(stmt)

    def stmt(self, stmt: ir.Stmt) -> None:
        getattr(self, "visit_" + type(stmt).__name__, self.generic_stmt)(stmt)

    def generic_stmt(self, stmt: ir.Stmt) -> None:
        for expr in stmt_exprs(stmt):
            self.expr(expr)
        for body in bodies(stmt):
            self.stmts(body)

    def expr(self, expr: ir.Expr) -> None:
        getattr(self, "visit_" + type(expr).__name__, self.generic_expr)(expr)

    def generic_expr(self, expr: ir.Expr) -> None:
        for child in expr_children(expr):
            self.expr(child)


class Rewriter:
    """Bottom-up rebuilding with `dataclasses.replace`; unchanged nodes are returned as they are.

    Override `rewrite_<Class>(node)` for statements (called before the default descends into
    the node; call `self.generic_stmt(node)` to descend) and for expressions (called on the node
    with its children already rewritten)."""

    def stmts(self, stmts: tuple) -> tuple:
        out: list = []
        changed = False
        for stmt in stmts:
            new = self.stmt(stmt)
            if new is stmt:
                out.append(stmt)
                continue
            changed = True
            if isinstance(new, ir.Stmt):
                out.append(new)
            else:
                out.extend(new)
        return tuple(out) if changed else stmts

    def stmt(self, stmt: ir.Stmt):
        method = getattr(self, "rewrite_" + type(stmt).__name__, None)
        return method(stmt) if method is not None else self.generic_stmt(stmt)

    def generic_stmt(self, stmt: ir.Stmt) -> ir.Stmt:
        changes = {}
        for f in STMT_EXPRS[type(stmt)]:
            old = getattr(stmt, f)
            new = self._value(old)
            if new is not old:
                changes[f] = new
        for f in STMT_BODIES.get(type(stmt), ()):
            old = getattr(stmt, f)
            new = self.stmts(old)
            if new is not old:
                changes[f] = new
        records = STMT_RECORDS.get(type(stmt))
        if records:
            old = getattr(stmt, records)
            new = tuple(self.record(r) for r in old)
            if any(a is not b for a, b in zip(new, old)):
                changes[records] = new
        return replace(stmt, **changes) if changes else stmt

    def record(self, record):
        """A stage of a pipelined loop or a case of a dispatch: its body rewritten."""
        body = self.stmts(record.body)
        return record if body is record.body else replace(record, body=body)

    def expr(self, expr: ir.Expr) -> ir.Expr:
        changes = {}
        for f in EXPR_FIELDS[type(expr)]:
            old = getattr(expr, f)
            new = self._value(old)
            if new is not old:
                changes[f] = new
        node = replace(expr, **changes) if changes else expr
        method = getattr(self, "rewrite_" + type(node).__name__, None)
        return method(node) if method is not None else node

    def _value(self, value):
        if isinstance(value, ir.Expr):
            return self.expr(value)
        if isinstance(value, ir.SliceDim):
            start = self.expr(value.start)
            size = self.expr(value.size) if value.size is not None else None
            if start is value.start and size is value.size:
                return value
            return replace(value, start=start, size=size)
        if isinstance(value, tuple):
            # A loop, not a generator: each level of a deep expression costs no extra frames.
            items = []
            for item in value:
                items.append(self.expr(item) if isinstance(item, ir.Expr) else self._value(item))
            return value if all(a is b for a, b in zip(items, value)) else tuple(items)
        return value  # None, attrs that are not expressions


def map_exprs(stmts: tuple, fn) -> tuple:
    """`stmts` with `fn` applied to every expression node, children first (nested statements
    included). `fn` returns the node itself to keep it."""
    return _ExprMap(fn).stmts(stmts)


class _ExprMap(Rewriter):
    def __init__(self, fn):
        self.fn = fn

    def expr(self, expr: ir.Expr) -> ir.Expr:
        return self.fn(super().expr(expr))
