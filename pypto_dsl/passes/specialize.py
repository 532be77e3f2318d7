"""Static dispatch: one code path per combination of specialisation values.

After this pass the kernel prelude is empty and each core body is a single `Dispatch` over the
specialisation symbols; each case holds the prelude followed by the core's statements, with
every specialisation symbol (and every dimension fixed by a `require d == c`) replaced by its
value, so that every tile shape is a constant. The
case also carries the pipes with constant shapes. A kernel with no specialisation gets one case.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from .. import ir
from .rewrite import substitute_names, substitute_type


def specialize(kernel: ir.Kernel) -> ir.Kernel:
    symbols = tuple(s.name for s in kernel.specializations)
    combos = list(itertools.product(*(s.values for s in kernel.specializations)))
    bodies = {}
    for core in ("aic", "aiv"):
        cases = []
        for values in combos:
            env = dict(zip(symbols, values)) | pinned(kernel)
            body = substitute_names(kernel.prelude + kernel.body(core), env)
            pipes = tuple(replace(p, shape=substitute_type(p.tile_type, env).shape)
                          for p in kernel.pipes)
            cases.append(ir.DispatchCase(tuple(values), body, pipes))
        bodies[core] = (ir.Dispatch(symbols, tuple(cases), kernel.span),)
    return replace(kernel, prelude=(), aic=bodies["aic"], aiv=bodies["aiv"])


def pinned(kernel: ir.Kernel) -> dict:
    """Shape symbols fixed by `require name == constant`."""
    out = {}
    for require in kernel.requires:
        cond = require.cond
        if (isinstance(cond, ir.BinOp) and cond.op == "==" and isinstance(cond.lhs, ir.Name)
                and isinstance(cond.rhs, ir.Const) and isinstance(cond.rhs.value, int)):
            out[cond.lhs.name] = cond.rhs.value
    return out
