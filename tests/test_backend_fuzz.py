"""Fuzzing the back end: valid kernels (tests/kernel_strategies.py) through check, lowering,
C++ generation and the interpreter (issue 11).

Each example must pass every step without an error (a CompileError is a finding too: the
kernel is valid by construction), and the interpreter must give bit-identical outputs on the
source IR and on the lowered IR. The generated C++ of every example is syntax-checked against
the stub afterwards, in a few batched g++ runs (tests/backend_fuzz.py): the last test of this
file. Runs are derandomized; `make fuzz` (tests/fuzz_backend.py) runs thousands of examples.
Failures it found are kept in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from backend_fuzz import GXX, exercise, syntax_errors
from kernel_strategies import kernels

EXAMPLES = 200  # "a few hundred": about 0.5 s each on this 2-core machine, plus the g++ batches
GENERATED: list = []  # (kernel text, generated files) of every example, for the syntax check


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(kernels())
def test_generated_kernels_check_lower_generate_and_run_the_same(kernel):
    GENERATED.append((kernel.text, exercise(kernel)))


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_generated_cpp_compiles_against_the_stub():
    if not GENERATED:
        pytest.skip("the property test did not run")
    failures = syntax_errors(GENERATED)

    assert failures == [], "\n\n".join(f"{text}\n" + "\n".join(messages[:5])
                                       for text, messages in failures)
