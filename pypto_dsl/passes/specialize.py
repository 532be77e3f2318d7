"""Static dispatch: one code path per combination of specialisation values.

After this pass `Kernel.cases` holds one `ir.CaseEnv` per combination (its index, values and
scalar environment: the specialisation symbols and every dimension a `require d == c` fixes),
the kernel prelude is empty, and each core body is a single `Dispatch` over the
specialisation symbols whose k-th `DispatchCase` holds the prelude followed by the core's
statements with case k's environment substituted, so that every tile shape is a constant, and
every `if` whose condition became a constant replaced by the branch it takes. A kernel with no
specialisation gets one case. Later passes read a case's values from
`Kernel.cases`; none recomputes them.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from .. import ir
from .rewrite import ConstantBranches, substitute_names


def specialize(kernel: ir.Kernel) -> ir.Kernel:
    symbols = tuple(s.name for s in kernel.specializations)
    fixed = pinned(kernel)
    combos = itertools.product(*(s.values for s in kernel.specializations))
    cases = tuple(ir.CaseEnv(k, symbols, tuple(values),
                             tuple((dict(zip(symbols, values)) | fixed).items()))
                  for k, values in enumerate(combos))
    bodies = {}
    for core in ("aic", "aiv"):
        body = kernel.prelude + kernel.body(core)
        dispatch = tuple(ir.DispatchCase(c.index, c.values, ConstantBranches().stmts(
            substitute_names(body, c.mapping))) for c in cases)
        bodies[core] = (ir.Dispatch(symbols, dispatch, kernel.span),)
    return replace(kernel, prelude=(), aic=bodies["aic"], aiv=bodies["aiv"], cases=cases)


def pinned(kernel: ir.Kernel) -> dict:
    """Shape symbols fixed by `require name == constant` (the checker noted them)."""
    return {name: value for r in kernel.requires for name, value in r.pins}
