"""Copy coalescing: `v = x` of a fresh vector result costs no instruction."""

from pypto_dsl import ir, walk
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.passes import PASSES, coalesce_copies, lower
from pypto_dsl.verify import verify

UP_TO_COPIES = PASSES[:PASSES.index(coalesce_copies) + 1]

RUNNING_MAX = """
kernel running_max(x: in f32[16, 512], y: out f32[16, 1])
{{
    grid (g) = (1) on 1 blocks;
    aiv {{
        var m = fill(f32[8, 1], -inf);
        for j in 0 .. 4 {{
            let m_new = max(m, rowmax(load x[lane * 8 : +8, j * 128 : +128]));
            let d = m - m_new;
            m = m_new;
            {extra}
        }}
        store y[lane * 8 : +8, :], m;
    }}
}}
"""


def _copies(stmts):
    return [s for s in walk.walk_stmts(stmts)
            if isinstance(s, ir.Assign) and isinstance(s.value, ir.Name)]


def test_the_online_softmax_max_is_computed_into_the_next_version_of_m():
    kernel = lower(load_kernel("kernels/paged_attention.pdsl"), UP_TO_COPIES)
    body = kernel.aiv[0].cases[3].body

    updates = [str(s.value) for s in walk.walk_stmts(body)
               if isinstance(s, ir.Assign) and s.name == "m"]

    assert verify(kernel) == [] and _copies(body) == []
    assert updates == ["max(pdsl_was_m, pdsl_t61)"]


def test_the_var_gets_a_second_version_instead_of_the_copy():
    kernel = lower(load_kernel("kernels/paged_attention.pdsl"))

    m = kernel.plans[3].aiv.tile("m")

    assert m.versions == 2


def test_reads_of_the_old_value_between_read_the_alias():
    kernel = lower(compile_text(RUNNING_MAX.format(extra=""), "m.pdsl"), UP_TO_COPIES)
    loop = next(s for s in walk.walk_stmts(kernel.aiv) if isinstance(s, ir.For))

    subs = [str(s.value) for s in loop.body if isinstance(s, ir.Let)
            and getattr(s.value, "op", "") == "sub"]

    assert subs == ["sub(pdsl_was_m, m)"]


def test_a_var_assigned_again_after_the_copy_keeps_the_copy():
    text = RUNNING_MAX.format(extra="m = m + d;")
    kernel = lower(compile_text(text, "m.pdsl"), UP_TO_COPIES)

    assert [s.name for s in _copies(kernel.aiv)] == ["m"]
