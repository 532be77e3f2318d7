"""`pypto-dsl compile --report`: per core and specialisation case, the memory map and the syncs.

Everything here is read back from the lowered IR (the memory plan on each dispatch case and the
`Sync` statements in its body), so it reports what the code generator emits:

- `memory_totals(kernel)`: {core: {case: {buffer: (peak bytes, capacity bytes)}}};
- `sync_counts(kernel)`: {core: {case: SyncCounts}} by counting the Sync nodes (`barriers`
  are the unconditional ones, `guarded` the barriers that run only when the in-place pad_cols
  before them pads, i.e. when the valid length is short);
- `sync_profile(kernel)`: {core: {case: (outside loops, per loop iteration)}}: the syncs one
  logical block executes outside loops (on the path with the most syncs) and per iteration of
  its loops, so a block whose loop runs k times executes outside + k * per-iteration (guarded
  barriers counted apart: they run only when their pad does);
- `report(kernel)`: all of it as text.
"""

from __future__ import annotations

from . import ir
from .passes.liveness import analyze
from .passes.memory import case_label, reserved_bytes
from .passes.syncs import SyncCounts
from .passes.tiles import classify
from .platform import DEFAULT, kib, platform


def memory_totals(kernel: ir.Kernel, target: str = DEFAULT) -> dict:
    chip = platform(target)
    return {core: {label: {b: (peak, chip.buffer(b).capacity) for b, peak in case.memory.peak}
                   for label, case in _cases(kernel, core)}
            for core in ("aic", "aiv")}


def sync_counts(kernel: ir.Kernel) -> dict:
    return {core: {label: SyncCounts.of(s for s in ir.walk_stmts(case.body)
                                        if isinstance(s, ir.Sync))
                   for label, case in _cases(kernel, core)}
            for core in ("aic", "aiv")}


def sync_profile(kernel: ir.Kernel) -> dict:
    out = {}
    for core in ("aic", "aiv"):
        out[core] = {}
        for label, case in _cases(kernel, core):
            outside, looped = _path(case.body, False)
            out[core][label] = (SyncCounts.of(outside), SyncCounts.of(looped))
    return out


def report(kernel: ir.Kernel, target: str = DEFAULT) -> str:
    chip = platform(target)
    capacities = ", ".join(f"{b.name} {kib(b.capacity)}" + (f" ({b.note})" if b.note else "")
                           for b in chip.buffers)
    lines = [f"{kernel.name} on {chip.name}: capacity per core {capacities}"]
    counts, profile = sync_counts(kernel), sync_profile(kernel)
    for core in ("aic", "aiv"):
        for label, case in _cases(kernel, core):
            lines.append("")
            lines.append(f"{core}{' ' + label if label else ''}")
            lines.extend(_memory_lines(case, core, chip))
            lines.extend(_sync_lines(counts[core][label], *profile[core][label]))
    return "\n".join(lines) + "\n"


def _cases(kernel: ir.Kernel, core: str):
    (dispatch,) = kernel.body(core)
    for case in dispatch.cases:
        yield case_label(dispatch, case), case


def _memory_lines(case: ir.DispatchCase, core: str, chip) -> list:
    plan = case.memory
    types = classify(analyze(case.body), core).info
    slots: dict = {}
    for label, _, start, end in reserved_bytes(case, chip):
        slots.setdefault(label, []).append(f"0x{start:05X}+{kib(end - start)}")
    rows = [(r.buffer, r.offset, kib(r.size), r.label, "", "slots " + ", ".join(slots[r.label]))
            for r in plan.reservations]
    for a in plan.allocations:
        size = kib(a.size) + (f" x{a.versions}" if a.versions > 1 else "")
        rows.append((a.buffer, a.offset, size, a.name, str(types[a.name].type),
                     f"live {a.live[0]}..{a.live[1]}"))
    order = [b.name for b in chip.buffers]
    rows.sort(key=lambda r: (order.index(r[0]), r[1], r[3]))
    lines = ["  memory (buffer, offset, bytes x versions, tile, type, program positions):"]
    for buffer, offset, size, name, type_, note in rows:
        lines.append(f"    {buffer:<4} 0x{offset:05X} {size:>11}  {name:<18} {type_:<15} {note}")
    totals = ", ".join(f"{b} {kib(peak)} of {kib(chip.buffer(b).capacity)}"
                       for b, peak in plan.peak)
    lines.append(f"  peak: {totals}")
    return lines


def _sync_lines(total: SyncCounts, outside: SyncCounts, looped: SyncCounts) -> list:
    return [f"  syncs: {_counts_text(total)}",
            f"    executed per logical block: {_counts_text(outside)} outside loops, "
            f"plus {_counts_text(looped)} per loop iteration"]


def _counts_text(counts: SyncCounts) -> str:
    pairs = ", ".join(f"{src}->{dst} {n}" for (src, dst), n in counts.flags)
    parts = [f"{counts.set_wait} set/wait ({pairs or 'no flags'}; {counts.drains} drains)",
             f"{counts.barriers} barriers"]
    if counts.guarded:
        parts.append(f"{counts.guarded} guarded barriers (only when their pad_cols pads)")
    return ", ".join(parts)


def _path(stmts: tuple, inside: bool) -> tuple:
    """(syncs outside loops, syncs in loop bodies) on the path through `stmts` with most."""
    outside: list = []
    looped: list = []
    for stmt in stmts:
        if isinstance(stmt, ir.Sync):
            (looped if inside else outside).append(stmt)
        elif isinstance(stmt, ir.For):
            more_out, more_loop = _path(stmt.body, True)
            looped += more_out + more_loop
        elif isinstance(stmt, ir.If):
            branches = [_path(stmt.then, inside), _path(stmt.orelse, inside)]
            more_out, more_loop = max(branches, key=lambda b: len(b[0]) + len(b[1]))
            outside += more_out
            looped += more_loop
    return outside, looped
