"""Name resolution and typing: untyped IR in, typed IR out, or every error at once.

After this pass: every expression has a type; tile shapes are written in constants and
specialisation symbols only (compile-time per specialisation); tile arithmetic is resolved to
op-table entries (TileOp); every name refers to a definition before it; tpush/tpop sit on the
right side of their pipe with the pipe's (per-lane) tile type; producer and consumer move the
same number of tiles through each pipe per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import ir, ops
from ..diagnostics import ErrorSink, SourceFile
from ..symbolic import canonical, names_in, same_dim, substitute
from .names import unsafe_reason


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


def check(kernel: ir.Kernel, source: SourceFile | None = None) -> ir.Kernel:
    """Type `kernel`; raise CompileError listing every error."""
    return _Checker(kernel, ErrorSink(source)).run()


class _Checker:
    def __init__(self, kernel: ir.Kernel, sink: ErrorSink):
        self.kernel = kernel
        self.sink = sink
        self.error = sink.error
        self.spec_names: set[str] = set()
        self.core: str | None = None  # the body being checked

    # ------------------------------------------------------------------ declarations

    def run(self) -> ir.Kernel:
        k = self.kernel
        top = Scope()
        self._name(k.name, k.span, top, None)
        params = tuple(self._param(p, top) for p in k.params)
        specs = tuple(self._specialize(s, top) for s in k.specializations)
        requires = tuple(self._require(r, top) for r in k.requires)
        grid = self._grid(k.grid, top)
        pipes = tuple(self._pipe(p, top) for p in k.pipes)
        self.pipes = {p.name: p for p in pipes}
        prelude = self._stmts(k.prelude, top, core=None)
        aic = self._core_body("aic", k.aic, top)
        aiv = self._core_body("aiv", k.aiv, top)
        checked = replace(k, params=params, requires=requires, specializations=specs, grid=grid,
                          pipes=pipes, prelude=prelude, aic=aic, aiv=aiv)
        if not self.sink.diagnostics:
            self._check_pipe_balance(checked)
        self.sink.raise_if_any()
        return checked

    def _name(self, name: str, span, scope: Scope, symbol: Symbol | None) -> None:
        reason = unsafe_reason(name)
        if reason:
            self.error(span, f"cannot use '{name}' as a name: {reason}")
        if symbol is not None and name == "lane":
            self.error(span, "'lane' is the vector lane index (0 or 1) and cannot be redefined")
        elif name in scope.names:
            self.error(span, f"'{name}' is already defined")
        elif scope.lookup(name) is not None:
            # A core's names form one namespace in the generated C++, so no shadowing.
            self.error(span, f"'{name}' is already defined in an enclosing block")
        elif symbol is not None:
            scope.names[name] = symbol

    def _param(self, param, scope: Scope):
        if isinstance(param, ir.ScalarParam):
            if param.dtype not in ("f32", "i32", "i64"):
                self.error(param.span, f"scalar parameter '{param.name}' must be f32, i32 or i64")
            stype = ir.F32 if param.dtype == "f32" else ir.I64
            self._name(param.name, param.span, scope, Symbol("scalar_param", stype))
            return param
        self._name(param.name, param.span, scope, Symbol("tensor", param))
        if param.dtype not in ir.DTYPE_BYTES:
            self.error(param.span, f"unknown dtype '{param.dtype}'")
        for dim in param.shape:
            if isinstance(dim, ir.Name):
                if scope.lookup(dim.name) is None:
                    self._name(dim.name, dim.span, scope, Symbol("shape", ir.I64, dim))
                elif scope.lookup(dim.name).kind != "shape":
                    self.error(dim.span, f"'{dim.name}' is not a shape dimension")
            elif not (isinstance(dim, ir.Const) and isinstance(dim.value, int) and dim.value > 0):
                self.error(getattr(dim, "span", param.span),
                           "a tensor dimension is a name or a positive integer")
        return param

    def _require(self, require: ir.Require, scope: Scope) -> ir.Require:
        cond = self._expr(require.cond, scope)
        self._expect_scalar(cond, ir.BOOL, "a requirement")
        # `require head_dim == 128` fixes the symbol for the rest of the kernel.
        if isinstance(cond, ir.BinOp) and cond.op == "==" and isinstance(cond.lhs, ir.Name):
            symbol = scope.lookup(cond.lhs.name)
            if (symbol and symbol.kind == "shape" and isinstance(cond.rhs, ir.Const)
                    and isinstance(cond.rhs.value, int)):
                scope.names[cond.lhs.name] = replace(symbol, static=cond.rhs)
        return replace(require, cond=cond)

    def _specialize(self, spec: ir.Specialize, scope: Scope) -> ir.Specialize:
        if len(set(spec.values)) != len(spec.values):
            self.error(spec.span, f"specialisation '{spec.name}' lists a value twice")
        existing = scope.lookup(spec.name)
        rule = None
        if spec.rule is None:
            if existing is None or existing.kind != "shape":
                self.error(spec.span, f"specialisation '{spec.name}' has no rule and is not a "
                           "tensor dimension: write `= expression` or use it in a tensor shape")
        else:
            if existing is not None:
                self.error(spec.span, f"'{spec.name}' is already defined")
            rule = self._expr(spec.rule, scope)
            self._expect_scalar(rule, ir.I64, "a specialisation rule")
        symbol = Symbol("spec", ir.I64, ir.Name(spec.name, spec.span, ir.I64))
        if existing is None or existing.kind == "shape":
            if existing is None:
                self._name(spec.name, spec.span, scope, symbol)
            scope.names[spec.name] = symbol
        self.spec_names.add(spec.name)
        return replace(spec, rule=rule)

    def _grid(self, grid: ir.Grid | None, scope: Scope) -> ir.Grid | None:
        if grid is None:
            self.error(self.kernel.span, "the kernel declares no grid: add "
                       "`grid (i) = (extent) on N blocks;`")
            return None
        if len(grid.vars) != len(grid.extents):
            self.error(grid.span, f"the grid names {_plural(len(grid.vars), 'dimension')} but "
                       f"gives {_plural(len(grid.extents), 'extent')}")
        if not 1 <= grid.blocks <= 65535:
            self.error(grid.span, "the hardware block count must be between 1 and 65535")
        extents = tuple(self._expr(e, scope) for e in grid.extents)
        for extent in extents:
            self._expect_scalar(extent, ir.I64, "a grid extent")
        for var in grid.vars:
            self._name(var, grid.span, scope, Symbol("grid", ir.I64))
        return replace(grid, extents=extents)

    def _pipe(self, pipe: ir.PipeDecl, scope: Scope) -> ir.PipeDecl:
        self._name(pipe.name, pipe.span, scope, Symbol("pipe", pipe))
        if pipe.src == pipe.dst:
            self.error(pipe.span, f"pipe '{pipe.name}' must go from one core to the other "
                       "(aic -> aiv or aiv -> aic)")
        elif pipe.src == "aiv" and pipe.split != "rows":
            self.error(pipe.span, f"pipe '{pipe.name}': an aiv -> aic pipe must be `split rows` "
                       "(each lane pushes its half of the cube's tile)")
        if pipe.depth < 1:
            self.error(pipe.span, f"pipe '{pipe.name}' needs a depth of at least 1")
        shape = self._tile_shape(pipe.shape, scope, pipe.span)
        if pipe.split == "rows" and shape and isinstance(shape[0], ir.Const) and shape[0].value % 2:
            self.error(pipe.span, f"pipe '{pipe.name}' is split by rows but has "
                       f"{shape[0].value} rows, an odd number")
        return replace(pipe, shape=shape or ())  # () when reported: its tiles are not typed

    # ------------------------------------------------------------------ statements

    def _core_body(self, core: str, body: tuple, top: Scope) -> tuple:
        scope = Scope(top)
        if core == "aiv":
            scope.names["lane"] = Symbol("lane", ir.I64, core="aiv")
        return self._stmts(body, scope, core)

    def _stmts(self, stmts: tuple, scope: Scope, core: str | None) -> tuple:
        self.core = core
        return tuple(self._stmt(s, scope) for s in stmts)

    def _stmt(self, stmt: ir.Stmt, scope: Scope) -> ir.Stmt:
        method = getattr(self, "_stmt_" + type(stmt).__name__)
        return method(stmt, scope)

    def _stmt_Let(self, stmt: ir.Let, scope: Scope) -> ir.Stmt:
        value = self._expr(stmt.value, scope)  # a tile op at kernel level reports itself
        static = None
        if isinstance(value.type, ir.ScalarType) and not stmt.mutable:
            static = self._static_value(value, scope)
        kind = "var" if stmt.mutable else "let"
        self._name(stmt.name, stmt.span, scope, Symbol(kind, value.type, static, self.core))
        return replace(stmt, value=value)

    def _stmt_Assign(self, stmt: ir.Assign, scope: Scope) -> ir.Stmt:
        value = self._expr(stmt.value, scope)
        symbol = scope.lookup(stmt.name)
        if symbol is None:
            self.error(stmt.span, f"'{stmt.name}' is not defined (declare it with `var`)")
        elif symbol.kind == "let":
            self.error(stmt.span, f"cannot assign to '{stmt.name}': it is a `let` binding; "
                       "declare it with `var` to update it")
        elif symbol.kind != "var":
            self.error(stmt.span, f"cannot assign to '{stmt.name}': it is {KIND_WORDS[symbol.kind]}")
        elif value.type is not None and symbol.type is not None and not self._same_type(
                symbol.type, value.type):
            self.error(stmt.span, f"'{stmt.name}' is {symbol.type}, cannot assign {value.type}")
        return replace(stmt, value=value)

    def _stmt_TPush(self, stmt: ir.TPush, scope: Scope) -> ir.Stmt:
        value = self._expr(stmt.value, scope)
        pipe = self._pipe_for(stmt.pipe, stmt.span, "tpush")
        if pipe is not None:
            if self.core != pipe.src:
                self.error(stmt.span, f"tpush on pipe '{pipe.name}' from the {self.core or 'kernel'}"
                           f" side: the pipe carries tiles from {pipe.src} to {pipe.dst}, so only "
                           f"{pipe.src} pushes")
            elif isinstance(value.type, ir.TileType):
                expected = self._pipe_tile(pipe)
                if expected is not None and not self._same_type(expected, value.type):
                    lane = " per lane" if pipe.src == "aiv" and pipe.split == "rows" else ""
                    self.error(stmt.span, f"tpush: pipe '{pipe.name}' carries {expected}{lane}, "
                               f"got {value.type}")
            elif value.type is not None:
                self.error(stmt.span, f"tpush needs a tile, got a scalar {value.type}")
        return replace(stmt, value=value)

    def _stmt_Store(self, stmt: ir.Store, scope: Scope) -> ir.Stmt:
        value = self._expr(stmt.value, scope)
        slices, shape = self._gm_slice(stmt.tensor, stmt.slices, scope, stmt.span, "store")
        param = self.kernel.param(stmt.tensor)
        if self.core is None:
            self.error(stmt.span, "store runs on a core: move it into `aic { }` or `aiv { }`")
        if shape is not None and isinstance(value.type, ir.TileType):
            if value.type.dtype != param.dtype:
                self.error(stmt.span, f"store: '{stmt.tensor}' holds {param.dtype}, the tile is "
                           f"{value.type.dtype}; cast it first")
            elif not all(same_dim(a, b) for a, b in zip(shape, value.type.shape)):
                self.error(stmt.span, f"store: the slice of '{stmt.tensor}' is "
                           f"{ir.TileType(param.dtype, shape)}, the tile is {value.type}")
        elif value.type is not None and not isinstance(value.type, ir.TileType):
            self.error(stmt.span, "store needs a tile")
        return replace(stmt, slices=slices, value=value)

    def _stmt_For(self, stmt: ir.For, scope: Scope) -> ir.Stmt:
        start, stop = self._range(stmt, scope)
        inner = Scope(scope)
        self._name(stmt.var, stmt.span, inner, Symbol("loop", ir.I64, core=self.core))
        body = tuple(self._stmt(s, inner) for s in stmt.body)
        return replace(stmt, start=start, stop=stop, body=body)

    def _stmt_PipelinedFor(self, stmt: ir.PipelinedFor, scope: Scope) -> ir.Stmt:
        start, stop = self._range(stmt, scope)
        if self.core is None:
            self.error(stmt.span, "a pipelined loop runs on a core: move it into `aic { }` or "
                       "`aiv { }`")
        inner = Scope(scope)  # one scope for all stages: later stages read earlier ones' values
        self._name(stmt.var, stmt.span, inner, Symbol("loop", ir.I64, core=self.core))
        seen = set()
        stages = []
        for stage in stmt.stages:
            if stage.name in seen:
                self.error(stage.span, f"stage '{stage.name}' is defined twice in this loop")
            seen.add(stage.name)
            body = tuple(self._stmt(s, inner) for s in stage.body)
            stages.append(replace(stage, body=body))
        return replace(stmt, start=start, stop=stop, stages=tuple(stages))

    def _stmt_If(self, stmt: ir.If, scope: Scope) -> ir.Stmt:
        cond = self._expr(stmt.cond, scope)
        self._expect_scalar(cond, ir.BOOL, "an `if` condition")
        then_scope, else_scope = Scope(scope), Scope(scope)
        then = tuple(self._stmt(s, then_scope) for s in stmt.then)
        orelse = tuple(self._stmt(s, else_scope) for s in stmt.orelse)
        return replace(stmt, cond=cond, then=then, orelse=orelse)

    def _range(self, stmt, scope: Scope):
        start, stop = self._expr(stmt.start, scope), self._expr(stmt.stop, scope)
        self._expect_scalar(start, ir.I64, "a loop bound")
        self._expect_scalar(stop, ir.I64, "a loop bound")
        return start, stop

    # ------------------------------------------------------------------ expressions

    def _expr(self, expr: ir.Expr, scope: Scope) -> ir.Expr:
        return getattr(self, "_expr_" + type(expr).__name__)(expr, scope)

    def _expr_Const(self, expr: ir.Const, scope: Scope) -> ir.Expr:
        if isinstance(expr.value, int) and not -2**63 <= expr.value < 2**63:
            self.error(expr.span, f"{expr.value} does not fit in 64 bits")
            return expr
        return replace(expr, type=ir.I64 if isinstance(expr.value, int) else ir.F32)

    def _expr_Name(self, expr: ir.Name, scope: Scope) -> ir.Expr:
        symbol = scope.lookup(expr.name)
        if symbol is None:
            other = {"aic": "aiv", "aiv": "aic"}.get(self.core)
            if expr.name == "lane":
                self.error(expr.span, "'lane' (the vector lane index) exists only in the "
                           "`aiv { }` body")
            elif other is not None and expr.name in _defined_names(self.kernel.body(other)):
                self.error(expr.span, f"'{expr.name}' is defined in the {other} body and cannot "
                           f"be read on {self.core}: cores share data only through pipes")
            else:
                self.error(expr.span, f"'{expr.name}' is not defined")
            return expr
        if symbol.kind in ("tensor", "pipe"):
            usage = "load it with `load`" if symbol.kind == "tensor" else "use `tpop`"
            self.error(expr.span, f"'{expr.name}' is a {symbol.kind}, not a value: {usage}")
            return expr
        return replace(expr, type=symbol.type)

    def _expr_BinOp(self, expr: ir.BinOp, scope: Scope) -> ir.Expr:
        lhs, rhs = self._expr(expr.lhs, scope), self._expr(expr.rhs, scope)
        lt, rt = lhs.type, rhs.type
        if lt is None or rt is None:
            return replace(expr, lhs=lhs, rhs=rhs)
        if isinstance(lt, ir.TileType) or isinstance(rt, ir.TileType):
            if expr.op not in ops.ELEMENTWISE:
                self.error(expr.span, f"'{expr.op}' is not defined on tiles")
                return replace(expr, lhs=lhs, rhs=rhs)
            return self._tile_binary(ops.ELEMENTWISE[expr.op], lhs, rhs, expr.span)
        if expr.op in ("&&", "||"):
            for side in (lhs, rhs):
                self._expect_scalar(side, ir.BOOL, f"an operand of '{expr.op}'")
            return replace(expr, lhs=lhs, rhs=rhs, type=ir.BOOL)
        if ir.BOOL in (lt, rt):
            self.error(expr.span, f"'{expr.op}' needs numbers, got {lt} and {rt}")
            return replace(expr, lhs=lhs, rhs=rhs)
        numeric = ir.F32 if ir.F32 in (lt, rt) else ir.I64
        if expr.op == "%" and numeric == ir.F32:
            self.error(expr.span, "'%' needs integers")
        if expr.op in ("/", "%") and self._is_zero(rhs, scope):
            self.error(rhs.span or expr.span, "division by zero")
            return replace(expr, lhs=lhs, rhs=rhs)
        result = ir.BOOL if expr.op in ("==", "!=", "<", "<=", ">", ">=") else numeric
        return replace(expr, lhs=lhs, rhs=rhs, type=result)

    def _expr_UnaryOp(self, expr: ir.UnaryOp, scope: Scope) -> ir.Expr:
        operand = self._expr(expr.operand, scope)
        if isinstance(operand.type, ir.TileType):
            if expr.op == "-":
                return self._tile_op("muls", (operand, ir.Const(-1.0, expr.span, ir.F32)), (),
                                     expr.span)
            self.error(expr.span, "'!' is not defined on tiles")
            return replace(expr, operand=operand)
        if operand.type is None:
            return replace(expr, operand=operand)
        if expr.op == "!":
            self._expect_scalar(operand, ir.BOOL, "the operand of '!'")
            return replace(expr, operand=operand, type=ir.BOOL)
        if operand.type == ir.BOOL:
            self.error(expr.span, "'-' needs a number")
        return replace(expr, operand=operand, type=operand.type)

    def _expr_Select(self, expr: ir.Select, scope: Scope) -> ir.Expr:
        cond = self._expr(expr.cond, scope)
        a, b = self._expr(expr.if_true, scope), self._expr(expr.if_false, scope)
        self._expect_scalar(cond, ir.BOOL, "a `?` condition")
        result = None
        if a.type is not None and b.type is not None:
            if isinstance(a.type, ir.TileType) or isinstance(b.type, ir.TileType):
                self.error(expr.span, "`? :` chooses between scalars; use `if` for tiles")
            elif a.type != b.type:
                result = ir.F32 if ir.F32 in (a.type, b.type) else None
                if result is None:
                    self.error(expr.span, f"the two branches of `?` are {a.type} and {b.type}")
            else:
                result = a.type
        return replace(expr, cond=cond, if_true=a, if_false=b, type=result)

    def _expr_Index(self, expr: ir.Index, scope: Scope) -> ir.Expr:
        indices = tuple(self._expr(i, scope) for i in expr.indices)
        param = self._tensor(expr.tensor, expr.span, scope)
        if param is None:
            return replace(expr, indices=indices)
        if param.direction == "out":
            self.error(expr.span, f"cannot read '{expr.tensor}': it is an output (`out`)")
        if len(indices) != len(param.shape):
            self.error(expr.span, f"'{expr.tensor}' has {len(param.shape)} dimensions, "
                       f"indexed with {len(indices)}")
        for index in indices:
            self._expect_scalar(index, ir.I64, "an index")
        stype = ir.F32 if param.dtype in ir.FLOAT_DTYPES else ir.I64
        return replace(expr, indices=indices, type=stype)

    def _expr_Load(self, expr: ir.Load, scope: Scope) -> ir.Expr:
        slices, shape = self._gm_slice(expr.tensor, expr.slices, scope, expr.span, "load")
        if self.core is None:
            self.error(expr.span, "load runs on a core: move it into `aic { }` or `aiv { }`")
        if shape is None:
            return replace(expr, slices=slices)
        param = self.kernel.param(expr.tensor)
        if param.direction == "out":
            self.error(expr.span, f"cannot load from '{expr.tensor}': it is an output (`out`)")
        if expr.transpose:
            shape = (shape[1], shape[0])
        return replace(expr, slices=slices, type=ir.TileType(param.dtype, shape))

    def _expr_TPop(self, expr: ir.TPop, scope: Scope) -> ir.Expr:
        pipe = self._pipe_for(expr.pipe, expr.span, "tpop")
        if pipe is None:
            return expr
        if self.core != pipe.dst:
            self.error(expr.span, f"tpop on pipe '{pipe.name}' from the {self.core or 'kernel'} "
                       f"side: the pipe carries tiles from {pipe.src} to {pipe.dst}, so only "
                       f"{pipe.dst} pops")
            return expr
        return replace(expr, type=self._pipe_tile(pipe))

    def _expr_TileOp(self, expr: ir.TileOp, scope: Scope) -> ir.Expr:
        # Only `cast` reaches here, as the parser wrote it: (value[, rounding mode name]).
        value = self._expr(expr.args[0], scope)
        mode = "rint"
        if len(expr.args) > 1:
            mode = expr.args[1].name
            if mode not in ops.ROUNDING_MODES:
                self.error(expr.args[1].span, f"unknown rounding mode '{mode}': use one of "
                           + ", ".join(ops.ROUNDING_MODES))
        if value.type is None:
            return expr
        if not isinstance(value.type, ir.TileType):
            self.error(expr.span, "cast converts tiles")
            return expr
        attrs = (("dtype", expr.attr("dtype")), ("round", mode))
        return self._tile_op("cast", (value,), attrs, expr.span)

    def _expr_Call(self, expr: ir.Call, scope: Scope) -> ir.Expr:
        func = expr.func
        if func == "transpose":
            return self._transpose(expr, scope)
        args = tuple(a if isinstance(a, ir.TileType) else self._expr(a, scope) for a in expr.args)
        if func != "fill" and any(isinstance(a, ir.TileType) for a in args):
            self.error(expr.span, f"a tile type such as f32[16, 64] is an argument of fill only, "
                       f"not of {func}")
            return replace(expr, args=args)
        if any(getattr(a, "type", 0) is None for a in args):
            return replace(expr, args=args)
        if func in ("min", "max") and len(args) == 2 and any(
                isinstance(a.type, ir.TileType) for a in args):
            return self._tile_binary(func, args[0], args[1], expr.span)
        if func in ops.SCALAR_FUNCTIONS:
            if len(args) != ops.SCALAR_FUNCTIONS[func]:
                self.error(expr.span, f"{func} takes "
                           f"{_plural(ops.SCALAR_FUNCTIONS[func], 'argument')}, got {len(args)}")
                return replace(expr, args=args)
            for arg in args:
                self._expect_scalar(arg, None, f"an argument of {func}")
            numeric = ir.F32 if any(a.type == ir.F32 for a in args) else ir.I64
            if func == "ceil_div" and numeric != ir.I64:
                self.error(expr.span, "ceil_div needs integers")
            if func == "ceil_div" and self._is_zero(args[1], scope):
                self.error(args[1].span or expr.span, "division by zero")
                return replace(expr, args=args)
            return replace(expr, args=args, type=numeric)
        if func == "fill":
            if len(args) != 2 or not isinstance(args[0], ir.TileType):
                self.error(expr.span, "fill takes a tile type and a value: fill(f32[rows, cols], 0.0)")
                return replace(expr, args=args)
            shape = self._tile_shape(args[0].shape, scope, expr.span)
            if shape is None:
                return replace(expr, args=args)
            tile_type = ir.TileType(args[0].dtype, shape)
            return self._tile_op("fill", (args[1],), (("type", tile_type),), expr.span)
        if func in ops.TILE_FUNCTIONS:
            return self._tile_op(func, args, (), expr.span)
        self.error(expr.span, f"unknown function '{func}'")
        return replace(expr, args=args)

    def _transpose(self, expr: ir.Call, scope: Scope) -> ir.Expr:
        if len(expr.args) != 1 or not isinstance(expr.args[0], ir.Load):
            self.error(expr.span, "transpose applies to a load (`transpose(load t[...])`): "
                       "it becomes a column-major view of GM, no data is moved")
            return expr
        return self._expr(replace(expr.args[0], transpose=True, span=expr.span), scope)

    # ------------------------------------------------------------------ tile ops

    def _tile_binary(self, name: str, lhs: ir.Expr, rhs: ir.Expr, span) -> ir.Expr:
        lt, rt = lhs.type, rhs.type
        if isinstance(lt, ir.ScalarType) and name in ops.COMMUTATIVE:
            lhs, rhs, lt, rt = rhs, lhs, rt, lt
        if isinstance(lt, ir.ScalarType):
            rewrite = "-tile + scalar" if name == "sub" else f"fill({rt}, scalar) / tile"
            self.error(span, f"scalar {_symbol(name)} tile is not supported: write it as "
                       f"{rewrite}")
            return ir.Const(0, span)
        if isinstance(rt, ir.ScalarType):
            if name == "sub":
                rhs = ir.UnaryOp("-", rhs, rhs.span, rt)
                name = "add"
            if rt == ir.BOOL:
                self.error(span, "a tile cannot be combined with a bool")
            return self._tile_op(ops.WITH_SCALAR[name], (lhs, rhs), (), span)
        if lt.dtype != rt.dtype:
            self.error(span, f"dtype mismatch: {lt} {_symbol(name)} {rt}; cast one side")
            return ir.Const(0, span)
        if self._same_shape(lt, rt):
            return self._tile_op(name, (lhs, rhs), (), span)
        if self._is_row(rt) and same_dim(lt.shape[0], rt.shape[0]) and name in ops.ROW_BROADCAST:
            return self._tile_op(ops.ROW_BROADCAST[name], (lhs, rhs), (), span)
        if (self._is_row(lt) and same_dim(lt.shape[0], rt.shape[0]) and name in ops.COMMUTATIVE
                and name in ops.ROW_BROADCAST):
            return self._tile_op(ops.ROW_BROADCAST[name], (rhs, lhs), (), span)
        self.error(span, f"shapes do not broadcast: {lt} {_symbol(name)} {rt} (tiles combine "
                   "with a tile of the same shape, a [rows, 1] tile on the right, or a scalar)")
        return ir.Const(0, span)

    def _tile_op(self, name: str, args: tuple, attrs: tuple, span) -> ir.Expr:
        spec = ops.OPS[name]
        if self.core is not None and spec.core != self.core:
            kind = "cube" if spec.core == "aic" else "vector"
            self.error(span, f"{name} is a {kind} op: it runs on {spec.core}, not in the "
                       f"{self.core} body")
        elif self.core is None:
            self.error(span, f"{name} runs on a core: move it into `aic {{ }}` or `aiv {{ }}`")
        if len(args) != len(spec.operands) - (1 if spec.operands[0] == "type" else 0):
            count = len(spec.operands) - (1 if spec.operands[0] == "type" else 0)
            self.error(span, f"{name} takes {_plural(count, 'argument')}, got {len(args)}")
            return ir.Const(0, span)
        types = []
        for kind, arg in zip([k for k in spec.operands if k != "type"], args):
            if kind in ("tile", "row") and not isinstance(arg.type, ir.TileType):
                self.error(arg.span or span, f"{name} needs a tile here, got {arg.type}")
                return ir.Const(0, span)
            if kind == "scalar" and not isinstance(arg.type, ir.ScalarType):
                self.error(arg.span or span, f"{name} needs a scalar here, got {arg.type}")
                return ir.Const(0, span)
            types.append(arg.type)
        if not self._operands_ok(name, args, types, dict(attrs), span):
            return ir.Const(0, span)
        result = spec.result(types, attrs)
        return ir.TileOp(name, tuple(args), attrs, span, result)

    def _operands_ok(self, name: str, args, types, attrs: dict, span) -> bool:
        if name in ("matmul", "matmul_acc"):
            a, b = types[-2], types[-1]
            if a.dtype != b.dtype or a.dtype not in ("bf16", "f16", "f32"):
                self.error(span, f"{name}: operands must both be bf16, f16 or f32, got {a} and {b}")
                return False
            if not same_dim(a.shape[1], b.shape[0]):
                self.error(span, f"matmul shape mismatch: {a} @ {b} (the inner dimensions "
                           f"{a.shape[1]} and {b.shape[0]} differ)")
                return False
            if name == "matmul_acc":
                acc = types[0]
                expected = ir.TileType("f32", (a.shape[0], b.shape[1]))
                if not self._same_type(acc, expected):
                    self.error(span, f"matmul_acc: the accumulator is {acc}, the product is "
                               f"{expected}")
                    return False
            return True
        if name in ("rowmax", "rowsum") and self._is_row(types[0]):
            self.error(span, f"{name} of a [rows, 1] tile is the tile itself")
            return False
        if name == "cast" and attrs["dtype"] == types[0].dtype:
            self.error(span, f"cast to {attrs['dtype']} of a tile that already is {attrs['dtype']}")
            return False
        if name == "pad_cols":
            if types[1] != ir.I64:
                self.error(args[1].span or span, "pad_cols: the valid length is an integer")
                return False
        if name in ("exp", "rowmax", "rowsum", "pad_cols") and types[0].dtype not in (
                "f32", "f16"):
            self.error(span, f"{name} needs an f32 or f16 tile, got {types[0]}")
            return False
        return True

    # ------------------------------------------------------------------ helpers

    def _gm_slice(self, tensor: str, slices: tuple, scope: Scope, span, what: str):
        param = self._tensor(tensor, span, scope)
        checked = []
        for s in slices:
            start = self._expr(s.start, scope)
            self._expect_scalar(start, ir.I64, "a slice start")
            size = s.size
            if size is not None:
                size = self._expr(size, scope)
                self._expect_scalar(size, ir.I64, "a slice size")
            checked.append(replace(s, start=start, size=size))
        if param is None:
            return tuple(checked), None
        if what == "store" and param.direction == "in":
            self.error(span, f"cannot store to '{tensor}': it is an input (`in`)")
        if len(checked) != len(param.shape):
            self.error(span, f"'{tensor}' has {len(param.shape)} dimensions, the slice names "
                       f"{len(checked)}")
            return tuple(checked), None
        shape = []
        for i, (s, dim) in enumerate(zip(checked, param.shape)):
            if s.point:
                continue
            if s.size is None:
                dim = replace(dim, type=ir.I64, span=s.span)  # errors point at the ':'
                size = dim if _is_zero(s.start) else ir.BinOp("-", dim, s.start, s.span, ir.I64)
                checked[i] = replace(s, size=size)
            shape.append(checked[i].size)
        if len(shape) != 2:
            self.error(span, f"a {what} moves a 2-D tile, this slice of '{tensor}' has "
                       f"{len(shape)} dimensions (index the others with a single value)")
            return tuple(checked), None
        if any(size.type != ir.I64 for size in shape):
            return tuple(checked), None  # reported above
        static = self._tile_shape(tuple(shape), scope, span, typed=True)
        return tuple(checked), static

    def _tile_shape(self, dims: tuple, scope: Scope, span, typed: bool = False) -> tuple | None:
        """Dims in constants and specialisation symbols, or None after reporting why not.
        `typed`: the dims are checked expressions already (slice sizes)."""
        if len(dims) != 2:
            self.error(span, f"a tile has 2 dimensions, [rows, cols]; this one has {len(dims)}")
            return None
        out = []
        for dim in dims:
            checked = dim if typed else self._expr(dim, scope)
            if checked.type is None:
                return None
            if checked.type != ir.I64:
                self.error(checked.span or span, f"a tile dimension must be an integer, got "
                           f"{checked.type}")
                return None
            value = self._static_value(checked, scope)
            if value is None or names_in(value) - self.spec_names:
                parts = self._runtime_parts(checked, scope)
                verb = "is" if len(parts) == 1 else "are"
                self.error(getattr(dim, "span", None) or span,
                           f"a tile dimension must be known at compile time, but "
                           f"{', '.join(parts)} {verb} not: use constants and specialisations, "
                           "or fix a shape dimension with `require dim == N`")
                return None
            if isinstance(value, ir.Const) and value.value <= 0:
                self.error(getattr(dim, "span", None) or span, "a tile dimension must be positive")
                return None
            out.append(value)
        return tuple(out)

    def _runtime_parts(self, expr: ir.Expr, scope: Scope) -> list:
        """The names and reads that keep `expr` from being a compile-time value."""
        parts = set()

        def visit(e: ir.Expr) -> None:
            if isinstance(e, (ir.Index, ir.Load, ir.TPop, ir.TileOp)):
                parts.add(f"'{e}'")
                return
            if isinstance(e, ir.Name):
                symbol = scope.lookup(e.name)
                if symbol is None or symbol.static is None:
                    parts.add(f"'{e.name}'")
                else:
                    parts.update(f"'{n}'" for n in names_in(symbol.static) - self.spec_names)
            for child in ir.expr_children(e):
                visit(child)

        visit(expr)
        return sorted(parts) or [f"'{expr}'"]

    def _is_zero(self, expr: ir.Expr, scope: Scope) -> bool:
        """Whether `expr` is zero whatever the specialisation (a divisor that must be refused)."""
        value = self._static_value(expr, scope)
        if isinstance(value, ir.Const):
            return value.value == 0
        return value is not None and expr.type == ir.I64 and not canonical(value)

    def _static_value(self, expr: ir.Expr, scope: Scope):
        """The expression in compile-time terms (constants, shape and spec symbols) or None."""
        values = {}
        for name in names_in(expr):
            symbol = scope.lookup(name)
            if symbol is None or symbol.static is None:
                return None
            values[name] = symbol.static
        if any(isinstance(e, (ir.Index, ir.Load, ir.TPop, ir.TileOp)) for e in ir.walk_expr(expr)):
            return None
        return substitute(expr, values)

    def _tensor(self, name: str, span, scope: Scope):
        symbol = scope.lookup(name)
        if symbol is None:
            self.error(span, f"'{name}' is not defined")
            return None
        if symbol.kind != "tensor":
            self.error(span, f"'{name}' is not a tensor")
            return None
        return symbol.type

    def _pipe_for(self, name: str, span, what: str):
        pipe = self.pipes.get(name)
        if pipe is None:
            self.error(span, f"{what}: '{name}' is not a pipe")
        return pipe

    def _pipe_tile(self, pipe: ir.PipeDecl) -> ir.TileType | None:
        """The tile one core sees: the AIV side of a row-split pipe sees half the rows.
        None when the pipe's declared shape is not 2-D (reported at the pipe)."""
        if len(pipe.shape) != 2:
            return None
        rows, cols = pipe.shape
        if pipe.split == "rows" and "aiv" in (self.core,):
            rows = substitute(ir.BinOp("/", rows, ir.Const(2), None, ir.I64), {})
        return ir.TileType(pipe.dtype, (rows, cols))

    def _expect_scalar(self, expr: ir.Expr, expected, what: str) -> None:
        actual = expr.type
        if actual is None:
            return
        if isinstance(actual, ir.TileType):
            self.error(expr.span, f"{what} must be a scalar, got a tile {actual}")
        elif expected == ir.BOOL and actual != ir.BOOL:
            self.error(expr.span, f"{what} must be a comparison, got {actual}")
        elif expected == ir.I64 and actual != ir.I64:
            self.error(expr.span, f"{what} must be an integer, got {actual}")
        elif expected is None and actual == ir.BOOL:
            self.error(expr.span, f"{what} must be a number, got bool")

    def _same_shape(self, a: ir.TileType, b: ir.TileType) -> bool:
        return all(same_dim(x, y) for x, y in zip(a.shape, b.shape))

    def _same_type(self, a, b) -> bool:
        if isinstance(a, ir.TileType) and isinstance(b, ir.TileType):
            return a.dtype == b.dtype and self._same_shape(a, b)
        return a == b

    @staticmethod
    def _is_row(t: ir.TileType) -> bool:
        return isinstance(t.shape[1], ir.Const) and t.shape[1].value == 1

    # ------------------------------------------------------------------ pipe balance

    def _check_pipe_balance(self, kernel: ir.Kernel) -> None:
        # Loop bounds are compared as text with the kernel-level lets, which both cores share,
        # written out: `0 .. n` on one core and `0 .. ceil_div(ctx, bs)` on the other agree.
        shared: dict = {}
        for stmt in kernel.prelude:
            if isinstance(stmt, ir.Let) and not stmt.mutable:
                shared[stmt.name] = substitute(stmt.value, shared)
        for pipe in kernel.pipes:
            pushes = _count(kernel.body(pipe.src), pipe.name, "push", shared)
            pops = _count(kernel.body(pipe.dst), pipe.name, "pop", shared)
            if pushes != pops:
                self.error(pipe.span, f"pipe '{pipe.name}': {pipe.src} pushes "
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
        for expr in ir.stmt_exprs(stmt):
            n = sum(1 for e in ir.walk_expr(expr) if isinstance(e, ir.TPop) and e.pipe == pipe)
            if what == "pop" and n:
                add(where, n)
        if what == "push" and isinstance(stmt, ir.TPush) and stmt.pipe == pipe:
            add(where, 1)
        if isinstance(stmt, (ir.For, ir.PipelinedFor)):
            start, stop = substitute(stmt.start, shared), substitute(stmt.stop, shared)
            key = where + (f"per iteration of {start} .. {stop}",)
            for body in ir.children(stmt):
                for k, n in _count(body, pipe, what, shared, key).items():
                    add(k, n)
        elif isinstance(stmt, ir.If):
            then = _count(stmt.then, pipe, what, shared, where)
            if then != _count(stmt.orelse, pipe, what, shared, where):
                cond = substitute(stmt.cond, shared)
                then = _count(stmt.then, pipe, what, shared, where + (f"if {cond}",))
                then.update(_count(stmt.orelse, pipe, what, shared, where + (f"unless {cond}",)))
            for k, n in then.items():
                add(k, n)
    return {k: n for k, n in counts.items() if n}


def _describe_counts(counts: dict) -> str:
    if not counts:
        return "no tiles"
    parts = [" ".join((_plural(n, "tile"),) + where) for where, n in sorted(counts.items())]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def _defined_names(stmts: tuple) -> set:
    """The names that `let`, `var` and loops define anywhere in `stmts`."""
    names = set()
    for stmt in ir.walk_stmts(stmts):
        if isinstance(stmt, ir.Let):
            names.add(stmt.name)
        elif isinstance(stmt, (ir.For, ir.PipelinedFor)):
            names.add(stmt.var)
    return names


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _symbol(op: str) -> str:
    return {"add": "+", "sub": "-", "mul": "*", "div": "/"}.get(op, op)


def _is_zero(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Const) and expr.value == 0


