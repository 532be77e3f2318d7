"""`pypto-dsl compile KERNEL.pdsl... -o DIR [--report]`: write DIR/<kernel>/ (a scene test).

Every kernel is compiled and every failure reported, as `check` does; the exit code is 1 when
any kernel failed. Two files holding kernels of one name are not both written into DIR/<kernel>/:
the second is an error. An output directory that cannot be one (a file is in the way) is reported
once, before anything is compiled.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..diagnostics import CompileError
from ..errors import UserError


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

    check_output_directory(args.output)
    failed = False
    claimed: dict = {}  # kernel name -> the file it was written from
    for path in args.kernels:
        try:
            lowered, directory = compile_kernel(path, args.output, target=args.target,
                                                claimed=claimed)
        except (CompileError, UserError) as error:  # reported, and the next kernel compiled
            print(str(error), file=sys.stderr)
            failed = True
            continue
        print(f"{path}: wrote {directory}/")
        if args.report:
            from ..report import report

            print(report(lowered), end="")
    return 1 if failed else 0


def check_output_directory(out_dir: str) -> None:
    """A UserError when `out_dir`, or the nearest part of it that exists, is not a directory."""
    path = Path(out_dir)
    for existing in (path, *path.parents):
        if existing.exists():
            if not existing.is_dir():
                raise UserError(f"{out_dir}: error: cannot write the output: {existing} is "
                                "not a directory")
            return
