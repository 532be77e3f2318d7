"""How long `pypto-dsl check` and `compile` take, as whole processes, on every kernel.

Each command runs as a fresh process (interpreter start-up and imports included, as a user
sees it), best of N runs; `python -c pass` is timed the same way as the base of the ratios.
The targets (issue 10, part 3): compile of paged_attention <= 0.25 s wall, check <= 0.15 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pypto_dsl.cli"]
TARGETS = {"check": 0.15, "compile": 0.25}


def best_of(command: list, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def measure(runs: int = 5) -> None:
    base = best_of([sys.executable, "-c", "pass"], runs)
    print(f"compile speed: whole processes, best of {runs}; `python -c pass` takes "
          f"{base * 1e3:.0f} ms (the base of the ratios)")
    print(f"  {'kernel':<16} {'check':>9} {'ratio':>6} {'compile':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as out:
        for kernel in sorted((ROOT / "kernels").glob("*.pdsl")):
            check = best_of(CLI + ["check", str(kernel)], runs)
            build = best_of(CLI + ["compile", str(kernel), "-o", out], runs)
            print(f"  {kernel.stem:<16} {check:8.3f}s {check / base:5.1f}x {build:8.3f}s "
                  f"{build / base:5.1f}x")
            if kernel.stem == "paged_attention":
                figures = {"check": check, "compile": build}
    for command, target in TARGETS.items():
        got = figures[command]
        print(f"  paged_attention {command}: {got:.3f} s against the target {target} s: "
              f"{'met' if got <= target else 'NOT met'}")
