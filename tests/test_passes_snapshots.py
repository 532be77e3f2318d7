"""What every lowering pass does to every kernel in kernels/, as IR text, against snapshots in
tests/golden/ir/<kernel>/<NN>_<pass>.txt (every specialisation is in the text: after
`specialize` each core body is a dispatch over all of them; from `plan_memory` on, the storage
plan of each case follows the body).

Run `pytest tests/test_passes_snapshots.py --update-golden` after an intended change of a pass,
then review `git diff tests/golden/ir`: the diff is what the change does to each kernel.
"""

import pytest

from codegen_support import GOLDEN, KERNELS, kernel_path
from pypto_dsl.frontend import load_kernel
from pypto_dsl.passes import PASSES, lower_steps
from pypto_dsl.printer import print_kernel

SNAPSHOTS = GOLDEN / "ir"


def _steps(kernel: str) -> dict:
    """File name -> IR text after each pass (00 is the checked IR)."""
    checked = load_kernel(str(kernel_path(kernel)))
    out = {"00_checked.txt": print_kernel(checked)}
    for number, (name, lowered) in enumerate(lower_steps(checked), start=1):
        out[f"{number:02d}_{name}.txt"] = print_kernel(lowered)
    return out


@pytest.mark.parametrize("kernel", KERNELS)
def test_each_pass_matches_its_snapshot(kernel, request):
    steps = _steps(kernel)
    root = SNAPSHOTS / kernel
    if request.config.getoption("--update-golden"):
        root.mkdir(parents=True, exist_ok=True)
        for stale in root.glob("*.txt"):
            if stale.name not in steps:
                stale.unlink()
        for name, text in steps.items():
            (root / name).write_text(text, encoding="utf-8")
        return
    assert sorted(p.name for p in root.glob("*.txt")) == sorted(steps)
    for name, text in steps.items():
        assert text == (root / name).read_text(encoding="utf-8"), f"{kernel}/{name} differs"


def test_there_is_a_snapshot_per_pass():
    assert len(_steps(KERNELS[0])) == len(PASSES) + 1
