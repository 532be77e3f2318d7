"""Software pipelining: the loop shape it produces and the orders it refuses."""

import pytest

from pypto_dsl import ir
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.passes import flatten, insert_frees, lower, pipeline, specialize
from pypto_dsl.printer import print_stmts
from pypto_dsl.verify import verify
from pypto_dsl import walk

TWO_STAGES = """
kernel two_stages(x: in f32[n, 64], weights: in bf16[64, 64], y: out f32[n, 64])
{{
    grid (g) = (1) on 1 blocks;
    pipe fwd: aiv -> aic bf16[16, 64] depth 2 split rows;
    pipe back: aic -> aiv f32[16, 64] depth 2 split rows;
    aic {{
        for j in 0 .. n / 16 {{
            tpush back, matmul(tpop fwd, load weights[:, :]);
        }}
    }}
    aiv {{
        var acc = fill(f32[8, 64], 0.0);
        var seen = fill(f32[8, 1], 0.0);
        pipelined for j in 0 .. n / 16 {{
            stage first {{
                let v = load x[j * 16 + lane * 8 : +8, :];
                {first_extra}
                tpush fwd, cast<bf16>(v);
            }}
            stage second {{
                acc = acc + tpop back;
                {second_extra}
            }}
        }}
        store y[lane * 8 : +8, :], acc;
    }}
}}
"""


def _lowered_aiv(text: str) -> tuple:
    kernel = compile_text(text, "two.pdsl")
    for each in (specialize, flatten, insert_frees, pipeline):
        kernel = each(kernel)
    assert verify(kernel) == []
    return kernel.aiv[0].cases[0].body


def test_two_stage_loop_becomes_prologue_steady_epilogue():
    body = _lowered_aiv(TWO_STAGES.format(first_extra="", second_extra=""))

    guard = next(s for s in body if isinstance(s, ir.If))

    kinds = [type(s).__name__ for s in guard.then]
    assert kinds == ["Let", "Let", "TPush", "For", "Let", "Free", "Assign"]


def test_values_crossing_stages_are_versioned():
    text = TWO_STAGES.format(first_extra="let w = v * 2.0;", second_extra="acc = acc + w;")
    body = _lowered_aiv(text)

    steady = next(s for s in walk.walk_stmts(body) if isinstance(s, ir.For))

    assert "let pdsl_prev_w: f32[8, 64] = w" in print_stmts(steady.body, 0)[0]
    assert any("add(acc, pdsl_prev_w)" in line for line in print_stmts(steady.body, 0))


def test_var_updated_in_a_later_stage_and_read_earlier_is_rejected():
    text = TWO_STAGES.format(first_extra="let w = v + seen;", second_extra="seen = rowsum(acc);")
    kernel = compile_text(text, "two.pdsl")

    with pytest.raises(CompileError) as error:
        lower(kernel)

    assert error.value.diagnostics[0].message.startswith(
        "'seen' is updated in stage 'second' and read in the earlier stage 'first'")
    assert (error.value.diagnostics[0].span.line, error.value.diagnostics[0].span.column) == (23, 17)
