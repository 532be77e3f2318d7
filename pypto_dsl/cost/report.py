"""The profile's text: predicted time, pipe utilisation, HBM and compute rates, the roofline.

Contract: `render(prediction)` returns the lines `pypto-dsl profile` prints; it computes
nothing the prediction does not hold, only shares and units.
"""

from __future__ import annotations

from .schedule import PIPES


def describe_params(params) -> str:
    return (f"parameters {params.name} (HBM {params.hbm_gbps:g} GB/s, clock "
            f"{params.clock_ghz:g} GHz, cross-core flag latency {params.flag_latency} cycles)")


def render(p) -> str:
    label = f" ({p.label})" if p.label else ""
    lines = [f"{p.kernel} {p.case}{label}: {describe_params(p.params)}"]
    lines.append(f"  predicted time   {p.seconds * 1e6:10.2f} us  ({p.cycles:,.0f} cycles) on "
                 f"{p.clusters} of {p.hardware_blocks} hardware blocks, {p.logical_blocks} "
                 "logical blocks")
    floor = p.floor_seconds
    share = floor / p.seconds if p.seconds else 0.0
    lines.append(f"  HBM traffic      {p.hbm_bytes / 1e6:10.2f} MB at {p.hbm_gbps:8.1f} GB/s "
                 f"({p.hbm_gbps / p.params.hbm_gbps:.0%} of {p.params.hbm_gbps:g} GB/s)")
    lines.append(f"  matmul           {p.flops / 1e9:10.3f} GFLOP at {p.tflops:7.2f} TFLOPS")
    lines.append(f"  roofline floor   {floor * 1e6:10.2f} us: the prediction reaches {share:.0%} "
                 "of it")
    core, pipe = p.critical_pipe
    busy = p.busy()
    if core:
        lines.append(f"  critical pipe    {core} {pipe} ({busy[(core, pipe)]:.0%} busy in the "
                     f"longest cluster, hardware block {p.critical_index})")
    for name in sorted({c for c, _ in busy}, key=lambda c: (c != "AIC", c)):
        kind = "AIC" if name == "AIC" else "AIV"
        cells = "  ".join(f"{pipe} {busy.get((name, pipe), 0.0):4.0%}" for pipe in PIPES[kind])
        waited = p.critical.waits.get(name, 0.0) / (p.critical.end or 1.0)
        lines.append(f"    {name:<5} {cells}   (issue stalled {waited:.0%})")
    lines.append(f"  model: {p.simulations} cluster simulation(s) per round, {p.rounds} round(s) "
                 f"to the HBM-sharing fixed point ({p.in_flight:.1f} HBM transfers in flight)")
    lines += [f"  note: {note}" for note in p.notes]
    return "\n".join(lines) + "\n"
