"""Every op of the op table, from its entry: a kernel built from the entry's written form and
operand kinds runs on the interpreter against an independent numpy expression, and compiles
(lowering, C++ generation, g++ against the stub).

Adding an op (docs/language.md, "Adding an operation") means its entry, its template macro, its
docs line, and its numpy expression here; the tests below fail until all four exist.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from codegen_support import ROOT, STUB
from pypto_dsl import ir, ops, walk
from pypto_dsl.codegen import generate
from pypto_dsl.frontend import compile_text
from pypto_dsl.interpreter import prepare, run_kernel
from pypto_dsl.passes import lower

GXX = shutil.which("g++")
ROWS, COLS = 16, 64  # the whole tile; each AIV lane takes 8 rows
SCALAR, VALID = 1.5, 40

# Independent numpy (float64) expressions of what each op computes. `a`, `b` are the tile
# operands, `r` a per-row [rows, 1] operand, `s` the scalar operand.
REFERENCE = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "max": np.maximum,
    "min": np.minimum,
    "row_add": lambda a, r: a + r,
    "row_sub": lambda a, r: a - r,
    "row_mul": lambda a, r: a * r,
    "row_div": lambda a, r: a / r,
    "adds": lambda a, s: a + s,
    "muls": lambda a, s: a * s,
    "divs": lambda a, s: a / s,
    "maxs": np.maximum,
    "mins": np.minimum,
    "exp": np.exp,
    "cast": lambda a: a.astype(np.float16).astype(np.float64),  # f32 -> f16, nearest even
    "rowmax": lambda a: a.max(axis=-1, keepdims=True),
    "rowsum": lambda a: a.sum(axis=-1, keepdims=True),
    "fill": lambda s: np.full((ROWS // 2, COLS), s),
    "pad_cols": lambda a, valid, s: np.where(np.arange(COLS) >= valid, s, a),
    "matmul": lambda a, b: a @ b,
    "matmul_acc": lambda c, a, b: c + a @ b,
    "move_left": None,  # inserted by lowering before every matmul (checked below)
    "move_right": None,
}
# Inputs where an op is only defined on part of the line.
POSITIVE = set()


def _vector_kernel(spec: ops.OpSpec) -> str:
    """aiv: each lane loads its 8 rows of the operands, applies the op, stores the result."""
    loads = {"a": "load x[lane * 8 : +8, :]", "b": "load y[lane * 8 : +8, :]",
             "r": "load rows[lane * 8 : +8, :]"}
    args = []
    tiles = iter("ab")
    for kind in spec.operands:
        if kind == ops.TILE:
            args.append(loads[next(tiles)])
        elif kind == ops.ROW:
            args.append(loads["r"])
        elif kind == ops.SCALAR:
            args.append(repr(SCALAR))
        elif kind == ops.INT:
            args.append(str(VALID))
        elif kind == ops.TYPE:
            args.append(f"f32[8, {COLS}]")
    if spec.name == "cast":
        expr = f"cast<f16>({args[0]}, rint)"
    elif spec.form == "call":
        expr = f"{spec.written}({', '.join(args)})"
    elif spec.written in ("max", "min"):
        expr = f"{spec.written}({args[0]}, {args[1]})"
    else:
        expr = f"{args[0]} {spec.written} {args[1]}"
    out_cols = "1" if spec.name in ("rowmax", "rowsum") else str(COLS)
    out_type = "f16" if spec.name == "cast" else "f32"
    return f"""
kernel op_{spec.name}(x: in f32[{ROWS}, {COLS}], y: in f32[{ROWS}, {COLS}],
                      rows: in f32[{ROWS}, 1], out: out {out_type}[{ROWS}, {out_cols}])
{{
    grid (i) = (1) on 1 blocks;
    aiv {{
        store out[lane * 8 : +8, :], {expr};
    }}
}}
"""


CUBE = f"""
kernel op_cube(a: in bf16[{ROWS}, 64], b: in bf16[64, {COLS}], b2: in bf16[64, {COLS}],
               out: out f32[{ROWS}, {COLS}])
{{
    grid (i) = (1) on 1 blocks;
    pipe p: aic -> aiv f32[{ROWS}, {COLS}] depth 2 split rows;
    aic {{
        var acc = matmul(load a[:, :], load b[:, :]);
        acc = matmul_acc(acc, load a[:, :], load b2[:, :]);
        tpush p, acc;
    }}
    aiv {{
        store out[lane * 8 : +8, :], tpop p;
    }}
}}
"""

VECTOR_OPS = [spec for spec in ops.OPS.values() if spec.core == ops.AIV]


def _inputs(rng, positive: bool) -> dict:
    low = 0.25 if positive else -2.0
    return {"x": rng.uniform(low, 2.0, (ROWS, COLS)).astype(np.float32),
            "y": rng.uniform(0.25, 2.0, (ROWS, COLS)).astype(np.float32),
            "rows": rng.uniform(0.25, 2.0, (ROWS, 1)).astype(np.float32)}


def test_every_op_has_a_reference_here():
    assert set(REFERENCE) == set(ops.OPS)


@pytest.mark.parametrize("spec", VECTOR_OPS, ids=[s.name for s in VECTOR_OPS])
def test_a_vector_op_runs_on_the_interpreter_as_its_numpy_expression(spec):
    kernel = compile_text(_vector_kernel(spec), f"op_{spec.name}.pdsl")
    inputs = _inputs(np.random.default_rng(0), spec.name in POSITIVE)

    got = run_kernel(kernel, inputs)["out"].astype(np.float64)

    operands = {"tile": [inputs["x"], inputs["y"]], "row": [inputs["rows"]]}
    args, tiles = [], iter(operands["tile"])
    for kind in spec.operands:
        args += {ops.TILE: lambda: [next(tiles)], ops.ROW: lambda: operands["row"],
                 ops.SCALAR: lambda: [SCALAR], ops.INT: lambda: [VALID],
                 ops.TYPE: lambda: []}[kind]()
    args = [a.astype(np.float64) if isinstance(a, np.ndarray) else a for a in args]
    halves = [REFERENCE[spec.name](*[_half(a, lane) for a in args]) for lane in (0, 1)]
    want = np.concatenate(halves, axis=0)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6)


def _half(value, lane: int):
    """Lane `lane`'s 8 rows of a [16, ...] operand (scalars as they are)."""
    return value[lane * 8:(lane + 1) * 8] if isinstance(value, np.ndarray) else value


def test_the_cube_ops_run_on_the_interpreter_as_their_numpy_expressions():
    kernel = compile_text(CUBE, "op_cube.pdsl")
    rng = np.random.default_rng(1)
    a, b, b2 = (rng.uniform(-1, 1, shape).astype(np.float32) for shape in
                ((ROWS, 64), (64, COLS), (64, COLS)))
    inputs = {"a": a, "b": b, "b2": b2}

    got = run_kernel(kernel, inputs)["out"]

    a, b, b2 = (x.astype(np.float64) for x in prepare(kernel, inputs).inputs.values())  # bf16
    want = REFERENCE["matmul_acc"](REFERENCE["matmul"](a, b), a, b2)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_lowering_inserts_the_moves_the_cube_ops_read():
    lowered = lower(compile_text(CUBE, "op_cube.pdsl"))

    inserted = {s.value.op for s in walk.walk_stmts(lowered.aic)
                if isinstance(s, ir.Let) and isinstance(s.value, ir.TileOp)}

    assert {"move_left", "move_right"} <= inserted


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_every_ops_kernel_compiles_against_the_stub(tmp_path):
    sources = []
    for name, text in [(s.name, _vector_kernel(s)) for s in VECTOR_OPS] + [("cube", CUBE)]:
        files = generate(compile_text(text, f"op_{name}.pdsl"), f"op_{name}.pdsl")
        for relative, content in files.items():
            if relative.endswith(".cpp") and "orchestration" not in relative:
                core = "aic" if "/aic/" in relative else "aiv"
                path = tmp_path / f"{name}_{core}.cpp"
                path.write_text(content)
                sources.append((core, path))
    for core in ("aic", "aiv"):
        macro = "-D__DAV_CUBE__" if core == "aic" else "-D__DAV_VEC__"
        paths = [str(p) for c, p in sources if c == core]
        result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", "-Wall", "-Wextra",
                                 f"-I{STUB}", macro, *paths], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "warning:" not in result.stderr, result.stderr[-3000:]


def test_every_op_has_a_template_macro():
    macros = set(re.findall(r"{% macro (\w+)\(", (ROOT / "templates" / "ops.cpp.j2").read_text()))

    assert set(ops.OPS) <= macros, sorted(set(ops.OPS) - macros)


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
