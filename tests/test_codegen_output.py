"""`pypto-dsl compile`: the directory it writes, byte-identical runs, and all-or-nothing writes
(also when two compiles write one directory at once, or a compile is terminated)."""

import filecmp
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codegen_support import CORES, KERNELS, generated, kernel_path
from pypto_dsl.cli import main
from pypto_dsl.codegen import generate
from pypto_dsl.codegen.output import write_directory
from pypto_dsl.frontend import compile_text

EXPECTED = ("README.md", "golden.py", "kernels/orchestration/{k}_orch.cpp", "test_{k}.py")

BROKEN = """\
kernel gemm_epilogue(a: in bf16[m, k], out: out f32[m, k])
{
    grid (i) = (m / 16) on 24 blocks;
    aiv { store out[i * 16 : +16, :], load a[i * 16 : +16, :] +; }
}
"""


def _files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kernel", KERNELS)
def test_compile_writes_a_scene_test_directory(kernel, tmp_path):
    assert main(["compile", str(kernel_path(kernel)), "-o", str(tmp_path)]) == 0
    expected = [p.format(k=kernel) for p in EXPECTED]
    expected += [path for _, _, path in CORES[kernel]]
    assert sorted(_files(tmp_path / kernel)) == sorted(expected)
    assert [p.name for p in tmp_path.iterdir()] == [kernel]  # no staging directories left


@pytest.mark.parametrize("kernel", KERNELS)
def test_two_compiles_are_byte_identical(kernel, tmp_path):
    for out in ("one", "two"):
        assert main(["compile", str(kernel_path(kernel)), "-o", str(tmp_path / out)]) == 0
    comparison = filecmp.dircmp(tmp_path / "one" / kernel, tmp_path / "two" / kernel)
    assert _files(tmp_path / "one" / kernel) == _files(tmp_path / "two" / kernel), comparison.report()


def test_output_has_no_absolute_paths_or_time_stamps():
    for kernel in KERNELS:
        for relative, text in generated(kernel).items():
            assert str(kernel_path(kernel).parent) not in text, relative
            assert "/work/" not in text and "/tmp/" not in text, relative


def test_failed_compile_keeps_the_earlier_build(tmp_path):
    good = kernel_path("gemm_epilogue")
    assert main(["compile", str(good), "-o", str(tmp_path)]) == 0
    before = _files(tmp_path / "gemm_epilogue")
    broken = tmp_path / "broken" / "gemm_epilogue.pdsl"
    broken.parent.mkdir()
    broken.write_text(BROKEN)
    assert main(["compile", str(broken), "-o", str(tmp_path / "out")]) == 1
    assert main(["compile", str(broken), "-o", str(tmp_path)]) == 1
    assert _files(tmp_path / "gemm_epilogue") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "gemm_epilogue"]


def test_a_write_that_fails_midway_leaves_the_old_directory_and_no_partial_one(tmp_path):
    target = tmp_path / "k"
    write_directory({"a.txt": "old\n"}, target)
    # "x" is both a file and a directory: the second write fails after the first file.
    with pytest.raises(OSError):
        write_directory({"b.txt": "new\n", "x": "file\n", "x/y.txt": "nested\n"}, target)
    assert _files(target) == {"a.txt": b"old\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["k"]


# A writer of `write_directory` in a process of its own: waits for the file `go`, then writes
# the directories `targets` one after the other, each with 10 files that all say `tag`. Every
# rename sleeps first, which widens the moment between moving the earlier build aside and
# renaming the new one in, so that two such writers started together race on every target.
RACING_WRITER = """
import os, sys, time
from pathlib import Path
from pypto_dsl.codegen.output import write_directory
from pypto_dsl.frontend import compile_text

rename = os.rename
def slow_rename(source, destination):
    time.sleep(0.01)
    rename(source, destination)
os.rename = slow_rename

go, tag, *targets = sys.argv[1:]
while not Path(go).exists():
    time.sleep(0.001)
for target in targets:
    write_directory({f"f{i}.txt": tag for i in range(10)}, Path(target))
"""


def test_two_writers_of_one_directory_at_once_both_succeed_and_one_build_is_left(tmp_path):
    targets = [tmp_path / f"k{r}" for r in range(8)]
    for target in targets:
        write_directory({"earlier.txt": "earlier"}, target)
    writers = [subprocess.Popen([sys.executable, "-c", RACING_WRITER, str(tmp_path / "go"), tag,
                                 *map(str, targets)], stderr=subprocess.PIPE, text=True)
               for tag in ("one", "two")]
    (tmp_path / "go").touch()

    results = [(w.wait(timeout=120), w.stderr.read()) for w in writers]

    builds = {target.name: {text for text in _files(target).values()} for target in targets}
    assert results == [(0, ""), (0, "")]
    assert all(len(_files(target)) == 10 and len(builds[target.name]) == 1 for target in targets)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["go"] + [t.name for t in targets]


# Writes 20000 files into `target`, slowly enough to be interrupted while they are written.
SLOW_WRITER = """
import sys
from pathlib import Path
from pypto_dsl.codegen.output import write_directory
from pypto_dsl.frontend import compile_text

write_directory({f"d{i % 100}/f{i}.txt": "new" for i in range(20000)}, Path(sys.argv[1]))
"""


def test_sigterm_during_a_write_leaves_the_earlier_build_and_no_hidden_directories(tmp_path):
    target = tmp_path / "k"
    write_directory({"a.txt": "old\n"}, target)
    writer = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)])
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".k.new-*/d*")) and time.monotonic() < deadline:
        time.sleep(0.01)

    writer.send_signal(signal.SIGTERM)

    assert writer.wait(timeout=60) == -signal.SIGTERM
    assert _files(target) == {"a.txt": b"old\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["k"]


TWO_OUTPUTS = """\
kernel two_out(x: in f32[16, 64], a: out f32[16, 64], b: inout f32[16, 64])
{
    grid (i) = (1) on 1 blocks;
    aiv {
        let t = load x[lane * 8 : +8, :];
        store a[lane * 8 : +8, :], t;
        store b[lane * 8 : +8, :], t + load b[lane * 8 : +8, :];
    }
}
"""


def test_the_scene_test_checks_the_golden_returns_every_output_as_run_check_does():
    scene = generate(compile_text(TWO_OUTPUTS, "two_out.pdsl"), "two_out.pdsl")["test_two_out.py"]

    assert ('OUTPUTS = ("a", "b")' in scene, "golden.expected(inputs, OUTPUTS)" in scene) == (
        True, True)


def test_the_scene_test_compares_each_case_with_the_tolerance_run_check_uses():
    scene = generate(compile_text(TWO_OUTPUTS, "two_out.pdsl"), "two_out.pdsl")["test_two_out.py"]

    assert "self.RTOL, self.ATOL = golden.tolerance(case)" in scene
