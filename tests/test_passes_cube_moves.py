"""Explicit cube moves: every matmul operand reaches L0A / L0B through a move right before it."""

import pytest

from pypto_dsl import ir
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.passes import PASSES, expand_cube_moves, lower, pipeline
from pypto_dsl.verify import verify
from pypto_dsl import walk

UP_TO_MOVES = PASSES[:PASSES.index(expand_cube_moves) + 1]


def _matmul_sites(stmts):
    """(statement list, index) of every matmul / matmul_acc statement."""
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, (ir.Let, ir.Assign)) and getattr(stmt.value, "op", "") in (
                "matmul", "matmul_acc"):
            yield stmts, i
        for body in walk.bodies(stmt):
            yield from _matmul_sites(body)


@pytest.mark.parametrize("path", ["kernels/paged_attention.pdsl", "kernels/gemm_epilogue.pdsl"])
def test_every_matmul_reads_moves_placed_right_before_it(path):
    kernel = lower(load_kernel(path), UP_TO_MOVES)

    sites = list(_matmul_sites(kernel.aic))

    assert sites and verify(kernel) == []
    for stmts, i in sites:
        left, right = stmts[i].value.args[-2:]
        assert (stmts[i - 2].name, stmts[i - 2].value.op) == (left.name, "move_left")
        assert (stmts[i - 1].name, stmts[i - 1].value.op) == (right.name, "move_right")


def test_copies_of_one_matmul_made_by_pipelining_share_the_move_names():
    kernel = lower(load_kernel("kernels/paged_attention.pdsl"), UP_TO_MOVES)
    case = kernel.aic[0].cases[3]

    lefts = {s.value.args[0].name: s.name for s in walk.walk_stmts(case.body)
             if isinstance(s, ir.Let) and getattr(s.value, "op", "") == "move_left"}

    assert lefts == {"q": "pdsl_left_0", "pdsl_t17": "pdsl_left_11"}


def test_a_matmul_result_used_as_an_operand_is_reported_at_its_use():
    text = """
kernel chain(a: in f32[16, 16], b: in f32[16, 16], y: out f32[16, 16])
{
    grid (g) = (1) on 1 blocks;
    pipe r: aic -> aiv f32[16, 16] depth 2 split rows;
    aic {
        let c = matmul(load a[:, :], load b[:, :]);
        tpush r, matmul(c, load b[:, :]);
    }
    aiv {
        store y[lane * 8 : +8, :], tpop r;
    }
}
"""
    kernel = compile_text(text, "chain.pdsl")

    with pytest.raises(CompileError) as error:
        lower(kernel, PASSES[:PASSES.index(pipeline) + 1] + (expand_cube_moves,))

    diagnostic = error.value.diagnostics[0]
    assert (diagnostic.span.line, diagnostic.span.column) == (8, 25)
    assert diagnostic.message.startswith("'c' is a matmul result (in L0C)")
