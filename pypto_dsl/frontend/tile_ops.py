"""Resolution of tile arithmetic to op-table entries, and the operand rules of each op.

A mixin of the checker (checker.py), like expressions.py.
"""

from __future__ import annotations

from .. import ir, ops
from ..symbolic import same_dim
from .scope import plural


class TileOpChecker:
    def _tile_binary(self, name: str, lhs: ir.Expr, rhs: ir.Expr, span) -> ir.Expr:
        lt, rt = lhs.type, rhs.type
        if isinstance(lt, ir.ScalarType) and name in ops.COMMUTATIVE:
            lhs, rhs, lt, rt = rhs, lhs, rt, lt
        if isinstance(lt, ir.ScalarType):
            rewrite = "-tile + scalar" if name == "sub" else f"fill({rt}, scalar) / tile"
            self.error(span, f"scalar {symbol(name)} tile is not supported: write it as "
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
            self.error(span, f"dtype mismatch: {lt} {symbol(name)} {rt}; cast one side")
            return ir.Const(0, span)
        if self._same_shape(lt, rt):
            return self._tile_op(name, (lhs, rhs), (), span)
        if self._is_row(rt) and same_dim(lt.shape[0], rt.shape[0]) and name in ops.ROW_BROADCAST:
            return self._tile_op(ops.ROW_BROADCAST[name], (lhs, rhs), (), span)
        if (self._is_row(lt) and same_dim(lt.shape[0], rt.shape[0]) and name in ops.COMMUTATIVE
                and name in ops.ROW_BROADCAST):
            return self._tile_op(ops.ROW_BROADCAST[name], (rhs, lhs), (), span)
        self.error(span, f"shapes do not broadcast: {lt} {symbol(name)} {rt} (tiles combine "
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
            self.error(span, f"{name} takes {plural(count, 'argument')}, got {len(args)}")
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


def symbol(op: str) -> str:
    """How a resolved element-wise op is written."""
    return {"add": "+", "sub": "-", "mul": "*", "div": "/"}.get(op, op)
