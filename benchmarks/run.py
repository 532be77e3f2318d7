"""`make bench`: the cost model's validation, the compile speed, the interpreter's speed.

    python benchmarks/run.py [--only cost|compile|interpreter] [--runs N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import compile_speed, cost, interpreter  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("cost", "compile", "interpreter"))
    parser.add_argument("--runs", type=int, default=5, help="compile-speed runs (best kept)")
    args = parser.parse_args()
    if args.only in (None, "cost"):
        cost.validate()
        cost.optimisations()
    if args.only in (None, "compile"):
        compile_speed.measure(args.runs)
    if args.only in (None, "interpreter"):
        interpreter.main([])


if __name__ == "__main__":
    main()
