"""The schedule pass: a deadlock `check` can see is a located error naming every blocked core;
the handoffs the sync pass relies on come from the cores' actual push/pop order."""

from __future__ import annotations

import pytest

from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.passes import lower
from test_interpreter_pipes import CROSSED, TWO_AHEAD_DEPTH_1, TWO_AHEAD_DEPTH_2


def test_two_cores_each_popping_before_pushing_is_a_deadlock_check_reports():
    kernel = compile_text(CROSSED, "crossed.pdsl")

    with pytest.raises(CompileError) as error:
        lower(kernel)

    (diagnostic,) = error.value.diagnostics
    assert str(diagnostic.span) == "crossed.pdsl:6:20"  # the AIC's `tpop up`
    assert diagnostic.message.startswith("deadlock: no core can make progress; 3 blocked")
    assert diagnostic.notes == ("AIC: tpop on pipe 'up' at crossed.pdsl:6:20",
                                "AIV0: tpop on pipe 'down' at crossed.pdsl:10:20",
                                "AIV1: tpop on pipe 'down' at crossed.pdsl:10:20")
    assert "        let back = tpop up;" in str(error.value)  # shown with its source line


def test_a_pipe_too_shallow_for_the_schedule_is_a_deadlock_check_reports():
    kernel = compile_text(TWO_AHEAD_DEPTH_1, "two_ahead.pdsl")

    with pytest.raises(CompileError) as error:
        lower(kernel)

    assert error.value.diagnostics[0].notes[0] == "AIC: tpush on pipe 'p' at two_ahead.pdsl:8:9"


def test_the_same_schedule_with_room_in_the_pipe_lowers():
    assert lower(compile_text(TWO_AHEAD_DEPTH_2, "two_ahead.pdsl")).schedules[0].runs > 0


def test_paged_attentions_handoff_is_two_pops_as_in_the_hand_written_kernel():
    """The cube has consumed P_j once the AIV popped S_(j+2) or O_j; the AIVs have consumed
    S_j once the cube popped P_j (two pops of pij after the push of S_j)."""
    kernel = lower(load_kernel("kernels/paged_attention.pdsl"))

    for schedule in kernel.schedules:
        assert schedule.handoff("aiv") == {("pij", "sij"): 2, ("pij", "oi"): 2}
        assert schedule.handoff("aic") == {("sij", "pij"): 2, ("oi", "pij"): 2}
        assert schedule.runs >= 4


NO_RETURN = """\
kernel no_return(x: in f32[16, 64], y: out f32[16, 64]) {
    grid (i) = (1) on 1 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split rows;
    pipe q: aiv -> aic f32[16, 64] depth 2 split rows;
    aic {
        let t = tpop q;
        tpush p, matmul(load x[0 : +16, 0 : +16], load x[0 : +16, :]);
    }
    aiv {
        tpush q, load x[lane * 8 : +8, :];
        store y[lane * 8 : +8, :], tpop p;
    }
}
"""


def test_a_handoff_is_found_across_logical_blocks_of_the_stride_loop():
    """The AIC pushes p after popping q, so the AIV's pop of p shows q consumed (one pop); the
    AIV pops p before pushing the next logical block's q, so the AIC's next pop of q shows p
    consumed."""
    kernel = lower(compile_text(NO_RETURN, "no_return.pdsl"))

    assert kernel.schedules[0].handoff("aiv") == {("q", "p"): 1}
    assert kernel.schedules[0].handoff("aic") == {("p", "q"): 1}


GROWING = """kernel growing(x: in f32[16, 64], y: out f32[16, 64], n: i32)
require n <= 64;
{
    grid (i) = (1) on 1 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 64 split rows;
    pipe q: aiv -> aic f32[16, 64] depth 64 split rows;
    aic {
        for j in 0 .. n {
            tpush p, matmul(load x[0 : +16, 0 : +16], load x[0 : +16, :]);
            let t = tpop q;
        }
    }
    aiv {
        for j in 0 .. n {
            tpush q, load x[lane * 8 : +8, :];
        }
        for j in 0 .. n {
            store y[lane * 8 : +8, :], tpop p;
        }
    }
}
"""


def test_a_loop_that_outruns_the_pipes_depth_is_a_deadlock_check_reports():
    text = GROWING.replace("require n <= 64;", "")

    with pytest.raises(CompileError) as error:
        lower(compile_text(text, "growing.pdsl"))

    assert "deadlock" in error.value.diagnostics[0].message
    assert "n = " in error.value.diagnostics[0].message  # the sampled input that shows it


def test_a_handoff_that_grows_with_the_trip_count_is_not_trusted():
    """The AIV pops p only after pushing every q of the block: the AIC's pops of q show its
    pushes of p consumed only in the next block, n pops later, and n is any number."""
    kernel = lower(compile_text(GROWING, "growing.pdsl"))

    assert kernel.schedules[0].handoff("aic") == {("p", "q"): None}


FOUR_STAGES_APART = """\
kernel dist(x: in f32[n, 64], w: in bf16[64, 64], y: out f32[16, 64])
require n % 16 == 0;
{
    grid (g) = (1) on 1 blocks;
    pipe fwd:  aiv -> aic bf16[16, 64] depth DEPTH split rows;
    pipe back: aic -> aiv f32[16, 64]  depth DEPTH split rows;
    aic {
        for j in 0 .. n / 16 {
            tpush back, matmul(tpop fwd, load w[:, :]);
        }
    }
    aiv {
        var acc = fill(f32[8, 64], 0.0);
        pipelined for j in 0 .. n / 16 {
            stage a { tpush fwd, cast<bf16>(load x[j * 16 + lane * 8 : +8, :]); }
            stage b { let k = 1; }
            stage c { let k2 = 2; }
            stage d { acc = acc + tpop back; }
        }
        store y[lane * 8 : +8, :], acc;
    }
}
"""


def test_pipes_too_shallow_for_a_pipelined_loops_stage_distance_are_a_located_error():
    """Stage a pushes three time steps before stage d pops: four tiles of a lane go out
    before the first comes back, more than two pipes of depth 1 and the cube hold."""
    with pytest.raises(CompileError) as error:
        lower(compile_text(FOUR_STAGES_APART.replace("DEPTH", "1"), "dist.pdsl"))

    (diagnostic,) = error.value.diagnostics
    assert diagnostic.message.startswith("deadlock")
    assert diagnostic.notes[-1] == (
        "the pipelined loop at dist.pdsl:14:9 pushes 'fwd' in stage 'a' 3 time steps before it "
        "pops 'back' in stage 'd': 4 tiles go out before the first comes back; deepen the "
        "pipes between or bring the stages closer")


def test_the_same_stages_with_deep_enough_pipes_lower():
    assert lower(compile_text(FOUR_STAGES_APART.replace("DEPTH", "2"), "dist.pdsl")).plans
