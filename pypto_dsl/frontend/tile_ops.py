"""Resolution of tile arithmetic and tile calls to op-table entries, and their typing.

A mixin of the checker (checker.py), like expressions.py. Everything op-specific (result type,
operand rules, element types, the core it runs on) is read from the op table (ops.py).
"""

from __future__ import annotations

from .. import ir, ops
from ..symbolic import same_dim
from .scope import plural


class TileOpChecker:
    def _tile_binary(self, written: str, lhs: ir.Expr, rhs: ir.Expr, span) -> ir.Expr:
        """`lhs <written> rhs` where one side is a tile: `written` is +, -, *, /, max or min."""
        lt, rt = lhs.type, rhs.type
        commutative = any(spec.commutative for spec in ops.OPS.values()
                          if spec.written == written)
        if isinstance(lt, ir.ScalarType) and commutative:
            lhs, rhs, lt, rt = rhs, lhs, rt, lt
        if isinstance(lt, ir.ScalarType):
            rewrite = "-tile + scalar" if written == "-" else f"fill({rt}, scalar) / tile"
            self.error(span, f"scalar {written} tile is not supported: write it as {rewrite}")
            return ir.Const(0, span)
        if isinstance(rt, ir.ScalarType):
            if rt == ir.BOOL:
                self.error(span, "a tile cannot be combined with a bool")
            if written == "-":
                rhs, written = ir.UnaryOp("-", rhs, rhs.span, rt), "+"
            return self._tile_op(ops.resolve(written, "scalar").name, (lhs, rhs), (), span)
        if lt.dtype != rt.dtype:
            self.error(span, f"dtype mismatch: {lt} {written} {rt}; cast one side")
            return ir.Const(0, span)
        if self._same_shape(lt, rt):
            return self._tile_op(ops.resolve(written, "tile").name, (lhs, rhs), (), span)
        row = ops.resolve(written, "row")
        if row is not None and self._is_row(rt) and same_dim(lt.shape[0], rt.shape[0]):
            return self._tile_op(row.name, (lhs, rhs), (), span)
        if (row is not None and row.commutative and self._is_row(lt)
                and same_dim(lt.shape[0], rt.shape[0])):
            return self._tile_op(row.name, (rhs, lhs), (), span)
        self.error(span, f"shapes do not broadcast: {lt} {written} {rt} (tiles combine "
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
        if len(args) != spec.arity:
            self.error(span, f"{name} takes {plural(spec.arity, 'argument')}, got {len(args)}")
            return ir.Const(0, span)
        types = []
        for kind, arg in zip(spec.operand_kinds, args):
            if kind in (ops.TILE, ops.ROW) and not isinstance(arg.type, ir.TileType):
                self.error(arg.span or span, f"{name} needs a tile here, got {arg.type}")
                return ir.Const(0, span)
            if kind in (ops.SCALAR, ops.INT) and not isinstance(arg.type, ir.ScalarType):
                self.error(arg.span or span, f"{name} needs a scalar here, got {arg.type}")
                return ir.Const(0, span)
            if kind == ops.INT and arg.type != ir.I64:
                self.error(arg.span or span, f"{name}: this operand is an integer, got "
                           f"{arg.type}")
                return ir.Const(0, span)
            types.append(arg.type)
        tiles = [t for t in types if isinstance(t, ir.TileType)]
        if spec.dtypes and tiles and tiles[0].dtype not in spec.dtypes:
            allowed = " or ".join(spec.dtypes)
            self.error(span, f"{name} needs an {allowed} tile, got {tiles[0]}")
            return ir.Const(0, span)
        result = spec.rule(types, dict(attrs))
        if isinstance(result, str):
            self.error(span, f"{name}: {result}")
            return ir.Const(0, span)
        return ir.TileOp(name, tuple(args), attrs, span, result)
