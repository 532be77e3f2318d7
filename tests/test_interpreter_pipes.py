"""Pipes are bounded FIFOs shared by the AIC and both AIV lanes: deadlocks are reported with
every blocked core, pipe, tpush/tpop and source location; depth is modelled; a FIFO left
non-empty is an error; a split-rows slot needs both lanes."""

from __future__ import annotations

import numpy as np
import pytest

from pypto_dsl import ir
from pypto_dsl.errors import DeadlockError, UserError
from pypto_dsl.frontend import compile_text
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.interpreter.pipes import Fifo

X = np.arange(16 * 128, dtype=np.float32).reshape(16, 128)

CROSSED = """\
kernel crossed(x: in f32[16, 128], y: out f32[32, 128]) {
    grid (i) = (2) on 2 blocks;
    pipe down: aic -> aiv f32[16, 128] depth 2 split rows;
    pipe up: aiv -> aic f32[16, 128] depth 2 split rows;
    aic {
        let back = tpop up;
        tpush down, back;
    }
    aiv {
        let mine = tpop down;
        tpush up, mine;
        store y[i * 16 + lane * 8 : +8, :], mine;
    }
}
"""

# The AIC pushes two tiles on `p` before the one on `q` that the AIV pops first.
TWO_AHEAD_DEPTH_2 = """\
kernel two_ahead(x: in f32[16, 128], y: out f32[16, 128]) {
    grid (i) = (1) on 1 blocks;
    pipe p: aic -> aiv f32[16, 128] depth 2 split rows;
    pipe q: aic -> aiv f32[16, 128] depth 1 split rows;
    aic {
        let t = load x[0 : +16, :];
        tpush p, t;
        tpush p, t;
        tpush q, t;
    }
    aiv {
        let first = tpop q;
        let a = tpop p;
        let b = tpop p;
        store y[lane * 8 : +8, :], first + a + b;
    }
}
"""

TWO_AHEAD_DEPTH_1 = """\
kernel two_ahead(x: in f32[16, 128], y: out f32[16, 128]) {
    grid (i) = (1) on 1 blocks;
    pipe p: aic -> aiv f32[16, 128] depth 1 split rows;
    pipe q: aic -> aiv f32[16, 128] depth 1 split rows;
    aic {
        let t = load x[0 : +16, :];
        tpush p, t;
        tpush p, t;
        tpush q, t;
    }
    aiv {
        let first = tpop q;
        let a = tpop p;
        let b = tpop p;
        store y[lane * 8 : +8, :], first + a + b;
    }
}
"""

# Both loops read `n`, but each core defines it differently: the AIV pops one tile too few.
LEFTOVER = """\
kernel leftover(x: in f32[16, 128], y: out f32[16, 128], k: i32) {
    grid (i) = (1) on 1 blocks;
    pipe p: aic -> aiv f32[16, 128] depth 2 split rows;
    aic {
        let n = k;
        for j in 0 .. n { tpush p, load x[0 : +16, :]; }
    }
    aiv {
        let n = k - 1;
        for j in 0 .. n { store y[lane * 8 : +8, :], tpop p; }
    }
}
"""


def _pipe(src: str, dst: str, depth: int) -> Fifo:
    return Fifo(ir.PipeDecl("p", src, dst, "f32", (ir.Const(4), ir.Const(2)), depth, "rows"))


def test_deadlock_names_every_blocked_core_its_pipe_and_line():
    kernel = compile_text(CROSSED, "crossed.pdsl")

    with pytest.raises(DeadlockError) as raised:
        run_kernel(kernel, {"x": X})

    message = str(raised.value)
    assert "6 blocked" in message
    assert ("hardware block 0, AIC, logical block 0 (i=0): tpop on pipe 'up' at "
            "crossed.pdsl:6:20") in message
    assert ("hardware block 1, AIV0, logical block 1 (i=1): tpop on pipe 'down' at "
            "crossed.pdsl:10:20") in message
    assert ("hardware block 1, AIV1, logical block 1 (i=1): tpop on pipe 'down' at "
            "crossed.pdsl:10:20") in message


def test_two_tiles_ahead_complete_at_depth_2():
    kernel = compile_text(TWO_AHEAD_DEPTH_2, "two_ahead.pdsl")

    out = run_kernel(kernel, {"x": X})["y"]

    np.testing.assert_array_equal(out, 3 * X)


def test_two_tiles_ahead_deadlock_at_depth_1():
    kernel = compile_text(TWO_AHEAD_DEPTH_1, "two_ahead.pdsl")

    with pytest.raises(DeadlockError) as raised:
        run_kernel(kernel, {"x": X})

    assert "AIC, logical block 0 (i=0): tpush on pipe 'p' at two_ahead.pdsl:8:9" in str(
        raised.value)


def test_a_fifo_left_non_empty_is_reported_with_its_counts():
    kernel = compile_text(LEFTOVER, "leftover.pdsl")

    with pytest.raises(UserError) as raised:
        run_kernel(kernel, {"x": X, "k": 2})

    assert str(raised.value).startswith(
        "leftover.pdsl:3:10: error: pipe 'p' is not empty at the end of the launch: hardware block 0: "
        "aic pushed 2, aiv0 popped 1, aiv1 popped 1")


def test_a_split_rows_slot_is_free_only_after_both_lanes_pop_it():
    fifo = _pipe("aic", "aiv", depth=1)
    fifo.push("aic", np.zeros((1, 4, 2), np.float32))

    fifo.pop(0)
    after_one_lane = fifo.can_push("aic")
    fifo.pop(1)

    assert (after_one_lane, fifo.can_push("aic")) == (False, True)


def test_each_lane_pops_its_half_of_the_rows():
    fifo = _pipe("aic", "aiv", depth=2)
    tile = np.arange(8, dtype=np.float32).reshape(1, 4, 2)
    fifo.push("aic", tile)

    halves = fifo.pop(1), fifo.pop(0)

    assert [h.tolist() for h in halves] == [tile[:, 2:].tolist(), tile[:, :2].tolist()]


def test_the_cube_pops_a_v2c_tile_only_once_both_halves_are_there():
    fifo = _pipe("aiv", "aic", depth=1)
    fifo.push(1, np.full((1, 2, 2), 1.0, np.float32))

    before = fifo.can_pop("aic")
    fifo.push(0, np.full((1, 2, 2), 0.0, np.float32))

    assert (before, fifo.pop("aic")[0, :, 0].tolist()) == (False, [0.0, 0.0, 1.0, 1.0])
