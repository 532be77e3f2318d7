"""Chrome trace-event JSON of one cluster's run (opens in Perfetto and chrome://tracing).

Contract: `trace_events(prediction, window)` returns the JSON object: one process per core
(AIC, AIV0, AIV1), one thread per hardware pipe, a complete event ("X") per instruction named
with its op and .pdsl line, zero-length events for each set_flag and wait_flag, and flow
events ("s" then "f", bound to the enclosing slices) for every flag and every tpush -> tpop
hand-off. Times are microseconds at the parameter set's clock. `window` (start, end) in
microseconds keeps the instructions that overlap it.
"""

from __future__ import annotations

import json

from .schedule import PIPES

CORES = ("AIC", "AIV0", "AIV1")


def _pid(core: str) -> int:
    return CORES.index(core) + 1


def _tid(core: str, pipe: str) -> int:
    return PIPES["AIC" if core == "AIC" else "AIV"].index(pipe) + 1


def trace_events(prediction, window=None) -> dict:
    run, scale = prediction.critical, 1.0 / (prediction.params.clock_ghz * 1e3)
    lo, hi = window if window else (0.0, float("inf"))
    events = []
    cores = sorted({s[0] for s in run.slices}, key=CORES.index)
    for core in cores:
        events.append({"ph": "M", "name": "process_name", "pid": _pid(core), "tid": 0,
                       "args": {"name": core}})
        events.append({"ph": "M", "name": "process_sort_index", "pid": _pid(core), "tid": 0,
                       "args": {"sort_index": _pid(core)}})
        kind = "AIC" if core == "AIC" else "AIV"
        for pipe in PIPES[kind]:
            events.append({"ph": "M", "name": "thread_name", "pid": _pid(core),
                           "tid": _tid(core, pipe), "args": {"name": pipe}})
    for core, pipe, start, end, label in run.slices:
        ts, te = start * scale, end * scale
        if te < lo or ts > hi:
            continue
        name, _, where = label.partition(" ")
        events.append({"ph": "X", "name": label, "cat": name, "pid": _pid(core),
                       "tid": _tid(core, pipe), "ts": round(ts, 4), "dur": round(te - ts, 4),
                       "args": {"cycles": round(end - start, 1)}})
    flow_id = 0
    for kind, src, src_pipe, t0, dst, dst_pipe, t1 in run.flows:
        if t1 * scale < lo or t0 * scale > hi:
            continue
        flow_id += 1
        common = {"name": kind, "cat": "flag" if kind == "flag" else "fifo", "id": flow_id,
                  "bp": "e"}
        events.append(common | {"ph": "s", "pid": _pid(src), "tid": _tid(src, src_pipe),
                                "ts": round(t0 * scale, 4)})
        events.append(common | {"ph": "f", "pid": _pid(dst), "tid": _tid(dst, dst_pipe),
                                "ts": round(t1 * scale, 4)})
    return {"traceEvents": events, "displayTimeUnit": "ns",
            "otherData": {"kernel": prediction.kernel, "case": prediction.case,
                          "params": prediction.params.name,
                          "hardware_block": prediction.critical_index}}


def write_trace(path: str, prediction, window=None) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(trace_events(prediction, window), handle, separators=(",", ":"))
