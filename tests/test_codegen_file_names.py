"""A kernel file's name reaches C++ comments and strings, the scene test's docstring and the
README; whatever it contains (line breaks, quotes, backslashes, `*/`, `\"\"\"`, other scripts),
the C++ still compiles, the scene test is still only its usual definitions, and no file gains
a line."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess

import pytest

from codegen_support import STUB, kernel_path
from pypto_dsl import goldens
from pypto_dsl.cli import main
from pypto_dsl.codegen import render, shown_name
from pypto_dsl.frontend import load_kernel
from pypto_dsl.passes import lower

HOSTILE = {
    "newline": "gemm\nint main() { return 1; }\n.pdsl",
    "quotes": "say \"hi\" and 'bye'.pdsl",
    "backslash": "ends with a splice \\",
    "comment end": "star */ slash /* .pdsl",
    "docstring end": 'x""";print("pwned");""".pdsl',
    "printf": "100%s %n.pdsl",
    "other scripts": "注意力 çà ☃.pdsl",
    "controls": "tab\there\rcarriage\x1b[31m\u202eevil.pdsl",
}
ALL_AT_ONCE = "".join(HOSTILE.values())
GXX = shutil.which("g++")
CPP = {"aic": "kernels/aic/gemm_epilogue_aic.cpp", "aiv": "kernels/aiv/gemm_epilogue_aiv.cpp",
       "orchestration": "kernels/orchestration/gemm_epilogue_orch.cpp"}
CORE_MACRO = {"aic": "-D__DAV_CUBE__", "aiv": "-D__DAV_VEC__", "orchestration": "-Wall"}


@pytest.fixture(scope="module")
def lowered():
    return lower(load_kernel(str(kernel_path("gemm_epilogue"))))


@pytest.fixture(scope="module")
def plain(lowered):
    return render(lowered, "gemm_epilogue.pdsl")


@pytest.mark.parametrize("name", list(HOSTILE.values()) + [ALL_AT_ONCE],
                         ids=list(HOSTILE) + ["all at once"])
def test_the_scene_test_differs_only_in_its_docstring_and_runs_nothing(name, lowered, plain):
    text = render(lowered, name)["test_gemm_epilogue.py"]

    compile(text, "test_gemm_epilogue.py", "exec")

    assert isinstance(ast.parse(text).body[0].value, ast.Constant)  # the docstring, one string
    assert _statements(text)[1:] == _statements(plain["test_gemm_epilogue.py"])[1:]


def test_the_readme_and_scene_test_gain_no_line(lowered, plain):
    files = render(lowered, ALL_AT_ONCE)

    assert [files[p].count("\n") for p in ("README.md", "test_gemm_epilogue.py")] == [
        plain[p].count("\n") for p in ("README.md", "test_gemm_epilogue.py")]


@pytest.mark.parametrize("part", CPP)
def test_the_cpp_code_is_unchanged_outside_comments_and_the_names_strings(part, lowered, plain):
    text = render(lowered, ALL_AT_ONCE)[CPP[part]]

    assert _code(text, shown_name(ALL_AT_ONCE)) == _code(plain[CPP[part]], "gemm_epilogue.pdsl")


@pytest.mark.skipif(GXX is None, reason="no host g++")
@pytest.mark.parametrize("part", CPP)
def test_the_cpp_still_compiles_against_the_stub(part, lowered, tmp_path):
    source = tmp_path / CPP[part].rsplit("/", 1)[1]
    source.write_text(render(lowered, ALL_AT_ONCE)[CPP[part]], encoding="utf-8")

    result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", f"-I{STUB}", CORE_MACRO[part],
                             "-Werror=format", str(source)], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


def test_a_kernel_file_with_a_hostile_name_compiles_from_the_command_line(tmp_path, plain):
    path = tmp_path / HOSTILE["docstring end"].replace(".pdsl", "\n.pdsl")
    path.write_text(kernel_path("gemm_epilogue").read_text())
    goldens.path_for(path).write_text(goldens.path_for(kernel_path("gemm_epilogue")).read_text())

    assert main(["compile", str(path), "-o", str(tmp_path / "build")]) == 0
    scene = (tmp_path / "build" / "gemm_epilogue" / "test_gemm_epilogue.py").read_text()
    assert _statements(scene)[1:] == _statements(plain["test_gemm_epilogue.py"])[1:]


def _statements(text: str) -> list:
    return [ast.dump(node) for node in ast.parse(text).body]


def _code(text: str, name: str) -> str:
    """C++ without its comments and white space, string literals that clang-format split
    joined again, the file name written NAME."""
    code = "".join(re.sub(r"//[^\n]*", "", text).split()).replace('""', "")
    return code.replace("".join(name.split()), "NAME")
