"""The cost model against hardware (`make bench`): predicted / measured for the kernels whose
hand-written counterparts were measured on a 910B (docs/cost-model.md, "Validation").

`predict(kernel_path, case)` is the one call that prints a kernel variant's predicted time, so
comparing two variants (say, before and after an optimisation) is two calls:

    from benchmarks.cost import predict
    predict("kernels/paged_attention.pdsl", "Case1")
    predict("other/paged_attention.pdsl", "Case1")
"""

from __future__ import annotations

from pathlib import Path

from pypto_dsl.cost.profile import predict_file
from pypto_dsl.passes import PASSES
from pypto_dsl.passes.copies import coalesce_copies
from pypto_dsl.passes.prefetch import prefetch_loads

ROOT = Path(__file__).resolve().parent.parent
SETS = ("calibrated", "flat", "fitted")
LOW, HIGH = 0.7, 1.3  # the band a validated parameter set lands in
# "Today's kernel", which validation costs and the optimisations are measured against: the
# compiler's pass list without the passes issue 10 added to speed kernels up (the K/V prefetch
# on the cube core, copy coalescing on the vector cores).
OPTIMISING = (prefetch_loads, coalesce_copies)
BASELINE = tuple(p for p in PASSES if p not in OPTIMISING)

# (kernel, case, hardware blocks or None, measured seconds (best, worst), what was measured)
HARDWARE = (
    ("paged_attention", "Case1", None, (1.268e-3, 1.628e-3),
     "hand-written pto-isa kernel 1.268-1.386 ms, FFTS variant 1.628 ms (simpler)"),
    ("paged_attention", "Case2", None, (0.670e-3, 0.864e-3),
     "hand-written 0.670-0.766 ms, FFTS variant 0.864 ms (simpler)"),
    ("flash_attention", "bench_h1_q128_k1024", 1, (42.08e-6, 42.08e-6),
     "pto-isa manual kernel on 1 core, 42.08 us"),
)


def predict(kernel_path, case=None, params: str = "", blocks=None, quiet: bool = False,
            passes=None):
    """Predict and print one kernel file on one golden case; returns the Prediction."""
    p = predict_file(kernel_path, case, params, blocks=blocks, passes=passes)
    if not quiet:
        core, pipe = p.critical_pipe
        print(f"  {p.kernel} {p.case} [{p.params.name}]: {p.seconds * 1e6:9.2f} us "
              f"(critical {core} {pipe}, {p.hbm_gbps:6.0f} GB/s, {p.tflops:5.1f} TFLOPS)")
    return p


def validate() -> None:
    print("cost model: predicted / measured on the hardware figures (ratio to the best and the "
          f"worst measurement; a validated set lands in {LOW}x-{HIGH}x of the best), for "
          "today's kernel: compiled without the optimisation passes")
    verdict = {}
    for name, case, blocks, (best, worst), what in HARDWARE:
        print(f"{name} {case}: {what}")
        for params in SETS:
            p = predict(ROOT / "kernels" / f"{name}.pdsl", case, params, blocks, quiet=True,
                        passes=BASELINE)
            ratio = p.seconds / best
            inside = LOW <= ratio <= HIGH
            verdict.setdefault(params, []).append(inside)
            worst_text = f", {p.seconds / worst:4.2f}x of the worst" if worst != best else ""
            print(f"  {params:<10} {p.seconds * 1e6:9.2f} us   {ratio:4.2f}x of the best"
                  f"{worst_text}   {'within' if inside else 'OUTSIDE'} {LOW}-{HIGH}x   "
                  f"(critical {' '.join(p.critical_pipe)}, {p.hbm_gbps:.0f} GB/s)")
    for params, results in verdict.items():
        print(f"  {params}: {sum(results)} of {len(results)} within {LOW}-{HIGH}x")


# (what, (kernel, case) before, (kernel, case) after, the speed-up the issue asks for); before
# is today's kernel (BASELINE passes), after the kernel the compiler now builds.
OPTIMISATIONS = (
    ("Case1 (256 seq x 16 heads, ctx 8192), prefetch + copy coalescing",
     ("paged_attention", "Case1"), ("paged_attention", "Case1"), 1.5),
    ("Case2 (64 seq x 64 heads, ctx 8192), prefetch + copy coalescing",
     ("paged_attention", "Case2"), ("paged_attention", "Case2"), 2.0),
    ("batch 4 x 16 heads, ctx 32768, split-KV + prefetch + copy coalescing",
     ("paged_attention", "batch4_ctx32768"), ("paged_attention_split", "batch4_ctx32768"), 2.0),
)


def optimisations(params: str = "calibrated") -> None:
    """Each optimisation's predicted time before and after, with the validated set."""
    print(f"optimisations: predicted before (today's kernel) / after, with the validated set "
          f"({params})")
    for what, (k0, c0), (k1, c1), target in OPTIMISATIONS:
        before = predict(ROOT / "kernels" / f"{k0}.pdsl", c0, params, quiet=True,
                         passes=BASELINE)
        after = predict(ROOT / "kernels" / f"{k1}.pdsl", c1, params, quiet=True)
        speedup = before.seconds / after.seconds
        print(f"  {what}: {before.seconds * 1e6:9.2f} us -> {after.seconds * 1e6:9.2f} us = "
              f"{speedup:4.2f}x (target {target}x: {'met' if speedup >= target else 'NOT met'};"
              f" after: critical {' '.join(after.critical_pipe)}, {after.hbm_gbps:.0f} GB/s, "
              f"roofline floor {after.floor_seconds * 1e6:.1f} us)")
