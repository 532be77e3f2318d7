"""One cluster's timeline: the instruction streams of its cores played on their hardware pipes.

Contract: `simulate(streams, fifos, params, share)` takes each core's instructions (the AIC
and each AIV lane separately, both lanes simulated), in issue order, and returns a
`ClusterRun`: when each core finished, how long each of its pipes was busy, its GM traffic
and, when asked, every instruction's interval and every hand-off for the trace. The rules:

- the scalar unit issues in program order, one `issue` cycle per instruction (plus the scalar
  work before it); each hardware pipe runs what it is given in order, one at a time: an
  instruction starts when it is issued and its pipe is free;
- `flag P -> Q`: the set runs on P after everything before it there; Q starts nothing later
  before it (an edge); `drain P -> S` stops the issue until P has finished; barriers order
  within a pipe, which the in-order queue already does (the vector head they cost is in the
  stream);
- a tpush waits (scalar unit) for a free slot when the library's sparse back-pressure asks
  (`SyncPeriod`: every `depth` tiles at depth <= 2, else every `depth/2`; the reference
  sheet, TPipe), stores into the GM slot on its pipe, and records the data `flag_latency`
  cycles later; a tpop waits (scalar unit) for the data of every producer lane, loads it on
  MTE2 and frees the slot `flag_latency` cycles after the load, at the sync points; a split
  C2V slot is free when both lanes have freed it, a V2C tile ready when both lanes pushed;
- a GM transfer of a kernel tensor moves at its path's rate capped by `share(t)`, its part of
  the HBM bandwidth when it starts; FIFO slots are small and read right after being written,
  so they are taken to stay in L2 and move at the path's rate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

PIPES = {"AIC": ("MTE2", "MTE1", "M", "FIX", "MTE3", "S"), "AIV": ("MTE2", "V", "MTE3", "S")}


def core_name(core: str, lane) -> str:
    return "AIC" if core == "aic" else f"AIV{lane}"


class Fifo:
    """The slots of one pipe in one cluster: when each tile is ready and each credit free."""

    def __init__(self, plan, producers: tuple, consumers: tuple):
        self.name, self.depth = plan.name, plan.depth
        self.period = plan.depth if plan.depth <= 2 else plan.depth // 2
        self.pushed = {p: [] for p in producers}  # per producer: ready time of each tile
        self.sent = {p: [] for p in producers}  # per producer: (pipe, end) of each store
        self.freed = {c: {} for c in consumers}  # per consumer: pop index -> credit time

    def ready(self, k: int):
        times = [t[k] for t in self.pushed.values() if len(t) > k]
        return max(times) if len(times) == len(self.pushed) else None

    def credit(self, k: int):
        """When push `k` may store: 0 when it needs no credit, None when not known yet."""
        if k < self.depth or k % self.period:
            return 0.0
        index = k - self.depth + self.period - 1
        times = [f[index] for f in self.freed.values() if index in f]
        return max(times) if len(times) == len(self.freed) else None

    def frees_at(self, k: int) -> bool:
        return (k + 1) % self.period == 0


@dataclass
class ClusterRun:
    end: float = 0.0  # cycles until its last core finished
    busy: dict = field(default_factory=dict)  # (core, pipe) -> busy cycles
    finish: dict = field(default_factory=dict)  # core -> its end
    hbm_bytes: int = 0
    hbm_time: float = 0.0  # cycles its HBM transfers were in flight, summed over its cores
    flops: int = 0
    slices: list = field(default_factory=list)  # (core, pipe, start, end, label), when traced
    flows: list = field(default_factory=list)  # (kind, core, pipe, t, core, pipe, t)
    waits: dict = field(default_factory=dict)  # core -> cycles the scalar unit stood waiting
    backpressure: dict = field(default_factory=dict)  # core -> of those, waiting for a slot


class _Core:
    def __init__(self, name: str, instrs: tuple):
        self.name, self.instrs, self.i = name, instrs, 0
        self.t = 0.0
        self.free = defaultdict(float)
        self.busy = defaultdict(float)
        self.pushes, self.pops = Counter(), Counter()
        self.waited = 0.0
        self.credits = 0.0  # cycles waited for a free FIFO slot


def simulate(streams: dict, fifos: dict, params, share=None, trace: bool = False) -> ClusterRun:
    """`streams`: core name -> instructions; `fifos`: pipe name -> Fifo; `share(t)`: bytes per
    cycle one HBM transfer starting at t may use (None: no cap)."""
    cores = [_Core(name, instrs) for name, instrs in streams.items()]
    run = ClusterRun()
    while True:
        progressed, done = False, True
        for core in cores:
            before = core.i
            _advance(core, fifos, params, share, run, trace)
            progressed |= core.i > before
            done &= core.i == len(core.instrs)
        if done:
            break
        if not progressed:
            stuck = ", ".join(f"{c.name} at {c.instrs[c.i].label}" for c in cores
                              if c.i < len(c.instrs))
            raise AssertionError(f"internal error: the cost model's schedule deadlocks: {stuck}")
    for core in cores:
        core.finish = max([core.t, *core.free.values()])
        run.finish[core.name] = core.finish
        run.waits[core.name] = core.waited
        run.backpressure[core.name] = core.credits
        for pipe, cycles in core.busy.items():
            run.busy[(core.name, pipe)] = cycles
    run.end = max(run.finish.values(), default=0.0)
    return run


def _advance(core: _Core, fifos: dict, params, share, run: ClusterRun, trace: bool) -> None:
    """Issue `core`'s instructions until one waits for another core (or none are left)."""
    issue, latency, links = params.issue, params.flag_latency, params.bandwidth
    free, busy, instrs = core.free, core.busy, core.instrs
    while core.i < len(instrs):
        ins = instrs[core.i]
        kind, pipe = ins.kind, ins.pipe
        t = core.t + ins.scalar
        if kind == "pop":
            fifo = fifos[ins.fifo]
            k = core.pops[ins.fifo]
            ready = fifo.ready(k)
            if ready is None:
                return
            if ready > t:
                core.waited += ready - t
                t = ready
        elif kind == "push":
            fifo = fifos[ins.fifo]
            k = core.pushes[ins.fifo]
            credit = fifo.credit(k)
            if credit is None:
                return
            if credit > t:
                core.waited += credit - t
                core.credits += credit - t
                t = credit
        busy["S"] += ins.scalar + issue
        if kind == "flag":
            set_at = max(t, free[pipe])
            wait_at = max(set_at, free[ins.dst])
            free[ins.dst] = wait_at
            if trace:
                name = f"{pipe}->{ins.dst}"
                run.slices.append((core.name, pipe, set_at, set_at, f"set_flag {name}"))
                run.slices.append((core.name, ins.dst, wait_at, wait_at, f"wait_flag {name}"))
                run.flows.append(("flag", core.name, pipe, set_at, core.name, ins.dst, wait_at))
            core.t = t + 2 * issue  # set_flag and wait_flag
            core.i += 1
            continue
        if kind == "drain":
            if free[pipe] > t:
                core.waited += free[pipe] - t
                t = free[pipe]
            core.t = t + 2 * issue
            core.i += 1
            continue
        if kind == "barrier":
            core.t = t + issue
            core.i += 1
            continue
        idle = free[pipe] <= t  # its queue was empty when it was issued
        start = t if idle else free[pipe]
        if kind == "op":
            cycles = ins.cycles + (ins.extra if idle else 0)
            run.flops += ins.flops
        else:
            rate = links[ins.path].rate(ins.nbytes)
            if ins.hbm and share is not None:
                cap = share(start)
                if cap < rate:
                    rate = cap
            cycles = ins.nbytes / rate
            if ins.hbm:
                run.hbm_bytes += ins.nbytes
                run.hbm_time += cycles
        end = start + cycles
        free[pipe] = end
        busy[pipe] += cycles
        if trace:
            run.slices.append((core.name, pipe, start, end, ins.label))
        if kind == "push":
            ready_at = end + latency
            fifo.pushed[core.name].append(ready_at)
            fifo.sent[core.name].append((pipe, (start + end) / 2))
            core.pushes[ins.fifo] += 1
        elif kind == "pop":
            if trace:
                for producer, sent in fifo.sent.items():
                    run.flows.append((f"tpush {ins.fifo}", producer, *sent[k], core.name,
                                      pipe, (start + end) / 2))
            if fifo.frees_at(k):
                fifo.freed[core.name][k] = end + latency
            core.pops[ins.fifo] += 1
        core.t = t + issue
        core.i += 1
