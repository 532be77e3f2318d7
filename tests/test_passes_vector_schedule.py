"""Vector scheduling: independent vector ops are grouped into dependency levels."""

import numpy as np

from pypto_dsl import ir
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.passes import PASSES, lower, schedule_vector_ops
from pypto_dsl.printer import print_stmts
from pypto_dsl.verify import verify
from pypto_dsl import walk

SCHEDULED = PASSES[:PASSES.index(schedule_vector_ops) + 1]
BEFORE = PASSES[:PASSES.index(schedule_vector_ops)]

CHAINS = """
kernel chains(x: in f32[16, 64], y: out f32[16, 64])
{
    grid (g) = (1) on 1 blocks;
    aic { }
    aiv {
        let a = load x[lane * 8 : +8, :];
        let b = a * 2.0;
        let c = b + 1.0;
        let d = a * 3.0;
        let e = d + 1.0;
        store y[lane * 8 : +8, :], c * e;
    }
}
"""


def _aiv_lines(kernel):
    return print_stmts(kernel.aiv[0].cases[0].body, 0)


def test_independent_ops_move_up_to_the_level_of_their_operands():
    kernel = lower(compile_text(CHAINS, "chains.pdsl"), SCHEDULED)

    lets = [line.split(" = ")[1] for line in _aiv_lines(kernel) if line.startswith("let")]
    ops = lets[2:]  # after the grid coordinate and the load

    assert ops == ["muls(a, 2.0)", "muls(a, 3.0)", "adds(b, 1.0)", "adds(d, 1.0)", "mul(c, e)"]
    assert verify(kernel) == []


def test_scheduling_keeps_every_value():
    kernel = compile_text(CHAINS, "chains.pdsl")
    inputs = {"x": np.random.default_rng(0).standard_normal((16, 64)).astype(np.float32)}

    before = run_kernel(lower(kernel, BEFORE), inputs)["y"]
    after = run_kernel(lower(kernel, SCHEDULED), inputs)["y"]

    assert np.array_equal(before, after)


def test_statements_of_other_pipes_stay_in_place():
    kernel = lower(load_kernel("kernels/paged_attention.pdsl"), SCHEDULED)
    before = lower(load_kernel("kernels/paged_attention.pdsl"), BEFORE)

    def others(k):
        return [s for s in walk.walk_stmts(k.aiv) if isinstance(s, (ir.TPush, ir.Store, ir.Free))
                or (isinstance(s, ir.Let) and isinstance(s.value, (ir.TPop, ir.Load, ir.Name)))]

    assert others(kernel) == others(before)
