"""The cross-core schedule: the order the cores push and pop, checked for deadlock and
summarised as handoffs for sync insertion.

After this pass `Kernel.schedules[k]` is the `Schedule` of case k, and no case deadlocks on the
runs tried. The runs: the case body of the AIC and of both AIV lanes for two consecutive
logical blocks of one hardware block (the FIFOs are reused across them), for sampled values of
the kernel's inputs (trace.py; samples that break a `require` or choose another specialisation
are not used), played against each other with every pipe's FIFO depth (fifo.py). When no core
can move, that is a deadlock, reported at the blocked statement with every blocked core, its
pipe, push or pop, and line, as `run` reports one: `check` finds what `run` would.

Handoffs (the ordering one core gets from the other): a core that pushes tile k of pipe P
knows the other side has consumed it once it pops a tile of a pipe Q that the other side
pushed after popping tile k of P (the pop waits for the push, which comes after that side's
pop in its program order). `handoffs[core][(P, Q)]` is the number of pops of Q after a push of
P by which that holds in every run tried, or None when it does not hold. The sync pass uses
it: whatever was ordered before the push has completed by then (facts sheet §10: TPOP waits
until the producer's pipe has finished). Pushes are not used as evidence: the NPU's TPipe
returns free slots to the producer only every few pops.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import ir
from ..diagnostics import ErrorSink
from ..fifo import AIC, FifoState
from .trace import Sample, Skip, evaluate, pipe_events

SAMPLES = 4096  # candidate samples per case (most fail a require: cheap)
USED = 8  # samples kept (those that evaluate and agree with the case)
BLOCKS = 2  # consecutive logical blocks per run


@dataclass(frozen=True)
class Schedule:
    index: int  # the case
    runs: int  # how many sampled runs it was checked on
    handoffs: tuple  # ((core, ((P, Q), count or None), ...)), ...)

    def handoff(self, core: str) -> dict:
        return dict(dict(self.handoffs).get(core, ()))


def check_schedule(kernel: ir.Kernel) -> ir.Kernel:
    sink = ErrorSink()
    schedules = []
    for case in kernel.cases:
        bodies = {core: kernel.body(core)[0].cases[case.index].body for core in ("aic", "aiv")}
        schedules.append(_schedule(kernel, case, bodies, sink))
    sink.raise_if_any()
    return replace(kernel, schedules=tuple(schedules))


def samples(kernel: ir.Kernel, case: ir.CaseEnv):
    """The samples of the kernel's inputs that meet its requirements and select `case`, in
    order (up to SAMPLES candidates)."""
    for number in range(SAMPLES):
        sample = Sample(number, case.mapping)
        try:
            if _agrees(kernel, case, sample):
                yield sample
        except Skip:
            continue


def _schedule(kernel, case: ir.CaseEnv, bodies: dict, sink: ErrorSink) -> Schedule:
    runs = []
    for sample in samples(kernel, case):
        if len(runs) == USED:
            break
        try:
            traces = {side: _trace(bodies, side, sample) for side in (AIC, 0, 1)}
        except Skip:
            continue
        blocked = _play(kernel, traces)
        if blocked is None:
            runs.append(traces)
            continue
        if blocked:
            _report(kernel, case, blocked, sample, sink)
            return Schedule(case.index, len(runs), ())
    handoffs = {core: _handoffs(kernel, runs, core) for core in ("aic", "aiv")}
    return Schedule(case.index, len(runs),
                    tuple((core, tuple(sorted(h.items()))) for core, h in handoffs.items()))


def _agrees(kernel, case: ir.CaseEnv, sample: Sample) -> bool:
    """The sample meets every `require` and selects this case by the specialisation rules."""
    for require in kernel.requires:
        if not evaluate(require.cond, sample):
            return False
    for spec, value in zip(kernel.specializations, case.values):
        if spec.rule is not None and evaluate(spec.rule, sample) != value:
            return False
    return True


def _trace(bodies: dict, side, sample: Sample) -> list:
    """The events of one core over BLOCKS consecutive logical blocks."""
    core = "aic" if side == AIC else "aiv"
    events = []
    for block in range(BLOCKS):
        env = {ir.LOGICAL_BLOCK: block}
        if core == "aiv":
            env["lane"] = side
        events += pipe_events(bodies[core], sample, env)
    return events


def _play(kernel, traces: dict):
    """Run the three cores' events against bounded FIFOs. None when every core finishes with
    every FIFO empty; [] when the sample is inconsistent (the FIFOs do not balance: the sample
    gave the cores different counts, which the checker's balance rule rules out for real
    inputs); else the blocked sides."""
    fifos = {p.name: FifoState(p.depth, p.src == "aic") for p in kernel.pipes}
    position = {side: 0 for side in traces}
    while True:
        moved = False
        for side, events in traces.items():
            while position[side] < len(events):
                event = events[position[side]]
                fifo = fifos[event.pipe]
                if event.kind == "push" and fifo.can_push(side):
                    fifo.pushed[side] += 1
                elif event.kind == "pop" and fifo.can_pop(side):
                    fifo.popped[side] += 1
                else:
                    break
                position[side] += 1
                moved = True
        if all(position[side] == len(events) for side, events in traces.items()):
            return None if all(f.balanced() for f in fifos.values()) else []
        if not moved:
            blocked = [(side, traces[side][position[side]]) for side in traces
                       if position[side] < len(traces[side])]
            return blocked if _balanced_totals(kernel, traces) else []


def _balanced_totals(kernel, traces: dict) -> bool:
    """Whether the runs move as many tiles in as out of every pipe (a consistent sample)."""
    for pipe in kernel.pipes:
        pushes = {s: sum(1 for e in t if e.kind == "push" and e.pipe == pipe.name)
                  for s, t in traces.items()}
        pops = {s: sum(1 for e in t if e.kind == "pop" and e.pipe == pipe.name)
                for s, t in traces.items()}
        if pipe.src == "aic" and not pushes[AIC] == pops[0] == pops[1]:
            return False
        if pipe.src == "aiv" and not pushes[0] == pushes[1] == pops[AIC]:
            return False
    return True


def _report(kernel, case: ir.CaseEnv, blocked: list, sample: Sample, sink: ErrorSink) -> None:
    lines = [f"{'AIC' if side == AIC else f'AIV{side}'}: t{event.kind} on pipe '{event.pipe}' "
             f"at {event.span}" for side, event in blocked]
    where = f" at {case.label}" if case.label else ""
    inputs = sample.describe()
    pipes = {event.pipe for _, event in blocked}
    sink.error(blocked[0][1].span,
               f"deadlock{where}: no core can make progress; {len(blocked)} blocked "
               f"(the cores' pushes and pops run against the pipes' depths"
               f"{', with ' + inputs if inputs else ''})", *lines,
               *_stage_distances(kernel, pipes))


def _stage_distances(kernel, pipes: set) -> list:
    """Notes on the pipelined loops that push one of `pipes` some stages before they pop
    another: those stages' distance is how many tiles go out before the first comes back."""
    notes = []
    for loop in kernel.pipelined:
        for i, first in enumerate(loop.stages):
            for k in range(i + 1, len(loop.stages)):
                later = loop.stages[k]
                for pushed in first.pushes:
                    for popped in later.pops:
                        if {pushed, popped} & pipes and pushed != popped:
                            notes.append(
                                f"the pipelined loop at {loop.span} pushes '{pushed}' in stage "
                                f"'{first.name}' {k - i} time steps before it pops '{popped}' "
                                f"in stage '{later.name}': {k - i + 1} tiles go out before the "
                                "first comes back; deepen the pipes between or bring the "
                                "stages closer")
    return notes


# ---------------------------------------------------------------------------------- handoffs


def _handoffs(kernel, runs: list, core: str) -> dict:
    """{(P, Q): pops of Q after a push of P by which the other side has consumed it}.

    A run gives the most pops any push needed; the handoff is the most over the runs, and it
    is trusted only when runs of two different lengths (different trip counts) need it, or
    every run has the same length (nothing in the schedule depends on the inputs): a count
    that only the longest run reaches may grow with the trip count, which no number covers.
    No evidence (no pop of Q after a push of P), or a run that shows none, is None."""
    pushed = [p.name for p in kernel.pipes if p.src == core]
    popped = [p.name for p in kernel.pipes if p.dst == core]
    sides = (AIC,) if core == "aic" else (0, 1)
    out = {}
    for p in pushed:
        for q in popped:
            counts = [(_needed(traces, side, p, q), len(traces[side]))
                      for traces in runs for side in sides]
            if any(count is None for count, _ in counts):
                out[(p, q)] = None
                continue
            most = max((count for count, _ in counts), default=0)
            lengths = {length for count, length in counts if count == most}
            static = len({length for _, length in counts}) == 1  # no trip count varied
            out[(p, q)] = most if most > 0 and (static or len(lengths) >= 2) else None
    return out


def _needed(traces: dict, side, p: str, q: str):
    """For one run: the most pops of q after a push of p (by `side`) that it takes before the
    pop implies the push was consumed; None if some push is followed by pops of q none of
    which implies it."""
    mine = traces[side]
    others = (0, 1) if side == AIC else (AIC,)
    popped_p = {o: _positions(traces[o], "pop", p) for o in others}
    pushed_q = {o: _positions(traces[o], "push", q) for o in others}
    push_index, pop_index, worst = 0, 0, 0
    pending = []  # (tile index of p, pops of q seen since)
    for event in mine:
        if event.kind == "push" and event.pipe == p:
            pending.append([push_index, 0])
            push_index += 1
        elif event.kind == "pop" and event.pipe == q:
            m = pop_index
            pop_index += 1
            still = []
            for k, seen in pending:
                seen += 1
                if all(k < len(popped_p[o]) and m < len(pushed_q[o])
                       and popped_p[o][k] < pushed_q[o][m] for o in others):
                    worst = max(worst, seen)
                else:
                    still.append([k, seen])
            pending = still
    if any(seen > worst for _, seen in pending):
        return None  # more pops of q followed a push than any other needed, none enough
    return worst


def _positions(events: list, kind: str, pipe: str) -> list:
    """Positions in `events` of the k-th `kind` of `pipe`, for k = 0, 1, ..."""
    return [i for i, e in enumerate(events) if e.kind == kind and e.pipe == pipe]
