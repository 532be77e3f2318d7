"""The template context of one core's kernel source (`kernels/aic|aiv/<kernel>_<core>.cpp`).

The file has one static function per dispatch case and `kernel_entry`, which decodes `args[]`
(layout.py), reads its identity from simpler's context (`get_block_idx(args)`,
`get_block_num(args)`, `get_sub_block_id(args)`; never the CCE intrinsics) and calls the case
function whose index the orchestration passed. A case function builds the pipes from this
block's slice of each GM FIFO, binds its tiles, then runs the stride loop
`for (pdsl_lb = block_idx; pdsl_lb < total; pdsl_lb += block_num)` around the case body, whose
first statements (from passes/grid.py) compute the grid variables from `pdsl_lb`.
"""

from __future__ import annotations

from .. import ir
from ..symbolic import substitute
from . import cxx, tiles
from .body import BodyEmitter
from .exprs import HELPERS, Printer
from .layout import CaseInfo, Layout


def core_context(layout: Layout, core: str, source: str) -> dict:
    kernel = layout.kernel
    dispatch = kernel.body(core)[0]
    cases = [_case(layout, core, source, info, case)
             for info, case in zip(layout.cases, dispatch.cases)]
    return dict(
        kernel=kernel.name,
        core=core,
        core_title="AIC (cube core)" if core == "aic" else "AIV (vector cores, one per lane)",
        helpers=HELPERS,
        tensors=[dict(index=k, name=t.name, element=cxx.ELEMENT[t.dtype],
                      handle=cxx.name("tensor", t.name))
                 for k, t in enumerate(layout.tensors)],
        fifos=[dict(index=layout.fifo_base + k, name=cxx.name("fifo", p.name))
               for k, p in enumerate(kernel.pipes)],
        scalars=[dict(name=s.name, ctype=s.ctype,
                      value=cxx.decode_scalar(s.dtype, f"args[{layout.scalar_index(s.name)}]"))
                 for s in layout.scalars],
        lane=core == "aiv",
        cases=cases,
        call_args=", ".join(name for _, name in _params(layout, core)),
        case_var=cxx.name("case"),
    )


def _params(layout: Layout, core: str) -> list:
    """(C++ type, name) of every parameter of a case function."""
    out = [(f"__gm__ {cxx.ELEMENT[t.dtype]}*", t.name) for t in layout.tensors]
    out += [("__gm__ uint8_t*", cxx.name("fifo", p.name)) for p in layout.kernel.pipes]
    out += [(s.ctype, s.name) for s in layout.scalars if s.kind != "case"]
    out += [("int64_t", "block_idx"), ("int64_t", "block_num")]
    if core == "aiv":
        out.append(("int64_t", "lane"))
    return out


def _case(layout: Layout, core: str, source: str, info: CaseInfo, case: ir.DispatchCase) -> dict:
    kernel = layout.kernel
    shapes = layout.shapes(info)
    printer = Printer(shapes, info.env)
    tile_infos = tiles.classify(case.body, core)
    params = {t.name: t for t in layout.tensors}
    emitter = BodyEmitter(core, source, tile_infos, case.memory, info.pipes, shapes, printer,
                          params)
    body = emitter.stmts(case.body)
    out = emitter.out
    pipes = []
    for decl in kernel.pipes:
        pipe = info.pipes[decl.name]
        out.types.setdefault(pipe.type_name, pipe.type_text())
        bridge = ""
        if core == "aiv" and pipe.split:
            side = "cons" if pipe.direction.endswith("C2V") else "prod"
            bridge = f"{pipe.var}.{side}.setEntryOffset(static_cast<int>(lane * {pipe.lane_bytes}))"
        pipes.append(dict(var=pipe.var, type=pipe.type_name, fifo=pipe.fifo,
                          block_bytes=pipe.block_bytes, c2v=cxx.hex_addr(pipe.c2v_base),
                          v2c=cxx.hex_addr(pipe.v2c_base), bridge=bridge))
    grid = kernel.grid
    extents = [printer(substitute(e, info.env)) for e in grid.extents] if grid else ["1"]
    return dict(
        function=cxx.name(kernel.name, core, "case", str(info.index)),
        index=info.index,
        label=info.label,
        params=", ".join(f"{ctype} {name}" for ctype, name in _params(layout, core)),
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
    )


def _grid(extents: list) -> dict:
    """The stride loop over the logical blocks: their total, as the product of the extents."""
    names = [cxx.name("extent", str(k)) for k in range(len(extents))]
    return dict(lb=ir.LOGICAL_BLOCK, total=cxx.name("total"), extents=list(zip(names, extents)),
                total_value=" * ".join(names))
