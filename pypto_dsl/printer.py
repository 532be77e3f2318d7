"""The IR as text (`pypto-dsl check --dump-ir`): one statement a line, types after a colon."""

from __future__ import annotations

from . import ir


def print_kernel(kernel: ir.Kernel) -> str:
    out = [f"kernel {kernel.name}"]
    for p in kernel.params:
        if isinstance(p, ir.TensorParam):
            out.append(f"  param {p.name}: {p.direction} {p.dtype}[{_list(p.shape)}]")
        else:
            out.append(f"  param {p.name}: {p.dtype}")
    for s in kernel.specializations:
        rule = f" = {s.rule}" if s.rule is not None else " (from a tensor shape)"
        out.append(f"  specialize {s.name} in {{{_list(s.values)}}}{rule}")
    for r in kernel.requires:
        out.append(f"  require {r.cond}")
    if kernel.grid is not None:
        g = kernel.grid
        out.append(f"  grid ({_list(g.vars)}) = ({_list(g.extents)}) on {g.blocks} blocks")
    for p in kernel.pipes:
        out.append(f"  pipe {p.name}: {p.src} -> {p.dst} {p.tile_type} depth {p.depth} "
                   f"split {p.split}")
    out.extend(print_stmts(kernel.prelude, 1))
    for core in ("aic", "aiv"):
        out.append(f"  {core} {{")
        out.extend(print_stmts(kernel.body(core), 2))
        out.append("  }")
    return "\n".join(out) + "\n"


def print_stmts(stmts, depth: int) -> list:
    pad = "  " * depth
    out = []
    for s in stmts:
        if isinstance(s, ir.Let):
            word = "var" if s.mutable else "let"
            out.append(f"{pad}{word} {s.name}: {_type(s.value)} = {s.value}")
        elif isinstance(s, ir.Assign):
            out.append(f"{pad}{s.name} = {s.value}")
        elif isinstance(s, ir.TPush):
            out.append(f"{pad}tpush {s.pipe}, {s.value}")
        elif isinstance(s, ir.Store):
            out.append(f"{pad}store {s.tensor}[{_list(s.slices)}], {s.value}")
        elif isinstance(s, ir.For):
            out.append(f"{pad}for {s.var} in {s.start} .. {s.stop} {{")
            out.extend(print_stmts(s.body, depth + 1))
            out.append(f"{pad}}}")
        elif isinstance(s, ir.PipelinedFor):
            out.append(f"{pad}pipelined for {s.var} in {s.start} .. {s.stop} {{")
            for stage in s.stages:
                out.append(f"{pad}  stage {stage.name} {{")
                out.extend(print_stmts(stage.body, depth + 2))
                out.append(f"{pad}  }}")
            out.append(f"{pad}}}")
        elif isinstance(s, ir.If):
            out.append(f"{pad}if {s.cond} {{")
            out.extend(print_stmts(s.then, depth + 1))
            if s.orelse:
                out.append(f"{pad}}} else {{")
                out.extend(print_stmts(s.orelse, depth + 1))
            out.append(f"{pad}}}")
        elif isinstance(s, ir.Dispatch):
            for case in s.cases:
                cond = ", ".join(f"{n}={v}" for n, v in zip(s.symbols, case.values))
                out.append(f"{pad}dispatch {cond} {{")
                out.extend(print_stmts(case.body, depth + 1))
                out.append(f"{pad}}}")
        elif isinstance(s, ir.Free):
            out.append(f"{pad}free {s.pipe}")
        elif isinstance(s, ir.Sync):
            target = f" -> {s.dst}" if s.dst else ""
            guard = f" if {s.guard}" if s.guard is not None else ""
            out.append(f"{pad}sync {s.kind} {s.src}{target} event {s.event}{guard}")
        else:
            out.append(f"{pad}{s}")
    return out


def _type(expr) -> str:
    return str(expr.type) if expr.type is not None else "?"


def _list(items) -> str:
    return ", ".join(str(i) for i in items)
