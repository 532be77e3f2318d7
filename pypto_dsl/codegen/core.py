"""The template context of one core's kernel source (`kernels/aic|aiv/<kernel>_<core>.cpp`).

The file has one static function per dispatch case and `kernel_entry`, which decodes `args[]`
(layout.py), reads its identity from simpler's context (`get_block_idx(args)`,
`get_block_num(args)`, `get_sub_block_id(args)`; never the CCE intrinsics) and calls the case
function whose index the orchestration passed. A case function builds the pipes from this
block's slice of each GM FIFO, binds its tiles, then runs the stride loop
`for (pdsl_lb = block_idx; pdsl_lb < total; pdsl_lb += block_num)` around the case body, whose
first statements (from passes/grid.py) compute the grid variables from `pdsl_lb`. Parameters a
case function does not read are left unnamed, so the C++ compiles without warnings.
"""

from __future__ import annotations

import re

from .. import ir
from ..symbolic import substitute
from . import cxx
from .body import BodyEmitter
from .exprs import HELPERS, Printer
from .layout import CASE, Layout, pipe_type

BLOCK_IDX, BLOCK_NUM, LANE = cxx.name("blockidx"), cxx.name("blocknum"), cxx.ident("lane")
ARGS = cxx.name("args")


def core_context(layout: Layout, core: str, source: str) -> dict:
    kernel = layout.kernel
    dispatch = kernel.body(core)[0]
    cases = [_case(layout, core, source, layout.plans[case.index], case)
             for case in dispatch.cases]
    used = set().union(*(c["used"] for c in cases)) if cases else set()
    return dict(
        kernel=kernel.name,
        core=core,
        core_title="AIC (cube core)" if core == "aic" else "AIV (vector cores, one per lane)",
        helpers=HELPERS,
        args=ARGS,
        tensors=[dict(index=k, name=cxx.ident(t.name), element=cxx.ELEMENT[t.dtype],
                      handle=cxx.name("tensor", cxx.part(t.name)))
                 for k, t in enumerate(layout.tensors) if cxx.ident(t.name) in used],
        fifos=[dict(index=layout.fifo_base + k, name=cxx.name("fifo", cxx.part(p.name)))
               for k, p in enumerate(kernel.pipes)],
        scalars=[dict(name=_scalar_var(s.name), ctype=s.ctype,
                      value=cxx.decode_scalar(s.dtype, f"{ARGS}[{layout.scalar_index(s.name)}]"))
                 for s in layout.scalars if s.kind == "case" or _scalar_var(s.name) in used],
        block_idx=BLOCK_IDX,
        block_num=BLOCK_NUM,
        lane=LANE if core == "aiv" and LANE in used else "",
        vector_only=kernel.launch == "aiv",
        cases=cases,
        case_var=CASE,
    )


def _scalar_var(name: str) -> str:
    return name if name.startswith(cxx.PREFIX) else cxx.ident(name)


def _params(layout: Layout, core: str) -> list:
    """(C++ type, name) of every parameter a case function may take."""
    out = [(f"__gm__ {cxx.ELEMENT[t.dtype]}*", cxx.ident(t.name)) for t in layout.tensors]
    out += [("__gm__ uint8_t*", cxx.name("fifo", cxx.part(p.name))) for p in layout.kernel.pipes]
    out += [(s.ctype, _scalar_var(s.name)) for s in layout.scalars if s.kind != "case"]
    out += [("int64_t", BLOCK_IDX), ("int64_t", BLOCK_NUM)]
    if core == "aiv":
        out.append(("int64_t", LANE))
    return out


def _case(layout: Layout, core: str, source: str, case_plan, case: ir.DispatchCase) -> dict:
    kernel = layout.kernel
    env = case_plan.case
    shapes = layout.shapes(env)
    printer = Printer(shapes, env.mapping)
    params = {t.name: t for t in layout.tensors}
    emitter = BodyEmitter(core, source, case_plan, shapes, printer, params)
    body = emitter.emit(case.body)
    out = emitter.out
    unread = _unread_scalars(body, set(out.scalars))
    live = _text(_without_scalars(body, unread))
    body = _without_scalars(body, unread, keep_note=True)
    for name in unread:
        del out.scalars[name]
    pipes = []
    for pipe in case_plan.pipes:
        type_name = cxx.name("pipet", cxx.part(pipe.name))
        out.types.setdefault(type_name, pipe_type(pipe))
        bridge = ""
        if core == "aiv" and pipe.split:
            side = "cons" if pipe.c2v else "prod"
            var = cxx.name("pipe", cxx.part(pipe.name))
            bridge = f"{var}.{side}.setEntryOffset(static_cast<int>({LANE} * {pipe.lane_bytes}))"
        pipes.append(dict(var=cxx.name("pipe", cxx.part(pipe.name)), type=type_name,
                          fifo=cxx.name("fifo", cxx.part(pipe.name)),
                          block_bytes=pipe.block_bytes,
                          c2v=cxx.hex_addr(pipe.offset if pipe.c2v else 0),
                          v2c=cxx.hex_addr(0 if pipe.c2v else pipe.offset), bridge=bridge))
    grid = kernel.grid
    extents = [printer(substitute(e, env.mapping)) for e in grid.extents] if grid else ["1"]
    # A parameter is taken when the C++ reads it: a name printed only into an unread scalar
    # (`let trips = t0 + 1` that only another core uses) is not.
    live += "\n" + "\n".join(extents + [text for _, text in out.types.items()])
    used = ({n for n in printer.used if _reads(live, n)} | {p["fifo"] for p in pipes}
            | {BLOCK_IDX, BLOCK_NUM})
    if any(p["bridge"] for p in pipes):
        used.add(LANE)
    taken = [(ctype, name) for ctype, name in _params(layout, core) if name in used]
    return dict(
        function=cxx.name("case", core, str(env.index)),
        index=env.index,
        label=env.label or "single case",
        params=", ".join(f"{ctype} {name}" for ctype, name in taken),
        args=", ".join(name for _, name in taken),  # what the dispatcher passes this case
        pipes=pipes,
        types=list(out.types.items()),
        tiles=list(out.tiles.items()),
        static_assigns=out.static_assigns,
        static_views=out.static_views,
        counters=list(out.counters.items()),
        scalars=[(ctype, name) for name, ctype in out.scalars.items()],
        grid=_grid(extents),
        body=body,
        loc=f"{source}:{grid.span.line}" if grid is not None and grid.span is not None else "",
        used=used,
    )


def _unread_scalars(body: list, scalars: set) -> set:
    """Scalars assigned but never read by the C++ (a let only tile shapes and slice sizes use,
    which are compile-time constants there), found to a fixed point since dropping one may
    leave the scalars its value read unread too."""
    unread: set = set()
    while True:
        text = _text(_without_scalars(body, unread))
        found = {name for name in scalars - unread if not _reads(text, name)}
        if not found:
            return unread
        unread |= found


def _without_scalars(records: list, names: set, keep_note: bool = False) -> list:
    """`records` without the assignments of `names` (kept as a comment, with `keep_note`)."""
    out = []
    for record in records:
        if record["macro"] == "scalar" and record["name"] in names:
            if keep_note:
                out.append(record | {"macro": "unread_scalar"})
            continue
        nested = {key: _without_scalars(value, names, keep_note) for key, value in record.items()
                  if isinstance(value, list)}
        out.append(record | nested)
    return out


def _text(records: list) -> str:
    """The C++ fragments of `records`, with each scalar's own name left out of its record."""
    parts = []
    for record in records:
        for key, value in record.items():
            if isinstance(value, list):
                parts.append(_text(value))
            elif isinstance(value, str) and not (key == "name" and record["macro"] == "scalar"):
                parts.append(value)
    return "\n".join(parts)


def _reads(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def _grid(extents: list) -> dict:
    """The stride loop over the logical blocks: their total, as the product of the extents."""
    names = [cxx.name("extent", str(k)) for k in range(len(extents))]
    return dict(lb=ir.LOGICAL_BLOCK, total=cxx.name("total"), extents=list(zip(names, extents)),
                total_value=" * ".join(names))

