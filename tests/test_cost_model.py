"""The cost model's arithmetic: each cost rule is its published formula, a serial chain costs
exactly the sum of its instructions, FIFO back-pressure appears at depth 1 and not at depth 4,
and the shortcut (one simulation per distinct work) equals the full simulation."""

from dataclasses import replace
from pathlib import Path

import pytest

from pypto_dsl import goldens, ir
from pypto_dsl.cost import model, params as P, rules
from pypto_dsl.cost.profile import case_launch
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.interpreter.launch import prepare
from pypto_dsl.ops import OPS
from pypto_dsl.passes import lower

ROOT = Path(__file__).resolve().parent.parent
# no HBM cap, no issue or flag cost: what remains is the instructions themselves
BARE = replace(P.FLAT, hbm_gbps=1e12, issue=0, flag_latency=0)


def tile(dtype, rows, cols):
    return ir.TileType(dtype, (ir.Const(rows), ir.Const(cols)))


def test_vector_cost_is_slope_times_repeats_plus_head_and_tail_when_fresh():
    f32 = tile("f32", 8, 128)  # 8 rows of 512 bytes: 16 repeats
    assert rules.vector_cycles("vadd", f32, P.FLAT, fresh=True) == 2 * 16 + 10 + 14
    assert rules.vector_cycles("vadd", f32, P.FLAT, fresh=False) == 2 * 16
    assert rules.vector_cycles("vexp", f32, P.FLAT, fresh=True) == 2 * 16 + 13 + 18
    assert rules.vector_cycles("vcadd", f32, P.FLAT, fresh=False) == 7 * 16


def test_a_partial_mask_costs_at_least_the_floor():
    column = tile("f32", 8, 1)  # 8 repeats of 4 bytes each
    assert rules.vector_cycles("vmuls", column, P.FLAT, fresh=False) == 16


def test_matmul_cost_is_the_cube_formula():
    assert rules.mad_cycles(16, 128, 128, "bf16", P.FLAT, fresh=False) == 1 * 8 * 8
    assert rules.mad_cycles(16, 128, 128, "bf16", P.FLAT, fresh=True) == 64 + 6
    assert rules.mad_cycles(64, 64, 128, "f32", P.FLAT, fresh=False) == 2 * (4 * 8 * 8)
    assert rules.mad_cycles(16, 64, 16, "i8", P.FLAT, fresh=False) == 1 * 2 * 1


def test_transfers_are_bytes_over_the_flat_or_fitted_rate():
    assert rules.transfer_cycles("GM->L1", 32768, P.FLAT) == 32768 / 78.4
    peak = 28.6 * 2**30 / 1.85e9
    fitted = peak * 32768 / (1.1 * 1024 + 32768)
    assert rules.transfer_cycles("GM->L1", 32768, P.FITTED) == pytest.approx(32768 / fitted)
    assert rules.transfer_cycles("GM->L1", 32768, P.FLAT, share=16.0) == 32768 / 16.0


def test_every_op_of_the_table_has_a_cost_rule():
    known = set(P.VECTOR) | set(rules.CUBE_MOVES) | {"mad", "scalar", "fixpipe"}
    for spec in OPS.values():
        if spec.expand is None and not spec.alias:
            assert spec.cost in known, spec.name


def test_an_op_costs_what_its_table_entry_says():
    a, b = (ir.Name(n, None, tile("f32", 8, 128)) for n in "ab")
    add = ir.TileOp("add", (a, b), (), None, tile("f32", 8, 128))
    assert rules.op_cost(add, P.FLAT, fresh=True) == 2 * 16 + 10 + 14
    left = ir.Name("l", None, tile("bf16", 16, 128))
    right = ir.Name("r", None, tile("bf16", 128, 64))
    mm = ir.TileOp("matmul", (left, right), (), None, tile("f32", 16, 64))
    assert rules.op_cost(mm, P.FLAT, fresh=False) == 1 * 8 * 4
    move = ir.TileOp("move_right", (right,), (), None, tile("bf16", 128, 64))
    assert rules.op_cost(move, P.FLAT, fresh=False) == 128 * 64 * 2 / 128


CHAIN = """
kernel chain(x: in f32[16, 64], out: out f32[16, 64])
{
    grid (i) = (1) on 1 blocks;
    aiv {
        store out[lane * 8 : +8, :], exp(exp(load x[lane * 8 : +8, :]));
    }
}
"""


def _predict(text, inputs, params, depth=None):
    checked = compile_text(text, "inline.pdsl")
    if depth is not None:
        checked = replace(checked, pipes=tuple(replace(p, depth=depth) for p in checked.pipes))
    lowered = lower(checked)
    return model.predict(lowered, prepare(lowered, inputs), params)


def test_a_serial_chain_costs_exactly_the_sum_of_its_instructions():
    import numpy as np

    p = _predict(CHAIN, {"x": np.zeros((16, 64), np.float32)}, BARE)
    load, store = 8 * 64 * 4 / 58.6, 8 * 64 * 4 / 109.4
    exp = 2 * 8 + 13 + 18  # 8 rows of 256 bytes; each exp starts a stream (flag, barrier)
    assert p.cycles == pytest.approx(load + exp + exp + store, abs=1e-9)
    assert p.critical.finish["AIV0"] == p.critical.finish["AIV1"]


PRODUCER_CONSUMER = """
kernel pc(a: in bf16[16, 16], b: in bf16[16, 16], out: out f32[4, 16, 16])
{
    grid (i) = (1) on 1 blocks;
    pipe p: aic -> aiv f32[16, 16] depth 2 split rows;
    aic {
        for j in 0 .. 4 {
            tpush p, matmul(load a[0 : +16, :], load b[0 : +16, :]);
        }
    }
    aiv {
        for j in 0 .. 4 {
            store out[j, lane * 8 : +8, :], exp(exp(exp(exp(exp(exp(tpop p))))));
        }
    }
}
"""


@pytest.mark.parametrize("depth, stalls", [(1, True), (4, False)])
def test_a_slow_consumer_holds_the_producer_back_at_depth_1_not_4(depth, stalls):
    import numpy as np

    inputs = {"a": np.zeros((16, 16), np.float32), "b": np.zeros((16, 16), np.float32)}
    p = _predict(PRODUCER_CONSUMER, inputs, P.FLAT, depth)
    assert (p.critical.backpressure["AIC"] > 0) == stalls


def test_the_shortcut_gives_the_full_simulations_number():
    path = ROOT / "kernels" / "paged_attention.pdsl"
    lowered = lower(load_kernel(str(path)))
    golden = goldens.for_kernel(path)
    _, launch = case_launch(lowered, golden, "wrap_batch26")  # ragged, ctx 0, 26 > 24 blocks
    fast = model.predict(lowered, launch, P.CALIBRATED, fast=True)
    full = model.predict(lowered, launch, P.CALIBRATED, fast=False)
    assert fast.simulations < full.simulations == 24
    assert (fast.cycles, fast.hbm_bytes, fast.ends) == (full.cycles, full.hbm_bytes, full.ends)


def test_the_api_profiles_a_golden_case():
    import pypto_dsl

    kernel = pypto_dsl.Kernel.from_file(ROOT / "kernels" / "softmax.pdsl")
    prediction = kernel.profile(params="flat")
    assert prediction.seconds > 0 and prediction.params.name == "flat"


TWO_PHASES = """
kernel two_phase(x: in f32[rows, 64], y: out f32[rows, 64])
require rows % 16 == 0;
{
    let parts = rows / 16;
    scratch t: f32[parts * 16, 64];
    phase double {
        grid (i) = (parts) on 24 blocks;
        aiv {
            let r = i * 16 + lane * 8;
            store t[r : +8, :], exp(load x[r : +8, :]);
        }
    }
    phase inc {
        grid (i) = (parts) on 24 blocks;
        aiv {
            let r = i * 16 + lane * 8;
            store y[r : +8, :], load t[r : +8, :] + 1.0;
        }
    }
}
"""


def test_phases_run_one_after_another_with_a_task_gap_between():
    import numpy as np

    lowered = lower(compile_text(TWO_PHASES, "inline.pdsl"))
    launch = prepare(lowered, {"x": np.zeros((32, 64), np.float32),
                               "y": np.zeros((32, 64), np.float32)})
    from pypto_dsl.interpreter.launch import for_phase

    each = [model.predict(phase, for_phase(launch, phase), BARE) for phase in lowered.phases]
    whole = model.predict(lowered, launch, BARE)
    assert whole.cycles == pytest.approx(sum(p.cycles for p in each) + BARE.task_gap)
