"""C++ generation: a lowered kernel as a simpler scene-test directory.

`generate(kernel, source)` lowers a checked kernel (passes.lower) and renders, through the
Jinja2 templates in templates/ (StrictUndefined; the templates only place strings that the
modules here computed):

    kernels/aic/<kernel>_aic.cpp           core.py + templates/core.cpp.j2 (+ ops.cpp.j2)
    kernels/aiv/<kernel>_aiv.cpp           the same for the vector cores
    kernels/orchestration/<kernel>_orch.cpp  orchestration.py + templates/orchestration.cpp.j2
    test_<kernel>.py, README.md            scene.py + templates/scene_test.py.j2, README.md.j2

C++ is formatted with clang-format. The result depends only on the kernel text, its file name
and the pypto-dsl version: no dict or set order, no time stamps, no absolute paths. The file
name appears in C++ comments and strings, in the scene test's docstring and in the README as
`shown_name(source)`, one spelling that is inert in all of them.
`compile_kernel(path, out_dir)` writes the directory with output.write_directory.
"""

from __future__ import annotations

import importlib

# Imported on first use (PEP 562): `pypto-dsl check` registers `compile` from this package
# without paying for Jinja2 and the code generator.
_EXPORTS = ("compile_kernel", "kernel_files", "environment", "generate", "render",
            "shown_name", "version", "UNSAFE_IN_NAMES")


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(".build", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(_EXPORTS)
