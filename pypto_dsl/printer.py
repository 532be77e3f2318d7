"""The IR as text (`pypto-dsl check --dump-ir [--after PASS]`): one statement a line, types
after a colon; once planned, each case's storage plan (every pipe's geometry and every tile's
storage) and, once scheduled, its cross-core handoffs."""

from __future__ import annotations

from . import ir
from .platform import kib


def print_kernel(kernel: ir.Kernel) -> str:
    if kernel.phases:  # each phase printed as the kernel it is lowered as
        return "".join(print_kernel(phase) for phase in kernel.phases)
    out = [f"kernel {kernel.name}" + (f" phase {kernel.phase}" if kernel.phase else "")]
    for p in kernel.params + kernel.scratch:
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
    for schedule in kernel.schedules:
        label = kernel.cases[schedule.index].label or "single case"
        out.append(f"  schedule of case {schedule.index} ({label}): {schedule.runs} sampled runs")
        for core, pairs in schedule.handoffs:
            for (p, q), count in pairs:
                seen = f"{count} pops of {q}" if count is not None else f"no pop of {q}"
                out.append(f"    {core}: a push of {p} is consumed after {seen}")
    for case_plan in kernel.plans:
        out.extend(print_plan(case_plan))
    return "\n".join(out) + "\n"


def print_plan(case_plan) -> list:
    """The storage plan of one case (plan.CasePlan) as text lines."""
    label = case_plan.case.label or "single case"
    out = [f"  plan of case {case_plan.case.index} ({label}) on {case_plan.target}"]
    for p in case_plan.pipes:
        split = f", {p.lane_rows} rows per lane" if p.split else ""
        out.append(f"    pipe {p.name}: {p.src} -> {p.dst} {p.dtype}[{p.rows}, {p.cols}]{split}, "
                   f"depth {p.depth}, flag {p.flag}, slot {kib(p.slot_size)}, "
                   f"{p.local_slots} local slots at {p.buffer} 0x{p.offset:X} "
                   f"({kib(p.region)}, {kib(p.local_bytes)} each)")
    for core in ("aic", "aiv"):
        storage = case_plan.core(core)
        peak = ", ".join(f"{b} {kib(n)}" for b, n in storage.peak)
        out.append(f"    {core}: peak {peak or 'nothing'}")
        for t in storage.tiles:
            where = f"{t.buffer} 0x{t.offset:X} {kib(t.size)}" if t.owns_bytes else t.buffer
            versions = f" x{t.versions}" if t.versions > 1 and t.owns_bytes else ""
            live = ("live " + ", ".join(f"{a}..{b}" for a, b in t.live)) if t.live else ""
            root = f" of {t.root}" if t.root != t.name else ""
            out.append(f"      {t.name}: {t.type} {t.kind}{root} {t.layout} "
                       f"[{t.rows}, {t.cols}] {where}{versions} {live}".rstrip())
    return out


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
