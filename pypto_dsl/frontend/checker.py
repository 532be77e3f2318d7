"""Name resolution and typing: untyped IR in, typed IR out, or every error at once.

After this pass: every expression has a type; tile shapes are written in constants and
specialisation symbols only (compile-time per specialisation); tile arithmetic is resolved to
op-table entries (TileOp); every name refers to a definition before it; tpush/tpop sit on the
right side of their pipe with the pipe's (per-lane) tile type; producer and consumer move the
same number of tiles through each pipe per iteration.
"""


from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..diagnostics import ErrorSink, SourceFile
from ..platform import DEFAULT, platform
from ..symbolic import names_in, same_dim
from .balance import check_pipe_balance
from .expressions import ExpressionChecker
from .limits import check_declarations
from .names import unsafe_reason
from .parser import PART
from .scope import KIND_WORDS, Scope, Symbol, plural
from .tile_ops import TileOpChecker


def check(kernel: ir.Kernel, source: SourceFile | None = None, target: str = DEFAULT) -> ir.Kernel:
    """Type `kernel`; raise CompileError listing every error."""
    platform(target)  # an unknown target is the caller's error, before any other
    return _Checker(replace(kernel, target=target), ErrorSink(source)).run()



class _Checker(ExpressionChecker, TileOpChecker):
    def __init__(self, kernel: ir.Kernel, sink: ErrorSink):
        self.kernel = kernel
        self.sink = sink
        self.error = sink.error
        self.spec_names: set[str] = set()
        self.core: str | None = None  # the body being checked
        # Binding sites per name in the core body being checked: a core's names are one
        # namespace in the generated C++, so the second site of a name (in a sibling block)
        # is bound in the IR as `name.2`, the third as `name.3`.
        self.sites: dict[str, int] = {}

    # ------------------------------------------------------------------ declarations

    def run(self) -> ir.Kernel:
        k = self.kernel
        check_declarations(k, self.error)
        top = Scope()
        self._name(k.name, k.span, top, None)
        params = tuple(self._param(p, top) for p in k.params)
        specs = tuple(self._specialize(s, top) for s in k.specializations)
        requires = tuple(self._require(r, top) for r in k.requires)
        if not k.phases:
            scratch = tuple(self._scratch(t, top) for t in k.scratch)
            declared = replace(k, params=params, requires=requires, specializations=specs,
                               scratch=scratch)
            checked = self._phase(declared, k, top, ())
            self.sink.raise_if_any()
            return checked
        # The kernel-level lets of a kernel in phases come first and are shared by every
        # phase: they may not read a grid index (there is none yet), so a launch-time one
        # (`let splits = ...` of shape symbols) may size a phase's grid or a scratch tensor.
        self.pipes = {}
        shared = self._stmts(k.prelude, top, core=None)
        scratch = tuple(self._scratch(t, top) for t in k.scratch)
        declared = replace(k, params=params, requires=requires, specializations=specs,
                           scratch=scratch, prelude=shared)
        phases = tuple(self._phase(declared, phase, Scope(top), shared) for phase in k.phases)
        self.sink.raise_if_any()
        return replace(declared, phases=phases)

    def _phase(self, declared: ir.Kernel, phase: ir.Kernel, scope: Scope,
               shared: tuple) -> ir.Kernel:
        """The checked grid, pipes and bodies of one phase (or of a kernel without phases),
        with the kernel's checked declarations; `shared` are the checked kernel-level lets
        that precede the phases."""
        self.kernel = replace(phase, params=declared.params, scratch=declared.scratch)
        if phase.phase:
            check_declarations(self.kernel, self.error, phase=True)
        grid = self._grid(phase.grid, scope)
        # The kernel-level lets first: a pipe's shape may use them (they cannot use pipes).
        self.pipes = {}
        prelude = self._stmts(phase.prelude, scope, core=None)
        pipes = tuple(self._pipe(p, scope) for p in phase.pipes)
        self.pipes = {p.name: p for p in pipes}
        aic = self._core_body("aic", phase.aic, scope)
        aiv = self._core_body("aiv", phase.aiv, scope)
        checked = replace(declared, grid=grid, pipes=pipes, prelude=shared + prelude, aic=aic,
                          aiv=aiv, cores=phase.cores, phase=phase.phase, phases=(),
                          span=phase.span)
        if not self.sink.diagnostics:
            check_pipe_balance(checked, self.error)
        return checked

    def _scratch(self, tensor: ir.TensorParam, scope: Scope) -> ir.TensorParam:
        """A scratch tensor: its dimensions are known at launch (shape symbols,
        specialisations, launch-time lets), written out in those terms."""
        self._name(tensor.name, tensor.span, scope, Symbol("tensor", tensor))
        if tensor.dtype not in ir.DTYPE_BYTES:
            self.error(tensor.span, f"unknown dtype '{tensor.dtype}'")
        dims = tuple(self._launch_value(d, scope, "a scratch dimension") for d in tensor.shape)
        checked = replace(tensor, shape=dims)
        scope.names[tensor.name] = Symbol("tensor", checked)
        return checked

    def _launch_value(self, expr: ir.Expr, scope: Scope, what: str) -> ir.Expr:
        """`expr` (an integer) written in launch-time terms: constants, shape symbols,
        specialisations and the values of the lets made of them; an error if it reads
        anything else (a GM value, a grid index)."""
        checked = expr if expr.type is not None else self._expr(expr, scope)
        self._expect_scalar(checked, ir.I64, what)
        if checked.type != ir.I64:
            return checked
        value = self._static_value(checked, scope)
        if value is None:
            parts = self._runtime_parts(checked, scope)
            verb = "is" if len(parts) == 1 else "are"
            self.error(getattr(expr, "span", None), f"{what} must be known at launch, but "
                       f"{', '.join(parts)} {verb} not: use shape symbols, specialisations "
                       "and kernel-level lets made of them")
            return checked
        return value

    def _bind(self, name: str, span, scope: Scope, symbol: Symbol) -> str:
        """Bind a name of a core body; returns its IR name (see `sites`)."""
        if self.core is not None and scope.lookup(name) is None and name in self.sites:
            self.sites[name] += 1
            symbol = replace(symbol, ir_name=f"{name}.{self.sites[name]}")
        elif self.core is not None:
            self.sites.setdefault(name, 1)
        self._name(name, span, scope, symbol)
        return symbol.ir_name or name

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
                return replace(require, cond=cond, pins=((cond.lhs.name, cond.rhs.value),))
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
            where = f"phase '{self.kernel.phase}'" if self.kernel.phase else "the kernel"
            self.error(self.kernel.span, f"{where} declares no grid: add "
                       "`grid (i) = (extent) on N blocks;`")
            return None
        if len(grid.vars) != len(grid.extents):
            self.error(grid.span, f"the grid names {plural(len(grid.vars), 'dimension')} but "
                       f"gives {plural(len(grid.extents), 'extent')}")
        extents = tuple(self._expr(e, scope) for e in grid.extents)
        for extent in extents:
            self._expect_scalar(extent, ir.I64, "a grid extent")
        # An extent that reads a kernel-level let is written out in the let's launch-time
        # terms, so the orchestration and the interpreter need only the shape symbols.
        extents = tuple(self._launch_value(e, scope, "a grid extent")
                        if e.type == ir.I64 and names_in(e) & self._let_names(scope) else e
                        for e in extents)
        for var in grid.vars:
            self._name(var, grid.span, scope, Symbol("grid", ir.I64))
        return replace(grid, extents=extents)

    @staticmethod
    def _let_names(scope: Scope) -> set:
        names = set()
        while scope is not None:
            names |= {n for n, s in scope.names.items() if s.kind == "let"}
            scope = scope.parent
        return names

    def _pipe(self, pipe: ir.PipeDecl, scope: Scope) -> ir.PipeDecl:
        self._name(pipe.name, pipe.span, scope, Symbol("pipe", pipe))
        if pipe.src == pipe.dst:
            self.error(pipe.span, f"pipe '{pipe.name}' must go from one core to the other "
                       "(aic -> aiv or aiv -> aic)")
        elif pipe.src == "aiv" and pipe.split != "rows":
            self.error(pipe.span, f"pipe '{pipe.name}': an aiv -> aic pipe must be `split rows` "
                       "(each lane pushes its half of the cube's tile)")
        shape = self._tile_shape(pipe.shape, scope, pipe.span)
        if pipe.split == "rows" and shape and isinstance(shape[0], ir.Const) and shape[0].value % 2:
            self.error(pipe.span, f"pipe '{pipe.name}' is split by rows but has "
                       f"{shape[0].value} rows, an odd number")
        return replace(pipe, shape=shape or ())  # () when reported: its tiles are not typed

    # ------------------------------------------------------------------ statements

    def _core_body(self, core: str, body: tuple, top: Scope) -> tuple:
        self.sites = {}
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
        static, by_lane = None, ()
        if isinstance(value.type, ir.ScalarType) and not stmt.mutable:
            static = self._static_value(value, scope)
            if static is None and self.core == "aiv":
                by_lane = self._lane_values(value, scope) or ()
        kind = "var" if stmt.mutable else "let"
        name = self._bind(stmt.name, stmt.span, scope,
                          Symbol(kind, value.type, static, self.core, by_lane=by_lane))
        return replace(stmt, name=name, value=value)

    def _stmt_Assign(self, stmt: ir.Assign, scope: Scope) -> ir.Stmt:
        if isinstance(stmt.value, ir.Call) and stmt.value.func == PART:
            return self._assign_part(stmt, scope)
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
        if symbol is not None and symbol.ir_name:
            return replace(stmt, name=symbol.ir_name, value=value)
        return replace(stmt, value=value)

    def _assign_part(self, stmt: ir.Assign, scope: Scope) -> ir.Stmt:
        """`t[r : +n, c : +m] = v`: t = insert(t, v, r, c), into a `var` tile's own bytes."""
        part, value = stmt.value.args
        value = self._expr(value, scope)
        symbol = scope.lookup(stmt.name)
        if symbol is None or symbol.kind != "var" or not isinstance(symbol.type, ir.TileType):
            what = "not defined" if symbol is None else f"{KIND_WORDS.get(symbol.kind, 'a name')}"
            self.error(stmt.span, f"cannot assign to part of '{stmt.name}': it is {what}; parts "
                       "of a tile `var` can be assigned")
            return stmt
        tile = ir.Name(symbol.ir_name or stmt.name, stmt.span, symbol.type)
        window = self._window(part.indices, symbol.type, scope, part.span)
        if window is None or value.type is None:
            return stmt
        if not isinstance(value.type, ir.TileType):
            self.error(stmt.span, f"a part of '{stmt.name}' takes a tile, got a scalar {value.type}")
            return stmt
        (row, rows), (col, cols) = window
        part_type = ir.TileType(symbol.type.dtype, (rows, cols))
        if not self._same_type(part_type, value.type):
            self.error(stmt.span, f"the part of '{stmt.name}' is {part_type}, the value is "
                       f"{value.type}")
            return stmt
        insert = self._tile_op("insert", (tile, value, row, col), (), stmt.span)
        return replace(stmt, name=tile.name, value=insert)

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
        var = self._bind(stmt.var, stmt.span, inner, Symbol("loop", ir.I64, core=self.core))
        body = tuple(self._stmt(s, inner) for s in stmt.body)
        return replace(stmt, var=var, start=start, stop=stop, body=body)

    def _stmt_PipelinedFor(self, stmt: ir.PipelinedFor, scope: Scope) -> ir.Stmt:
        start, stop = self._range(stmt, scope)
        if self.core is None:
            self.error(stmt.span, "a pipelined loop runs on a core: move it into `aic { }` or "
                       "`aiv { }`")
        inner = Scope(scope)  # one scope for all stages: later stages read earlier ones' values
        var = self._bind(stmt.var, stmt.span, inner, Symbol("loop", ir.I64, core=self.core))
        seen = set()
        stages = []
        for stage in stmt.stages:
            if stage.name in seen:
                self.error(stage.span, f"stage '{stage.name}' is defined twice in this loop")
            seen.add(stage.name)
            body = tuple(self._stmt(s, inner) for s in stage.body)
            stages.append(replace(stage, body=body))
        return replace(stmt, var=var, start=start, stop=stop, stages=tuple(stages))

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

