"""TFREE placement: release each popped tile's GM slot right after its pop.

After this pass every `let x = tpop p` is immediately followed by `Free(p)`. The popped tile's
data is in the consumer's own local slot by then (TPOP copies it there), so its GM slot can go
back to the producer at once; the local slot itself is reused only `local_slots` pops later,
and memory planning sizes the local slots by how many popped tiles of the pipe are live at
once. Freeing at once is what makes a consumer that holds several popped tiles portable: the
NPU frees inside TPOP and ignores TFREE, while the CPU simulator frees only on TFREE, and then
the slot it popped last (facts sheet, section 10).
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..walk import Rewriter


def insert_frees(kernel: ir.Kernel) -> ir.Kernel:
    rewriter = _Frees()
    return replace(kernel, aic=rewriter.stmts(kernel.aic), aiv=rewriter.stmts(kernel.aiv))


class _Frees(Rewriter):
    def rewrite_Let(self, stmt: ir.Let):
        if isinstance(stmt.value, ir.TPop):
            return (stmt, ir.Free(stmt.value.pipe, stmt.value.span))
        return stmt
