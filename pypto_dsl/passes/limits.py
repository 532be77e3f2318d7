"""Target limits per code path, once every tile shape and FIFO size is a number.

After this pass every number the generated C++ takes from a code path fits where it goes:

- a matmul's valid m, k and n are in [1, 4095], as pto-isa's TMATMUL requires;
- a pipe's GM FIFO fits the orchestration's uint32_t arithmetic: its bytes per hardware block
  (slot size x depth) and its 4-byte words for all `on N blocks` hardware blocks;
- the row pitch of every GM slice (the element stride of its first kept dimension, the one
  stride a GlobalTensor view takes from the tensor's shape), where it is a number, fits `int`:
  pto-isa's a2a3 TLOAD and TSTORE take shapes and strides as int. A pitch that depends on a
  shape symbol is checked at launch by the orchestration;
- a GM slice's columns are adjacent (element step 1), and a per-row [R, 1] slice's rows are,
  as the GlobalTensor views of the code generator (codegen/gm.py) require.

The declarations' own limits (pipe depth and count, block count, code paths, ...) are the
checker's (frontend/limits.py); a tile that is too large for its buffer is memory planning's
error, so tile dimensions are bounded there. Each error is located (the matmul, the pipe, the
load or store) and reported once, however many code paths share it. The IR is not changed.
"""

from __future__ import annotations

import math

from .. import ir
from ..diagnostics import ErrorSink
from ..platform import kib
from ..symbolic import as_int
from ..walk import stmt_exprs, walk_expr, walk_stmts

MATMUL_DIM = 4095  # pto-isa TMATMUL: valid m, k and n in [1, 4095]
UINT32_MAX = 2**32 - 1
INT_MAX = 2**31 - 1


def check_limits(kernel: ir.Kernel) -> ir.Kernel:
    found: dict = {}  # (span, message) -> None: in order, once

    def error(span, message):
        found.setdefault((span, message), None)

    for case in kernel.cases:
        dims = {p.name: tuple(_fixed(d, case.mapping) for d in p.shape)
                for p in kernel.tensors}
        for core in ("aic", "aiv"):
            storage = kernel.plans[case.index].core(core)
            # After flatten a load is the value of a let of its own, a store stores a name.
            for stmt in walk_stmts(kernel.body(core)[0].cases[case.index].body):
                if isinstance(stmt, ir.Store):
                    _slice(stmt.tensor, stmt.slices, dims, storage.get(stmt.value.name),
                           stmt.span, "store", error)
                elif isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.Load):
                    _slice(stmt.value.tensor, stmt.value.slices, dims, storage.get(stmt.name),
                           stmt.value.span, "load", error)
                for expr in (e for top in stmt_exprs(stmt) for e in walk_expr(top)):
                    if isinstance(expr, ir.TileOp) and expr.op in ("matmul", "matmul_acc"):
                        _matmul(expr, error)
    for name in (p.name for p in kernel.pipes):  # the largest FIFO of the code paths
        _fifo(max((c.pipe(name) for c in kernel.plans), key=lambda p: p.block_bytes), kernel,
              error)
    sink = ErrorSink()
    for span, message in found:
        sink.error(span, message)
    sink.raise_if_any()
    return kernel


def _fixed(dim: ir.Expr, mapping: dict):
    """A tensor dimension in one code path: a number, or the shape symbol's name."""
    if isinstance(dim, ir.Const):
        return dim.value
    if isinstance(dim, ir.Name):
        return mapping.get(dim.name, dim.name)
    return str(dim)  # a scratch dimension computed at launch


def _slice(tensor: str, slices: tuple, dims: dict, tile, span, what: str, error) -> None:
    """A GM slice as a GlobalTensor view takes it: its row pitch (the element stride of its
    first kept dimension) within int, and its columns adjacent (a per-row [R, 1] tile, a DN
    column, needs its rows adjacent instead)."""
    kept = [k for k, s in enumerate(slices) if not s.point]
    if len(kept) != 2:
        return
    pitch, step = dims[tensor][kept[0] + 1:], dims[tensor][kept[1] + 1:]
    if tile is not None and tile.layout == "col":
        if _product(pitch) != 1:
            error(span, f"{what}: the rows of this per-row slice of '{tensor}' are "
                  f"{_product(pitch)} elements apart; a [rows, 1] tile's rows must be adjacent "
                  "in GM")
        return
    if _product(step) != 1:
        error(span, f"{what}: the columns of this slice of '{tensor}' are {_product(step)} "
              "elements apart; a tile's columns must be adjacent in GM (slice a range of the "
              "last dimension)")
    elif isinstance(_product(pitch), int) and _product(pitch) > INT_MAX:
        error(span, f"{what}: the rows of this slice of '{tensor}' are {_product(pitch)} "
              f"elements apart; pto-isa's TLOAD and TSTORE take strides as int, at most "
              f"{INT_MAX}")


def _product(factors: tuple):
    """The product of tensor dimensions: a number, or its text when a factor is a symbol."""
    if all(isinstance(f, int) for f in factors):
        return math.prod(factors)
    return " * ".join(str(f) for f in factors if f != 1)


def _matmul(op: ir.TileOp, error) -> None:
    a, b = op.args[-2].type.shape, op.args[-1].type.shape
    sizes = {"m": as_int(a[0]), "k": as_int(a[1]), "n": as_int(b[1])}
    wrong = [f"{name} = {value}" for name, value in sizes.items()
             if not 1 <= value <= MATMUL_DIM]
    if wrong:
        error(op.span, f"{op.op}: {', '.join(wrong)}; pto-isa's TMATMUL takes m, k and n "
              f"between 1 and {MATMUL_DIM}")


def _fifo(pipe, kernel: ir.Kernel, error) -> None:
    blocks = kernel.grid.blocks if kernel.grid is not None else 1
    words = blocks * pipe.block_bytes // 4
    if pipe.block_bytes > UINT32_MAX or words > UINT32_MAX:
        error(kernel.pipe(pipe.name).span,
              f"pipe '{pipe.name}': its GM FIFO takes {_size(pipe.block_bytes)} per hardware "
              f"block ({_size(pipe.slot_size)} slots x depth {pipe.depth}), "
              f"{_size(blocks * pipe.block_bytes)} for {blocks} blocks; the runtime counts it in "
              f"4-byte words as a uint32_t, at most {_size(4 * (UINT32_MAX + 1))}: lower the "
              "depth, the tile or the block count")


def _size(nbytes: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return kib(nbytes)
