"""Grid lowering: each core computes its logical block's coordinates itself.

After this pass every dispatch case of each core starts with one `let` per grid variable,
computed row-major from the logical block index `ir.LOGICAL_BLOCK`, with that case's
specialisation values in the extents: for `grid (b, t) = (batch, num_heads / q_tile)`,
`let b = pdsl_lb / (num_heads / 16); let t = pdsl_lb % (num_heads / 16)`. The logical block
index is the one value the hardware stride loop provides (`for (pdsl_lb = block_idx; pdsl_lb <
total; pdsl_lb += block_num)`, which the code generator emits around the case body, and which
the interpreter simulates); all index arithmetic is int64.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from .rewrite import substitute_names


def lower_grid(kernel: ir.Kernel) -> ir.Kernel:
    if kernel.grid is None:
        return kernel
    lets = coordinate_lets(kernel.grid)
    bodies = {}
    for core in ("aic", "aiv"):
        dispatch = kernel.body(core)[0]
        cases = []
        for case in dispatch.cases:
            env = kernel.cases[case.index].mapping
            cases.append(replace(case, body=substitute_names(lets, env) + case.body))
        bodies[core] = (replace(dispatch, cases=tuple(cases)),) + kernel.body(core)[1:]
    return replace(kernel, aic=bodies["aic"], aiv=bodies["aiv"])


def coordinate_lets(grid: ir.Grid) -> tuple:
    """`let v_k = (lb / (e_k+1 * ... * e_n-1)) % e_k` for each grid variable, row-major."""
    span = grid.span
    block = ir.Name(ir.LOGICAL_BLOCK, span, ir.I64)
    lets = []
    for k, var in enumerate(grid.vars):
        value: ir.Expr = block
        inner = grid.extents[k + 1:]
        if inner:
            stride = inner[0]
            for extent in inner[1:]:
                stride = ir.BinOp("*", stride, extent, span, ir.I64)
            value = ir.BinOp("/", value, stride, span, ir.I64)
        if k > 0:
            value = ir.BinOp("%", value, grid.extents[k], span, ir.I64)
        lets.append(ir.Let(var, value, False, span))
    return tuple(lets)
