"""`pypto-dsl compile --report`: the memory map and sync counts per core and case."""

from pypto_dsl.frontend import load_kernel
from pypto_dsl.passes import lower
from pypto_dsl.platform import KB
from pypto_dsl.report import memory_totals, report, sync_counts


def _attention():
    return lower(load_kernel("kernels/paged_attention.pdsl"))


def test_the_report_has_a_section_per_core_and_case_with_map_totals_and_syncs():
    text = report(_attention())

    section = text.split("\naiv q_tile=64, block_size=128\n")[1].split("\n\n")[0]

    assert "pipe sij" in section and "2 slots of 32 KB: 0x00000+16 KB, 0x08000+16 KB" in section
    assert "  peak: UB 144.8 KB of 184 KB" in section  # m: two 128 B versions, no copy
    assert ("  syncs: 9 set/wait (MTE2->V 4, V->MTE3 4; 1 drains), 18 barriers, "
            "1 guarded barriers (only when their pad_cols pads)") in section
    assert text.count("\naic q_tile=") == 4 and text.count("\naiv q_tile=") == 4


def test_the_report_is_deterministic():
    assert report(_attention()) == report(_attention())


def test_memory_totals_give_peak_and_capacity_per_buffer():
    totals = memory_totals(_attention())

    # L1: the pij slots 32 KB, q 16 KB, K and V 2 x 32 KB each (prefetched, so they no longer
    # share bytes)
    assert totals["aic"]["q_tile=64, block_size=128"] == {
        "L1": (176 * KB, 512 * KB), "L0A": (16 * KB, 64 * KB), "L0B": (32 * KB, 64 * KB),
        "L0C": (32 * KB, 128 * KB)}


def test_the_report_gives_the_prefetch_decision_of_each_aic_case():
    text = report(_attention())

    assert ("prefetch: pdsl_t15 (key_cache), pdsl_t18 (value_cache) loaded one iteration ahead "
            "(L1 bound with no sharing 176 KB of 512 KB)") in text


def test_sync_counts_count_flag_pairs_barriers_and_drains():
    counts = sync_counts(_attention())["aic"]["q_tile=64, block_size=128"]

    assert counts.flags == ((("M", "FIX"), 4), (("MTE1", "M"), 4), (("MTE2", "MTE1"), 4))
    assert (counts.barriers, counts.drains, counts.set_wait) == (0, 4, 16)
