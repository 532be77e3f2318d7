"""Text to untyped IR: Lark (LALR, positions propagated) plus one transformer method per rule.

Syntax errors and their recovery live in recovery.py. The result is an `ir.Kernel` whose
expressions are not yet typed; `parse_recovering` still returns it when the only syntax errors
were missing ';'s, so that the checker can report the file's other errors with them.
"""

from __future__ import annotations

import math
import struct
from dataclasses import replace

from lark import Transformer, Tree, v_args

from .. import ir
from ..diagnostics import CompileError, ErrorSink, SourceFile, Span
from .recovery import lex_all, parse_tokens, token_span

# The call an assignment to part of a tile (`t[r : +n, c : +m] = v`) is parsed into; no author
# can write it (it is not a name).
PART = "<part>"
# The transformer here, the checker, every pass, the printers, the code generator and the
# interpreter recurse over expressions and blocks, at most three Python frames per level; 256
# levels keep all of them well inside Python's default recursion limit of 1000, with room for
# the caller's own stack. A deeper tree is refused before any of them sees it.
MAX_NESTING = 256
# The rules that are not part of an expression: a tree nested too deeply below one of them
# is a nest of blocks.
STRUCTURE = {"start", "kernel", "params", "tensor_param", "scalar_param", "direction_in",
             "direction_named", "dtype", "specialize", "require", "int_list", "grid", "pipe",
             "core", "names", "let", "var", "assign", "assign_part", "tpush", "store", "for_loop",
             "pipelined_for", "stage", "if_stmt", "if_block", "block", "scratch", "phase"}


def parse(text: str, filename: str = "<input>") -> ir.Kernel:
    """Parse one .pdsl file; raise CompileError listing every syntax error."""
    kernel, errors = parse_recovering(text, filename)
    if errors:
        raise CompileError(errors, SourceFile(filename, text))
    return kernel


def parse_recovering(text: str, filename: str = "<input>") -> tuple:
    """(kernel or None, syntax errors). The kernel is there when the file has no syntax error
    or only missing ';'s, so that the checker can still report the file's other errors."""
    sink = ErrorSink(SourceFile(filename, text))
    tokens = lex_all(text, filename, sink)
    tree = parse_tokens(tokens, filename, sink)
    if tree is None:
        return None, sink.diagnostics
    syntax = len(sink.diagnostics)
    if not _check_nesting(tree, filename, sink):
        return None, sink.diagnostics
    kernel = _ToIR(filename, sink).transform(tree)
    return (kernel if len(sink.diagnostics) == syntax else None), sink.diagnostics


def _check_nesting(tree: Tree, filename: str, sink: ErrorSink) -> bool:
    """Report every place where the tree is deeper than MAX_NESTING levels; False if there is
    one. Blamed is the expression when it has most of the levels, else the nest of blocks
    around it (reported at the innermost statement). An explicit stack, not recursion: the
    tree may be thousands of levels deep."""
    reported = set()
    # (node, its depth, the innermost statement or declaration above it and that one's depth,
    # the outermost expression above it or None)
    stack = [(tree, 1, tree, 1, None)]
    while stack:
        node, depth, holder, held_at, outer = stack.pop()
        if not isinstance(node, Tree):
            continue
        if depth <= MAX_NESTING:
            if node.data in STRUCTURE:
                holder, held_at = node, depth
            elif outer is None:
                outer = node
            stack.extend((child, depth + 1, holder, held_at, outer)
                         for child in reversed(node.children))
            continue
        expression = outer is not None and depth - held_at >= held_at
        culprit = outer if expression else holder
        if id(culprit) in reported:
            continue
        reported.add(id(culprit))
        if expression:
            message = (f"expression nested too deeply: it is deeper than {MAX_NESTING} levels; "
                       "split it into smaller expressions with `let`")
        else:
            message = f"blocks nested too deeply: they are deeper than {MAX_NESTING} levels"
        sink.error(_span(filename, culprit.meta), message)
    return not reported


def _span(filename: str, meta) -> Span | None:
    if getattr(meta, "empty", True):
        return None
    return Span(filename, meta.line, meta.column, meta.end_line, meta.end_column)


def _is_core(item) -> bool:
    return isinstance(item, tuple) and bool(item) and item[0] == "core"


def _is_phase(item) -> bool:
    return isinstance(item, tuple) and bool(item) and item[0] == "phase"


def _is_scratch(item) -> bool:
    return isinstance(item, ir.TensorParam) and item.direction == "scratch"


def _binop(op: str):
    """The transformer method of one binary-operator rule (eq, add, ...)."""

    def method(self, meta, a, b):
        return ir.BinOp(op, a, b, self._s(meta))

    return method


@v_args(meta=True, inline=True)
class _ToIR(Transformer):
    """One method per grammar rule, named like the rule."""

    def __init__(self, filename: str, sink: ErrorSink):
        super().__init__()
        self.filename = filename
        self.sink = sink

    def _s(self, meta) -> Span | None:
        return _span(self.filename, meta)

    # ---- kernel and declarations

    def start(self, meta, kernel):
        return kernel

    def kernel(self, meta, name, params, *rest):
        specs, requires, decls = [], [], []
        for item in rest:
            if isinstance(item, ir.Specialize):
                specs.append(item)
            elif isinstance(item, ir.Require):
                requires.append(item)
            else:
                decls.append(item)
        span = token_span(self.filename, name)
        kernel = ir.Kernel(name=str(name), params=tuple(params), specializations=tuple(specs),
                           requires=tuple(requires), grid=None, pipes=(), prelude=(), aic=(),
                           aiv=(), source_name=self.filename, span=span,
                           scratch=tuple(d for d in decls if _is_scratch(d)))
        phases = [d for d in decls if _is_phase(d)]
        if not phases:
            return self._body(kernel, [d for d in decls if not _is_scratch(d)], "a kernel")
        for item in decls:
            if isinstance(item, (ir.Grid, ir.PipeDecl)) or _is_core(item):
                where = item[3] if _is_core(item) else item.span
                self.sink.error(where, "in a kernel with phases, grids, pipes and core bodies "
                                "go inside a `phase { }`")
        built = []
        for _, phase, body, phase_span in phases:
            if phase in (p.phase for p in built):
                self.sink.error(phase_span, f"a kernel has one phase '{phase}'")
            for item in body:
                if _is_phase(item) or _is_scratch(item):
                    what = "phases do not nest" if _is_phase(item) else (
                        "scratch tensors are declared at kernel level, before the phases")
                    where = item[3] if _is_phase(item) else item.span
                    self.sink.error(where, what)
            inner = [d for d in body if not (_is_phase(d) or _is_scratch(d))]
            built.append(replace(self._body(kernel, inner, "a phase"), phase=phase,
                                 span=phase_span))
        shared = tuple(d for d in decls if isinstance(d, ir.Stmt))
        return replace(kernel, prelude=shared, phases=tuple(built))

    def _body(self, kernel: ir.Kernel, decls: list, owner: str) -> ir.Kernel:
        """`kernel` with the grid, pipes, kernel-level statements and core bodies of `decls`
        (those of the kernel, or of one of its phases)."""
        grids = [d for d in decls if isinstance(d, ir.Grid)]
        for extra in grids[1:]:
            self.sink.error(extra.span, f"{owner} has one grid")
        cores: dict[str, tuple] = {}
        for item in decls:
            if _is_core(item):
                _, core, body, span = item
                if core in cores:
                    self.sink.error(span, f"{owner} has one '{core}' body")
                cores[core] = body
        return replace(
            kernel,
            grid=grids[0] if grids else None,
            pipes=tuple(d for d in decls if isinstance(d, ir.PipeDecl)),
            prelude=tuple(d for d in decls if isinstance(d, ir.Stmt)),
            aic=cores.get("aic", ()),
            aiv=cores.get("aiv", ()),
            cores=tuple(c for c in ("aic", "aiv") if cores.get(c)) or ("aic", "aiv"),
        )

    def params(self, meta, *params):
        return [p for p in params if p is not None]

    def direction_in(self, meta):
        return "in"

    def direction_named(self, meta, token):
        return self._one_of(token, ("in", "out", "inout"), "a direction")

    def dtype(self, meta, token):
        return str(token)

    def _one_of(self, token, allowed, what):
        if str(token) not in allowed:
            words = ", ".join(allowed[:-1]) + " or " + allowed[-1]
            self.sink.error(token_span(self.filename, token),
                            f"expected {what} ({words}), found {str(token)!r}")
        return str(token)

    def tensor_param(self, meta, name, direction, dtype, dims):
        return ir.TensorParam(str(name), str(direction), str(dtype), tuple(dims),
                              token_span(self.filename, name))

    def scalar_param(self, meta, name, dtype):
        return ir.ScalarParam(str(name), str(dtype), token_span(self.filename, name))

    def specialize(self, meta, name, values, rule):
        return ir.Specialize(str(name), tuple(values), rule, token_span(self.filename, name))

    def require(self, meta, cond):
        return ir.Require(cond, self._s(meta))

    def int_list(self, meta, *values):
        return [int(v) for v in values]

    def grid(self, meta, names, extents, blocks, unit):
        self._one_of(unit, ("blocks",), "the word")
        return ir.Grid(tuple(names), tuple(extents), int(blocks), self._s(meta))

    def pipe(self, meta, name, src, dst, dtype, dims, depth, split):
        cores = ("aic", "aiv")
        return ir.PipeDecl(str(name), self._one_of(src, cores, "a core"),
                           self._one_of(dst, cores, "a core"), dtype, tuple(dims), int(depth),
                           self._one_of(split, ("rows", "none"), "a split"),
                           token_span(self.filename, name))

    def scratch(self, meta, name, dtype, dims):
        return ir.TensorParam(str(name), "scratch", str(dtype), tuple(dims),
                              token_span(self.filename, name))

    def phase(self, meta, name, *decls):
        return ("phase", str(name), tuple(decls), token_span(self.filename, name))

    def core(self, meta, core, *body):
        name = self._one_of(core, ("aic", "aiv"), "a core body")
        return ("core", name, tuple(body), token_span(self.filename, core))

    def names(self, meta, *names):
        return [str(n) for n in names]

    def exprs(self, meta, *exprs):
        return list(exprs)

    # ---- statements

    def let(self, meta, name, value):
        return ir.Let(str(name), value, False, token_span(self.filename, name))

    def var(self, meta, name, value):
        return ir.Let(str(name), value, True, token_span(self.filename, name))

    def assign(self, meta, name, value):
        return ir.Assign(str(name), value, token_span(self.filename, name))

    def assign_part(self, meta, name, slices, value):
        """`t[r : +n, c : +m] = v`: the checker makes it an `insert` into the var t."""
        span = token_span(self.filename, name)
        part = ir.Index(str(name), tuple(slices), span)
        return ir.Assign(str(name), ir.Call(PART, (part, value), self._s(meta)), span)

    def tpush(self, meta, pipe, value):
        return ir.TPush(str(pipe), value, self._s(meta))

    def store(self, meta, tensor, slices, value):
        return ir.Store(str(tensor), tuple(slices), value, self._s(meta))

    def for_loop(self, meta, var, start, stop, body):
        return ir.For(str(var), start, stop, body, self._s(meta))

    def pipelined_for(self, meta, var, start, stop, *stages):
        return ir.PipelinedFor(str(var), start, stop, tuple(stages), self._s(meta))

    def stage(self, meta, name, body):
        return ir.Stage(str(name), body, token_span(self.filename, name))

    def if_stmt(self, meta, cond, then, orelse):
        return ir.If(cond, then, orelse if orelse is not None else (), self._s(meta))

    def if_block(self, meta, stmt):
        return (stmt,)

    def block(self, meta, *stmts):
        return tuple(stmts)

    # ---- slices

    def slices(self, meta, *slices):
        return list(slices)

    def point(self, meta, expr):
        return ir.SliceDim(expr, None, True, self._s(meta))

    def slice_len(self, meta, start, size):
        return ir.SliceDim(start if start is not None else ir.Const(0, self._s(meta)), size,
                           False, self._s(meta))

    def slice_range(self, meta, start, stop):
        start = start if start is not None else ir.Const(0, self._s(meta))
        size = None if stop is None else ir.BinOp("-", stop, start, self._s(meta))
        return ir.SliceDim(start, size, False, self._s(meta))

    # ---- expressions

    def select(self, meta, cond, a, b):
        return ir.Select(cond, a, b, self._s(meta))

    def or_(self, meta, a, b):
        return ir.BinOp("||", a, b, self._s(meta))

    def and_(self, meta, a, b):
        return ir.BinOp("&&", a, b, self._s(meta))

    eq, ne, lt, le, gt = _binop("=="), _binop("!="), _binop("<"), _binop("<="), _binop(">")
    ge, add, sub, mul = _binop(">="), _binop("+"), _binop("-"), _binop("*")
    div, mod = _binop("/"), _binop("%")

    def neg(self, meta, operand):
        if isinstance(operand, ir.Const):
            return ir.Const(-operand.value, self._s(meta))
        return ir.UnaryOp("-", operand, self._s(meta))

    def not_(self, meta, operand):
        return ir.UnaryOp("!", operand, self._s(meta))

    def int_lit(self, meta, token):
        return ir.Const(int(token), self._s(meta))

    def float_lit(self, meta, token):
        value = float(token)
        try:
            struct.pack("<f", value)  # every float of the language is an f32
        except OverflowError:
            value = float("inf")
        if math.isinf(value):  # `1e39`, `1e400`: a C++ f32 literal cannot hold it
            self.sink.error(token_span(self.filename, token), f"{token} is out of range for f32 "
                            "(at most 3.4028235e+38); write `inf` for infinity")
        return ir.Const(value, self._s(meta))

    def inf_lit(self, meta):
        return ir.Const(float("inf"), self._s(meta))

    def name(self, meta, token):
        return ir.Name(str(token), self._s(meta))

    def index(self, meta, tensor, slices):
        """`t[i, j]` (every index a point: a scalar read from GM) or `t[r : +n, c : +m]` (a
        sub-tile: the slices stay, the checker tells the two apart)."""
        if all(s.point for s in slices):
            return ir.Index(str(tensor), tuple(s.start for s in slices), self._s(meta))
        return ir.Index(str(tensor), tuple(slices), self._s(meta))

    def call(self, meta, func, args):
        return ir.Call(str(func), tuple(args or ()), self._s(meta))

    def call_args(self, meta, *args):
        return list(args)

    def tile_type(self, meta, dtype, dims):
        return ir.TileType(dtype, tuple(dims))

    def cast(self, meta, dtype, value, rounding):
        args = (value, ir.Name(str(rounding), token_span(self.filename, rounding))) if rounding else (value,)
        return ir.TileOp("cast", args, (("dtype", dtype),), self._s(meta))

    def load(self, meta, tensor, slices):
        return ir.Load(str(tensor), tuple(slices), False, self._s(meta))

    def tpop(self, meta, pipe):
        return ir.TPop(str(pipe), self._s(meta))


__all__ = ["parse", "parse_recovering", "CompileError"]
