"""A swimlane picture of a window of one cluster's run (matplotlib, imported only here).

Contract: `write_plot(path, prediction, window)` draws one lane per core and pipe (AIC first),
a bar per instruction coloured by what it is (GM transfer, on-chip move, matmul, vector op,
FIFO hand-off), and writes a PNG. `window` (start, end) in microseconds; by default the first
`DEFAULT_WINDOW_US` of the run.
"""

from __future__ import annotations

from .schedule import PIPES

DEFAULT_WINDOW_US = 10.0
COLOURS = {"load": "#4c72b0", "store": "#8172b2", "tpush": "#c44e52", "tpop": "#dd8452",
           "matmul": "#55a868", "move_left": "#64b5cd", "move_right": "#64b5cd",
           "set_flag": "#333333", "wait_flag": "#333333"}
VECTOR = "#ccb974"


def write_plot(path: str, prediction, window=None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run, scale = prediction.critical, 1.0 / (prediction.params.clock_ghz * 1e3)
    end_us = run.end * scale
    lo, hi = window if window else (0.0, min(end_us, DEFAULT_WINDOW_US))
    cores = sorted({s[0] for s in run.slices}, key=lambda c: (c != "AIC", c))
    lanes = [(c, p) for c in cores for p in PIPES["AIC" if c == "AIC" else "AIV"]]
    row = {lane: i for i, lane in enumerate(lanes)}
    bars: dict = {}
    for core, pipe, start, stop, label in run.slices:
        ts, te = start * scale, stop * scale
        if te < lo or ts > hi or te == ts:
            continue
        colour = COLOURS.get(label.split(" ")[0], VECTOR)
        bars.setdefault((row[(core, pipe)], colour), []).append((ts, te - ts))
    fig, ax = plt.subplots(figsize=(11, 0.32 * len(lanes) + 1.2), dpi=90)
    for (y, colour), spans in bars.items():
        ax.broken_barh(spans, (y - 0.4, 0.8), facecolors=colour, edgecolor="none")
    ax.set_yticks(range(len(lanes)), [f"{c} {p}" for c, p in lanes])
    ax.invert_yaxis()
    ax.set_xlim(lo, hi)
    ax.set_xlabel("microseconds")
    ax.set_title(f"{prediction.kernel} {prediction.case}: hardware block "
                 f"{prediction.critical_index}, parameters {prediction.params.name}", fontsize=10)
    legend = [("GM load", COLOURS["load"]), ("store", COLOURS["store"]),
              ("tpush", COLOURS["tpush"]), ("tpop", COLOURS["tpop"]),
              ("L1->L0", COLOURS["move_left"]), ("matmul", COLOURS["matmul"]),
              ("vector", VECTOR)]
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=c, label=n) for n, c in legend], loc="upper center",
              bbox_to_anchor=(0.5, -0.25), ncol=len(legend), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
