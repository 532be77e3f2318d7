"""`pypto-dsl run`: run a kernel on the reference interpreter, optionally against its golden.

    pypto-dsl run KERNEL.pdsl --inputs in.npz [--out out.npz] [--set NAME=VALUE ...] [--blocks H]
    pypto-dsl run KERNEL.pdsl --case NAME [--check] [--seed N] [--out out.npz]
    pypto-dsl run KERNEL.pdsl --check          (the golden's DEFAULT_CASE)
    ... [--golden FILE]                        (default: KERNEL.golden.py beside the kernel)
    ... [--no-lower-checks]                    (skip the lowering passes' checks; a warning)

Inputs are keyed by parameter name (scalars as 0-d arrays); `--set` gives or overrides a scalar
parameter. `--case` draws seeded inputs from the kernel's golden (goldens/__init__.py: a
`<kernel>.golden.py` file beside the kernel, or `--golden FILE`); `--check` compares
every output with the golden on the same inputs, prints the max abs and rel error and PASS or
FAIL, and exits 1 on FAIL. Every user mistake is a UserError (one message, exit 1).

Before interpreting, the kernel goes through the lowering passes, as `check` does, so that a
kernel `check` and `compile` reject (a buffer that overflows, a stage order pipelining cannot
keep, a number beyond the target's limits) is not run as if it were valid; the interpreter
then runs the kernel as written. The output path is checked before the run.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    from .. import ir


def add_parser(commands) -> None:
    run = commands.add_parser("run", help="run a kernel on the reference interpreter",
                              description=__doc__.splitlines()[0])
    run.add_argument("kernel", metavar="KERNEL.pdsl")
    run.add_argument("--inputs", metavar="IN.npz", help="inputs by parameter name")
    run.add_argument("--case", metavar="NAME", help="seeded inputs of a case of the golden "
                     "('default' for its default case)")
    run.add_argument("--seed", type=seed, default=0, help="seed of --case inputs (default 0)")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="give or override a scalar parameter")
    run.add_argument("--blocks", type=block_count, metavar="H", help="hardware blocks "
                     "(default: the kernel's `on N blocks`)")
    run.add_argument("--out", metavar="OUT.npz", help="write every out/inout tensor here")
    run.add_argument("--check", action="store_true", help="compare with the golden: PASS/FAIL")
    run.add_argument("--golden", metavar="FILE", help="the golden (default: KERNEL.golden.py "
                     "beside the kernel)")
    run.add_argument("--no-lower-checks", action="store_true", help="skip the lowering passes' "
                     "checks and interpret a kernel that `check` rejects (with a warning)")
    from ..cli import add_target

    add_target(run)
    run.set_defaults(handler=main)


def seed(text: str) -> int:
    """A --seed: numpy's generators take 0 or more (named so that argparse says "seed")."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed is 0 or more, got {value}")
    return value


def block_count(text: str) -> int:
    """A --blocks value: what `on N blocks` may say."""
    from ..frontend.limits import MAX_BLOCKS

    value = int(text)
    if not 1 <= value <= MAX_BLOCKS:
        raise argparse.ArgumentTypeError(f"the hardware block count is between 1 and "
                                         f"{MAX_BLOCKS}, got {value}")
    return value


def main(args) -> int:
    # numpy and the interpreter only now: registering the command must stay cheap
    from ..frontend import load_kernel
    from .case import compare, golden_of
    from .npz import check_writable, save_outputs
    from .run import run_kernel

    if args.out:
        check_writable(args.out)
    kernel = load_kernel(args.kernel, args.target)
    if args.no_lower_checks:
        print(f"{args.kernel}: warning: --no-lower-checks: the lowering passes' checks (buffer "
              "capacity, pipelining, target limits) are skipped; `check` and `compile` may "
              "reject this kernel", file=sys.stderr)
    else:
        from ..passes import lower

        lower(kernel)  # for its errors only: the interpreter runs the kernel as written
    label, inputs = _inputs(kernel, args)
    outputs = run_kernel(kernel, inputs, blocks=args.blocks, progress=True)
    if args.out:
        save_outputs(args.out, outputs)
    if not args.check:
        written = f", written to {args.out}" if args.out else ""
        shapes = ", ".join(f"{n} {v.dtype}{list(v.shape)}" for n, v in outputs.items())
        print(f"{kernel.name} {label}: ran; outputs {shapes}{written}")
        return 0
    golden = golden_of(kernel, args.golden)
    expected = golden.expected(_as_given_to_kernel(kernel, inputs), kernel.outputs)
    rtol, atol = golden.tolerance(golden.cases[label]) if label in golden.cases else (
        golden.rtol, golden.atol)
    result = compare(kernel.name, label, args.seed, outputs, expected, rtol, atol)
    print(result.summary())
    return 0 if result.passed else 1


def _inputs(kernel: ir.Kernel, args) -> tuple:
    from .case import case_inputs
    from .npz import load_inputs

    if args.inputs and args.case:
        raise UserError("give either --inputs or --case, not both")
    if args.inputs:
        label, inputs = args.inputs, load_inputs(args.inputs)
    elif args.case or args.check:
        label, inputs = case_inputs(kernel, args.case, args.seed, args.golden)
    else:
        raise UserError("give the inputs: --inputs IN.npz, or --case NAME for a golden case")
    for setting in args.set:
        name, value = _setting(kernel, setting)
        inputs[name] = value
    return label, inputs


def _setting(kernel: ir.Kernel, text: str) -> tuple:
    import numpy as np

    from .. import ir

    name, equals, value = text.partition("=")
    param = kernel.param(name)
    if not equals or not isinstance(param, ir.ScalarParam):
        scalars = ", ".join(p.name for p in kernel.params if isinstance(p, ir.ScalarParam))
        raise UserError(f"--set {text}: expected NAME=VALUE with NAME a scalar parameter of "
                        f"{kernel.name} ({scalars or 'it has none'})")
    try:
        number = float(value) if param.dtype == "f32" else int(value)
    except ValueError:
        raise UserError(f"--set {text}: '{value}' is not a valid {param.dtype}") from None
    if isinstance(number, int) and not -2**63 <= number < 2**63:
        raise UserError(f"--set {text}: {number} does not fit in {param.dtype}")
    return name, np.asarray(number, np.float64 if param.dtype == "f32" else np.int64)


def _as_given_to_kernel(kernel: ir.Kernel, inputs: dict) -> dict:
    """The inputs converted as the launch converts them (bf16 given as f32 is rounded), so
    that the golden sees exactly what the kernel saw."""
    import numpy as np

    from .. import ir
    from .launch import prepare

    launch = prepare(kernel, inputs)
    scalars = {p.name: np.asarray(launch.statics[p.name]) for p in kernel.params
               if isinstance(p, ir.ScalarParam)}
    return launch.inputs | launch.initial | scalars
