"""The interpreter gives the same numbers on the IR before and after every lowering pass.

Every suite case of every kernel runs on the checked IR and on the IR after each pass of
`passes.PASSES`; outputs must agree bit for bit (the passes move no arithmetic), and the
pipelined IR must finish without deadlock at the declared FIFO depths.
"""

import numpy as np
import pytest

from codegen_support import CHECKED
from pypto_dsl.frontend import load_kernel
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.passes import lower_steps
from pypto_dsl.verify import verify

GOLDENS = {name: golden for name, (_, golden) in CHECKED.items()}
SUITE = [(name, case) for name, golden in sorted(GOLDENS.items())
         for case in sorted(golden.cases) if golden.cases[case].suite]


@pytest.fixture(scope="module")
def stages():
    """kernel name -> [(pass name, kernel after it)], the checked IR first."""
    out = {}
    for name in GOLDENS:
        kernel = load_kernel(str(CHECKED[name][0]))
        out[name] = [("check", kernel)] + list(lower_steps(kernel))
    return out


def test_ir_is_well_formed_after_every_pass(stages):
    problems = {(kernel, step): verify(ir) for kernel, steps in stages.items()
                for step, ir in steps if verify(ir)}

    assert problems == {}


@pytest.mark.parametrize("kernel_name,case_name", SUITE)
def test_every_pass_keeps_the_results(stages, kernel_name, case_name):
    golden = GOLDENS[kernel_name]
    inputs = golden.make_inputs(golden.cases[case_name], seed=1)
    reference = run_kernel(stages[kernel_name][0][1], inputs)

    differing = [step for step, kernel in stages[kernel_name][1:]
                 if not all(np.array_equal(reference[k], v)
                            for k, v in run_kernel(kernel, inputs).items())]

    assert differing == []
