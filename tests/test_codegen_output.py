"""`pypto-dsl compile`: the directory it writes, byte-identical runs, and all-or-nothing writes."""

import filecmp
from pathlib import Path

import pytest

from codegen_support import KERNELS, generated, kernel_path
from pypto_dsl.cli import main
from pypto_dsl.codegen.output import write_directory

EXPECTED = ("README.md", "golden.py", "kernels/aic/{k}_aic.cpp", "kernels/aiv/{k}_aiv.cpp",
            "kernels/orchestration/{k}_orch.cpp", "test_{k}.py")

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
    assert sorted(_files(tmp_path / kernel)) == sorted(p.format(k=kernel) for p in EXPECTED)
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
