"""`pypto-dsl profile` and `tune` from the command line: every kernel of kernels/ profiles on
its default case, the trace is Chrome trace-event JSON with flows, the plot a PNG, and user
mistakes are one message with exit 1."""

import json
from pathlib import Path

import pytest

from pypto_dsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
KERNELS = sorted((ROOT / "kernels").glob("*.pdsl"))
PAGED = str(ROOT / "kernels" / "paged_attention.pdsl")


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda p: p.stem)
def test_every_kernel_profiles_on_its_default_case(kernel, capsys):
    assert main(["profile", str(kernel)]) == 0
    out = capsys.readouterr().out
    assert "predicted time" in out and "critical pipe" in out


def test_the_trace_is_chrome_trace_json_with_flag_and_fifo_flows(tmp_path, capsys):
    trace = tmp_path / "pa.json"
    assert main(["profile", PAGED, "--trace", str(trace)]) == 0
    events = json.loads(trace.read_text())["traceEvents"]
    names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert {"MTE2", "MTE1", "M", "FIX", "V", "MTE3"} <= names
    slices = [e for e in events if e["ph"] == "X"]
    assert any(e["name"].startswith("matmul paged_attention.pdsl:") for e in slices)
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    ends = {e["id"]: e for e in events if e["ph"] == "f"}
    assert starts and starts.keys() == ends.keys()
    assert {e["name"] for e in starts.values()} >= {"flag", "tpush sij", "tpush pij"}
    assert all(ends[i]["ts"] >= s["ts"] for i, s in starts.items())


def test_the_plot_is_a_png(tmp_path, capsys):
    plot = tmp_path / "lanes.png"
    assert main(["profile", PAGED, "--plot", str(plot), "--window", "0:2"]) == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_parameter_set_and_platform_figures_are_selectable(capsys):
    assert main(["profile", PAGED, "--params", "fitted", "--hbm-gbps", "1800",
                 "--clock-ghz", "1.5", "--flag-latency", "0"]) == 0
    out = capsys.readouterr().out
    assert "parameters fitted (HBM 1800 GB/s, clock 1.5 GHz, cross-core flag latency 0" in out


def test_tune_ranks_the_candidates_and_names_a_winner(capsys):
    flash = str(ROOT / "kernels" / "flash_attention.pdsl")  # no specialisation: 4 depths
    assert main(["tune", flash]) == 0
    out = capsys.readouterr().out
    assert "depth=2" in out and "(as written)" in out and "winner: depth=" in out


@pytest.mark.parametrize("argv, message", [
    (["profile", PAGED, "--case", "nope"], "has no case 'nope'; the cases are small_q16_bs128"),
    (["profile", PAGED, "--params", "nope"], "unknown parameter set 'nope'"),
    (["profile", PAGED, "--trace", "/nonexistent/dir/t.json"], "does not exist"),
    (["profile", PAGED, "--window", "5:1"], "expected START:END"),
    (["profile", PAGED, "--hbm-gbps", "0"], "must be more than 0"),
    (["profile", PAGED, "--cluster", "7"], "hardware blocks 0 to 2"),
    (["tune", PAGED, "--case", "nope"], "has no case 'nope'"),
])
def test_a_user_mistake_is_one_message_and_exit_1(argv, message, capsys):
    try:
        code = main(argv)
    except SystemExit as bad_command_line:  # argparse's own exit, made 1 by the CLI
        code = bad_command_line.code
    assert code == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
