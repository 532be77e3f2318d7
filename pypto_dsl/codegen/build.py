"""Rendering a lowered kernel into its scene-test directory (see the package docstring)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import jinja2

from .. import cache, goldens, ir
from ..errors import UserError
from ..frontend import load_kernel
from ..passes import lower
from . import layout as layouts
from .core import core_context
from .orchestration import orchestration_context
from .output import TEMPLATES, format_all, write_directory
from .scene import files as scene_files
from .scene import scene_context


def version() -> str:
    try:
        return metadata.version("pypto-dsl")
    except metadata.PackageNotFoundError:
        return "unknown"


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


def generate(kernel: ir.Kernel, source: str, golden: str | None = None) -> dict:
    """Relative path -> file text of the scene-test directory of a checked `kernel`; `golden`
    is the golden file's text (default: the `<kernel>.golden.py` beside its source, if any)."""
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


def render(lowered: ir.Kernel, source: str, golden: str | None = None) -> dict:
    """The scene-test directory of a kernel that went through every lowering pass; `source`
    is the kernel's file name as shown in comments and messages (shown_name)."""
    kernel = lowered
    source = shown_name(source)
    if golden is None:
        golden = _golden_beside(kernel.source_name)
    layout = layouts.build(lowered)
    env = environment()
    paths = scene_files(kernel.name)
    common = dict(version=version(), source=source)
    cpp = {paths[core]: env.get_template("core.cpp.j2").render(
        core_context(layout, core, source) | common) for core in kernel.cores}
    cpp[paths["orchestration"]] = env.get_template("orchestration.cpp.j2").render(
        orchestration_context(layout, source) | common)
    out = format_all(cpp)
    if golden is not None:
        goldens.check_syntax(golden, paths["golden"])
    scene = scene_context(layout, golden is not None) | common
    out[paths["test"]] = env.get_template("scene_test.py.j2").render(scene)
    if golden is not None:
        out[paths["golden"]] = golden
    readme = scene | dict(scalar_names=[s.name for s in layout.scalars],
                          hw_blocks=lowered.grid.blocks if lowered.grid else 1)
    out[paths["readme"]] = env.get_template("README.md.j2").render(readme)
    return out


def _golden_beside(source_name: str):
    path = goldens.path_for(source_name)
    return path.read_text(encoding="utf-8") if source_name and path.is_file() else None


def compile_kernel(path: str, out_dir: str, golden: str | None = None,
                   target: str = "a2a3", claimed: dict | None = None) -> tuple:
    """Compile the kernel in `path` for `target` into `out_dir/<kernel>/`; returns (lowered
    kernel, directory). The golden (`golden`, or the one beside the kernel) goes with it. Raises
    CompileError for a bad kernel and UserError when a file cannot be read or written, or when
    `claimed` (kernel name -> file, of the kernels one command wrote) already has its name."""
    lowered = lower(load_kernel(path, target))
    if claimed is not None and lowered.name in claimed:
        raise UserError(f"{path}: error: kernel '{lowered.name}' is also in {claimed[lowered.name]}"
                        f", and both would be written to {Path(out_dir) / lowered.name}/: rename "
                        "one or compile them into different directories")
    text = Path(golden).read_text(encoding="utf-8") if golden is not None else None
    try:
        files = render(lowered, Path(path).name, text)
    except OSError as error:  # the golden is loaded through a temporary file: a full disk
        raise UserError(f"{error.filename or path}: error: cannot write: "
                        f"{error.strerror or error}") from None
    directory = Path(out_dir) / lowered.name
    try:
        write_directory(files, directory)
    except OSError as error:
        # The failing path is usually a staging file the user never sees: name the target.
        raise UserError(f"{directory}: error: cannot write: {error.strerror or error}") from None
    if claimed is not None:
        claimed[lowered.name] = path
    return lowered, directory


__all__ = ["generate", "render", "compile_kernel", "shown_name", "version"]
