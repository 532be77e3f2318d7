"""Rendering a lowered kernel into its scene-test directory (see the package docstring)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .. import __version__, cache, goldens, ir
from ..errors import UserError
from ..frontend import load_kernel
from ..passes import lower
from . import layout as layouts
from .core import core_context
from .orchestration import orchestration_context
from .output import TEMPLATES, format_all, write_kernel
from .scene import files as scene_files
from .scene import scene_context


def version() -> str:
    return __version__


def environment() -> jinja2.Environment:
    """The templates, compiled once and kept in the cache directory (pypto_dsl/cache.py)."""
    where = cache.directory()
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=(jinja2.FileSystemBytecodeCache(str(where), "jinja-%s.cache")
                        if where is not None else None),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def generate(kernel: ir.Kernel, source: str, golden: str | Path | None = None) -> dict:
    """Relative path -> file text of the scene-test directory of a checked `kernel`; `golden`
    is the golden file (default: the `<kernel>.golden.py` beside its source, if any)."""
    return render(lower(kernel), source, golden)


# Characters that end or change a C++ comment or string literal, a printf format, a Python
# string or a Markdown code span: `\` (an escape, or a line splice at the end of a comment),
# quotes, `%`, `?` (trigraphs) and the backtick. Line breaks and other characters that are not
# printable (control and bidirectional-override characters too) go as well.
UNSAFE_IN_NAMES = set("\\\"'%?`")


def shown_name(source: str) -> str:
    """The kernel's file name as the generated files show it: every character that could end
    or alter a comment or string of C++, Python or Markdown replaced by `_`. Other non-ASCII
    text (a name in another script) is kept."""
    return "".join("_" if c in UNSAFE_IN_NAMES or not c.isprintable() else c for c in source)


def render(lowered: ir.Kernel, source: str, golden: str | Path | None = None) -> dict:
    """The scene-test directory of a kernel that went through every lowering pass; `source`
    is the kernel's file name as shown in comments and messages (shown_name); `golden` the
    golden file copied into it (default: the one beside the kernel's source, if any)."""
    kernel = lowered
    source = shown_name(source)
    if golden is None and kernel.source_name and goldens.path_for(kernel.source_name).is_file():
        golden = goldens.path_for(kernel.source_name)
    golden_path, golden = golden, _read_golden(golden) if golden is not None else None
    each = layouts.build_all(lowered)
    env = environment()
    paths = scene_files(kernel.name)
    common = dict(version=version(), source=source)
    cpp = {scene_files(kernel.name, layout.kernel.phase)[core]:
           env.get_template("core.cpp.j2").render(core_context(layout, core, source) | common)
           for layout in each for core in layout.kernel.cores}
    cpp[paths["orchestration"]] = env.get_template("orchestration.cpp.j2").render(
        orchestration_context(each, source) | common)
    out = format_all(cpp)
    if golden is not None:
        goldens.check_syntax(golden, str(golden_path))
    scene = scene_context(each, golden is not None) | common
    out[paths["test"]] = env.get_template("scene_test.py.j2").render(scene)
    if golden is not None:
        out[paths["golden"]] = golden
    readme = scene | dict(scalar_names=[s.name for s in each[0].scalars],
                          hw_blocks=each[0].kernel.grid.blocks if each[0].kernel.grid else 1)
    out[paths["readme"]] = env.get_template("README.md.j2").render(readme)
    return out


def _read_golden(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: error: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: error: cannot read: not UTF-8 text (byte {error.start})"
                        ) from None


def compile_kernel(path: str, out_dir: str, golden: str | None = None,
                   target: str = "a2a3") -> tuple:
    """Compile the kernel in `path` for `target` into `out_dir/<kernel>/`; returns (lowered
    kernel, directory). The golden (`golden`, or the one beside the kernel) goes with it. Raises
    CompileError for a bad kernel and UserError when a file cannot be read or written."""
    lowered, files = kernel_files(path, golden, target)
    return lowered, write_kernel(files, out_dir, lowered.name)


def kernel_files(path: str, golden: str | None = None, target: str = "a2a3") -> tuple:
    """(lowered kernel, relative path -> text of its scene-test directory)."""
    lowered = lower(load_kernel(path, target))
    return lowered, render(lowered, Path(path).name, golden)


__all__ = ["generate", "render", "compile_kernel", "kernel_files", "shown_name", "version"]
