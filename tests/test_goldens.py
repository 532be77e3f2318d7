"""The goldens of kernels/ (their loader, their shared contract, and the two seed kernels'
goldens against naive float64 references and exact properties)."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest

from codegen_support import GOLDENS, ROOT
from pypto_dsl import goldens
from pypto_dsl.errors import UserError
from pypto_dsl.frontend import load_kernel
from pypto_dsl.goldens import BF16, F32, Case, dtype_name, round_bf16, to_f32

pa = GOLDENS["paged_attention"].module
gemm = GOLDENS["gemm_epilogue"].module

SUITE_CASES = [
    pytest.param(kernel, golden, case, id=f"{kernel}:{case.name}")
    for kernel, golden in GOLDENS.items()
    for case in golden.cases.values()
    if case.suite
]


def _params(kernel: str) -> tuple:
    """(parameter names in order, out/inout tensor names) of kernels/<kernel>.pdsl."""
    checked = load_kernel(str(ROOT / "kernels" / f"{kernel}.pdsl"))
    return tuple(p.name for p in checked.params), checked.outputs


def _pa_case(**params) -> Case:
    base = dict(batch=2, num_heads=4, head_dim=128, block_size=64, context_lens=[70, 130],
                shuffle=True)
    base.update(params)
    return Case(name="adhoc", params=base)


def _naive_attention(inputs: dict) -> np.ndarray:
    """Exact float64 softmax attention, one (batch, head) at a time, no bf16 rounding of p."""
    q = inputs["query"].astype(np.float64)
    k_cache = inputs["key_cache"].astype(np.float64)[:, :, 0, :]
    v_cache = inputs["value_cache"].astype(np.float64)[:, :, 0, :]
    block_size = k_cache.shape[1]
    scale = float(inputs["scale"])
    out = np.zeros(q.shape)
    for b, ctx in enumerate(inputs["context_lens"]):
        if ctx == 0:
            continue
        blocks = inputs["block_table"][b, : math.ceil(ctx / block_size)]
        keys = np.concatenate([k_cache[i] for i in blocks])[:ctx]
        vals = np.concatenate([v_cache[i] for i in blocks])[:ctx]
        for h in range(q.shape[1]):
            s = keys @ q[b, h] * scale
            w = np.exp(s - s.max())
            out[b, h] = w @ vals / w.sum()
    return out


# ----------------------------------------------------------------------- registry and dtypes


def test_a_kernels_golden_is_the_file_beside_it():
    golden = goldens.for_kernel(ROOT / "kernels" / "gemm_epilogue.pdsl")

    assert golden.path == ROOT / "kernels" / "gemm_epilogue.golden.py"
    assert golden.default_case == "small_m64_k256_n128"


def test_a_kernel_without_a_golden_is_a_user_error_saying_where_to_put_one(tmp_path):
    with pytest.raises(UserError, match="write mine.golden.py beside it"):
        goldens.for_kernel(tmp_path / "mine.pdsl")


def test_a_golden_missing_a_definition_is_a_user_error(tmp_path):
    path = tmp_path / "bad.golden.py"
    path.write_text("CASES = []\ndef golden(inputs):\n    return {}\n")

    with pytest.raises(UserError, match="make_inputs is missing"):
        goldens.load(path)


@pytest.mark.parametrize("golden", GOLDENS.values(), ids=list(GOLDENS))
def test_default_case_is_a_suite_case(golden):
    case = golden.cases[golden.default_case]

    assert case.suite
    assert all(name == c.name and c.description for name, c in golden.cases.items())


def test_round_bf16_rounds_ties_to_even():
    ulp = 2.0 ** -7  # bf16 spacing in [1, 2)
    x = np.array([1 + ulp / 2, 1 + 3 * ulp / 2, 1 + ulp / 2 + 2.0 ** -20, -(1 + ulp / 2)],
                 dtype=F32)

    y = round_bf16(x)

    assert y.dtype == F32
    np.testing.assert_array_equal(y, [1.0, 1 + 2 * ulp, 1 + ulp, -1.0])


def test_to_f32_widens_bf16_exactly():
    x = np.array([1.5, -3.140625, 2.0 ** -100], dtype=ml_dtypes.bfloat16)

    y = to_f32(x)

    assert y.dtype == F32
    np.testing.assert_array_equal(y, [1.5, -3.140625, 2.0 ** -100])
    assert dtype_name(x) == "bf16" and dtype_name(y) == "f32"


# ----------------------------------------------------------------------- shared contract


@pytest.mark.parametrize("kernel, golden, case", SUITE_CASES)
def test_make_inputs_follows_kernel_order_with_zeroed_outputs(kernel, golden, case):
    names, outputs = _params(kernel)

    inputs = golden.make_inputs(case)

    assert tuple(inputs) == names
    assert all(isinstance(v, np.ndarray) for v in inputs.values())
    for name in outputs:
        assert not inputs[name].any()


@pytest.mark.parametrize("kernel, golden, case", SUITE_CASES)
def test_golden_returns_outputs_without_mutating_inputs(kernel, golden, case):
    _, outputs = _params(kernel)
    inputs = golden.make_inputs(case)
    before = {k: v.copy() for k, v in inputs.items()}

    result = golden.expected(inputs, outputs)

    assert tuple(result) == outputs
    for name in outputs:
        assert result[name].shape == inputs[name].shape
        assert result[name].dtype == inputs[name].dtype
        assert np.isfinite(result[name].astype(np.float64)).all()
    for k, v in before.items():
        np.testing.assert_array_equal(inputs[k], v)


@pytest.mark.parametrize("golden", GOLDENS.values(), ids=list(GOLDENS))
def test_make_inputs_is_deterministic_per_seed(golden):
    case = golden.cases[golden.default_case]

    a, b, c = golden.make_inputs(case, 1), golden.make_inputs(case, 1), golden.make_inputs(case, 2)

    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    first = next(iter(a))
    assert not np.array_equal(a[first], c[first])


# ----------------------------------------------------------------------- paged attention


def test_pa_make_inputs_shapes_and_dtypes():
    case = _pa_case(batch=3, num_heads=16, block_size=128, context_lens=[1, 300, 0], scale=0.5)

    x = pa.make_inputs(case)

    assert x["query"].shape == (3, 16, 128) and x["query"].dtype == BF16
    assert x["key_cache"].shape == (9, 128, 1, 128) and x["key_cache"].dtype == BF16
    assert x["value_cache"].shape == (9, 128, 1, 128) and x["value_cache"].dtype == BF16
    assert x["block_table"].shape == (3, 3) and x["block_table"].dtype == np.int32
    assert x["context_lens"].tolist() == [1, 300, 0] and x["context_lens"].dtype == np.int32
    assert x["out"].shape == (3, 16, 128) and x["out"].dtype == F32
    assert x["scale"].shape == () and x["scale"].dtype == F32 and float(x["scale"]) == 0.5


def test_pa_shuffled_table_uses_distinct_valid_blocks():
    case = _pa_case(batch=5, context_lens=[64, 200, 1, 0, 129])

    table = pa.make_inputs(case)["block_table"]

    assert sorted(table.ravel().tolist()) == list(range(table.size))
    assert not np.array_equal(table.ravel(), np.arange(table.size))


def test_pa_unshuffled_table_is_contiguous():
    case = _pa_case(shuffle=False)

    table = pa.make_inputs(case)["block_table"]

    np.testing.assert_array_equal(table, np.arange(table.size).reshape(table.shape))


def test_pa_resolve_params_defaults_and_cyclic_context_lens():
    p = pa.resolve_params(dict(batch=5, num_heads=16, head_dim=128, block_size=64,
                               context_lens=[65, 0]))

    assert p["context_lens"] == [65, 0, 65, 0, 65]
    assert p["max_blocks"] == 2 and p["total_blocks"] == 10
    assert p["scale"] == pytest.approx(1 / math.sqrt(128)) and p["shuffle"] is False


def test_pa_benchmark_cases_have_simpler_shapes():
    p1 = pa.resolve_params(pa.CASES["Case1"].params)
    p2 = pa.resolve_params(pa.CASES["Case2"].params)

    assert (p1["batch"], p1["num_heads"], p1["block_size"]) == (256, 16, 128)
    assert p1["max_blocks"] == 64
    assert p1["total_blocks"] * p1["block_size"] * p1["head_dim"] * 2 == 512 << 20  # 512 MiB
    assert (p2["batch"], p2["num_heads"], p2["block_size"], p2["max_blocks"]) == (64, 64, 64, 128)
    assert not pa.CASES["Case1"].suite and not pa.CASES["Case2"].suite


def test_pa_suite_covers_the_kernel_schedule_and_stays_cheap():
    suite = [c for c in pa.CASES.values() if c.suite]
    params = [pa.resolve_params(c.params) for c in suite]

    q_tilings = {pa.q_tiling(p["num_heads"]) for p in params}
    logical_blocks = {p["batch"] * pa.q_tiling(p["num_heads"])[1] for p in params}
    ctx_mod = {(c % p["block_size"], c // p["block_size"])
               for p in params for c in p["context_lens"]}

    assert {(16, 1), (64, 1), (64, 2)} <= q_tilings
    assert {p["block_size"] for p in params} == {64, 128}
    assert min(logical_blocks) < 24 and 24 in logical_blocks and max(logical_blocks) > 24
    assert {(0, 0), (1, 0), (0, 1), (1, 1)} <= ctx_mod  # ctx 0, 1, block_size, block_size+1
    assert sum(pa.kv_steps(c) for c in suite) < 5000  # about 5 s at 1 ms per step


def test_pa_golden_matches_naive_float64_softmax():
    case = _pa_case(batch=3, num_heads=4, context_lens=[1, 130, 300], scale=1.0)
    inputs = pa.make_inputs(case, seed=3)

    out = pa.golden(inputs)["out"]

    # p is rounded to bf16 (relative error 2^-9) and the reference does no rounding.
    np.testing.assert_allclose(out, _naive_attention(inputs), rtol=2e-2, atol=2e-2)
    np.testing.assert_allclose(out, _naive_attention(inputs), rtol=0, atol=2e-3)


def test_pa_zero_context_gives_zeros():
    case = _pa_case(batch=3, context_lens=[0, 65, 0])
    inputs = pa.make_inputs(case)

    out = pa.golden(inputs)["out"]

    assert not out[[0, 2]].any()
    assert np.abs(out[1]).min() > 0


def test_pa_context_one_returns_the_first_value_row_exactly():
    case = _pa_case(batch=2, context_lens=[1, 1])
    x = pa.make_inputs(case)

    out = pa.golden(x)["out"]

    # With a single position p = exp(0) = 1 and l = 1, so out is that position's V row.
    first_rows = to_f32(x["value_cache"][x["block_table"][:, 0], 0, 0, :])
    np.testing.assert_array_equal(out, np.broadcast_to(first_rows[:, None, :], out.shape))


def test_pa_ignores_cache_rows_past_context():
    case = _pa_case(batch=2, context_lens=[70, 1])
    x = pa.make_inputs(case)
    tampered = dict(x, key_cache=x["key_cache"].copy(), value_cache=x["value_cache"].copy())
    block = x["block_table"][0, 1]
    tampered["key_cache"][block, 6:] = 7.0  # positions 70.. of sequence 0
    tampered["value_cache"][block, 6:] = -7.0
    tampered["key_cache"][x["block_table"][1, 1:]] = 7.0  # unused table entries of sequence 1

    out, out_tampered = pa.golden(x)["out"], pa.golden(tampered)["out"]

    np.testing.assert_array_equal(out, out_tampered)


def test_pa_batch_chunking_does_not_change_results():
    x = pa.make_inputs(pa.CASES["wrap_batch26"])
    args = [x[k] for k in pa.ARG_NAMES[:5]] + [float(x["scale"])]

    whole = pa.attention(*args)
    chunked = pa.attention(*args, batch_chunk=5)

    np.testing.assert_array_equal(whole, chunked)


@pytest.mark.parametrize("name", ["ragged_shuffled", "sharp_wide_table"])
def test_pa_running_max_and_simpler_block_max_agree_within_kernel_tolerance(name):
    x = pa.make_inputs(pa.CASES[name])
    args = [x[k] for k in pa.ARG_NAMES[:5]] + [float(x["scale"])]

    running = pa.attention(*args, p_max="running")
    block = pa.attention(*args, p_max="block")

    # The two differ only in where p is rounded to bf16: not identical, but well within
    # the 2e-3 tolerance used against the interpreter.
    assert not np.array_equal(running, block)
    np.testing.assert_allclose(running, block, rtol=1e-3, atol=1e-3)


def test_pa_rejects_out_of_range_block_table():
    x = pa.make_inputs(_pa_case())
    x["block_table"][0, 0] = -1

    with pytest.raises(ValueError, match="block_table"):
        pa.golden(x)


# ----------------------------------------------------------------------- gemm epilogue


def test_gemm_make_inputs_shapes_and_dtypes():
    case = gemm.CASES["tall_m128_k128_n256"]

    x = gemm.make_inputs(case)

    assert x["a"].shape == (128, 128) and x["a"].dtype == BF16
    assert x["b"].shape == (128, 256) and x["b"].dtype == BF16
    assert x["row_scale"].shape == (128, 1) and x["row_scale"].dtype == F32
    assert x["out"].shape == (128, 256) and x["out"].dtype == F32
    assert x["alpha"].shape == () and float(x["alpha"]) == 0.5
    assert (x["row_scale"] < 0).any() and (x["row_scale"] > 0).any()


@pytest.mark.parametrize("name", [n for n, c in gemm.CASES.items() if c.suite])
def test_gemm_golden_matches_float64_reference(name):
    x = gemm.make_inputs(gemm.CASES[name], seed=7)

    out = gemm.golden(x)["out"]

    a, b = x["a"].astype(np.float64), x["b"].astype(np.float64)
    ref = np.maximum(a @ b * x["row_scale"].astype(np.float64) * float(x["alpha"]), 0.0)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-4)


def test_gemm_relu_zeroes_exactly_the_negative_products():
    x = gemm.make_inputs(gemm.CASES["small_m64_k256_n128"])

    out = gemm.golden(x)["out"]

    pre = to_f32(x["a"]) @ to_f32(x["b"]) * x["row_scale"] * x["alpha"]
    assert (out >= 0).all()
    np.testing.assert_array_equal(out == 0, pre <= 0)
