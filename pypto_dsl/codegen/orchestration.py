"""The template context of `kernels/orchestration/<kernel>_orch.cpp` (simpler's AICPU side).

`aicpu_orchestration_entry` binds every shape symbol from the first tensor dimension that names
it and checks every other use of it, checks ranks, dtypes and constant dims, decodes the
scalars, evaluates the specialisation rules and the kernel's `require`s (a failure is a
LOG_ERROR naming the requirement and its source line, then return without submitting), picks
the dispatch case, checks that every GM row pitch that depends on a shape symbol fits the int
that pto-isa takes strides as, computes the number of logical blocks, allocates one GM FIFO per
pipe for the hardware blocks, and submits one task: MIX (AIC kernel 0, both AIVs kernel 1)
when the kernel has both blocks, else vector-only (two AIV blocks a block, one per lane) or
cube-only, so that no core is held idle.
"""

from __future__ import annotations

from .. import ir
from ..symbolic import names_in
from ..walk import stmt_exprs, walk_expr, walk_stmts
from . import cxx
from .exprs import HOST_HELPERS, Printer, Shapes
from .layout import CASE, Layout

ARGS = cxx.name("args")
TASK = cxx.name("task")


def orchestration_context(layouts: list, source: str) -> dict:
    """The context of a kernel's orchestration: `layouts` has one layout, or one per phase."""
    layout = layouts[0]
    kernel = layout.kernel
    printer = Printer(Shapes({}, {}))
    tensors = layout.params
    bindings, checks = _shape_bindings(layout)
    scalars = []
    for k, p in enumerate(q for q in kernel.params if isinstance(q, ir.ScalarParam)):
        bits = f"{ARGS}.scalar({k})"
        scalars.append(dict(name=cxx.ident(p.name), ctype=cxx.SCALAR[p.dtype],
                            value=cxx.decode_scalar(p.dtype, bits), bits=bits))
    specs = []
    for s in kernel.specializations:
        allowed = " || ".join(f"{cxx.ident(s.name)} == {v}" for v in s.values)
        specs.append(dict(name=cxx.ident(s.name), shown=s.name,
                          rule=printer(s.rule) if s.rule is not None else None,
                          allowed=allowed, compiled=", ".join(str(v) for v in s.values),
                          loc=_loc(source, s)))
    integers = set(layout.symbols) | {s.name for s in kernel.specializations}
    requires = []
    for r in kernel.requires:
        shown = [n for n in sorted(names_in(r.cond)) if n in integers]
        message = f"{kernel.name}: requirement `{printer(r.cond)}` failed ({_loc(source, r)})"
        message += "".join(f", {n} = {{}}" for n in shown)
        requires.append(dict(cond=printer(r.cond), log=_log(message, [cxx.ident(n) for n in shown])))
    pitches = _pitch_checks(layouts, source)
    cases = [dict(index=c.case.index, cond=" && ".join(
        f"{cxx.ident(n)} == {v}" for n, v in zip(c.case.symbols, c.case.values)) or "true",
                  label=c.case.label or "single case") for c in layout.plans]
    task_scalars = []
    for s in layout.scalars:
        if s.kind == "param":
            task_scalars.append(next(x["bits"] for x in scalars
                                     if x["name"] == cxx.ident(s.name)))
        else:
            task_scalars.append(s.name if s.kind == "case" else cxx.ident(s.name))
    phases = [_phase(each, printer, source, index) for index, each in enumerate(layouts)]
    scratch = [dict(name=cxx.ident(t.name), shown=t.name, ndims=len(t.shape), index=k,
                    dtype=cxx.DATA_TYPE[t.dtype], shape=cxx.name("shape", cxx.part(t.name)),
                    info=cxx.name("info", cxx.part(t.name)),
                    dims=", ".join(f"static_cast<uint32_t>({printer(d)})" for d in t.shape))
               for k, t in enumerate(t for t in layout.tensors if t.direction == "scratch")]
    first = phases[0]
    return dict(
        kernel=kernel.name,
        func_ids=[f for p in phases for f in p["func_ids"]],
        aic_id=first["aic_id"],
        aiv_id=first["aiv_id"],
        launch=first["launch"],
        helpers=HOST_HELPERS,
        hw_blocks_const=first["hw_blocks_const"],
        args=ARGS,
        task=TASK,
        config=cxx.name("config"),
        mixed=cxx.name("kernels"),
        arg_count=len(tensors) + len(scalars),
        tensor_count=len(tensors),
        scalar_count=len(scalars),
        tensors=[dict(index=k, name=cxx.ident(t.name), shown=t.name, ndims=len(t.shape),
                      dtype=cxx.DATA_TYPE[t.dtype], dtype_name=t.dtype, bytes=cxx.BYTES[t.dtype],
                      shape=cxx.name("shape", cxx.part(t.name)))
                 for k, t in enumerate(tensors)],
        bindings=bindings,
        checks=checks,
        scalars=scalars,
        specs=specs,
        requires=requires,
        pitches=pitches,
        cases=cases,
        case_var=CASE,
        case_count=len(layout.plans),
        total=first["total"],
        total_var=first["total_var"],
        blocks_var=first["blocks_var"],
        hw_blocks=first["hw_blocks"],
        grid_loc=first["grid_loc"],
        pipes=[p for phase in phases for p in phase["pipes"]],
        adds=first["adds"],
        task_scalars=task_scalars,
        phased=bool(kernel.phase or kernel.scratch),
        phases=phases,
        scratch=scratch,
        scratch_var=cxx.name("scratch"),
    )


def _phase(layout: Layout, printer: Printer, source: str, index: int) -> dict:
    """What the orchestration needs of one phase (of the kernel itself, without phases): its
    grid, FIFOs, task arguments and submission. Names get the phase's name as a part, so two
    phases' pipes of one name do not meet. A phase after the first takes every tensor it may
    write as INOUT, so that simpler's runtime runs it after every earlier task that wrote
    one (its dependencies are found from the tensors a task reads and writes)."""
    kernel = layout.kernel
    named = (cxx.part(kernel.phase),) if kernel.phase else ()

    def name(category: str, *parts: str) -> str:
        return cxx.name(category, *named, *parts)

    pipes = [dict(name=p.name, var=name("fifo", cxx.part(p.name)),
                  shape=name("fifoshape", cxx.part(p.name)),
                  bytes=", ".join(str(c.pipe(p.name).block_bytes) for c in layout.plans),
                  table=name("fifobytes", cxx.part(p.name)))
             for p in kernel.pipes]
    grid = kernel.grid
    total = " * ".join(f"({printer(e)})" for e in grid.extents) if grid else "1"
    adds = []
    for t in layout.tensors:
        direction = "inout" if t.direction == "scratch" or (index and t.direction == "out") \
            else t.direction
        adds.append(dict(call=_add_call(direction), name=cxx.ident(t.name),
                         scratch=t.direction == "scratch"))
    func_ids = [dict(core=core, var=name(core, "kernel"), id=fid, phase=kernel.phase)
                for core, fid in layout.func_ids.items()]
    return dict(
        name=kernel.phase,
        func_ids=func_ids,
        aic_id=name("aic", "kernel"),
        aiv_id=name("aiv", "kernel"),
        launch=kernel.launch,
        hw_blocks_const=name("hw", "blocks"),
        hw_blocks=grid.blocks if grid else 1,
        grid_loc=_loc(source, grid) if grid else "",
        total=total,
        total_var=name("total"),
        blocks_var=name("blocks"),
        task=name("task"),
        mixed=name("kernels"),
        pipes=pipes,
        adds=adds,
    )


def _add_call(direction: str) -> str:
    return {"in": "add_input", "out": "add_output", "inout": "add_inout"}[direction]


def _loc(source: str, node) -> str:
    span = getattr(node, "span", None)
    return f"{source}:{span.line}" if span is not None else source


def _c_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")


def _log(message: str, values: list) -> str:
    """printf-style LOG_* arguments: `message` with each `{}` an int64 value from `values`."""
    pieces = [_c_string(p) for p in message.split("{}")]
    text = '"' + '%" PRId64 "'.join(pieces) + '"'
    return ", ".join([text.replace(' ""', "")] + values)


def _shape_bindings(layout: Layout) -> tuple:
    """(bindings, checks): each symbol's first tensor dim, and every other dim's check."""
    bindings, checks, bound = [], [], set()
    for k, tensor in enumerate(layout.params):
        for d, dim in enumerate(tensor.shape):
            read = f"static_cast<int64_t>({ARGS}.tensor({k}).ref().shapes[{d}])"
            where = f"{tensor.name}.shape[{d}]"
            if isinstance(dim, ir.Name) and dim.name not in bound:
                bound.add(dim.name)
                bindings.append(dict(name=cxx.ident(dim.name), value=read))
            else:
                expected = cxx.ident(dim.name) if isinstance(dim, ir.Name) else str(dim.value)
                shown = dim.name if isinstance(dim, ir.Name) else str(dim.value)
                message = f"{layout.kernel.name}: {where} = {{}}, expected {shown}"
                values = [read] + ([expected] if isinstance(dim, ir.Name) else [])
                if isinstance(dim, ir.Name):
                    message += " = {}"
                checks.append(dict(read=read, expected=expected, log=_log(message, values)))
    return bindings, checks


INT_MAX = 2**31 - 1


def _pitch_checks(layouts: list, source: str) -> list:
    """A launch check for every GM row pitch (the element stride of a slice's first kept
    dimension, the stride its GlobalTensor view takes from the tensor) that depends on a shape
    symbol: pto-isa's a2a3 TLOAD and TSTORE take strides as int, and a larger pitch would be
    truncated. Pitches that are numbers in every code path were checked by the compiler
    (passes/limits.py). Products are tested prefix by prefix, so none overflows int64."""
    kernel = layouts[0].kernel
    found: dict = {}  # pitch factors (text) -> (factors, tensors, span of the first slice)
    for case_plan, phase in ((c, each.kernel) for each in layouts for c in each.plans):
        fixed = case_plan.case.mapping
        for core in ("aic", "aiv"):
            body = phase.body(core)[0].cases[case_plan.case.index].body
            for tensor, slices, span in _gm_slices(body):
                kept = next(k for k, s in enumerate(slices) if not s.point)
                factors = [d for d in kernel.param(tensor).shape[kept + 1:]
                           if not (isinstance(d, ir.Const) and d.value == 1)]
                if any(not isinstance(d, (ir.Name, ir.Const)) for d in factors):
                    continue  # a scratch dimension computed at launch: sized by the author
                if any(isinstance(d, ir.Name) and d.name not in fixed for d in factors):
                    key = tuple(str(d) for d in factors)
                    tensors = found.setdefault(key, (factors, [], span))[1]
                    if tensor not in tensors:
                        tensors.append(tensor)
    checks = []
    for factors, tensors, span in found.values():
        terms = [cxx.ident(d.name) if isinstance(d, ir.Name) else str(d.value) for d in factors]
        cond = " || ".join(f"{' * '.join(terms[:n])} > {INT_MAX}"
                           for n in range(1, len(terms) + 1))
        symbols = [d.name for d in factors if isinstance(d, ir.Name)]
        names = " and ".join(f"'{t}'" for t in tensors)
        message = (f"{kernel.name}: the rows of {names} are {' * '.join(_written(factors))} "
                   f"elements apart, more than pto-isa's TLOAD and TSTORE take (int, at most "
                   f"{INT_MAX}; {source}:{span.line})")
        message += "".join(f", {n} = {{}}" for n in symbols)
        checks.append(dict(cond=cond, log=_log(message, [cxx.ident(n) for n in symbols])))
    return checks


def _written(factors: list) -> list:
    return [d.name if isinstance(d, ir.Name) else str(d.value) for d in factors]


def _gm_slices(body: tuple):
    """(tensor, slices, span) of every load and store in `body`."""
    for stmt in walk_stmts(body):
        if isinstance(stmt, ir.Store):
            yield stmt.tensor, stmt.slices, stmt.span
        for expr in (e for top in stmt_exprs(stmt) for e in walk_expr(top)):
            if isinstance(expr, ir.Load):
                yield expr.tensor, expr.slices, expr.span
