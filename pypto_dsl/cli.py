"""The `pypto-dsl` command: check, run, compile.

Exit codes: 0 success, 1 a user error (bad kernel, bad inputs, a failed check, a deadlock),
2 a crash inside the compiler itself (reported as such, with the traceback for a bug report).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import results
from .diagnostics import CompileError
from .errors import UserError


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is a user error (exit 1), not a crash (exit 2)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def main(argv=None) -> int:
    try:
        args = _parser().parse_args(argv)
        return args.handler(args)
    except (CompileError, UserError) as error:
        print(str(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug in pypto-dsl, not in the user's kernel
        print("pypto-dsl: internal compiler error (this is a bug in pypto-dsl, please report "
              "it with the kernel that caused it):", file=sys.stderr)
        traceback.print_exc()
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pypto-dsl", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="parse and type-check kernels")
    check.add_argument("kernels", nargs="+", metavar="KERNEL.pdsl")
    check.add_argument("--dump-ir", action="store_true", help="print the typed IR")
    add_target(check)
    # The pass names are checked in _check: the parser is built before every command, and an
    # unchanged kernel's check (results.py) imports no pass.
    check.add_argument("--after", metavar="PASS",
                       help="with --dump-ir: print the IR after this lowering pass ('plan': "
                       "after memory planning, with the storage plan)")
    check.set_defaults(handler=_check)

    from . import commands as extra

    extra.register(commands)
    return parser


def add_target(parser) -> None:
    from .platform import DEFAULT, PLATFORMS

    parser.add_argument("--target", default=DEFAULT, choices=sorted(PLATFORMS),
                        help=f"the platform (default {DEFAULT}): buffer capacities, slot rules, "
                        "layouts")


def _check(args) -> int:
    """Front end and every lowering pass (errors such as a stage order pipelining cannot keep
    or a buffer that overflows are found there), without writing anything. A kernel that
    checked before, unchanged, is not checked again (results.py)."""
    if args.after is not None:
        _check_pass_name(args.after)
    failed = False
    for path in args.kernels:
        remembered = None if args.dump_ir else _check_result(path, args.target)
        if remembered is not None and results.load(remembered):
            print(f"{path}: ok")
            continue
        from .frontend import load_kernel
        from .passes import lower_steps
        from .printer import print_kernel

        try:
            kernel = load_kernel(path, args.target)
            dumped = kernel
            for name, kernel in lower_steps(kernel):
                if name == args.after or (args.after == "plan" and name == "plan_memory"):
                    dumped = kernel
        except (CompileError, UserError) as error:  # reported, and the next kernel checked
            print(str(error), file=sys.stderr)
            failed = True
            continue
        if args.dump_ir:
            print(print_kernel(dumped), end="")
        else:
            print(f"{path}: ok")
            if remembered is not None:
                results.store(remembered, True)
    return 1 if failed else 0


def _check_pass_name(name: str) -> None:
    from .passes import PASSES

    names = [p.__name__ for p in PASSES] + ["plan"]
    if name not in names:
        raise UserError(f"--after: invalid choice: '{name}' (choose from "
                        f"{', '.join(repr(n) for n in names)})")


def _check_result(path: str, target: str):
    """The results.py entry of checking the kernel in `path`; None when it cannot be read
    (the check itself then reports why)."""
    source = results.read_input(path)
    return None if source is None else results.key("check", source, Path(path).name, target)


if __name__ == "__main__":
    sys.exit(main())
