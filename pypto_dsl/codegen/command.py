"""`pypto-dsl compile KERNEL.pdsl -o DIR [--report]`: write DIR/<kernel>/ (a scene test)."""

from __future__ import annotations


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "compile", help="generate the simpler scene-test directory (AIC, AIV, orchestration, test)")
    parser.add_argument("kernels", nargs="+", metavar="KERNEL.pdsl")
    parser.add_argument("-o", "--output", default="build", metavar="DIR",
                        help="directory that receives <kernel>/ (default: build)")
    parser.add_argument("--report", action="store_true",
                        help="print the memory map and sync counts per core")
    from ..cli import add_target

    add_target(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from . import compile_kernel

    for path in args.kernels:
        lowered, target = compile_kernel(path, args.output, target=args.target)
        print(f"{path}: wrote {target}/")
        if args.report:
            from ..report import report

            print(report(lowered), end="")
    return 0
