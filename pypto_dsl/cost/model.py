"""The kernel's predicted time: the grid on the hardware blocks, HBM shared between clusters.

Contract: `predict(kernel, launch, params)` takes a lowered kernel (planned and synced) and a
validated launch (`interpreter.prepare`: the case's shapes, scalars and scalar-read tensors)
and returns a `Prediction`. Hardware block h runs logical blocks h, h+H, ... (the stride loop
of the grid pass); each cluster is simulated by `schedule.simulate` with both AIV lanes.

HBM sharing: a GM transfer of a kernel tensor may use `hbm / in_flight(t)` bytes per cycle,
where `in_flight(t)` is how many HBM transfers the clusters still running at t have in flight
on average (each cluster's HBM-transfer time over its run time, summed; at least 1). That
depends on the runs themselves, so the runs are repeated from "every cluster always
transferring" until the kernel time moves by less than 0.1% (a fixed point; a few rounds).

The shortcut (`fast=True`): a cluster's work is the signatures of its logical blocks
(stream.Streams.signature); clusters with the same work give the same run, so one run per
distinct work is made and reused, and each block's stream is built once per signature.
`fast=False` builds every block's stream and runs every cluster (the test compares the two).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from .. import ir
from ..errors import UserError
from . import schedule
from .stream import Streams

ROUNDS = 12
TOLERANCE = 1e-3
CUBE_MACS = 16 * 16 * 16  # bf16 multiply-adds per cycle per AIC (reference sheet)


@dataclass
class Prediction:
    kernel: str
    case: str
    label: str  # the specialisation case: `q_tile=16, block_size=128`
    params: object  # CostParams
    cycles: float
    hardware_blocks: int
    logical_blocks: int
    clusters: int  # hardware blocks with work
    ends: list  # cycles each cluster ran
    critical: schedule.ClusterRun  # the longest cluster's run
    critical_index: int
    hbm_bytes: int
    flops: int
    simulations: int  # cluster runs made in the last round
    rounds: int
    in_flight: float = 1.0  # HBM transfers in flight on average at the start
    notes: list = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.cycles / (self.params.clock_ghz * 1e9)

    @property
    def hbm_gbps(self) -> float:
        return self.hbm_bytes / self.seconds / 1e9 if self.seconds else 0.0

    @property
    def tflops(self) -> float:
        return self.flops / self.seconds / 1e12 if self.seconds else 0.0

    @property
    def floor_seconds(self) -> float:
        """The roofline floor: all HBM traffic at full bandwidth, or all matmuls at the peak
        of every cube, whichever is longer."""
        peak = 2 * CUBE_MACS * self.params.clock_ghz * 1e9 * self.hardware_blocks
        return max(self.hbm_bytes / (self.params.hbm_gbps * 1e9), self.flops / peak)

    def busy(self) -> dict:
        """(core, pipe) -> busy share of the critical cluster's time."""
        end = self.critical.end or 1.0
        return {key: cycles / end for key, cycles in self.critical.busy.items()}

    @property
    def critical_pipe(self) -> tuple:
        busy = self.busy()
        return max(busy, key=busy.get) if busy else ("", "")


def core_lanes(kernel: ir.Kernel) -> tuple:
    """(core, lane) of every core a cluster runs: the AIC, and each AIV lane."""
    out = []
    if "aic" in kernel.cores:
        out.append(("aic", None))
    if "aiv" in kernel.cores:
        out += [("aiv", 0), ("aiv", 1)]
    return tuple(out)


def fifos_for(kernel: ir.Kernel, plan) -> dict:
    lanes = ("AIV0", "AIV1")
    out = {}
    for pipe in plan.pipes:
        producers = ("AIC",) if pipe.src == "aic" else lanes
        consumers = ("AIC",) if pipe.dst == "aic" else lanes
        out[pipe.name] = schedule.Fifo(pipe, producers, consumers)
    return out


class _Sharing:
    """`share(t)`: one HBM transfer's bytes per cycle at t, from the clusters' last runs."""

    def __init__(self, params, ends: list, duties: list):
        self.hbm = params.hbm_bytes_per_cycle
        order = sorted(range(len(ends)), key=ends.__getitem__)
        self.ends = [ends[i] for i in order]
        # in flight while the clusters ending after t run: suffix sums of their duties
        self.in_flight = [0.0] * (len(order) + 1)
        for pos in range(len(order) - 1, -1, -1):
            self.in_flight[pos] = self.in_flight[pos + 1] + duties[order[pos]]

    def __call__(self, t: float) -> float:
        count = self.in_flight[bisect.bisect_right(self.ends, t)]
        return self.hbm / count if count > 1 else self.hbm


def predict(kernel: ir.Kernel, launch, params, fast: bool = True,
            trace_cluster: int | None = None, case: str = "") -> Prediction:
    """A kernel's prediction; a kernel in phases runs them one after another (each to its end,
    as the runtime's task dependencies order them), with `params.task_gap` between two phases
    that run. Its critical run, trace and busy shares are those of its longest phase."""
    if not kernel.phases:
        return _predict_phase(kernel, launch, params, fast, trace_cluster, case)
    from ..interpreter.launch import for_phase

    each = [(phase, _predict_phase(phase, for_phase(launch, phase), params, fast,
                                   trace_cluster, case))
            for phase in kernel.phases]
    ran = [(phase, p) for phase, p in each if p.logical_blocks]
    if not ran:
        return each[0][1]
    longest = max(ran, key=lambda item: item[1].cycles)[1]
    cycles = sum(p.cycles for _, p in ran) + params.task_gap * (len(ran) - 1)
    notes = [f"phase {phase.phase}: {p.cycles:.0f} cycles on {p.clusters} clusters"
             for phase, p in ran]
    if len(ran) > 1:
        notes.append(f"{len(ran) - 1} task gap(s) of {params.task_gap} cycles between phases")
    return replace(longest, kernel=kernel.name, cycles=cycles,
                   logical_blocks=sum(p.logical_blocks for _, p in ran),
                   hbm_bytes=sum(p.hbm_bytes for _, p in ran),
                   flops=sum(p.flops for _, p in ran), notes=longest.notes + notes)


def _predict_phase(kernel: ir.Kernel, launch, params, fast: bool = True,
                   trace_cluster: int | None = None, case: str = "") -> Prediction:
    streams = Streams(kernel, launch, params, memo=fast)
    total, hw = launch.logical_blocks, launch.blocks
    used = min(hw, total)
    lanes = core_lanes(kernel)
    works, bodies = [], {}
    for h in range(used):
        work, cores = [], {schedule.core_name(c, lane): [] for c, lane in lanes}
        for block in range(h, total, hw):
            for core, lane in lanes:
                sig, instrs = streams.stream(core, lane, block)
                work.append((core, lane, sig))
                cores[schedule.core_name(core, lane)].extend(instrs)
        key = tuple(work) if fast else h
        works.append(key)
        bodies.setdefault(key, {name: tuple(instrs) for name, instrs in cores.items()})

    def run(key, share, trace=False):
        return schedule.simulate(bodies[key], fifos_for(kernel, streams.plan), params, share,
                                 trace)

    ends, duties = [float("inf")] * used, [1.0] * used
    cycles, rounds, runs = None, 0, {}
    for rounds in range(1, ROUNDS + 1):
        share = _Sharing(params, ends, duties)
        runs = {key: run(key, share) for key in dict.fromkeys(works)}
        ends = [runs[key].end for key in works]
        duties = [runs[key].hbm_time / runs[key].end if runs[key].end else 0.0
                  for key in works]
        new = max(ends, default=0.0)
        if cycles is not None and abs(new - cycles) <= TOLERANCE * max(new, 1.0):
            cycles = new
            break
        cycles = new
    cycles = cycles or 0.0
    critical_index = max(range(used), key=ends.__getitem__) if used else 0
    index = critical_index if trace_cluster is None else trace_cluster
    if not 0 <= index < max(used, 1):
        raise UserError(f"--cluster {index}: this case runs on hardware blocks 0 to "
                        f"{used - 1}")
    if used:
        critical = run(works[index], share, trace=True)
    else:
        critical = schedule.ClusterRun()
    return Prediction(
        kernel=kernel.name, case=case, label=streams.case_label, params=params,
        cycles=cycles, hardware_blocks=hw, logical_blocks=total, clusters=used, ends=ends,
        critical=critical, critical_index=index,
        hbm_bytes=sum(runs[key].hbm_bytes for key in works) if used else 0,
        flops=sum(runs[key].flops for key in works) if used else 0,
        simulations=len(runs), rounds=rounds, in_flight=sum(duties))
