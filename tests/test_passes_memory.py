"""Memory planning: addresses inside capacity, no two live tiles on the same bytes, the budget
of the hand-written paged-attention kernel, and a located error when a kernel does not fit."""

import itertools

import pytest

from pypto_dsl import ir
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.passes import PASSES, lower, plan_memory
from pypto_dsl.passes.liveness import analyze
from pypto_dsl.passes.memory import case_label, reserved_bytes
from pypto_dsl.passes.tiles import classify
from pypto_dsl.platform import KB, platform
from pypto_dsl.verify import verify

PLANNED = PASSES[:PASSES.index(plan_memory) + 1]
KERNELS = ["kernels/paged_attention.pdsl", "kernels/gemm_epilogue.pdsl"]
CHIP = platform("a2a3")


def _cases(kernel):
    for core in ("aic", "aiv"):
        (dispatch,) = kernel.body(core)
        for case in dispatch.cases:
            yield core, case_label(dispatch, case), case


def _case(kernel, core, label):
    return next(case for c, lab, case in _cases(kernel) if (c, lab) == (core, label))


@pytest.fixture(scope="module", params=KERNELS)
def planned(request):
    return lower(load_kernel(request.param), PLANNED)


@pytest.fixture(scope="module")
def attention():
    return lower(load_kernel("kernels/paged_attention.pdsl"), PLANNED)


def test_every_case_of_both_cores_gets_a_plan(planned):
    assert verify(planned) == []
    assert all(case.memory is not None for _, _, case in _cases(planned))


def test_allocations_are_aligned_and_inside_capacity(planned):
    for core, label, case in _cases(planned):
        for a in case.memory.allocations:
            assert a.offset % 32 == 0 and a.size % 32 == 0, (core, label, a)
            assert a.offset + a.size * a.versions <= CHIP.buffer(a.buffer).capacity, (core, a)


def test_no_two_tiles_in_use_at_the_same_time_share_bytes(planned):
    """Brute force over every pair: overlapping bytes only for disjoint program positions
    (pipe slots are in use everywhere)."""
    for core, label, case in _cases(planned):
        positions = classify(analyze(case.body), core).positions
        everywhere = frozenset(range(10 ** 4))
        blocks = [(a.name, a.buffer, a.offset, a.offset + a.size * a.versions, positions[a.name])
                  for a in case.memory.allocations]
        blocks += [(r, b, s, e, everywhere) for r, b, s, e in reserved_bytes(case, CHIP)]
        for x, y in itertools.combinations(blocks, 2):
            if x[1] == y[1] and x[2] < y[3] and y[2] < x[3]:
                assert not x[4] & y[4], (core, label, x[0], y[0])


def test_a_name_bound_several_times_gets_one_allocation(attention):
    case = _case(attention, "aiv", "q_tile=64, block_size=128")

    names = [a.name for a in case.memory.allocations]

    bound = [s.name for s in ir.walk_stmts(case.body) if isinstance(s, ir.Let)]
    assert bound.count("s") == 2 and names.count("s") == 1
    assert len(names) == len(set(names))


def test_loads_in_loops_and_values_crossing_stages_are_ping_pong(attention):
    aic = _case(attention, "aic", "q_tile=64, block_size=128").memory
    aiv = _case(attention, "aiv", "q_tile=64, block_size=128").memory

    versions = {a.name: a.versions for a in aic.allocations + aiv.allocations}

    assert versions["pdsl_t15"] == versions["pdsl_t18"] == 2  # K and V loads in the loop
    assert versions["q"] == 1  # loaded once, before the loop
    assert versions["p"] == versions["alpha"] == 2  # aliased by pdsl_prev_p / pdsl_prev_alpha
    assert aiv.allocation("pdsl_prev_p") is None


def test_popped_and_padded_in_place_tiles_live_in_the_pipe_region(attention):
    plan = _case(attention, "aiv", "q_tile=64, block_size=128").memory

    regions = {(r.label, r.buffer, r.offset, r.size) for r in plan.reservations}

    # (LocalSlotNum - 1) * SlotSize + lane tile: 32 KB + 16 KB for f32[64, 128] split in rows
    assert regions == {("pipe:sij", "UB", 0, 48 * KB), ("pipe:oi", "UB", 48 * KB, 48 * KB)}
    assert plan.allocation("pdsl_t59") is None  # tpop sij
    assert plan.allocation("pdsl_t60") is None  # pad_cols of it, in place


def test_an_l1_consumer_region_holds_local_slot_num_slots(attention):
    plan = _case(attention, "aic", "q_tile=64, block_size=128").memory

    assert plan.reservations == (ir.Reservation("pipe:pij", "L1", 0, 2 * 64 * 128 * 2),)


def test_a_row_reduction_gets_a_scratch_tile_of_its_operands_size(attention):
    plan = _case(attention, "aiv", "q_tile=64, block_size=128").memory

    scratch = plan.allocation("pdsl_tmp_pdsl_t61")  # rowmax(s), s: f32[32, 128]

    assert (scratch.buffer, scratch.size) == ("UB", 32 * 128 * 4)


def test_paged_attention_fits_the_hand_written_kernels_budget(attention):
    """The hand-written kernel at q_tile 64 uses about 153 KB of UB per AIV and 352 KB of L1."""
    peaks = {(core, label): dict(case.memory.peak) for core, label, case in _cases(attention)}

    for block_size in (64, 128):
        assert peaks["aiv", f"q_tile=64, block_size={block_size}"]["UB"] <= 153 * KB
        assert peaks["aic", f"q_tile=64, block_size={block_size}"]["L1"] <= 352 * KB


TOO_BIG = """
kernel big(x: in f32[64, 512], y: out f32[64, 512])
{
    grid (g) = (1) on 1 blocks;
    aic { }
    aiv {
        let a = load x[lane * 32 : +32, :];
        let b = exp(a);
        let c = a * b;
        let d = c + a;
        store y[lane * 32 : +32, :], d + b;
    }
}
"""


def test_a_kernel_that_does_not_fit_is_a_located_error_naming_what_is_live():
    kernel = compile_text(TOO_BIG, "big.pdsl")

    with pytest.raises(CompileError) as error:
        lower(kernel, PLANNED)

    (diagnostic,) = error.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (10, 13)  # `let d = c + a`
    assert diagnostic.message == (
        "UB overflows by 72 KB (need 256 KB of 184 KB): live at the peak: "
        "a f32[32, 512] 64 KB, b f32[32, 512] 64 KB, c f32[32, 512] 64 KB, d f32[32, 512] 64 KB")
    assert "big.pdsl:10:13: error: UB overflows by 72 KB" in str(error.value)


def test_the_error_names_the_specialisation_it_happens_in():
    text = TOO_BIG.replace("kernel big(x: in f32[64, 512], y: out f32[64, 512])",
                           "kernel big(x: in f32[64, w], y: out f32[64, w])\n"
                           "specialize w in {128, 512};")
    kernel = compile_text(text, "big.pdsl")

    with pytest.raises(CompileError) as error:
        lower(kernel, PLANNED)

    (diagnostic,) = error.value.diagnostics
    assert diagnostic.message.startswith("UB overflows by 72 KB at w=512 (need 256 KB of 184 KB)")
