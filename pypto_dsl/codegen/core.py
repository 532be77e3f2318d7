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
        cases=cases,
        call_args=", ".join(name for _, name in _params(layout, core) if name in used),
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
    used = printer.used | {p["fifo"] for p in pipes} | {BLOCK_IDX, BLOCK_NUM}
    if any(p["bridge"] for p in pipes):
        used.add(LANE)
    signature = ", ".join(f"{ctype} {name}" for ctype, name in _params(layout, core)
                          if name in used)
    return dict(
        function=cxx.name("case", core, str(env.index)),
        index=env.index,
        label=env.label or "single case",
        params=signature,
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


def _grid(extents: list) -> dict:
    """The stride loop over the logical blocks: their total, as the product of the extents."""
    names = [cxx.name("extent", str(k)) for k in range(len(extents))]
    return dict(lb=ir.LOGICAL_BLOCK, total=cxx.name("total"), extents=list(zip(names, extents)),
                total_value=" * ".join(names))

