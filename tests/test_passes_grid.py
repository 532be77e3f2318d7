"""Grid lowering: the grid variables are computed row-major from the logical block index."""

from pypto_dsl.frontend import compile_text
from pypto_dsl.passes import lower, lower_grid, specialize
from pypto_dsl.printer import print_stmts

THREE_D = """
kernel cube(x: in f32[a, b, c], y: out f32[a, b, c])
specialize c in {64}
{
    grid (i, j, k) = (a, b / 16, c / 64) on 8 blocks;
    aic { }
    aiv {
        store y[i, j * 16 + lane * 8 : +8, k * 64 : +64], load x[i, j * 16 + lane * 8 : +8, k * 64 : +64];
    }
}
"""


def test_each_case_starts_by_decomposing_the_logical_block():
    kernel = lower(compile_text(THREE_D, "cube.pdsl"), (specialize, lower_grid))

    lines = print_stmts(kernel.aiv[0].cases[0].body, 0)[:3]

    assert lines == [
        "let i: i64 = (pdsl_lb / ((b / 16) * 1))",
        "let j: i64 = ((pdsl_lb / 1) % (b / 16))",
        "let k: i64 = (pdsl_lb % 1)",
    ]
