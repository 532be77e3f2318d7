"""How long `pypto-dsl check` and `compile` take, as whole processes, on every kernel.

Each command runs as a fresh process (interpreter start-up and imports included, as a user
sees it), best of N runs; `python -c pass` is timed the same way as the base of the ratios.
The targets (issue 10, part 3): compile of paged_attention <= 0.25 s wall, check <= 0.15 s.

Two columns per command, in a cache directory of the bench's own (pypto_dsl/cache.py), whose
parser tables and compiled templates are built before timing:
- edited: the kernel's earlier result is removed before every run (results.py), so the whole
  front end, lowering, rendering and clang-format run: what an author waits for after an edit;
- unchanged: the kernel's result is kept, as in a `make` after another kernel was edited.
The package's bytecode is compiled first (compileall): what pip does on install, and what this
machine's PYTHONDONTWRITEBYTECODE=1 would otherwise leave undone, charging every run for
compiling the compiler's own sources.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pypto_dsl.cli"]
TARGETS = {"check": 0.15, "compile": 0.25}


def best_of(command: list, runs: int, env: dict, forget: Path | None = None) -> float:
    best = float("inf")
    for _ in range(runs):
        if forget is not None:
            shutil.rmtree(forget, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def measure(runs: int = 5) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pypto_dsl")],
                   check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        env = os.environ | {"PYPTO_DSL_CACHE": cache}
        results = Path(cache) / "results"
        base = best_of([sys.executable, "-c", "pass"], runs, env)
        print(f"compile speed: whole processes, best of {runs}; `python -c pass` takes "
              f"{base * 1e3:.0f} ms (the base of the ratios); edited = everything runs, "
              "unchanged = the kernel's last result is reused")
        print(f"  {'kernel':<16} {'check edited':>18} {'unchanged':>16} "
              f"{'compile edited':>18} {'unchanged':>16}")
        figures = {}
        for kernel in sorted((ROOT / "kernels").glob("*.pdsl")):
            check, build = CLI + ["check", str(kernel)], CLI + ["compile", str(kernel), "-o", out]
            subprocess.run(build, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
            row = (best_of(check, runs, env, results), best_of(check, runs, env),
                   best_of(build, runs, env, results), best_of(build, runs, env))
            print(f"  {kernel.stem:<16}" + "".join(f" {t:9.3f}s {t / base:5.1f}x" for t in row))
            if kernel.stem == "paged_attention":
                figures = {"check": row[:2], "compile": row[2:]}
    for command, target in TARGETS.items():
        edited, unchanged = figures[command]
        print(f"  paged_attention {command}: edited {edited:.3f} s, unchanged {unchanged:.3f} s, "
              f"against the target {target} s: edited {'met' if edited <= target else 'NOT met'}"
              f", unchanged {'met' if unchanged <= target else 'NOT met'}")
