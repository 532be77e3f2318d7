"""`make fuzz`: thousands of generated kernels through the whole compiler, with a fixed seed.

    python tests/fuzz_backend.py [--examples 1000] [--seed 11] [--out build/fuzz]

Every example goes through check, lowering, C++ generation and both interpreter runs
(tests/backend_fuzz.py); the C++ is syntax-checked in batches. A failure does not stop the run:
each is written to OUT/failure_<n>.pdsl with its message as a comment, and the run ends with
the count of examples and failures (exit 1 if any). Shrink one with the property test
(tests/test_backend_fuzz.py), or by hand, and keep it in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backend_fuzz import syntax_errors, exercise  # noqa: E402
from kernel_strategies import kernels  # noqa: E402

BATCH = 100  # kernels per g++ batch


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", default="build/fuzz")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("failure_*.pdsl"):
        old.unlink()
    examples, failures, pending = [0], [], []
    started = time.monotonic()

    def fail(text: str, step: str, message: str) -> None:
        path = out / f"failure_{len(failures)}.pdsl"
        comment = "\n".join(f"// {line}" for line in f"{step}: {message}".splitlines())
        path.write_text(f"{comment}\n{text}", encoding="utf-8")
        failures.append((step, message.splitlines()[0] if message else "", path))
        print(f"FAIL {path}: {step}: {message.splitlines()[0] if message else ''}", flush=True)

    def check_cpp() -> None:
        texts = {label: text for label, (text, _) in pending}
        for label, messages in syntax_errors([(label, files) for label, (_, files) in pending]):
            fail(texts.get(label, ""), "C++", "\n".join(messages))
        pending.clear()

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(kernels())
    def run(kernel):
        examples[0] += 1
        try:
            files = exercise(kernel)
        except Exception as error:  # every kind of failure is counted, none stops the run
            fail(kernel.text, type(error).__name__,
                 str(error) + "\n" + traceback.format_exc(limit=-3))
            return
        pending.append((f"example {examples[0]}", (kernel.text, files)))
        if len(pending) == BATCH:
            check_cpp()
        if examples[0] % 100 == 0:
            print(f"{examples[0]} examples, {len(failures)} failures, "
                  f"{time.monotonic() - started:.0f} s", flush=True)

    run()
    check_cpp()
    kinds: dict = {}
    for step, message, _ in failures:
        kinds[f"{step}: {message[:100]}"] = kinds.get(f"{step}: {message[:100]}", 0) + 1
    for kind, count in sorted(kinds.items()):
        print(f"{count:5d}  {kind}")
    print(f"fuzz: {examples[0]} examples, {len(failures)} failures (seed {args.seed}, "
          f"{time.monotonic() - started:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
