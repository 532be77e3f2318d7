"""The template contexts of `test_<kernel>.py` (simpler scene test) and the directory README.

The scene test's cases are the cases of the kernel's golden (goldens/__init__.py), copied into
the directory as `golden.py`: suite-sized ones run on the simulator (`a2a3sim`) and on hardware
(`a2a3`); benchmark-sized ones are manual hardware cases. Inputs come from the golden's
`make_inputs` and the expected outputs from its `golden`, so the simulator, the hardware and
the reference interpreter check one definition. A kernel without a golden gets a scene test
with no cases that says so.
"""

from __future__ import annotations

from .. import ir
from ..platform import platform
from . import cxx

DIRECTION = {"in": "D.IN", "out": "D.OUT", "inout": "D.INOUT", "scratch": "D.INOUT"}
CTYPES = {"f32": "ctypes.c_float", "i32": "ctypes.c_int32", "i64": "ctypes.c_int64"}
NUMPY = {"f32": "np.float32", "i32": "np.int32", "i64": "np.int64"}
LAUNCH_TEXT = {"mix": "1 AIC + 2 AIV MIX task", "aiv": "vector-only task, two AIV blocks a block",
               "aic": "cube-only task"}


def files(kernel: str, phase: str = "") -> dict:
    """Paths inside the scene-test directory; the core files of a phase carry its name."""
    stem = f"{kernel}_{phase}" if phase else kernel
    return {
        "aic": f"kernels/aic/{stem}_aic.cpp",
        "aiv": f"kernels/aiv/{stem}_aiv.cpp",
        "orchestration": f"kernels/orchestration/{kernel}_orch.cpp",
        "test": f"test_{kernel}.py",
        "readme": "README.md",
        "golden": "golden.py",
    }


def scene_context(layouts: list, has_golden: bool) -> dict:
    """The scene test reads its cases and tolerances from the copied golden when it runs (each
    case's tolerance as `run --check` takes it, Golden.tolerance), so compiling executes no
    golden (and imports neither numpy nor ml_dtypes). `layouts` has one layout, or one per
    phase."""
    layout = layouts[0]
    kernel = layout.kernel
    paths = files(kernel.name)
    tensor_dirs = [DIRECTION[t.direction] for t in layout.params]
    incores = []
    for each in layouts:
        phase = each.kernel.phase
        core_dirs = (tensor_dirs + ["D.INOUT"] * len(each.kernel.scratch)
                     + ["D.OUT"] * len(each.kernel.pipes))
        stem = f"{kernel.name}_{phase}" if phase else kernel.name
        incores += [dict(core=core, func_id=index, name=f"{stem.upper()}_{core.upper()}",
                         source=files(kernel.name, phase)[core],
                         signature=", ".join(core_dirs), phase=phase)
                    for core, index in each.func_ids.items()]
    launch_text = LAUNCH_TEXT[kernel.launch]
    if kernel.phase:
        launch_text = "phases: " + ", ".join(f"{each.kernel.phase} ({LAUNCH_TEXT[each.kernel.launch]})"
                                             for each in layouts)
    scalars = [dict(name=p.name, ctype=CTYPES[p.dtype], numpy=NUMPY[p.dtype]) for p in kernel.params
               if isinstance(p, ir.ScalarParam)]
    return dict(
        kernel=kernel.name,
        class_name="Test" + "".join(part.capitalize() for part in kernel.name.split("_")),
        paths=paths,
        orchestration_signature=", ".join(tensor_dirs),
        incores=incores,
        launch_text=launch_text,
        tensors=[t.name for t in layout.params],
        scratch_names=[t.name for t in kernel.scratch],
        outputs_tuple=_tuple(list(kernel.outputs)),
        scalars=scalars,
        has_golden=has_golden,
        fifo_names=[cxx.name("fifo", p.name) for each in layouts for p in each.kernel.pipes],
        case_labels=[p.case.label or "single case" for p in layout.plans],
        target=kernel.target,
        trusted=platform(kernel.target).trusted,
    )


def _tuple(names: list) -> str:
    """A Python tuple literal of strings, as black would print it."""
    items = ", ".join(f'"{n}"' for n in names)
    return f"({items},)" if len(names) == 1 else f"({items})"
