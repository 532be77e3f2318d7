"""Prefetch on the cube core: loads in loops issued one iteration ahead, when L1 has room."""

from pypto_dsl import ir, walk
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.passes import PASSES, lower, prefetch_loads
from pypto_dsl.report import report
from pypto_dsl.verify import verify

UP_TO_PREFETCH = PASSES[:PASSES.index(prefetch_loads) + 1]


def _loads(stmts):
    return [s for s in walk.walk_stmts(stmts)
            if isinstance(s, (ir.Let, ir.Assign)) and isinstance(s.value, ir.Load)]


def _loop(stmts):
    return next(s for s in walk.walk_stmts(stmts) if isinstance(s, (ir.For, ir.PipelinedFor)))


GEMM = """
kernel gemm(a: in bf16[64, {k}], b: in bf16[{k}, 128], y: out f32[64, 128])
{{
    grid (g) = (1) on 1 blocks;
    pipe r: aic -> aiv f32[64, 128] depth 2 split rows;
    aic {{
        var acc = matmul(load a[:, 0 : +64], load b[0 : +64, :]);
        for kk in 1 .. {k} / 64 {{
            acc = matmul_acc(acc, load a[:, kk * 64 : +64], load b[kk * 64 : +64, :]);
        }}
        tpush r, acc;
    }}
    aiv {{
        store y[lane * 32 : +32, :], tpop r;
    }}
}}
"""


def test_paged_attention_loads_the_next_blocks_k_and_v_after_the_matmuls_of_the_current():
    kernel = lower(load_kernel("kernels/paged_attention.pdsl"), UP_TO_PREFETCH)
    case = kernel.aic[0].cases[3]

    loop = _loop(case.body)
    in_loop = [(s.name, s.value.tensor, type(s).__name__) for s in _loads(
        tuple(st for stage in loop.stages for st in stage.body))]
    stages = [[type(s).__name__ if not isinstance(s, (ir.Let, ir.Assign)) else
               getattr(s.value, "op", type(s.value).__name__) for s in stage.body]
              for stage in loop.stages]

    assert verify(kernel) == []
    assert in_loop == [("pdsl_t15", "key_cache", "Assign"), ("pdsl_t18", "value_cache", "Assign")]
    assert stages == [["matmul", "If", "TPush"], ["TPop", "Free", "matmul", "If", "TPush"]]


def test_the_block_table_read_moves_with_the_load_and_the_loop_no_longer_reads_it():
    kernel = lower(load_kernel("kernels/paged_attention.pdsl"), UP_TO_PREFETCH)
    case = kernel.aic[0].cases[0]

    loop = _loop(case.body)
    reads = [s.value for stage in loop.stages for s in walk.walk_stmts(stage.body)
             if isinstance(s, ir.Let) and isinstance(s.value, ir.Index)]

    assert [str(r) for r in reads] == ["block_table[b, (j + 1)]", "block_table[b, (j + 1)]"]


def test_a_k_loop_of_a_gemm_prefetches_both_operands_under_one_guard():
    kernel = lower(compile_text(GEMM.format(k=256), "gemm.pdsl"), UP_TO_PREFETCH)

    loop = _loop(kernel.aic[0].cases[0].body)
    guards = [s for s in loop.body if isinstance(s, ir.If)]

    assert len(guards) == 1
    assert [s.name for s in _loads(guards[0].then)] == ["pdsl_t2", "pdsl_t3"]


def test_a_load_of_a_tensor_the_kernel_writes_is_not_moved():
    text = GEMM.format(k=256).replace("a: in bf16", "a: inout bf16")
    kernel = lower(compile_text(text, "gemm.pdsl"), UP_TO_PREFETCH)

    loop = _loop(kernel.aic[0].cases[0].body)

    assert [s.value.tensor for s in _loads(loop.body) if isinstance(s, ir.Let)] == ["a"]
    assert kernel.prefetches[0].loads == (("pdsl_t3", "b"),)


def test_a_load_whose_address_a_loop_var_gives_is_not_moved():
    text = GEMM.format(k=256).replace(
        "for kk in 1 .. 256 / 64 {",
        "var at = 0;\n        for kk in 1 .. 256 / 64 {\n            at = at + 64;").replace(
        "load a[:, kk * 64 : +64]", "load a[:, at : +64]")
    kernel = lower(compile_text(text, "gemm.pdsl"), UP_TO_PREFETCH)

    assert kernel.prefetches[0].loads == (("pdsl_t3", "b"),)


BIG_PIPE = """
kernel big(x: in bf16[64, 256], b: in bf16[1024, 128], y: out f32[64, 128])
{
    grid (g) = (1) on 1 blocks;
    pipe p: aiv -> aic bf16[64, 256] depth 16 split rows;
    pipe r: aic -> aiv f32[64, 128] depth 2 split rows;
    aic {
        var acc = matmul(tpop p, load b[0 : +256, :]);
        for kk in 1 .. 4 {
            acc = matmul_acc(acc, tpop p, load b[kk * 256 : +256, :]);
        }
        tpush r, acc;
    }
    aiv {
        for kk in 0 .. 4 {
            tpush p, load x[lane * 32 : +32, :];
        }
        store y[lane * 32 : +32, :], tpop r;
    }
}
"""


def test_a_case_that_might_not_fit_l1_keeps_its_loads_and_the_report_says_why():
    # the bound counts pipe p at its full depth, 16 x 32 KB, though two slots are used
    kernel = lower(compile_text(BIG_PIPE, "big.pdsl"))

    (record,) = kernel.prefetches

    assert not record.fits and record.loads == ()
    assert [type(s).__name__ for s in _loads(_loop(kernel.aic[0].cases[0].body).body)] == ["Let"]
    assert "prefetch: off (L1 bound with no sharing 704 KB of 512 KB)" in report(kernel)
