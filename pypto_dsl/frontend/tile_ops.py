"""Resolution of tile arithmetic and tile calls to op-table entries, and their typing.

A mixin of the checker (checker.py), like expressions.py. Everything op-specific (result type,
operand rules, element types, the core it runs on) is read from the op table (ops/).
"""

from __future__ import annotations

from .. import ir, ops
from ..symbolic import same_dim, substitute
from .scope import plural

# `s < a` is `a > s`: a comparison with the scalar on the left, turned around.
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class TileOpChecker:
    def _tile_binary(self, written: str, lhs: ir.Expr, rhs: ir.Expr, span) -> ir.Expr:
        """`lhs <written> rhs` where one side is a tile: `written` is an arithmetic or
        comparison operator, max or min."""
        lt, rt = lhs.type, rhs.type
        comparison = written in ops.CMP_MODES
        commutative = any(spec.commutative for spec in ops.OPS.values()
                          if written in spec.written)
        if isinstance(lt, ir.ScalarType) and (commutative or comparison):
            lhs, rhs, lt, rt = rhs, lhs, rt, lt
            written = FLIPPED.get(written, written)
        attrs = (("mode", ops.CMP_MODES[written]),) if comparison else ()
        if isinstance(lt, ir.ScalarType):
            rewrite = "-tile + scalar" if written == "-" else f"fill({rt}, scalar) / tile"
            self.error(span, f"scalar {written} tile is not supported: write it as {rewrite}")
            return ir.Const(0, span)
        if isinstance(rt, ir.ScalarType):
            if rt == ir.BOOL:
                self.error(span, "a tile cannot be combined with a bool")
            if written == "-":
                rhs, written = ir.UnaryOp("-", rhs, rhs.span, rt), "+"
            return self._tile_op(ops.resolve(written, "scalar").name, (lhs, rhs), attrs, span)
        if lt.dtype != rt.dtype:
            self.error(span, f"dtype mismatch: {lt} {written} {rt}; cast one side")
            return ir.Const(0, span)
        if self._same_shape(lt, rt):
            return self._tile_op(ops.resolve(written, "tile").name, (lhs, rhs), attrs, span)
        for form, fits in (("row", self._is_row), ("col", _is_col)):
            spec = ops.resolve(written, form)
            axis = 0 if form == "row" else 1
            if spec is None:
                continue
            if fits(rt) and same_dim(lt.shape[axis], rt.shape[axis]):
                return self._tile_op(spec.name, (lhs, rhs), attrs, span)
            if spec.commutative and fits(lt) and same_dim(lt.shape[axis], rt.shape[axis]):
                return self._tile_op(spec.name, (rhs, lhs), attrs, span)
        self.error(span, f"shapes do not broadcast: {lt} {written} {rt} (tiles combine with a "
                   "tile of the same shape, a [rows, 1] or [1, cols] tile on the right, or a "
                   "scalar)")
        return ir.Const(0, span)

    def _tile_op(self, name: str, args: tuple, attrs: tuple, span) -> ir.Expr:
        spec = ops.OPS[name]
        if self.core is not None and spec.core != self.core:
            kind = "cube" if spec.core == "aic" else "vector"
            self.error(span, f"{_written(spec)} is a {kind} op: it runs on {spec.core}, not in "
                       f"the {self.core} body")
        elif self.core is None:
            self.error(span, f"{_written(spec)} runs on a core: move it into `aic {{ }}` or "
                       "`aiv { }`")
        if len(args) != spec.arity:
            self.error(span, f"{_written(spec)} takes {plural(spec.arity, 'argument')}, got "
                       f"{len(args)}")
            return ir.Const(0, span)
        types = []
        args = tuple(substitute(arg, {}) if kind == ops.CONST else arg  # `-inf`: a constant
                     for kind, arg in zip(spec.operand_kinds, args))
        for kind, arg in zip(spec.operand_kinds, args):
            if kind in (ops.TILE, ops.ROW, ops.COL) and not isinstance(arg.type, ir.TileType):
                self.error(arg.span or span, f"{_written(spec)} needs a tile here, got "
                           f"{arg.type}")
                return ir.Const(0, span)
            if kind in (ops.SCALAR, ops.INT, ops.ZERO, ops.CONST) and not isinstance(arg.type,
                                                                         ir.ScalarType):
                self.error(arg.span or span, f"{_written(spec)} needs a scalar here, got "
                           f"{arg.type}")
                return ir.Const(0, span)
            if kind == ops.INT and arg.type != ir.I64:
                self.error(arg.span or span, f"{_written(spec)}: this operand is an integer, "
                           f"got {arg.type}")
                return ir.Const(0, span)
            if kind == ops.ZERO and not (isinstance(arg, ir.Const) and arg.value == 0):
                self.error(arg.span or span, f"{_written(spec)} on the cube makes an "
                           "accumulator of zeros (L0C can only be zeroed): the value is 0.0")
                return ir.Const(0, span)
            if kind == ops.CONST and not (isinstance(arg, ir.Const) and arg.type != ir.BOOL):
                self.error(arg.span or span, f"{_written(spec)}: this operand is a template "
                           "argument of the instruction, so it is a number written in place "
                           "(such as 0.0, -inf or 1.5), not a value computed at run time")
                return ir.Const(0, span)
            types.append(arg.type)
        tiles = [t for t in types if isinstance(t, ir.TileType)]
        if spec.dtypes and tiles and tiles[0].dtype not in spec.dtypes:
            allowed = ", ".join(spec.dtypes[:-1]) + " or " + spec.dtypes[-1]
            hint = "; cast<f32> it first" if tiles[0].dtype in ("bf16", "i8") else ""
            self.error(span, f"{_written(spec)} needs {allowed} tiles, got {tiles[0]}{hint}")
            return ir.Const(0, span)
        result = spec.rule(types, dict(attrs))
        if isinstance(result, str):
            self.error(span, f"{_written(spec)}: {result}")
            return ir.Const(0, span)
        return ir.TileOp(name, tuple(args), attrs, span, result)


def _written(spec) -> str:
    """How the author wrote the op, for messages: its function name, or its IR name."""
    written = [w for w in spec.written if w]
    if spec.form == "call" and written:
        return written[0]
    return spec.name


def _is_col(tile: ir.TileType) -> bool:
    return isinstance(tile.shape[0], ir.Const) and tile.shape[0].value == 1


def symbol(op: str) -> str:
    """How a resolved element-wise op is written."""
    return {"add": "+", "sub": "-", "mul": "*", "div": "/"}.get(op, op)
