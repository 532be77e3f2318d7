"""`pypto-dsl profile` and `pypto-dsl tune`: the cost model from the command line.

    pypto-dsl profile KERNEL.pdsl [--case NAME] [--params calibrated|flat|fitted]
        [--hbm-gbps X] [--clock-ghz X] [--flag-latency CYCLES] [--blocks H]
        [--trace OUT.json] [--plot OUT.png] [--window START:END] [--cluster N] [--full]
    pypto-dsl tune KERNEL.pdsl [--case NAME] [--params ...] [--blocks H]

`--case` is a case of the kernel's golden (default its DEFAULT_CASE); the output paths are
checked before any work; every user mistake is one message and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse


def add_parsers(commands) -> None:
    from ..cli import add_target
    from ..interpreter.command import block_count, seed

    profile = commands.add_parser("profile", help="predict a kernel's time on a golden case "
                                  "(cost model)", description=__doc__.splitlines()[0])
    tune = commands.add_parser("tune", help="rank the specialisation choices and pipe depths "
                               "by predicted time")
    for parser in (profile, tune):
        parser.add_argument("kernel", metavar="KERNEL.pdsl")
        parser.add_argument("--case", metavar="NAME", help="a case of the golden (default: "
                            "its default case)")
        parser.add_argument("--seed", type=seed, default=0, help=argparse.SUPPRESS)
        parser.add_argument("--params", default="", metavar="SET", help="the parameter set: "
                            "calibrated (default), flat or fitted")
        parser.add_argument("--hbm-gbps", type=_positive, metavar="X",
                            help="HBM bandwidth in GB/s shared by the clusters")
        parser.add_argument("--clock-ghz", type=_positive, metavar="X", help="core clock")
        parser.add_argument("--flag-latency", type=_cycles, metavar="CYCLES",
                            help="cross-core flag latency")
        parser.add_argument("--blocks", type=block_count, metavar="H",
                            help="hardware blocks (default: the kernel's `on N blocks`)")
        parser.add_argument("--golden", metavar="FILE", help="the golden (default: "
                            "KERNEL.golden.py beside the kernel)")
        add_target(parser)
    profile.add_argument("--trace", metavar="OUT.json", help="write a Chrome trace-event "
                         "file of the longest cluster (opens in Perfetto)")
    profile.add_argument("--plot", metavar="OUT.png", help="draw a swimlane of a window")
    profile.add_argument("--window", type=_window, metavar="START:END",
                         help="microseconds the trace and plot show (plot default 0:10)")
    profile.add_argument("--cluster", type=int, metavar="N", help="trace and plot hardware "
                         "block N instead of the longest")
    profile.add_argument("--full", action="store_true", help="simulate every cluster and "
                         "block (no shortcut; slow on hardware-sized cases)")
    profile.set_defaults(handler=run_profile)
    tune.set_defaults(handler=run_tune)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{text}'") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _cycles(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of cycles: '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _window(text: str) -> tuple:
    start, colon, end = text.partition(":")
    try:
        lo, hi = float(start), float(end)
    except ValueError:
        lo = hi = None
    if not colon or lo is None or not 0 <= lo < hi:
        raise argparse.ArgumentTypeError(f"expected START:END in microseconds with 0 <= START "
                                         f"< END, got '{text}'")
    return lo, hi


def _setup(args):
    from .. import goldens
    from ..frontend import load_kernel
    from ..passes import lower
    from .profile import parameters

    params = parameters(args.target, args.params, args.hbm_gbps, args.clock_ghz,
                        args.flag_latency)
    checked = load_kernel(args.kernel, args.target)
    golden = goldens.for_kernel(checked.source_name, args.golden)
    golden.case(args.case)  # an unknown case is reported before the lowering
    return checked, lower(checked), golden, params


def run_profile(args) -> int:
    from ..interpreter.npz import check_writable
    from . import report
    from .profile import predict_kernel

    for path in (args.trace, args.plot):
        if path:
            check_writable(path)
    checked, lowered, golden, params = _setup(args)
    prediction = predict_kernel(lowered, golden, args.case, params, args.blocks,
                                fast=not args.full, trace_cluster=args.cluster, seed=args.seed)
    print(report.render(prediction), end="")
    if args.trace:
        from .trace import write_trace

        write_trace(args.trace, prediction, args.window)
        print(f"  trace written to {args.trace} (open it in https://ui.perfetto.dev)")
    if args.plot:
        from .plot import write_plot

        write_plot(args.plot, prediction, args.window)
        print(f"  swimlane written to {args.plot}")
    return 0


def run_tune(args) -> int:
    from . import tune

    checked, _, golden, params = _setup(args)
    results = tune.evaluate(checked, golden, args.case, params, args.blocks)
    print(tune.render(checked.name, golden.case(args.case).name, params, results), end="")
    return 0
