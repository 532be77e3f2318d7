"""Kernels in phases and scratch tensors: located errors for misuse, the interpreter's order,
and the generated files (one core file per phase and core, one task per phase)."""

from __future__ import annotations

import numpy as np
import pytest

from pypto_dsl.codegen import generate
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.passes import lower

# y = 2 x + 1 through a scratch tensor: phase `double` writes t = 2 x, phase `inc` reads it.
TWO = """\
kernel two(x: in f32[rows, 64], y: out f32[rows, 64])
require rows % 16 == 0;
{
    let parts = rows / 16;
    scratch t: f32[parts * 16, 64];
    phase double {
        grid (i) = (parts) on 4 blocks;
        aiv {
            let r = i * 16 + lane * 8;
            store t[r : +8, :], load x[r : +8, :] * 2.0;
        }
    }
    phase inc {
        grid (i) = (parts) on 4 blocks;
        aiv {
            let r = i * 16 + lane * 8;
            store y[r : +8, :], load t[r : +8, :] + 1.0;
        }
    }
}
"""


def _errors(text: str) -> list:
    with pytest.raises(CompileError) as raised:
        compile_text(text, "bad.pdsl")
    return [line for line in str(raised.value).splitlines() if line.startswith("bad.pdsl:")]


def test_phases_run_in_order_through_the_scratch_on_every_schedule():
    kernel = compile_text(TWO, "two.pdsl")
    x = np.random.default_rng(0).standard_normal((48, 64), dtype=np.float32)
    for form in (kernel, lower(kernel)):
        for batched in (True, False):
            y = run_kernel(form, {"x": x}, blocks=2, batched=batched)["y"]
            assert np.array_equal(y, 2 * x + 1)


# Phase `skip` has an empty grid; `inc` reads rows 16.. of t, which only `skip` would write.
UNWRITTEN = """\
kernel unwritten(x: in f32[32, 64], y: out f32[32, 64]) {
    scratch t: f32[32, 64];
    phase double {
        grid (i) = (1) on 4 blocks;
        aiv { store t[lane * 8 : +8, :], load x[lane * 8 : +8, :] * 2.0; }
    }
    phase skip {
        grid (i) = (0) on 4 blocks;
        aiv { store t[16 + lane * 8 : +8, :], load x[lane * 8 : +8, :]; }
    }
    phase inc {
        grid (i) = (2) on 4 blocks;
        aiv {
            let r = i * 16 + lane * 8;
            store y[r : +8, :], load t[r : +8, :] + 1.0;
        }
    }
}
"""


def test_an_empty_phase_runs_nothing_and_unwritten_scratch_reads_as_nan():
    y = run_kernel(compile_text(UNWRITTEN, "unwritten.pdsl"), {"x": np.ones((32, 64), np.float32)})["y"]
    assert np.all(y[:16] == 3.0) and np.isnan(y[16:]).all()


def test_every_pass_lowers_each_phase_on_its_own():
    lowered = lower(compile_text(TWO, "two.pdsl"))
    assert [p.phase for p in lowered.phases] == ["double", "inc"]
    assert all(p.plans and p.cores == ("aiv",) for p in lowered.phases)
    assert lowered.phases[1].grid.extents[0] == lowered.phases[0].grid.extents[0]  # `parts` written out


def test_each_phase_is_a_task_of_its_own_after_the_earlier_ones():
    files = generate(compile_text(TWO, "two.pdsl"), "two.pdsl")
    assert {"kernels/aiv/two_double_aiv.cpp", "kernels/aiv/two_inc_aiv.cpp"} <= set(files)
    orch = files["kernels/orchestration/two_orch.cpp"]
    assert "alloc_tensors(pdsl_info_u_t)" in orch
    first, second = orch.index("// phase double"), orch.index("// phase inc")
    assert "add_output(pdsl_u_y)" in orch[first:second]  # the first phase: as declared
    assert "add_inout(pdsl_u_y)" in orch[second:]  # later: INOUT, ordered after the first
    assert orch.count("rt_submit_aiv_task") == 2


def test_misplaced_declarations_are_located():
    text = TWO.replace("{\n    let parts", "{\n    grid (i) = (rows) on 4 blocks;\n    let parts")
    text = text.replace("phase inc {", "phase double {\n        scratch u: f32[rows, 64];")
    assert _errors(text) == [
        "bad.pdsl:4:5: error: in a kernel with phases, grids, pipes and core bodies go inside "
        "a `phase { }`",
        "bad.pdsl:14:11: error: a kernel has one phase 'double'",
        "bad.pdsl:15:17: error: scratch tensors are declared at kernel level, before the phases",
    ]


def test_launch_sizes_must_be_known_at_launch():
    text = TWO.replace("kernel two(x: in f32[rows, 64],", "kernel two(x: in f32[rows, 64], "
                       "n: in i32[1],").replace("let parts = rows / 16;",
                                               "let parts = rows / 16;\n    let k = n[0];")
    text = text.replace("scratch t: f32[parts * 16, 64];", "scratch t: f32[k * 16, 64];")
    text = text.replace("phase inc {\n        grid (i) = (parts)", "phase inc {\n        grid (i) = (k)")
    assert _errors(text) == [
        "bad.pdsl:6:20: error: a scratch dimension must be known at launch, but 'k' is not: use "
        "shape symbols, specialisations and kernel-level lets made of them",
        "bad.pdsl:15:21: error: a grid extent must be known at launch, but 'k' is not: use shape "
        "symbols, specialisations and kernel-level lets made of them",
    ]


def test_a_phase_without_a_grid_is_located():
    text = TWO.replace("        grid (i) = (parts) on 4 blocks;\n        aiv {\n"
                       "            let r = i * 16 + lane * 8;\n            store y",
                       "        aiv {\n            let r = lane * 8;\n            store y")
    assert _errors(text) == ["bad.pdsl:13:11: error: phase 'inc' declares no grid: add "
                             "`grid (i) = (extent) on N blocks;`"]
