"""Expansion of the ops pto-isa has no instruction for into the ops they are made of.

After this pass no TileOp whose op-table entry has an `expand` remains: `let y = sigmoid(x)`
is `let pdsl_e0 = muls(x, -1.0); let pdsl_e1 = exp(pdsl_e0); ...; let y = recip(pdsl_e2)`
(ops/expansions.py), each a three-address statement with its type from its entry's rule, so
that memory planning, sync insertion, the code generator and the cost model see only
instructions. The interpreter gives the op and its expansion the same bits (it evaluates the op
by its expansion). Runs after specialisation and flattening: every shape is a constant and every
operand a name or a scalar. An op that cannot write over its operand (TRECIP) assigned to
that operand's var computes into a fresh tile first.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import count

from .. import ir
from ..ops import OPS
from ..symbolic import as_int
from ..walk import Rewriter
from .storage import needs_padded_rows


def expand_ops(kernel: ir.Kernel) -> ir.Kernel:
    rewriter = _Expand()
    return replace(kernel, aic=rewriter.stmts(kernel.aic), aiv=rewriter.stmts(kernel.aiv))


class _Expand(Rewriter):
    def __init__(self):
        self.counter = count()

    def rewrite_Let(self, stmt):
        value = stmt.value
        if isinstance(value, ir.TileOp) and needs_padded_rows(value):
            # summed from a copy the planner stores with padded rows (storage.py)
            copy = f"pdsl_e{next(self.counter)}"
            operand = value.args[0]
            return (ir.Let(copy, operand, True, stmt.span),
                    replace(stmt, value=replace(value, args=(
                        ir.Name(copy, operand.span, operand.type),) + value.args[1:])))
        if not (isinstance(value, ir.TileOp) and OPS[value.op].expand is not None):
            return stmt
        builder = _Build(self.counter, value.span)
        kind = value.attr("type") or value.type
        rows, cols = (as_int(d) for d in value.type.shape)
        attrs = {k: v for k, v in value.attrs if k != "type"}
        result = OPS[value.op].expand(builder, kind.dtype, rows, cols, *value.args, **attrs)
        last = builder.lets.pop()
        assert last.name == result.name, "an expansion ends with the op giving its result"
        return tuple(builder.lets) + (replace(stmt, value=last.value),)

    def rewrite_Assign(self, stmt):
        """Also: `x = recip(a)` of an op that cannot write over its operand (its entry's
        `in_place`) computes into a fresh tile, then copies: `let t = recip(a); x = t`, since
        `a` may be x or hold x's bytes (an alias) and only the planner knows which."""
        out = self.rewrite_Let(stmt)
        out = out if isinstance(out, tuple) else (out,)
        last = out[-1]
        value = last.value
        if not (isinstance(value, ir.TileOp) and not OPS[value.op].in_place):
            return out
        fresh = f"pdsl_e{next(self.counter)}"
        return out[:-1] + (ir.Let(fresh, value, False, last.span),
                           replace(last, value=ir.Name(fresh, last.span, value.type)))


class _Build:
    """The builder expansions run with here: each op a `let` of a fresh `pdsl_e<N>`."""

    def __init__(self, counter, span):
        self.counter, self.span, self.lets = counter, span, []

    def op(self, name: str, *args, **attrs) -> ir.Name:
        spec = OPS[name]
        operands = tuple(a if isinstance(a, ir.Expr) else ir.Const(a, self.span, ir.F32)
                         for a in args)
        result = spec.rule([a.type for a in operands], dict(attrs))
        if isinstance(result, str):
            raise AssertionError(f"internal error: expanding into {name}: {result}")
        node = ir.TileOp(name, operands, tuple(sorted(attrs.items())), self.span, result)
        target = f"pdsl_e{next(self.counter)}"
        self.lets.append(ir.Let(target, node, False, self.span))
        return ir.Name(target, self.span, result)

    def tile(self, dtype: str, rows: int, cols: int) -> ir.TileType:
        return ir.TileType(dtype, (ir.Const(rows, None, ir.I64), ir.Const(cols, None, ir.I64)))
