"""Typing of expressions: scalar arithmetic, names, GM reads, loads, pops and tile calls.

A mixin of the checker (checker.py): it reads and sets the checker's state (`kernel`, `core`,
`pipes`, `spec_names`) and reports through `error`.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir, ops
from ..platform import platform
from ..symbolic import canonical, names_in, same_dim, substitute
from .limits import too_large_to_write_out
from .scope import Scope, defined_names, plural


def other_core(core):
    return {"aic": "aiv", "aiv": "aic"}.get(core)
from .. import walk


class ExpressionChecker:
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
            elif other is not None and expr.name in defined_names(self.kernel.body(other)):
                self.error(expr.span, f"'{expr.name}' is defined in the {other} body and cannot "
                           f"be read on {self.core}: cores share data only through pipes")
            else:
                self.error(expr.span, f"'{expr.name}' is not defined")
            return expr
        if symbol.kind in ("tensor", "pipe"):
            usage = "load it with `load`" if symbol.kind == "tensor" else "use `tpop`"
            self.error(expr.span, f"'{expr.name}' is a {symbol.kind}, not a value: {usage}")
            return expr
        return replace(expr, name=symbol.ir_name or expr.name, type=symbol.type)

    def _expr_BinOp(self, expr: ir.BinOp, scope: Scope) -> ir.Expr:
        lhs, rhs = self._expr(expr.lhs, scope), self._expr(expr.rhs, scope)
        lt, rt = lhs.type, rhs.type
        if lt is None or rt is None:
            return replace(expr, lhs=lhs, rhs=rhs)
        if isinstance(lt, ir.TileType) or isinstance(rt, ir.TileType):
            if expr.op not in ops.OPERATORS:
                self.error(expr.span, f"'{expr.op}' is not defined on tiles")
                return replace(expr, lhs=lhs, rhs=rhs)
            return self._tile_binary(expr.op, lhs, rhs, expr.span)
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
                return self._tile_op("neg", (operand,), (), expr.span)
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
        if any(isinstance(i, ir.SliceDim) for i in expr.indices):
            return self._part(expr, scope)
        symbol = scope.lookup(expr.tensor)
        if symbol is not None and isinstance(symbol.type, ir.TileType):
            self.error(expr.span, f"'{expr.tensor}' is a tile: take a part of it with "
                       f"`{expr.tensor}[r : +rows, c : +cols]`")
            return expr
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
        target = expr.attr("dtype")
        name = "acc_cast" if self.core == "aic" else "cast"
        supported = self._casts(name)
        if value.type.dtype != target and (value.type.dtype, target) not in supported:
            pairs = ", ".join(f"{a} -> {b}" for a, b in sorted(supported))
            where = "the cube's fixpipe" if name == "acc_cast" else "TCVT"
            self.error(expr.span, f"{self.kernel.target} cannot convert {value.type.dtype} to "
                       f"{target} in one step ({where}); it converts {pairs}")
            return expr
        return self._tile_op(name, (value,), (("dtype", target), ("round", mode)), expr.span)

    def _expr_Call(self, expr: ir.Call, scope: Scope) -> ir.Expr:
        func = expr.func
        if func == "transpose":
            return self._transpose(expr, scope)
        args = tuple(a if isinstance(a, ir.TileType) else self._expr(a, scope) for a in expr.args)
        spec = ops.resolve(func, "call", self.core)
        typed = spec is not None and ops.TYPE in spec.operands
        if not typed and any(isinstance(a, ir.TileType) for a in args):
            self.error(expr.span, f"a tile type such as f32[16, 64] is an argument of fill, "
                       f"col_index and row_index, not of {func}")
            return replace(expr, args=args)
        if any(getattr(a, "type", 0) is None for a in args if not isinstance(a, ir.TileType)):
            return replace(expr, args=args)
        if func in ("min", "max") and len(args) == 2 and any(
                isinstance(a.type, ir.TileType) for a in args):
            return self._tile_binary(func, args[0], args[1], expr.span)
        if func in ops.SCALAR_FUNCTIONS:
            if len(args) != ops.SCALAR_FUNCTIONS[func]:
                self.error(expr.span, f"{func} takes "
                           f"{plural(ops.SCALAR_FUNCTIONS[func], 'argument')}, got {len(args)}")
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
        if func == "select" and len(args) == 3 and isinstance(args[2].type, ir.ScalarType):
            spec = ops.resolve(func, "scalar")
        if spec is None and func in ops.functions(other_core(self.core)):
            spec = ops.resolve(func, "call", other_core(self.core))  # reported by _tile_op
        if spec is None:
            self.error(expr.span, f"unknown function '{func}'")
            return replace(expr, args=args)
        if typed:
            return self._typed_call(spec, args, scope, expr.span)
        return self._tile_op(spec.name, args, (), expr.span)

    def _part(self, expr: ir.Index, scope: Scope):
        """`t[r : +n, c : +m]` of a tile t: an `extract` (offsets operands, sizes attrs)."""
        symbol = scope.lookup(expr.tensor)
        if symbol is not None and symbol.kind == "tensor":
            self.error(expr.span, f"'{expr.tensor}' is a tensor: read a slice of it with "
                       f"`load {expr.tensor}[...]`")
            return expr
        tile = self._expr(ir.Name(expr.tensor, expr.span), scope)
        if tile.type is None:
            return expr
        if not isinstance(tile.type, ir.TileType):
            self.error(expr.span, f"'{expr.tensor}' is not a tile")
            return expr
        window = self._window(expr.indices, tile.type, scope, expr.span)
        if window is None:
            return expr
        (row, rows), (col, cols) = window
        return self._tile_op("extract", (tile, row, col), (("rows", rows), ("cols", cols)),
                             expr.span)

    def _window(self, slices: tuple, tile: ir.TileType, scope: Scope, span):
        """((row, rows), (col, cols)) of a part `[r : +n, c : +m]` of `tile`, checked: two
        ranges, sizes known at compile time, inside the tile when both are."""
        if len(slices) != 2 or any(not isinstance(s, ir.SliceDim) or s.point for s in slices):
            self.error(span, "a part of a tile is [r : +rows, c : +cols]: two ranges")
            return None
        out = []
        for s, dim, what in zip(slices, tile.shape, ("row", "column")):
            start = self._expr(s.start, scope)
            self._expect_scalar(start, ir.I64, f"a {what} offset")
            size = self._expr(s.size, scope) if s.size is not None else ir.BinOp(
                "-", dim, start, s.span, ir.I64)
            static = self._tile_shape((size, ir.Const(1, None, ir.I64)), scope, s.span,
                                      typed=True) if size.type == ir.I64 else None
            first = self._static_value(start, scope)
            if static is None:
                return None
            if first is None or names_in(first) - self.spec_names:
                if what == "row" and start.type == ir.I64:  # TEXTRACT takes a runtime row
                    for lane, value in enumerate(self._lane_values(start, scope) or ()):
                        if self._outside(value, static[0], dim, tile, what, s.span,
                                         f" in lane {lane}"):
                            return None
                    out.append((start, static[0]))
                    continue
                self.error(s.span, f"a tile part's {what} offset must be known at compile "
                           "time (the row offset may be a runtime value, the column offset "
                           "not: pto-isa needs it whole 32-byte blocks)")
                return None
            if self._outside(first, static[0], dim, tile, what, s.span):
                return None
            out.append((first, static[0]))
        return tuple(out)

    def _outside(self, first, size, dim, tile: ir.TileType, what: str, span,
                 where: str = "") -> bool:
        """Whether the part's `what`s first .. first + size are known to leave `tile`
        (reported)."""
        end = substitute(ir.BinOp("+", first, size, None, ir.I64), {})
        if (isinstance(end, ir.Const) and isinstance(first, ir.Const)
                and isinstance(dim, ir.Const) and (end.value > dim.value or first.value < 0)):
            self.error(span, f"the part's {what}s {first} .. {end.value}{where} are outside "
                       f"{tile} ({dim.value} {what}s)")
            return True
        return False

    def _lane_values(self, expr: ir.Expr, scope: Scope) -> tuple | None:
        """`expr` in compile-time terms in lane 0 and in lane 1, when besides compile-time
        names it depends only on the lane (`lane * 4`, or a `let` of it); else None."""
        if any(isinstance(e, (ir.Index, ir.Load, ir.TPop, ir.TileOp)) for e in walk.walk_expr(expr)):
            return None
        out = []
        for lane in (0, 1):
            values = {}
            for name in names_in(expr):
                symbol = scope.lookup(name)
                if symbol is None:
                    return None
                if symbol.kind == "lane":
                    values[name] = lane
                elif symbol.static is not None:
                    values[name] = symbol.static
                elif symbol.by_lane:
                    values[name] = symbol.by_lane[lane]
                else:
                    return None
            out.append(substitute(expr, values))
        return tuple(out)

    def _casts(self, op: str) -> frozenset:
        chip = platform(self.kernel.target)
        return chip.fixpipe_casts if op == "acc_cast" else chip.vector_casts

    def _typed_call(self, spec, args: tuple, scope: Scope, span) -> ir.Expr:
        """A call whose first argument is a tile type (fill, col_index, row_index)."""
        rest = len(spec.operand_kinds)
        if len(args) != rest + 1 or not isinstance(args[0], ir.TileType):
            usage = f"{spec.written[0]}(f32[rows, cols]" + ", value" * rest + ")"
            self.error(span, f"{spec.written[0]} takes a tile type" + (" and a value" if rest
                       else "") + f": {usage}")
            return ir.Const(0, span)
        shape = self._tile_shape(args[0].shape, scope, span)
        if shape is None:
            return ir.Const(0, span)
        tile_type = ir.TileType(args[0].dtype, shape)
        return self._tile_op(spec.name, args[1:], (("type", tile_type),), span)

    def _transpose(self, expr: ir.Call, scope: Scope) -> ir.Expr:
        if len(expr.args) != 1 or not isinstance(expr.args[0], ir.Load):
            self.error(expr.span, "transpose applies to a load (`transpose(load t[...])`): "
                       "it becomes a column-major view of GM, no data is moved")
            return expr
        return self._expr(replace(expr.args[0], transpose=True, span=expr.span), scope)


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
                size = dim if _is_const_zero(s.start) else ir.BinOp("-", dim, s.start, s.span, ir.I64)
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
            for child in walk.expr_children(e):
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
        """The expression in compile-time terms (constants, shape and spec symbols) or None;
        None too when that would be too large to write out (limits.MAX_EXPANSION)."""
        values = {}
        for name in names_in(expr):
            symbol = scope.lookup(name)
            if symbol is None or symbol.static is None:
                return None
            values[name] = symbol.static
        if any(isinstance(e, (ir.Index, ir.Load, ir.TPop, ir.TileOp)) for e in walk.walk_expr(expr)):
            return None
        value = substitute(expr, values)
        return None if too_large_to_write_out(value) else value

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


def _is_const_zero(expr: ir.Expr) -> bool:
    """A literal 0 (a slice that starts at the beginning), unlike the method `_is_zero`, which
    asks whether a divisor is zero whatever the specialisation."""
    return isinstance(expr, ir.Const) and expr.value == 0
