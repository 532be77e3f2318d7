"""`pypto-dsl compile KERNEL.pdsl... -o DIR [--report] [--golden FILE]`: write DIR/<kernel>/
(a scene test).

Every kernel is compiled and every failure reported, as `check` does; the exit code is 1 when
any kernel failed. Two files holding kernels of one name are not both written into DIR/<kernel>/:
the second is an error. An output directory that cannot be one (a file is in the way) is
reported once, before anything is compiled. The golden copied into the scene test is `--golden
FILE` (of the one kernel compiled), else the `<kernel>.golden.py` beside each kernel.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import results
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
    parser.add_argument("--golden", metavar="FILE", help="the golden copied into the scene "
                        "test (default: KERNEL.golden.py beside the kernel)")
    from ..cli import add_target

    add_target(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    check_output_directory(args.output)
    if args.golden is not None and len(args.kernels) > 1:
        raise UserError(f"--golden {args.golden}: a golden goes with one kernel; compile the "
                        f"{len(args.kernels)} kernels one at a time, or give each its "
                        "KERNEL.golden.py beside it")
    failed = False
    claimed: dict = {}  # kernel name -> the file it was written from
    for path in args.kernels:
        try:
            directory, lowered = _compile(path, args, claimed)
        except (CompileError, UserError) as error:  # reported, and the next kernel compiled
            print(str(error), file=sys.stderr)
            failed = True
            continue
        print(f"{path}: wrote {directory}/")
        if args.report:
            from ..report import report

            print(report(lowered), end="")
    return 1 if failed else 0


def _compile(path: str, args, claimed: dict) -> tuple:
    """(directory written, lowered kernel or None). An unchanged kernel whose last compile
    succeeded gets that compile's files back (results.py), unless --report needs the lowered
    kernel. `claimed` (kernel name -> file, of the kernels this command wrote) refuses a second
    file of a name already written."""
    remembered = None if args.report else _compile_result(path, args.target, args.golden)
    found = results.load(remembered) if remembered is not None else None
    if isinstance(found, dict) and isinstance(found.get("files"), dict):
        name, files, lowered = found["name"], found["files"], None
    else:
        from . import kernel_files

        lowered, files = kernel_files(path, args.golden, target=args.target)
        name = lowered.name
        if remembered is not None:
            results.store(remembered, {"name": name, "files": files})
    return _write(path, args.output, name, files, claimed), lowered


def _write(path: str, out_dir: str, name: str, files: dict, claimed: dict) -> Path:
    from .output import write_kernel

    if name in claimed:
        raise UserError(f"{path}: error: kernel '{name}' is also in {claimed[name]}, and both "
                        f"would be written to {Path(out_dir) / name}/: rename one or compile "
                        "them into different directories")
    directory = write_kernel(files, out_dir, name)
    claimed[name] = path
    return directory


def _compile_result(path: str, target: str, given: str | None):
    """The results.py entry of compiling `path`: its bytes and name, the text of its golden
    (`given`, else the one beside it); None when either cannot be read (compiling reports
    why)."""
    from ..goldens import path_for

    source, golden = results.read_input(path), Path(given or path_for(path))
    golden_text = results.read_input(golden)
    if source is None or (golden_text is None and (given is not None or golden.exists())):
        return None
    return results.key("compile", source, Path(path).name, target, golden_text)


def check_output_directory(out_dir: str) -> None:
    """A UserError when `out_dir`, or the nearest part of it that exists, is not a directory."""
    path = Path(out_dir)
    for existing in (path, *path.parents):
        if existing.exists():
            if not existing.is_dir():
                raise UserError(f"{out_dir}: error: cannot write the output: {existing} is "
                                "not a directory")
            return
