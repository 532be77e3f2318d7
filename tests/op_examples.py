"""One written example of every op of the op table, with an independent numpy expression of
what it computes. tests/test_ops_table.py runs each on the interpreter and compiles it;
tests/test_codegen_sim.py compiles all of them, in one kernel, against the simulator headers.

A vector example runs on the AIV lanes: each lane takes 8 rows of x and y ([16, 64] f32; y is
positive), of r ([16, 1], positive) and row `lane` of c ([2, 64]); `reference(v)` gets those
lane's operands as float64 (`v.x`, `v.y`, `v.r`, `v.c`, `v.lane`) and returns the lane's block
of the output. A cube example runs on the AIC: a ([16, 64]), b and b2 ([64, 64]) in bf16,
qa and qb their i8 counterparts; `reference(v)` gets them whole. An op the lowering inserts has
no example of its own but names the example whose lowering must contain it (`inserted_by`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import ml_dtypes
import numpy as np

ROWS, COLS, LANE_ROWS = 16, 64, 8
A = "load a[:, :]"
B = "load b[:, :]"


@dataclass(frozen=True)
class Example:
    op: str
    expr: str = ""  # the stored expression
    reference: Callable | None = None
    out: tuple = ("f32", LANE_ROWS, COLS)  # dtype, rows and columns of one lane's block
    prelude: str = ""  # statements before the store
    core: str = "aiv"
    variant: str = ""  # tells two examples of one op apart
    tolerance: float = 2e-6
    inserted_by: str = ""  # the lowering of this example inserts the op

    @property
    def name(self) -> str:
        return f"{self.op}_{self.variant}" if self.variant else self.op


def _rows(f):
    return lambda v: f(v.x, axis=-1, keepdims=True)


def _cols(f):
    return lambda v: f(v.x, axis=0, keepdims=True)


def _bf16(x):
    return x.astype(ml_dtypes.bfloat16).astype(np.float64)


def _gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def _inserted(tile, part, row, col):
    out = np.array(tile)
    out[row:row + part.shape[0], col:col + part.shape[1]] = part
    return out


_CMP = [("<", np.less), ("<=", np.less_equal), (">", np.greater), (">=", np.greater_equal),
        ("==", np.equal), ("!=", np.not_equal)]

EXAMPLES = [
    Example("add", "x + y", lambda v: v.x + v.y),
    Example("sub", "x - y", lambda v: v.x - v.y),
    Example("mul", "x * y", lambda v: v.x * v.y),
    Example("div", "x / y", lambda v: v.x / v.y),
    Example("max", "max(x, y)", lambda v: np.maximum(v.x, v.y)),
    Example("min", "min(x, y)", lambda v: np.minimum(v.x, v.y)),
    Example("row_add", "r + x", lambda v: v.x + v.r),
    Example("row_sub", "x - r", lambda v: v.x - v.r),
    Example("row_mul", "x * r", lambda v: v.x * v.r),
    Example("row_div", "x / r", lambda v: v.x / v.r),
    Example("row_max", "max(x, r)", lambda v: np.maximum(v.x, v.r)),
    Example("row_min", "min(r, x)", lambda v: np.minimum(v.x, v.r)),
    Example("col_add", "c + x", lambda v: v.x + v.c),
    Example("col_sub", "x - c", lambda v: v.x - v.c),
    Example("col_mul", "x * c", lambda v: v.x * v.c),
    Example("col_div", "x / c", lambda v: v.x / v.c),
    Example("col_max", "max(x, c)", lambda v: np.maximum(v.x, v.c)),
    Example("col_min", "min(c, x)", lambda v: np.minimum(v.x, v.c)),
    Example("adds", "x - 1.5", lambda v: v.x - 1.5),
    Example("muls", "1.5 * x", lambda v: v.x * 1.5),
    Example("divs", "x / 1.5", lambda v: v.x / 1.5),
    Example("maxs", "max(x, 1.5)", lambda v: np.maximum(v.x, 1.5)),
    Example("mins", "min(x, 1.5)", lambda v: np.minimum(v.x, 1.5)),
    Example("exp", "exp(x)", lambda v: np.exp(v.x)),
    Example("log", "log(y)", lambda v: np.log(v.y)),
    Example("sqrt", "sqrt(y)", lambda v: np.sqrt(v.y)),
    Example("rsqrt", "rsqrt(y)", lambda v: 1 / np.sqrt(v.y)),
    Example("recip", "recip(y)", lambda v: 1 / v.y),
    Example("recip", "r2", lambda v: 1 / v.y, prelude="var r2 = y; r2 = recip(r2);",
            variant="over_itself"),
    Example("abs", "abs(x)", lambda v: np.abs(v.x)),
    Example("neg", "-x", lambda v: -v.x),
    Example("relu", "relu(x)", lambda v: np.maximum(v.x, 0)),
    Example("lrelu", "lrelu(x, 0.2)", lambda v: np.where(v.x > 0, v.x, 0.2 * v.x)),
    Example("sigmoid", "sigmoid(x)", lambda v: 1 / (1 + np.exp(-v.x))),
    Example("tanh", "tanh(x)", lambda v: np.tanh(v.x)),
    Example("silu", "silu(x)", lambda v: v.x / (1 + np.exp(-v.x))),
    Example("gelu", "gelu(x)", lambda v: _gelu(v.x)),
    Example("rowmax", "rowmax(x)", _rows(np.max), out=("f32", LANE_ROWS, 1)),
    Example("rowmin", "rowmin(x)", _rows(np.min), out=("f32", LANE_ROWS, 1)),
    Example("rowsum", "rowsum(x)", _rows(np.sum), out=("f32", LANE_ROWS, 1)),
    Example("rowsum", "rowsum(x[0 : +4, :])", lambda v: v.x[:4].sum(-1, keepdims=True),
            out=("f32", 4, 1), variant="few_rows"),
    Example("rowmax", "rowmax(x[4 : +4, :])", lambda v: v.x[4:].max(-1, keepdims=True),
            out=("f32", 4, 1), variant="few_rows"),
    Example("rowargmax", "rowargmax(x)", _rows(np.argmax), out=("i32", LANE_ROWS, 1)),
    Example("rowargmin", "rowargmin(x)", _rows(np.argmin), out=("i32", LANE_ROWS, 1)),
    Example("colsum", "colsum(x)", _cols(np.sum), out=("f32", 1, COLS)),
    Example("colmax", "colmax(x)", _cols(np.max), out=("f32", 1, COLS)),
    Example("colmin", "colmin(x)", _cols(np.min), out=("f32", 1, COLS)),
    *[Example("cmp", f"select(x {op} y, x, y)", lambda v, f=f: np.where(f(v.x, v.y), v.x, v.y),
              variant=mode) for (op, f), mode in zip(_CMP, ("lt", "le", "gt", "ge", "eq", "ne"))],
    *[Example("cmps", f"select(x {op} 0.5, x, y)", lambda v, f=f: np.where(f(v.x, 0.5), v.x, v.y),
              variant=mode) for (op, f), mode in zip(_CMP, ("lt", "le", "gt", "ge", "eq", "ne"))],
    Example("select", "select(x > y, x * 2.0, y)", lambda v: np.where(v.x > v.y, 2 * v.x, v.y)),
    Example("selects", "select(x < 0.0, x, 0.5)", lambda v: np.where(v.x < 0, v.x, 0.5)),
    Example("iota", inserted_by="col_index"),
    Example("as_column", inserted_by="row_index"),
    Example("row_bcast", inserted_by="row_index"),
    Example("col_bcast", inserted_by="col_index"),
    Example("col_index", "x + col_index(f32[8, 64])", lambda v: v.x + np.arange(COLS)),
    Example("row_index", "x + row_index(f32[8, 64])",
            lambda v: v.x + np.arange(LANE_ROWS)[:, None]),
    Example("extract", "x[2 : +4, 8 : +16]", lambda v: v.x[2:6, 8:24], out=("f32", 4, 16)),
    Example("extract", "x[lane * 4 : +4, 8 : +16]",
            lambda v: v.x[v.lane * 4:v.lane * 4 + 4, 8:24], out=("f32", 4, 16),
            variant="runtime_row"),
    Example("insert", "t2", lambda v: _inserted(v.x, v.y[:4, :16], v.lane * 4, 8),
            prelude="var t2 = x; t2[lane * 4 : +4, 8 : +16] = y[0 : +4, 0 : +16];",
            variant="runtime_row"),
    Example("insert", "t", lambda v: np.concatenate([v.x[:, :8], v.y[:, :16], v.x[:, 24:]], 1),
            prelude="var t = x; t[0 : +8, 8 : +16] = y[0 : +8, 0 : +16];"),
    Example("concat", "concat(x[0 : +8, 0 : +32], y[0 : +8, 8 : +32])",
            lambda v: np.concatenate([v.x[:, :32], v.y[:, 8:40]], 1)),
    Example("cast", "cast<f16>(x, rint)", lambda v: v.x.astype(np.float16), out=("f16", 8, 64)),
    Example("cast", "cast<i32>(x * 10.0, floor)", lambda v: np.floor(v.x * 10),
            out=("i32", 8, 64), variant="floor"),
    Example("fill", "fill(f32[8, 64], 1.5)", lambda v: np.full((LANE_ROWS, COLS), 1.5)),
    Example("pad_cols", "pad_cols(x, 40, 1.5)",
            lambda v: np.where(np.arange(COLS) >= 40, 1.5, v.x)),
    Example("move_left", inserted_by="matmul"),
    Example("move_right", inserted_by="matmul"),
    Example("matmul", f"matmul({A}, {B})", lambda v: v.a @ v.b, out=("f32", ROWS, COLS),
            core="aic", tolerance=1e-5),
    Example("matmul", "matmul(load qa[:, :], load qb[:, :])", lambda v: v.qa @ v.qb,
            out=("i32", ROWS, COLS), core="aic", variant="i8", tolerance=0),
    Example("matmul", "matmul(load qa[:, 0 : +32], load qb[0 : +32, 0 : +16])",
            lambda v: v.qa[:, :32] @ v.qb[:32, :16], out=("i32", ROWS, 16), core="aic",
            variant="i8_n16", tolerance=0),
    Example("matmul_acc", "acc", lambda v: v.a @ v.b + v.a @ v.b2, out=("f32", ROWS, COLS),
            prelude=f"var acc = matmul({A}, {B}); acc = matmul_acc(acc, {A}, load b2[:, :]);",
            core="aic", tolerance=1e-5),
    Example("acc_fill", "z", lambda v: v.a @ v.b, out=("f32", ROWS, COLS),
            prelude=f"var z = fill(f32[16, 64], 0.0); z = matmul_acc(z, {A}, {B});",
            core="aic", tolerance=1e-5),
    Example("mat_fill", inserted_by="acc_fill"),
    Example("acc_cast", f"cast<bf16>(matmul({A}, {B}))", lambda v: _bf16(v.a @ v.b),
            out=("bf16", ROWS, COLS), core="aic", tolerance=1e-2),
]
BY_NAME = {example.name: example for example in EXAMPLES}
WRITTEN = [example for example in EXAMPLES if example.expr]

INPUTS = """xs: in f32[16, 64], ys: in f32[16, 64], rs: in f32[16, 1], cs: in f32[2, 64],
    a: in bf16[16, 64], b: in bf16[64, 64], b2: in bf16[64, 64], qa: in i8[16, 64],
    qb: in i8[64, 64]"""
LANE_OPERANDS = """\
        let x = load xs[lane * 8 : +8, :];
        let y = load ys[lane * 8 : +8, :];
        let r = load rs[lane * 8 : +8, :];
        let c = load cs[lane : +1, :];
"""


def _output(example: Example) -> str:
    dtype, rows, cols = example.out
    rows, cols = output_shape(example)
    return f"out_{example.name}: out {dtype}[{rows}, {cols}]"


def _store(example: Example) -> str:
    rows = example.out[1]
    where = "[:, :]" if example.core == "aic" else f"[lane * {rows} : +{rows}, :]"
    prelude = f"{example.prelude} " if example.prelude else ""
    return f"{prelude}store out_{example.name}{where}, {example.expr};"


def kernel_text(examples: list, name: str = "ops") -> str:
    """One kernel storing every example of `examples` into an output of its own."""
    outputs = ",\n    ".join(_output(e) for e in examples)
    blocks = []
    for core in ("aic", "aiv"):
        stores = [f"        {_store(e)}" for e in examples if e.core == core]
        if stores:
            operands = LANE_OPERANDS if core == "aiv" else ""
            blocks.append(f"    {core} {{\n{operands}" + "\n".join(stores) + "\n    }")
    body = "\n".join(blocks)
    return f"""kernel {name}(
    {INPUTS},
    {outputs})
{{
    grid (i) = (1) on 1 blocks;
{body}
}}
"""


def kernel_texts(examples: list, size: int = 20) -> list:
    """(name, text) of kernels storing `examples`, `size` to a kernel (a scene test passes at
    most 32 tensors)."""
    return [(f"ops{n}", kernel_text(examples[at:at + size], f"ops{n}"))
            for n, at in enumerate(range(0, len(examples), size))]


def inputs(seed: int = 0) -> dict:
    """Inputs of `kernel_text`; the bf16 and i8 ones exactly representable."""
    rng = np.random.default_rng(seed)
    f32 = lambda low, shape: rng.uniform(low, 2.0, shape).astype(np.float32)
    bf16 = lambda shape: rng.uniform(-1, 1, shape).astype(ml_dtypes.bfloat16)
    i8 = lambda shape: rng.integers(-128, 128, shape).astype(np.int8)
    return {"xs": f32(-2.0, (ROWS, COLS)), "ys": f32(0.25, (ROWS, COLS)),
            "rs": f32(0.25, (ROWS, 1)), "cs": f32(-2.0, (2, COLS)), "a": bf16((ROWS, COLS)),
            "b": bf16((COLS, COLS)), "b2": bf16((COLS, COLS)), "qa": i8((ROWS, COLS)),
            "qb": i8((COLS, COLS))}


OUTPUT_DTYPES = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16,
                 "i32": np.int32}


def output_shape(example: Example) -> tuple:
    _, rows, cols = example.out
    return (rows if example.core == "aic" else 2 * rows, cols)


def golden_text(examples: list, tests_dir: str) -> str:
    """A golden file (pypto_dsl.goldens) for `kernel_text(examples)`, computing the outputs
    from the examples' numpy expressions."""
    names = [e.name for e in examples]
    tolerance = max([1e-4] + [e.tolerance for e in examples])
    return f"""import sys
sys.path.insert(0, {tests_dir!r})
import numpy as np
import op_examples as ex
from pypto_dsl.goldens import Case

CASES = [Case("all", {{}}, description="every example once")]
RTOL = ATOL = {tolerance!r}
NAMES = {names!r}


def make_inputs(case, seed=0):
    values = ex.inputs(seed)
    for name in NAMES:
        example = ex.BY_NAME[name]
        values["out_" + name] = np.zeros(ex.output_shape(example),
                                         ex.OUTPUT_DTYPES[example.out[0]])
    return values


def golden(inputs):
    return {{"out_" + name: ex.expected(ex.BY_NAME[name], inputs).astype(
        ex.OUTPUT_DTYPES[ex.BY_NAME[name].out[0]]) for name in NAMES}}
"""


def expected(example: Example, values: dict):
    """The float64 output of `example` on `values` (the inputs)."""
    whole = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
    if example.core == "aic":
        return example.reference(SimpleNamespace(**whole))
    blocks = []
    for lane in (0, 1):
        rows = slice(lane * LANE_ROWS, (lane + 1) * LANE_ROWS)
        view = SimpleNamespace(x=whole["xs"][rows], y=whole["ys"][rows], r=whole["rs"][rows],
                               c=whole["cs"][lane:lane + 1], lane=lane)
        blocks.append(np.asarray(example.reference(view), dtype=np.float64))
    return np.concatenate(blocks, axis=0)
