"""Sync insertion: every dependency ordered, nothing redundant, the hand-written kernel's budget.

The budget is counted in simpler HEAD 6ebaf7715, tests/st/a2a3/tensormap_and_ringbuffer/
spmd_paged_attention/kernels/mix/paged_attention_parallel.cpp (the source has 14 set/wait and
19 barrier sites; its helpers run once per KV block):
- AIC, per KV block: QK step MTE2->MTE1, MTE1->M, M->FIX, FIX->S; PV step the same: 8 set/wait.
- AIV, per KV block in the steady loop: MTE2->V, V->MTE3 (softmax), MTE2->V (update): 3
  set/wait; 1 barrier at the loop head, 7 in softmax (8 when the block is the partial last one),
  6 in update: 14 barriers.
- AIV, per logical block of n KV blocks: 3n + 2 set/wait (V->MTE3 and MTE3->S at the end) and
  9 + 14 (n - 1) barriers, plus one when the last block is partial.
Ours, AIV: 8n + 1 barriers per logical block, plus one when n = 1 and that block is partial (the
barrier after the first block's pad_cols is guarded by the pad's condition, valid < cols; in
the steady loop that barrier also orders the previous block's reads, so it stays).
"""

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pypto_dsl import ir
from pypto_dsl.frontend import compile_text, load_kernel
from pypto_dsl.passes import PASSES, insert_syncs, lower
from pypto_dsl.passes.schedule import samples
from pypto_dsl.passes.syncs import plan_syncs
from pypto_dsl.report import sync_counts, sync_profile
from pypto_dsl.verify import verify

sys.path.insert(0, str(Path(__file__).parent))
from hazards import executed_barriers, unordered_pairs  # noqa: E402  (a helper module next to the tests)
from pypto_dsl import walk

BEFORE_SYNCS = PASSES[:PASSES.index(insert_syncs)]
KERNELS = ["kernels/paged_attention.pdsl", "kernels/gemm_epilogue.pdsl"]
# {"n": ...} leaves the valid lengths unknown (every pad and guarded barrier runs); {"ctx": ...}
# gives them (a pad and its guarded barrier run only for a partial block).
TRIPS = {"paged_attention": [[{"n": 1}], [{"n": 2}], [{"n": 3}, {"n": 0}, {"n": 4}],
                             [{"ctx": 1}], [{"ctx": 64}], [{"ctx": 128}, {"ctx": 65}],
                             [{"ctx": 200}, {"ctx": 0}, {"ctx": 256}, {"ctx": 127}]],
         "gemm_epilogue": [[{"k": 64}], [{"k": 256}, {"k": 192}]]}


def _syncs(stmts):
    return [s for s in walk.walk_stmts(stmts) if isinstance(s, ir.Sync)]


def _aiv(text):
    return list(lower(compile_text(text, "inline.pdsl")).aiv[0].cases[0].body)


@pytest.fixture(scope="module")
def attention():
    return lower(load_kernel("kernels/paged_attention.pdsl"))


@pytest.mark.parametrize("path", KERNELS)
def test_the_counts_the_pass_reports_are_the_syncs_in_the_ir(path):
    kernel, reported = plan_syncs(lower(load_kernel(path), BEFORE_SYNCS))

    assert verify(kernel) == []
    assert reported == sync_counts(kernel)


@pytest.mark.parametrize("path", KERNELS)
def test_every_conflicting_pair_of_accesses_is_ordered(path):
    kernel = lower(load_kernel(path))

    for core in ("aic", "aiv"):
        for case in kernel.body(core)[0].cases:
            for blocks in TRIPS[kernel.name]:
                assert unordered_pairs(kernel, case, core, blocks) == [], (core, case.values, blocks)


def _without(stmts, target, seen):
    out = []
    for s in stmts:
        if isinstance(s, ir.Sync):
            seen.append(s)
            if len(seen) - 1 == target:
                continue
        if isinstance(s, ir.For):
            s = replace(s, body=_without(s.body, target, seen))
        elif isinstance(s, ir.If):
            s = replace(s, then=_without(s.then, target, seen),
                        orelse=_without(s.orelse, target, seen))
        out.append(s)
    return tuple(out)


@pytest.mark.parametrize("path,index", [("kernels/paged_attention.pdsl", 3),
                                        ("kernels/gemm_epilogue.pdsl", 1)])
def test_no_sync_is_redundant(path, index):
    """Dropping any one sync leaves a pair of conflicting accesses unordered."""
    kernel = lower(load_kernel(path))

    for core in ("aic", "aiv"):
        case = kernel.body(core)[0].cases[index]
        for target in range(len(_syncs(case.body))):
            weaker = replace(case, body=_without(case.body, target, []))
            assert any(unordered_pairs(kernel, weaker, core, blocks) for blocks in TRIPS[kernel.name]), (
                core, target, _syncs(case.body)[target])


def test_paged_attention_needs_no_more_syncs_than_the_hand_written_kernel(attention):
    for label, (outside, per_block) in sync_profile(attention)["aic"].items():
        assert (per_block.set_wait, per_block.barriers) == (8, 0), label
        for n in range(1, 17):  # the loop runs n - 1 times
            assert outside.set_wait + (n - 1) * per_block.set_wait <= 8 * n, label
    for label, (outside, per_block) in sync_profile(attention)["aiv"].items():
        assert (per_block.set_wait, per_block.barriers) == (3, 8), label  # reference: 3, 14
        assert per_block.guarded == 0, label
        for n in range(1, 17):
            assert outside.set_wait + (n - 1) * per_block.set_wait <= 3 * n + 2, label
            barriers = outside.barriers + (n - 1) * per_block.barriers
            assert barriers <= 9 + 14 * (n - 1), label  # every block full
            # the guarded barrier runs only when the first block is the partial last one
            assert barriers + outside.guarded <= 9 + 14 * (n - 1) + 1, label
        # n = 1 with a full block: 9, as the reference; the barrier after the pad is guarded.
        assert (outside.barriers, outside.guarded) == (9, 1), label


def test_paged_attention_aiv_executes_8n_plus_1_barriers_per_logical_block(attention):
    """Counted by running the case body: 8n + 1, plus one when n = 1 and the block is partial."""
    for case in attention.aiv[0].cases:
        block_size = dict(zip(attention.aiv[0].symbols, case.values))["block_size"]
        for n in range(1, 5):
            full = executed_barriers(attention, case, "aiv", [{"ctx": n * block_size}])
            partial = executed_barriers(attention, case, "aiv", [{"ctx": n * block_size - 1}])
            assert (full, partial) == (8 * n + 1, 8 * n + 1 + (n == 1)), (case.values, n)


def _guarded(stmts, guard):
    out = []
    for s in stmts:
        if isinstance(s, ir.Sync) and s.guard is not None:
            s = replace(s, guard=guard)
        if isinstance(s, ir.For):
            s = replace(s, body=_guarded(s.body, guard))
        elif isinstance(s, ir.If):
            s = replace(s, then=_guarded(s.then, guard), orelse=_guarded(s.orelse, guard))
        out.append(s)
    return tuple(out)


def test_a_guarded_barrier_that_does_not_run_when_its_pad_runs_leaves_the_pad_unordered(attention):
    """The checker models the guard: with the guard never true, a partial block's pad is
    unordered before its consumer; with the guard always true, nothing is unordered."""
    never, always = ir.Const(False, None, ir.BOOL), ir.Const(True, None, ir.BOOL)
    for case in attention.aiv[0].cases:
        assert any(s.guard is not None for s in _syncs(case.body)), case.values
        for blocks in ([{"ctx": 1}], [{"ctx": 63}]):  # n = 1, partial
            assert unordered_pairs(attention, replace(case, body=_guarded(case.body, never)), "aiv", blocks)
            assert not unordered_pairs(attention, replace(case, body=_guarded(case.body, always)), "aiv",
                                       blocks)


def test_paged_attention_has_as_many_barriers_in_its_text_as_the_hand_written_kernel(attention):
    for label, counts in sync_counts(attention)["aiv"].items():
        assert counts.barriers <= 19, label


def test_qk_and_pv_steps_use_event_ids_0_and_1_and_drains_id_7(attention):
    case = attention.aic[0].cases[3]
    lines = {s.span.line for s in _syncs(case.body) if s.kind == "flag"}

    events = {(s.span.line, s.event) for s in _syncs(case.body) if s.kind == "flag"}

    qk, pv = sorted(lines)
    assert events == {(qk, 0), (pv, 1)}
    assert {s.event for s in _syncs(case.body) if s.kind == "drain"} == {7}


def test_every_tpush_on_the_cube_is_followed_by_a_drain(attention):
    for case in attention.aic[0].cases:
        stmts = list(walk.walk_stmts(case.body))
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, ir.TPush):
                assert stmts[i + 1] == ir.Sync("drain", "FIX", "S", 7)


INDEPENDENT = """
kernel indep(x: in f32[16, 64], y: out f32[16, 64], z: out f32[16, 64])
{
    grid (g) = (1) on 1 blocks;
    aic { }
    aiv {
        let v = load x[lane * 8 : +8, :];
        let a = v * 2.0;
        let b = v + 1.0;
        store y[lane * 8 : +8, :], a;
        store z[lane * 8 : +8, :], b;
    }
}
"""


def test_independent_vector_ops_get_nothing_between_them_and_one_flag_each_way():
    body = _aiv(INDEPENDENT)

    kinds = [type(s).__name__ if not isinstance(s, ir.Sync) else f"{s.kind} {s.src}->{s.dst}"
             for s in body]

    # The grid coordinate, the load, then the two independent ops with nothing between them.
    assert kinds == ["Let", "Let", "flag MTE2->V", "Let", "Let", "flag V->MTE3", "Store", "Store",
                     "drain MTE3->S"]


def test_dependent_vector_ops_get_exactly_one_barrier():
    body = _aiv(INDEPENDENT.replace("let b = v + 1.0;", "let b = a + 1.0;"))

    between = body[body.index(next(s for s in body if getattr(s, "name", "") == "a")) + 1:
                   body.index(next(s for s in body if getattr(s, "name", "") == "b"))]

    assert between == [ir.Sync("barrier", "V", "", 0)]


LOOP = """
kernel loop(x: in f32[m, 64], y: out f32[m, 64])
{
    grid (g) = (1) on 1 blocks;
    aic { }
    aiv {
        for j in 0 .. m / 16 {
            let v = load x[j * 16 + lane * 8 : +8, :];
            store y[j * 16 + lane * 8 : +8, :], v * 2.0;
        }
    }
}
"""


def test_a_dependency_around_the_back_edge_gets_its_sync():
    """The store of iteration j reads the product that iteration j + 1 overwrites (MTE3 -> V),
    and the load of j + 2 reuses the ping/pong buffer the product of j read (V -> MTE2)."""
    kernel = lower(compile_text(LOOP, "loop.pdsl"))
    case = kernel.aiv[0].cases[0]
    (loop,) = [s for s in case.body if isinstance(s, ir.For)]

    pairs = {(s.src, s.dst) for s in _syncs(loop.body)}

    assert ("MTE3", "V") in pairs
    for blocks in ([{"m": 16}], [{"m": 64}, {"m": 48}]):
        assert unordered_pairs(kernel, case, "aiv", blocks) == []


def _all_kernels():
    from test_codegen_ops import OP_ZOO

    kernels = [(path, load_kernel(path)) for path in KERNELS]
    kernels += [("op_zoo", compile_text(OP_ZOO, "op_zoo.pdsl")), ("loop", compile_text(LOOP, "loop.pdsl"))]
    return kernels


@pytest.mark.parametrize("name, checked", _all_kernels(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_kernel_case_and_sampled_input_leaves_no_pair_unordered(name, checked):
    """The hazard checker, with the other core's program order (not the sync pass's
    handoffs), over every case and four sampled inputs of two logical blocks each."""
    kernel = lower(checked)

    for core in ("aic", "aiv"):
        for case in kernel.body(core)[0].cases:
            for sample in list(samples(kernel, kernel.cases[case.index]))[:4]:
                assert unordered_pairs(kernel, case, core, [{}, {}], sample) == [], (
                    name, core, case.values, sample.describe())
