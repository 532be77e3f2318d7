"""Every suite case of every kernel through the interpreter against its golden (rtol = atol =
2e-3), on the default lock-step schedule and on the reference schedule with fewer hardware
blocks than logical blocks (the stride loop wraps); the two schedules agree bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from codegen_support import CHECKED
from pypto_dsl.frontend import load_kernel
from pypto_dsl.interpreter import run_case, run_kernel

GOLDENS = {name: golden for name, (_, golden) in CHECKED.items()}
SUITE = [pytest.param(kernel, case, id=f"{kernel}:{case}")
         for kernel, golden in sorted(GOLDENS.items())
         for case, spec in golden.cases.items() if spec.suite]
WRAPPING = [("paged_attention", "wrap_batch26", 1), ("paged_attention", "wrap_heads128_batch13", 5),
            ("paged_attention", "ragged_shuffled", 5), ("gemm_epilogue", "wrap_m256_k128_n1024", 5)]


@pytest.fixture(scope="module")
def kernels():
    return {name: load_kernel(str(CHECKED[name][0])) for name in GOLDENS}


@pytest.mark.parametrize("kernel_name,case", SUITE)
def test_suite_case_matches_the_golden(kernels, kernel_name, case):
    result = run_case(kernels[kernel_name], case, seed=0)

    assert result.passed, result.summary()


@pytest.mark.parametrize("kernel_name,case,blocks", WRAPPING)
def test_stride_loop_over_few_hardware_blocks_matches_the_golden(kernels, kernel_name, case,
                                                                 blocks):
    result = run_case(kernels[kernel_name], case, seed=1, blocks=blocks, batched=False,
                      rtol=2e-3, atol=2e-3)

    assert result.passed, result.summary()


@pytest.mark.parametrize("kernel_name,case", SUITE)
def test_lock_step_schedule_gives_the_reference_schedule_bits(kernels, kernel_name, case):
    golden = GOLDENS[kernel_name]
    inputs = golden.make_inputs(golden.cases[case], seed=2)

    lock_step = run_kernel(kernels[kernel_name], inputs)
    reference = run_kernel(kernels[kernel_name], inputs, batched=False)

    assert all(np.array_equal(lock_step[name], reference[name]) for name in reference)
