"""Numerics and launch checks of the interpreter: cast rounding modes, f32 accumulation and
f32-only math, located out-of-range errors, and clear errors for bad inputs."""

from __future__ import annotations

from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from codegen_support import GOLDENS
from pypto_dsl import ir, ops, symbolic
from pypto_dsl.errors import LaunchError
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.interpreter import run_kernel, scalars
from pypto_dsl.interpreter import numerics
from pypto_dsl import walk

KERNELS = Path(__file__).resolve().parent.parent / "kernels"
BF16 = ml_dtypes.bfloat16
ULP = 2.0 ** -7  # bf16 spacing in [1, 2)
TIE = np.float32(1 + ULP / 2)  # exactly halfway between bf16 1 and 1 + ULP

GATHER = """\
kernel gather(table: in i32[4], rows: in f32[64, 128], out: out f32[64, 128]) {
    grid (i) = (4) on 2 blocks;
    pipe p: aic -> aiv f32[16, 128] depth 2 split rows;
    aic {
        let r = table[i];
        tpush p, load rows[r * 16 : +16, :];
    }
    aiv {
        store out[i * 16 + lane * 8 : +8, :], tpop p;
    }
}
"""


@pytest.fixture(scope="module")
def attention():
    return load_kernel(str(KERNELS / "paged_attention.pdsl"))


@pytest.fixture
def small_inputs():
    golden = GOLDENS["paged_attention"]
    return golden.make_inputs(golden.cases["small_q64_bs64"], seed=0)


def _cast(values, dtype: str, mode: str):
    return _run("cast", np.asarray(values, np.float32), dtype=dtype, round=mode).astype(np.float32)


def _run(op: str, *operands, **attrs):
    """The op table's semantics of `op`, as the interpreter calls them."""
    return ops.OPS[op].semantics(numerics, *operands, **attrs)


# ---------------------------------------------------------------------------- op semantics


@pytest.mark.parametrize("mode,expected", [
    ("rint", [1.0, -1.0, 1 + 2 * ULP]),        # ties to even
    ("round", [1 + ULP, -(1 + ULP), 1 + 2 * ULP]),  # ties away from zero
    ("trunc", [1.0, -1.0, 1 + ULP]),
    ("floor", [1.0, -(1 + ULP), 1 + ULP]),
    ("ceil", [1 + ULP, -1.0, 1 + 2 * ULP]),
])
def test_f32_to_bf16_rounding_modes_on_ties(mode, expected):
    values = [TIE, -TIE, 1 + 1.5 * ULP]

    assert _cast(values, "bf16", mode).tolist() == expected


@pytest.mark.parametrize("mode,expected", [
    ("rint", [1.0, 1.0]), ("round", [1 + 2.0 ** -10, 1.0]), ("trunc", [1.0, 1.0]),
    ("floor", [1.0, 1.0]), ("ceil", [1 + 2.0 ** -10, 1 + 2.0 ** -10]),
])
def test_f32_to_f16_rounding_modes(mode, expected):
    values = [1 + 2.0 ** -11, 1 + 2.0 ** -13]  # a tie, and a value just above 1

    assert _cast(values, "f16", mode).tolist() == expected


def test_bf16_rounding_keeps_nan_and_infinities():
    values = [np.nan, np.inf, -np.inf]

    results = [_cast(values, "bf16", mode) for mode in ops.ROUNDING_MODES]

    assert all(np.isnan(r[0]) and r[1:].tolist() == [np.inf, -np.inf] for r in results)


def test_matmul_of_bf16_accumulates_in_f32():
    a = np.ones((1, 1, 512), BF16)
    b = np.full((1, 512, 1), 1 + ULP, BF16)  # 512 * (1 + ULP) = 516 is not a bf16 number

    c = _run("matmul", a, b)

    assert (c.dtype, c.item()) == (np.float32, 516.0)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "max", "min", "row_add", "row_sub",
                                "row_mul", "row_div", "adds", "muls", "divs", "maxs", "mins",
                                "exp", "rowmax", "rowsum", "pad_cols"])
def test_f32_tile_math_stays_f32(op):
    tile, row = np.full((2, 4, 8), 1.5, np.float32), np.full((2, 4, 1), 2.0, np.float32)
    operands = {"tile": tile, "row": row, "scalar": np.int64(3), "int": np.int64(3),
                "const": np.int64(3)}
    kinds = ops.OPS[op].operands

    result = _run(op, *[operands[k] for k in kinds])

    assert result.dtype == np.float32


def test_pad_cols_pads_from_valid_and_not_past_the_tile():
    tile = np.zeros((2, 1, 4), np.float32)
    valid = np.array([2, 9]).reshape(2, 1, 1)

    padded = _run("pad_cols", tile, valid, -np.inf)

    assert padded.tolist() == [[[0, 0, -np.inf, -np.inf]], [[0, 0, 0, 0]]]


def test_scalar_division_and_remainder_follow_cpp():
    grid = np.array([(a, b) for a in range(-7, 8) for b in (-3, -2, -1, 1, 2, 3)])
    a, b = grid[:, 0], grid[:, 1]

    got = (scalars.c_div(a, b).tolist(), scalars.c_mod(a, b).tolist(),
           scalars.ceil_div(a, b).tolist())

    assert got == ([symbolic.c_div(x, y) for x, y in grid], [symbolic.c_mod(x, y) for x, y in grid],
                   [symbolic.ceil_div(x, y) for x, y in grid])


# ---------------------------------------------------------------------------- GM bounds


def test_an_out_of_range_block_table_entry_stops_at_the_key_load(attention, small_inputs):
    small_inputs["block_table"][1, 0] = 999
    key_load = next(e for s in walk.walk_stmts(attention.aic) for x in walk.stmt_exprs(s)
                    for e in walk.walk_expr(x) if isinstance(e, ir.Load) and e.tensor == "key_cache")

    with pytest.raises(LaunchError) as raised:
        run_kernel(attention, small_inputs)

    assert str(raised.value).startswith(
        f"{key_load.span}: error: load key_cache[kv, 0 : +block_size, 0, 0 : +head_dim]: index kv = 999 "
        "is out of range: dimension 0 of 'key_cache' has 12 entries (shape (12, 64, 1, 128)) in "
        "hardware block 1, AIC, logical block 1 (b=1, t=0)")


@pytest.mark.parametrize("entry,message", [
    (9, "gather.pdsl:6:18: error: load rows[(r * 16) : +16, 0 : +128]: slice (r * 16) = 144 : +16 is "
        "out of range: dimension 0 of 'rows' has 64 entries"),
    (-1, "gather.pdsl:6:18: error: load rows[(r * 16) : +16, 0 : +128]: slice (r * 16) = -16 : +16 is "
         "out of range"),
])
def test_a_bad_table_entry_gives_a_located_error(entry, message):
    kernel = compile_text(GATHER, "gather.pdsl")
    table = np.array([0, 1, entry, 2], np.int32)

    with pytest.raises(LaunchError) as raised:
        run_kernel(kernel, {"table": table, "rows": np.zeros((64, 128), np.float32)})

    assert str(raised.value).startswith(message)


# ---------------------------------------------------------------------------- inputs


def _with(inputs: dict, **changes) -> dict:
    return {k: v for k, v in (inputs | changes).items() if v is not None}


@pytest.mark.parametrize("change,message", [
    (dict(query=None), "paged_attention: missing input 'query' "
                       "(in bf16[batch, num_heads, head_dim])"),
    (dict(keys=np.zeros(3)), "paged_attention: unknown input 'keys'; the parameters are query, "
                             "key_cache, value_cache, block_table, context_lens, out, scale"),
    (dict(context_lens=np.zeros((3, 1), np.int32)),
     "input 'context_lens' is in i32[batch] (1 dimensions), got shape (3, 1)"),
    (dict(block_table=np.zeros((3, 4), np.float32)),
     "input 'block_table' is in i32[batch, max_blocks], got float32 values (give integers)"),
    (dict(context_lens=np.zeros(4, np.int32)),
     "shape symbol 'batch' is 3 from 'query' dimension 0 but 4 from 'context_lens' dimension 0"),
    (dict(key_cache=np.zeros((12, 64, 2, 128), BF16)),
     "input 'key_cache' is in bf16[total_blocks, block_size, 1, head_dim]: 'key_cache' "
     "dimension 2 must be 1, got 2 (shape (12, 64, 2, 128))"),
    (dict(scale=np.ones(2, np.float32)),
     "input 'scale' is a scalar f32: give a single value (a 0-d array), got shape (2,)"),
    (dict(block_table=np.full((3, 4), 2 ** 40)),
     "input 'block_table' is in i32[batch, max_blocks]: its values [1099511627776, "
     "1099511627776] do not fit in i32"),
])
def test_bad_inputs_are_named(attention, small_inputs, change, message):
    with pytest.raises(LaunchError) as raised:
        run_kernel(attention, _with(small_inputs, **change))

    assert str(raised.value) == message


def test_an_undeclared_specialisation_names_the_declared_values(attention, small_inputs):
    caches = dict(key_cache=np.zeros((12, 32, 1, 128), BF16),
                  value_cache=np.zeros((12, 32, 1, 128), BF16))

    with pytest.raises(LaunchError) as raised:
        run_kernel(attention, _with(small_inputs, **caches))

    assert ": error: no specialisation for block_size=32 (declared: 64, 128)\n" in str(
        raised.value)


def test_a_failed_require_is_located_and_shows_the_values(attention, small_inputs):
    narrow = dict(query=np.zeros((3, 64, 64), BF16), key_cache=np.zeros((12, 64, 1, 64), BF16),
                  value_cache=np.zeros((12, 64, 1, 64), BF16),
                  out=np.zeros((3, 64, 64), np.float32))
    require = attention.requires[0]

    with pytest.raises(LaunchError) as raised:
        run_kernel(attention, _with(small_inputs, **narrow))

    first, source, caret = str(raised.value).splitlines()
    assert first == f"{require.span}: error: requirement `head_dim == 128` does not hold " \
                    "(head_dim = 64)"


def test_bf16_given_as_f32_and_i32_given_as_i64_are_converted(attention, small_inputs):
    widened = dict(query=small_inputs["query"].astype(np.float32),
                   block_table=small_inputs["block_table"].astype(np.int64))

    outputs = run_kernel(attention, _with(small_inputs, **widened))

    np.testing.assert_array_equal(outputs["out"], run_kernel(attention, small_inputs)["out"])
