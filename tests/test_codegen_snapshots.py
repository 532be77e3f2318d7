"""Every generated file of every kernel in kernels/ matches its snapshot in tests/golden/.

Run `pytest tests/test_codegen_snapshots.py --update-golden` to rewrite the snapshots after an
intended change of the generator, then review `git diff tests/golden`.
"""

import pytest

from codegen_support import GOLDEN, KERNELS, ROOT, generated

COPIED = "golden.py"  # a byte copy of the kernel's golden, checked against it, not snapshotted


def _cases():
    for kernel in KERNELS:
        for relative in sorted(set(generated(kernel)) - {COPIED}):
            yield pytest.param(kernel, relative, id=f"{kernel}/{relative}")


@pytest.mark.parametrize("kernel", KERNELS)
def test_the_scene_test_carries_the_kernels_golden_as_it_is(kernel):
    source = ROOT / "kernels" / f"{kernel}.golden.py"

    assert generated(kernel)[COPIED] == source.read_text(encoding="utf-8")


@pytest.mark.parametrize("kernel, relative", list(_cases()))
def test_generated_file_matches_snapshot(kernel, relative, request):
    text = generated(kernel)[relative]
    snapshot = GOLDEN / kernel / relative
    if request.config.getoption("--update-golden"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
        return
    assert snapshot.exists(), f"no snapshot {snapshot}; run pytest --update-golden"
    assert text == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("kernel", KERNELS)
def test_snapshot_directory_has_no_stale_files(kernel, request):
    expected = set(generated(kernel)) - {COPIED}
    root = GOLDEN / kernel
    if request.config.getoption("--update-golden"):
        for path in root.rglob("*"):
            if path.is_file() and str(path.relative_to(root)) not in expected:
                path.unlink()
        return
    present = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert present == expected
