"""`pypto-dsl compile --report`: per core and specialisation case, the memory map and the syncs.

Everything here is read back from the lowered IR (the storage plan of each dispatch case and the
`Sync` statements in its body), so it reports what the code generator emits:

- `memory_totals(kernel)`: {core: {case: {buffer: (peak bytes, capacity bytes)}}};
- `sync_counts(kernel)`: {core: {case: SyncCounts}} by counting the Sync nodes (`barriers`
  are the unconditional ones, `guarded` the barriers that run only when the in-place pad_cols
  before them pads, i.e. when the valid length is short);
- `sync_profile(kernel)`: {core: {case: (outside loops, per loop iteration)}}: the syncs one
  logical block executes outside loops (on the path with the most syncs) and per iteration of
  its loops, so a block whose loop runs k times executes outside + k * per-iteration (guarded
  barriers counted apart: they run only when their pad does);
- the prefetch decision of each AIC case (`Kernel.prefetches`, passes/prefetch.py);
- `report(kernel)`: all of it as text.
"""

from __future__ import annotations

from . import ir, walk
from .passes.syncs import SyncCounts
from .platform import kib, platform


def memory_totals(kernel: ir.Kernel) -> dict:
    chip = platform(kernel.target)
    return {core: {c.case.label: {b: (peak, chip.buffer(b).capacity)
                                  for b, peak in c.core(core).peak}
                   for c in kernel.plans}
            for core in ("aic", "aiv")}


def sync_counts(kernel: ir.Kernel) -> dict:
    return {core: {label: SyncCounts.of(s for s in walk.walk_stmts(case.body)
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


def report(kernel: ir.Kernel) -> str:
    if kernel.phases:  # each phase is a task of its own, planned on its own
        return "".join(report(phase).replace(f"{kernel.name} on", f"{kernel.name} phase "
                                             f"{phase.phase} on", 1) for phase in kernel.phases)
    chip = platform(kernel.target)
    capacities = ", ".join(f"{b.name} {kib(b.capacity)}" + (f" ({b.note})" if b.note else "")
                           for b in chip.buffers)
    lines = [f"{kernel.name} on {chip.name}: capacity per core {capacities}"]
    counts, profile = sync_counts(kernel), sync_profile(kernel)
    for core in ("aic", "aiv"):
        for label, case in _cases(kernel, core):
            lines.append("")
            lines.append(f"{core}{' ' + label if label else ''}")
            lines.extend(_memory_lines(kernel.plans[case.index], core, chip))
            if core == "aic":
                lines.extend(_prefetch_lines(kernel, case.index))
            lines.extend(_sync_lines(counts[core][label], *profile[core][label]))
    return "\n".join(lines) + "\n"


def _cases(kernel: ir.Kernel, core: str):
    (dispatch,) = kernel.body(core)
    for case in dispatch.cases:
        yield kernel.plans[case.index].case.label, case


def _memory_lines(case_plan, core: str, chip) -> list:
    storage = case_plan.core(core)
    rows = [(p.buffer, p.offset, kib(p.region), f"pipe {p.name}", "",
             f"{p.local_slots} slot{'s' if p.local_slots > 1 else ''} of {kib(p.slot_size)}: "
             + ", ".join(f"0x{start:05X}+{kib(size)}" for start, size in p.slots()))
            for p in case_plan.pipes if p.dst == core]
    for t in storage.tiles:
        if not t.owns_bytes:
            continue
        size = kib(t.size) + (f" x{t.versions}" if t.versions > 1 else "")
        rows.append((t.buffer, t.offset, size, t.name, str(t.type),
                     "live " + ", ".join(f"{a}..{b}" for a, b in t.live)))
    order = list(chip.buffer_names)
    rows.sort(key=lambda r: (order.index(r[0]), r[1], r[3]))
    lines = ["  memory (buffer, offset, bytes x versions, tile, type, program positions):"]
    for buffer, offset, size, name, type_, note in rows:
        lines.append(f"    {buffer:<4} 0x{offset:05X} {size:>11}  {name:<18} {type_:<15} {note}")
    totals = ", ".join(f"{b} {kib(peak)} of {kib(chip.buffer(b).capacity)}"
                       for b, peak in storage.peak)
    lines.append(f"  peak: {totals}")
    return lines


def _prefetch_lines(kernel: ir.Kernel, index: int) -> list:
    record = next((p for p in kernel.prefetches if p.case == index), None)
    if record is None:
        return []
    bound = f"L1 bound with no sharing {kib(record.bound)} of {kib(record.capacity)}"
    if not record.fits:
        return [f"  prefetch: off ({bound}): loads stay where they are written"]
    if not record.loads:
        return [f"  prefetch: no load in a loop qualifies ({bound})"]
    loads = ", ".join(f"{tile} ({tensor})" for tile, tensor in record.loads)
    return [f"  prefetch: {loads} loaded one iteration ahead ({bound})"]


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
