"""Every op of the op table, from its written example (tests/op_examples.py): the example runs
on the interpreter against an independent numpy expression, the lowering keeps or inserts the
op, and the kernel of all examples compiles (lowering, C++ generation, g++ against the stub).

Adding an op (docs/adding-an-operation.md) means its entry, its template macro (or an
expansion), and its example with a numpy expression there; the tests below fail until all
exist.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from codegen_support import ROOT, STUB
from op_examples import BY_NAME, EXAMPLES, WRITTEN, expected, inputs, kernel_text, kernel_texts
from pypto_dsl import ir, ops, walk
from pypto_dsl.codegen import generate
from pypto_dsl.frontend import compile_text
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.passes import lower

GXX = shutil.which("g++")
INSERTED = [e for e in EXAMPLES if e.inserted_by]


def test_every_op_has_an_example():
    assert {e.op for e in EXAMPLES} == set(ops.OPS)


@pytest.mark.parametrize("example", WRITTEN, ids=[e.name for e in WRITTEN])
def test_an_op_runs_on_the_interpreter_as_its_numpy_expression(example):
    kernel = compile_text(kernel_text([example], f"op_{example.name}"), f"{example.name}.pdsl")
    values = inputs()

    got = run_kernel(kernel, values)[f"out_{example.name}"].astype(np.float64)

    want = expected(example, values)
    np.testing.assert_allclose(got, want, rtol=example.tolerance, atol=example.tolerance / 2)


@pytest.mark.parametrize("example", INSERTED, ids=[e.name for e in INSERTED])
def test_lowering_inserts_the_op(example):
    source = BY_NAME[example.inserted_by]
    lowered = lower(compile_text(kernel_text([source]), "ops.pdsl"))

    inserted = {s.value.op for s in walk.walk_stmts(lowered.aic + lowered.aiv)
                if isinstance(s, (ir.Let, ir.Assign)) and isinstance(s.value, ir.TileOp)}

    assert example.op in inserted


def test_an_op_that_cannot_write_over_its_operand_computes_into_a_tile_of_its_own():
    lowered = lower(compile_text(kernel_text([BY_NAME["recip_over_itself"]]), "ops.pdsl"))

    recips = [s for s in walk.walk_stmts(lowered.aiv)
              if isinstance(s, (ir.Let, ir.Assign)) and isinstance(s.value, ir.TileOp)
              and s.value.op == "recip"]

    assert recips and all(isinstance(s, ir.Let) and s.name != s.value.args[0].name
                          for s in recips)


def test_every_op_the_lowering_keeps_is_in_the_all_ops_kernels():
    used = set()
    for name, text in kernel_texts(WRITTEN):
        lowered = lower(compile_text(text, f"{name}.pdsl"))
        used |= {s.value.op for s in walk.walk_stmts(lowered.aic + lowered.aiv)
                 if isinstance(s, (ir.Let, ir.Assign)) and isinstance(s.value, ir.TileOp)}

    assert used == {name for name, spec in ops.OPS.items() if not spec.expand}


@pytest.mark.skipif(GXX is None, reason="no host g++")
@pytest.mark.parametrize("core", ["aic", "aiv"])
def test_every_op_compiles_against_the_stub(core, tmp_path):
    sources = []
    for name, text in kernel_texts(WRITTEN):
        files = generate(compile_text(text, f"{name}.pdsl"), f"{name}.pdsl")
        if f"kernels/{core}/{name}_{core}.cpp" in files:
            sources.append(tmp_path / f"{name}_{core}.cpp")
            sources[-1].write_text(files[f"kernels/{core}/{name}_{core}.cpp"])
    macro = "-D__DAV_CUBE__" if core == "aic" else "-D__DAV_VEC__"

    result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", "-Wall", "-Wextra",
                             f"-I{STUB}", macro, *map(str, sources)], capture_output=True,
                            text=True)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "warning:" not in result.stderr, result.stderr[-3000:]


def test_every_op_has_a_template_macro():
    macros = set(re.findall(r"{% macro (\w+)\(", (ROOT / "templates" / "ops.cpp.j2").read_text()))

    kept = {name for name, spec in ops.OPS.items() if not spec.expand}
    assert kept <= macros, sorted(kept - macros)


DOCS = ROOT / "docs" / "language.md"
BEGIN, END = "<!-- op table:", "<!-- end of op table -->"


def test_the_docs_show_the_op_table_as_it_is(request):
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("\n", text.index(BEGIN)) + 1
    end = text.index(END)
    if request.config.getoption("--update-golden"):
        DOCS.write_text(text[:start] + ops.markdown_table() + text[end:], encoding="utf-8")
        return
    assert text[start:end] == ops.markdown_table()
