"""Copy coalescing on the vector cores: `v = x` of a fresh result costs no instruction.

After this pass a statement list of an AIV body that computes a tile `let x = op(...)` and later
copies it into a var, `v = x` (a TMOV on the vector pipe, one more fixed-cost instruction per
loop iteration for the [rows, 1] statistics of an online softmax: `m = m_new`), instead computes
the result into the var's next version and names the old value:

    let x = max(v, r)                    let pdsl_was_v = v           // an alias: no instruction
    let a = exp(v - x)          =>       v = max(pdsl_was_v, r)
    v = x                                let a = exp(pdsl_was_v - v)
    ... reads of x ...                   ... reads of v ...

Memory planning then gives the var two versions (the old value is read after the new one is
written) instead of the copy; the values are unchanged. Conditions: `op` is a vector op that
writes a tile of its own (not an alias, an in-place pad or insert, nor a scratch-using row
reduction), of the var's type, and may write over its operand when it reads the var (the old
value's version is reused when nothing reads it after the op); `x` is read only in this statement list and is not a var; the
var is not assigned between the two statements nor after the copy in the list (reads of the
var after the copy see the new value, as before).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .. import ir, walk
from ..ops import OPS
from ..walk import Rewriter
from .rewrite import rename

WAS = "pdsl_was_"


def coalesce_copies(kernel: ir.Kernel) -> ir.Kernel:
    if "aiv" not in kernel.cores or not kernel.aiv:
        return kernel
    return replace(kernel, aiv=_Coalesce().stmts(kernel.aiv))


class _Coalesce(Rewriter):
    def __init__(self):
        self.counts: Counter = Counter()  # name -> reads in the whole case body
        self.vars: set = set()  # names declared `var` in the case body

    def record(self, record):
        if isinstance(record, ir.DispatchCase):
            self.counts = _read_counts(record.body)
            self.vars = {s.name for s in walk.walk_stmts(record.body)
                         if isinstance(s, ir.Let) and s.mutable}
        return super().record(record)

    def stmts(self, stmts: tuple) -> tuple:
        stmts = list(super().stmts(stmts))
        while True:
            found = self._find(stmts)
            if found is None:
                return tuple(stmts)
            stmts = _coalesced(stmts, *found)

    def _find(self, stmts: list):
        for k, copy in enumerate(stmts):
            if not (isinstance(copy, ir.Assign) and isinstance(copy.value, ir.Name)
                    and copy.name in self.vars):
                continue
            var, x = copy.name, copy.value.name
            i = next((n for n in range(k) if isinstance(stmts[n], ir.Let)
                      and stmts[n].name == x), None)
            if i is None or not self._fresh(stmts[i], copy):
                continue
            if _read_counts(stmts)[x] != self.counts[x]:
                continue  # read elsewhere (another stage of a pipelined loop)
            if _assigns(stmts[i + 1:k], var) or _assigns(stmts[k + 1:], var):
                continue
            return i, k
        return None

    def _fresh(self, let: ir.Let, copy: ir.Assign) -> bool:
        value = let.value
        if let.mutable or not isinstance(value, ir.TileOp) or value.type != copy.value.type:
            return False
        spec = OPS[value.op]
        # The var's next version may be the bytes of its current one (one version is enough
        # when nothing reads the old value after the op): only an op that may write over its
        # operand may read the var.
        reads_var = any(isinstance(a, ir.Name) and a.name == copy.name for a in value.args)
        return (spec.pipe == "V" and not spec.alias and not spec.scratch
                and value.op not in ("pad_cols", "insert")
                and (spec.in_place or not reads_var))


def _coalesced(stmts: list, i: int, k: int) -> list:
    let, copy = stmts[i], stmts[k]
    var, x = copy.name, let.name
    was = ir.Name(WAS + var, copy.span, copy.value.type)
    old = {var: was.name}
    alias = ir.Let(was.name, ir.Name(var, copy.span, copy.value.type), False, copy.span)
    (value,) = _renamed_exprs((let.value,), old)
    new = ir.Assign(var, value, let.span)
    between = list(rename(rename(tuple(stmts[i + 1:k]), old), {x: var}))
    after = list(rename(tuple(stmts[k + 1:]), {x: var}))
    return stmts[:i] + [alias, new] + between + after


def _renamed_exprs(exprs: tuple, names: dict) -> tuple:
    stmts = rename(tuple(ir.TPush("", e) for e in exprs), names)
    return tuple(s.value for s in stmts)


def _assigns(stmts, name: str) -> bool:
    return any(isinstance(s, ir.Assign) and s.name == name for s in walk.walk_stmts(stmts))


def _read_counts(stmts) -> Counter:
    return Counter(e.name for e in walk.exprs_in(tuple(stmts)) if isinstance(e, ir.Name))
