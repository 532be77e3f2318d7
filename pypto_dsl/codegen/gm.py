"""GlobalTensor views of GM slices: one type per distinct (element, shape, strides, layout),
one variable per load or store, the element offset in int64.

A slice keeps two dimensions (rows, then columns); point indices select. Row-major slices are
ND views (`Stride<.., row pitch, 1>`). A transposed load of a [N x K] row-major block is a
K x N DN view (`Stride<.., 1, row pitch>`), which TLOAD turns into a ZN tile (facts §2). A
per-row [R, 1] slice is a DN column (its rows must be adjacent in GM). Strides that are not
constants (a shape symbol) are `-1` in the type and passed to the constructor.
"""

from __future__ import annotations

from .. import ir
from ..symbolic import as_int
from . import cxx
from .exprs import Printer, Shapes, offset
from . import tiles


class GlobalViews:
    def __init__(self, shapes: Shapes, printer: Printer, params: dict, types: dict):
        self.shapes = shapes
        self.expr = printer
        self.params = params  # tensor name -> ir.TensorParam
        self.types = types  # alias -> type text, shared with the other declarations
        self.aliases: dict = {}  # type text -> alias
        self.per_tensor: dict = {}  # tensor -> number of distinct view types so far
        self.count = 0  # view variables so far

    def view(self, tensor: str, slices: tuple, tile, transpose: bool) -> dict:
        """Record fields: the GlobalTensor type, variable, pointer and dynamic strides of the
        slice a planned tile (plan.TilePlan) is loaded from or stored to."""
        strides = self.shapes.strides(tensor)
        ranged = [k for k, s in enumerate(slices) if not s.point]
        if len(ranged) != 2:
            raise ValueError(f"codegen: a slice of {tensor} must keep two dimensions")
        row_pitch, col_step = strides[ranged[0]], strides[ranged[1]]
        rows, cols = tiles.valid(tile)
        total = rows * cols
        if transpose:
            layout = "pto::Layout::DN"
            _require_unit(col_step, tensor, "transposed load")
            stride = (total, total, total, 1, row_pitch)
        elif tiles.is_col(tile):
            layout = "pto::Layout::DN"
            _require_unit(row_pitch, tensor, "per-row [R, 1] slice")
            stride = (total, total, total, 1, rows)
        else:
            layout = "pto::Layout::ND"
            _require_unit(col_step, tensor, "slice")
            stride = (total, total, total, row_pitch, 1)
        static = [s if isinstance(s, int) else as_int(s) for s in stride]
        template = ", ".join(str(s) if s is not None else "-1" for s in static)
        element = cxx.ELEMENT[self.params[tensor].dtype]
        text = (f"pto::GlobalTensor<{element}, pto::Shape<1, 1, 1, {rows}, {cols}>, "
                f"pto::Stride<{template}>, {layout}>")
        alias = self._alias(tensor, text)
        var = cxx.name("g", str(self.count))
        pointer = self.expr.name(tensor)
        self.count += 1
        where = offset(self.shapes, tensor, tuple(s.start for s in slices))
        zero = isinstance(where, ir.Const) and where.value == 0
        ptr = pointer if zero else f"{pointer} + {self.expr(where)}"
        dynamic = None
        if any(s is None for s in static):
            dynamic = ", ".join(str(s) if isinstance(s, int) else self.expr(s) for s in stride)
        return dict(gm_type=alias, gm=var, ptr=ptr, strides=dynamic)

    def _alias(self, tensor: str, text: str) -> str:
        if text not in self.aliases:
            count = self.per_tensor.get(tensor, 0)
            self.per_tensor[tensor] = count + 1
            self.aliases[text] = cxx.name("gmt", str(count), cxx.part(tensor))
            self.types[self.aliases[text]] = text
        return self.aliases[text]


def _require_unit(stride, tensor: str, what: str) -> None:
    value = stride if isinstance(stride, int) else as_int(stride)
    if value != 1:
        raise ValueError(f"codegen: {what} of {tensor} is not contiguous (element step {stride})")
