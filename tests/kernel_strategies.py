"""Hypothesis strategies for *valid* kernels: source text built from a small model, so that
every kernel they draw passes `check` (a rejection is a finding: the generator or the checker is
wrong) and can be run on the interpreter with the inputs `launch_inputs` makes.

The model. A kernel has `rows` rows of data (a shape symbol, 64 at launch); a logical block
takes `M` of them (16 or 32: a kernel-level `let` or a specialisation chosen by the scalar `sel`),
each AIV lane `LR = M / 2`. The program is a list of *phases* that both cores run in the same
order: straight-line code, a `for` loop or a `pipelined for` loop (2 or 3 stages) over `T`
iterations, where `T` is kernel-level scalar arithmetic on the parameter `t0`. Every pipe is used
in exactly one phase, once per iteration on each side, so producer and consumer counts agree:

- aiv -> aic pipes (`split rows`): each lane pushes a bf16 [LR, K] tile computed from its
  tiles; the cube pops the assembled [M, K] tile and uses it as the A operand of a matmul;
- aic -> aiv pipes (`split rows` or `split none`): the cube pushes a matmul's f32 (or i32)
  accumulator; the lanes pop their half (or the whole tile) and compute with it.

Within a phase the AIV pushes before it pops, so no pipe waits on a pop that waits on it.
On each core, random op graphs over a pool of typed tiles: loads with row offsets from the grid
and column offsets from the loop variable, elementwise, row and column broadcasts, tile-scalar
ops, unary ops, reductions, casts the platform converts in one step, comparisons and selects,
fills, index tiles, pad_cols, concat; matmul (with a transposed B), matmul_acc accumulators and
fixpipe casts on the cube. Every tile computed is stored into an output tensor of its own, so
the interpreter's outputs show every value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ml_dtypes
import numpy as np
from hypothesis import strategies as st

from pypto_dsl.platform import A2A3_CASTS, A2A3_FIXPIPE

ROWS = 64  # the launch size of the shape symbol `rows`
FLOATS = ("f32", "f16")
BYTES = {"f32": 4, "f16": 2, "bf16": 2, "i32": 4, "i8": 1}
VECTOR_DTYPES = ("f32", "f16", "i32")  # the vector unit's arithmetic dtypes among ours
UNARY = ("exp", "log", "sqrt", "rsqrt", "recip", "abs", "neg", "relu", "sigmoid", "tanh", "silu",
         "gelu")
MATMUL_OPERANDS = ("bf16", "f16", "f32", "i8")


@dataclass(frozen=True)
class Tile:
    """A tile value on one core: `rows` is "LR" or "M" (the lane's or the block's rows) or 1;
    `cols` a number."""
    name: str
    dtype: str
    rows: object
    cols: int

    @property
    def kind(self) -> str:
        return "row" if self.cols == 1 else "col" if self.rows == 1 else "full"


@dataclass
class Tensor:
    """`in` tensors: x_<dtype> [rows, WIDE] (tiles are slices of it) and r_<dtype> [rows, 1]
    (per-row values); `out` tensors: y_<dtype> [rows, cols] (every stored tile in a column
    range of its own) and z_<dtype> [cols, rows, 1] (every stored [rows, 1] tile in a plane of
    its own)."""
    name: str
    direction: str
    dtype: str
    cols: int

    @property
    def shape(self) -> tuple:
        if self.name.startswith("z"):
            return (self.cols, ROWS, 1)
        return (ROWS, self.cols)

    def declaration(self) -> str:
        dims = f"{self.cols}, rows, 1" if self.name.startswith("z") else f"rows, {self.cols}"
        return f"{self.name}: {self.direction} {self.dtype}[{dims}]"


WIDE = 256


@dataclass
class Pipe:
    name: str
    src: str
    dtype: str
    cols: int
    depth: int
    split: str
    phase: int


@dataclass
class Builder:
    """Draws one kernel: the tensors, pipes and each core's statements."""
    draw: object
    tensors: list = field(default_factory=list)
    pipes: list = field(default_factory=list)
    counter: int = 0
    outputs: int = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def _get(self, name: str, direction: str, dtype: str, cols: int) -> Tensor:
        for t in self.tensors:
            if t.name == name:
                return t
        self.tensors.append(Tensor(name, direction, dtype, cols))
        return self.tensors[-1]

    def source(self, dtype: str, per_row: bool = False) -> str:
        """The input tensor tiles of `dtype` are loaded from."""
        if per_row:
            return self._get(f"r_{dtype}", "in", dtype, 1).name
        return self._get(f"x_{dtype}", "in", dtype, WIDE).name

    def destination(self, dtype: str, rows: str, cols: int) -> str:
        """`name[slices]` for a new stored tile of `dtype`, its rows slice `rows` and `cols`
        columns (1: a per-row tile)."""
        if cols == 1:
            tensor = self._get(f"z_{dtype}", "out", dtype, 0)
            tensor.cols += 1
            return f"{tensor.name}[{tensor.cols - 1}, {rows}, :]"
        tensor = self._get(f"y_{dtype}", "out", dtype, 0)
        tensor.cols += cols
        return f"{tensor.name}[{rows}, {tensor.cols - cols} : +{cols}]"


def _aligned(dtype: str, cols: int) -> bool:
    return cols * BYTES[dtype] % 32 == 0


VECTOR_COLS = (8, 16, 32, 64, 128)


def vector_cols(draw, dtype: str) -> int:
    return draw(st.sampled_from([c for c in VECTOR_COLS if _aligned(dtype, c) and c <= 128]))


# ---- scalars

def float_scalar(draw, loop: str | None) -> str:
    options = ["s0", "1.5", "0.25", "-2.0", "(s0 * 0.5 + 1.0)", "k1", "(s0 - k1)"]
    if loop:
        options.append(f"({loop} + 1)")
    return draw(st.sampled_from(options))


def int_scalar(draw, loop: str | None) -> str:
    options = ["3", "-1", "k1", "(t0 % 5)", "(b + 1)", "max(k1, 2)", "g"]
    if loop:
        options.append(f"({loop} * 2 - 1)")
    return draw(st.sampled_from(options))


# ---- the vector program

class Vector:
    """The AIV program of one kernel: a pool of tiles per phase, statements as text."""

    def __init__(self, kb: Builder, out: list):
        self.kb, self.out = kb, out
        self.pool: list[Tile] = []

    def emit(self, indent: int, text: str) -> None:
        self.out.append("    " * indent + text)

    def let(self, indent: int, dtype, rows, cols, expr: str, prefix="v") -> Tile:
        tile = Tile(self.kb.fresh(prefix), dtype, rows, cols)
        self.emit(indent, f"let {tile.name} = {expr};")
        self.pool.append(tile)
        return tile

    def fulls(self, dtype=None, cols=None, floats=False):
        return [t for t in self.pool if t.kind == "full" and t.rows == "LR"
                and t.dtype in VECTOR_DTYPES and (dtype is None or t.dtype == dtype) and (cols is None or t.cols == cols)
                and (not floats or t.dtype in FLOATS)]

    def load(self, indent: int, loop: str | None, dtype=None, cols=None) -> Tile:
        draw = self.kb.draw
        dtype = dtype or draw(st.sampled_from(VECTOR_DTYPES))
        cols = cols or vector_cols(draw, dtype)
        name = self.kb.source(dtype)
        start = draw(st.sampled_from(["0", str(cols)] + ([f"({loop} % 2) * {cols}"]
                                                          if loop else [])))
        return self.let(indent, dtype, "LR", cols, f"load {name}[r : +LR, {start} : +{cols}]")

    def operand(self, indent, loop, dtype=None, cols=None, floats=False) -> Tile:
        """A full tile of `dtype` and `cols` from the pool, or a new load."""
        draw = self.kb.draw
        found = self.fulls(dtype, cols, floats)
        if found and draw(st.booleans()):
            return draw(st.sampled_from(found))
        if floats and dtype is None:
            dtype = draw(st.sampled_from(FLOATS))
        return self.load(indent, loop, dtype, cols)

    def step(self, indent: int, loop: str | None) -> None:
        """One statement computing a new tile from the pool."""
        draw = self.kb.draw
        kind = draw(st.sampled_from(["binary", "scalar", "unary", "rowbcast", "colbcast",
                                     "reduce", "cast", "select", "fill", "index", "pad",
                                     "concat", "extract", "load"]))
        if kind == "load":
            self.load(indent, loop)
        elif kind == "binary":
            a = self.operand(indent, loop)
            b = self.operand(indent, loop, a.dtype, a.cols)
            ops = ["+", "-", "*", "max", "min"] + (["/"] if a.dtype in FLOATS else [])
            op = draw(st.sampled_from(ops))
            text = f"{op}({a.name}, {b.name})" if op in ("max", "min") else \
                f"{a.name} {op} {b.name}"
            self.let(indent, a.dtype, "LR", a.cols, text)
        elif kind == "scalar":
            a = self.operand(indent, loop)
            s = (float_scalar if a.dtype in FLOATS else int_scalar)(draw, loop)
            ops = ["{a} + {s}", "{s} + {a}", "{a} - {s}", "{a} * {s}", "{s} * {a}",
                   "max({a}, {s})", "min({s}, {a})"] + (["{a} / {s}"] if a.dtype in FLOATS
                                                        else [])
            self.let(indent, a.dtype, "LR", a.cols,
                     draw(st.sampled_from(ops)).format(a=a.name, s=s))
        elif kind == "unary":
            a = self.operand(indent, loop)
            ops = UNARY if a.dtype in FLOATS else ("neg", "relu")
            op = draw(st.sampled_from(ops))
            text = f"-{a.name}" if op == "neg" and draw(st.booleans()) else f"{op}({a.name})"
            self.let(indent, a.dtype, "LR", a.cols, text)
        elif kind in ("rowbcast", "colbcast"):
            a = self.operand(indent, loop)
            want = "row" if kind == "rowbcast" else "col"
            found = [t for t in self.pool if t.kind == want and t.dtype == a.dtype
                     and t.rows != "M"
                     and (want == "row" and t.rows == "LR" or want == "col" and t.cols == a.cols)]
            if found and draw(st.booleans()):
                v = draw(st.sampled_from(found))
            elif want == "row":
                name = self.kb.source(a.dtype, per_row=True)
                v = self.let(indent, a.dtype, "LR", 1, f"load {name}[r : +LR, :]")
            else:
                name = self.kb.source(a.dtype)
                row = draw(st.integers(0, 7))
                v = self.let(indent, a.dtype, 1, a.cols,
                             f"load {name}[r + {row} : +1, 0 : +{a.cols}]")
            ops = ["{a} + {v}", "{v} + {a}", "{a} - {v}", "{a} * {v}", "{v} * {a}",
                   "max({a}, {v})", "min({v}, {a})"] + (["{a} / {v}"] if a.dtype in FLOATS
                                                        else [])
            self.let(indent, a.dtype, "LR", a.cols,
                     draw(st.sampled_from(ops)).format(a=a.name, v=v.name))
        elif kind == "reduce":
            a = self.operand(indent, loop, floats=True)
            op = draw(st.sampled_from(["rowsum", "rowmax", "rowmin", "colsum", "colmax",
                                       "colmin", "rowargmax", "rowargmin"]))
            if op.startswith("row"):
                dtype = "i32" if "arg" in op else a.dtype
                self.let(indent, dtype, "LR", 1, f"{op}({a.name})")
            else:
                self.let(indent, a.dtype, 1, a.cols, f"{op}({a.name})")
        elif kind == "cast":
            a = self.operand(indent, loop)
            targets = [t for (f, t) in sorted(A2A3_CASTS) if f == a.dtype
                       and t in ("f32", "f16", "bf16", "i32") and _aligned(t, a.cols)]
            if not targets:
                return
            to = draw(st.sampled_from(targets))
            mode = draw(st.sampled_from(["", ", rint", ", round", ", floor", ", ceil",
                                         ", trunc"]))
            self.let(indent, to, "LR", a.cols, f"cast<{to}>({a.name}{mode})")
        elif kind == "select":
            a = self.operand(indent, loop)
            modes = ["<", "<=", ">", ">=", "==", "!="] if a.dtype != "i32" else ["==", "!="]
            op = draw(st.sampled_from(modes))
            if draw(st.booleans()):
                b = self.operand(indent, loop, a.dtype, a.cols)
                mask = f"{a.name} {op} {b.name}"
            else:
                s = (float_scalar if a.dtype in FLOATS else int_scalar)(draw, loop)
                mask = f"{a.name} {op} {s}"
            x = self.operand(indent, loop, cols=a.cols)
            if draw(st.booleans()):
                y = self.operand(indent, loop, x.dtype, a.cols).name
            else:
                y = (float_scalar if x.dtype in FLOATS else int_scalar)(draw, loop)
            self.let(indent, x.dtype, "LR", a.cols, f"select({mask}, {x.name}, {y})")
        elif kind == "fill":
            dtype = draw(st.sampled_from(VECTOR_DTYPES))
            cols = vector_cols(draw, dtype)
            value = draw(st.sampled_from(["0.0", "1.5", "-inf", "s0"] if dtype in FLOATS
                                         else ["0", "7", "t0"]))
            self.let(indent, dtype, "LR", cols, f"fill({dtype}[LR, {cols}], {value})")
        elif kind == "index":
            dtype = draw(st.sampled_from(["f32", "i32"]))
            cols = vector_cols(draw, dtype)
            op = draw(st.sampled_from(["row_index", "col_index"]))
            rows, cols = draw(st.sampled_from([("LR", cols), ("LR", cols), ("LR", 1), (1, cols)]))
            self.let(indent, dtype, rows, cols, f"{op}({dtype}[{rows}, {cols}])")
        elif kind == "pad":
            a = self.operand(indent, loop, floats=True)
            valid = draw(st.sampled_from(["min(max(t0, 0), {c})", "{h}", "min(k1 + 3, {c})"]))
            value = draw(st.sampled_from(["0.0", "-inf", "1.5"]))  # a template argument
            valid = valid.format(c=a.cols, h=a.cols // 2)
            self.let(indent, a.dtype, "LR", a.cols, f"pad_cols({a.name}, {valid}, {value})")
        elif kind == "concat":
            a = self.operand(indent, loop)
            b = self.operand(indent, loop, a.dtype)
            if a.cols + b.cols > 128:  # wider tiles overflow UB and the inputs' 2 x 128 columns
                return
            self.let(indent, a.dtype, "LR", a.cols + b.cols, f"concat({a.name}, {b.name})")
        elif kind == "extract":
            a = self.operand(indent, loop)
            unit = 32 // BYTES[a.dtype]
            widths = [w for w in range(unit, a.cols + 1, unit)]
            if not widths:
                return
            width = draw(st.sampled_from(widths))
            start = draw(st.sampled_from(range(0, a.cols - width + 1, unit)))
            self.let(indent, a.dtype, "LR", width, f"{a.name}[0 : +LR, {start} : +{width}]")

    def store(self, indent: int, tile: Tile, guard_lane: bool = False) -> None:
        rows = {"LR": "r : +LR", "M": "r0 : +M", 1: "r : +1"}[tile.rows]
        stmt = f"store {self.kb.destination(tile.dtype, rows, tile.cols)}, {tile.name};"
        self.emit(indent, f"if lane == 0 {{ {stmt} }}" if guard_lane else stmt)


# ---- the cube program

class Cube:
    def __init__(self, kb: Builder, out: list):
        self.kb, self.out = kb, out
        self.products: list[Tile] = []

    def emit(self, indent: int, text: str) -> None:
        self.out.append("    " * indent + text)

    def a_operand(self, dtype: str, k: int, loop) -> str:
        name = self.kb.source(dtype)
        start = self.kb.draw(st.sampled_from(["0", str(k)] + ([f"({loop} % 2) * {k}"]
                                                               if loop else [])))
        return f"load {name}[r0 : +M, {start} : +{k}]"

    def b_operand(self, dtype: str, k: int, n: int) -> str:
        # B is [k, n]: a [k, n] slice of a rows-long tensor, or the transpose of an [n, k] one
        if self.kb.draw(st.booleans()):
            return f"load {self.kb.source(dtype)}[0 : +{k}, 0 : +{n}]"
        return f"transpose(load {self.kb.source(dtype)}[0 : +{n}, 0 : +{k}])"

    def product(self, indent: int, loop, a_text=None, a_dtype=None, k=None, n=None) -> Tile:
        """A matmul (or an accumulation of them) as a new f32/i32 [M, n] tile."""
        draw = self.kb.draw
        dtype = a_dtype or draw(st.sampled_from(MATMUL_OPERANDS))
        sizes = [32, 64] if dtype == "i8" else [16, 32, 64]
        k = k or draw(st.sampled_from(sizes))
        n = n or draw(st.sampled_from(sizes))
        a = a_text or self.a_operand(dtype, k, loop)
        acc = "i32" if dtype == "i8" else "f32"
        name = self.kb.fresh("c")
        form = draw(st.sampled_from(["matmul", "acc"] + (["zero"] if acc == "f32" else [])))
        if form == "matmul":
            self.emit(indent, f"let {name} = matmul({a}, {self.b_operand(dtype, k, n)});")
        elif form == "acc":
            self.emit(indent, f"var {name} = matmul({a}, {self.b_operand(dtype, k, n)});")
            self.emit(indent, f"{name} = matmul_acc({name}, {self.a_operand(dtype, k, loop)}, "
                      f"{self.b_operand(dtype, k, n)});")
        else:
            self.emit(indent, f"var {name} = fill(f32[M, {n}], 0.0);")
            self.emit(indent, f"{name} = matmul_acc({name}, {a}, {self.b_operand(dtype, k, n)});")
        tile = Tile(name, acc, "M", n)
        self.products.append(tile)
        return tile

    def store(self, indent: int, tile: Tile) -> None:
        draw = self.kb.draw
        casts = [t for (f, t) in sorted(A2A3_FIXPIPE) if f == tile.dtype]
        if casts and draw(st.booleans()):
            to = draw(st.sampled_from(casts))
            where = self.kb.destination(to, "r0 : +M", tile.cols)
            self.emit(indent, f"store {where}, cast<{to}>({tile.name});")
        else:
            where = self.kb.destination(tile.dtype, "r0 : +M", tile.cols)
            self.emit(indent, f"store {where}, {tile.name};")


# ---- phases

@dataclass
class Phase:
    kind: str  # "flat", "for", "pipelined"
    stages: int
    c2v: list  # pipes
    v2c: list


def _phase_texts(kb: Builder, phase: Phase, index: int, cube: list, vector: list,
                 has_cube: bool, has_vector: bool) -> None:
    """Append one phase's statements to each core's lines."""
    draw = kb.draw
    loop = f"j{index}" if phase.kind != "flat" else None
    header = {"for": f"for {loop} in 0 .. T {{",
              "pipelined": f"pipelined for {loop} in 0 .. T {{"}.get(phase.kind)
    inner = 2 if phase.kind == "flat" else 3 if phase.kind == "for" else 4

    def stage_split(lines_by_stage: list, lines: list, base: int) -> None:
        if phase.kind == "flat":
            for group in lines_by_stage:
                lines.extend(group)
            return
        lines.append("    " * base + header)
        if phase.kind == "for":
            for group in lines_by_stage:
                lines.extend(group)
        else:
            for s, group in enumerate(lines_by_stage):
                lines.append("    " * (base + 1) + f"stage s{s} {{")
                lines.extend(group)
                lines.append("    " * (base + 1) + "}")
        lines.append("    " * base + "}")

    stages = phase.stages if phase.kind == "pipelined" else 1
    # The vector side: stage 0 computes and pushes, the last stage pops and computes.
    if has_vector:
        groups = [[] for _ in range(max(stages, 1))]
        vec = Vector(kb, groups[0])
        for _ in range(draw(st.integers(0, 3))):
            vec.step(inner, loop)
        for pipe in phase.v2c:
            src = vec.operand(inner, loop, "f32", pipe.cols)
            vec.emit(inner, f"tpush {pipe.name}, cast<bf16>({src.name});")
        if stages == 3:  # a middle stage that computes from the first stage's tiles
            vec.out = groups[1]
            for _ in range(draw(st.integers(0, 2))):
                vec.step(inner, loop)
        popped = []
        vec.out = groups[-1]
        for pipe in phase.c2v:
            rows = "LR" if pipe.split == "rows" else "M"
            popped.append(vec.let(inner, pipe.dtype, rows, pipe.cols, f"tpop {pipe.name}",
                                  prefix="q"))
        for tile in popped:
            if tile.rows == "M":  # split none: both lanes see the whole tile
                vec.store(inner, tile, guard_lane=True)
        for _ in range(draw(st.integers(0, 3))):
            vec.step(inner, loop)
        for tile in vec.pool:
            if tile.rows != "M":
                vec.store(inner, tile)
        if draw(st.booleans()):  # a branch of its own tiles, stored inside it
            cond = draw(st.sampled_from(["lane == 0", "k1 > 0", "T > 1", "b % 2 == 1",
                                         "g < 0 || lane == 1"]))
            vec.emit(inner, f"if {cond} {{")
            for branch in range(draw(st.integers(1, 2))):
                if branch:
                    vec.emit(inner, "} else {")
                inside = Vector(kb, vec.out)
                inside.pool = list(vec.pool)
                for _ in range(draw(st.integers(1, 2))):
                    inside.step(inner + 1, loop)
                for tile in inside.pool[len(vec.pool):]:
                    inside.store(inner + 1, tile)
            vec.emit(inner, "}")
        accumulator = None
        if loop and draw(st.booleans()):  # a var summed over the loop, stored after it
            cols = draw(st.sampled_from([16, 32, 64]))
            accumulator = kb.fresh("a")
            vector.append(f"        var {accumulator} = fill(f32[LR, {cols}], 0.0);")
            term = vec.operand(inner, loop, "f32", cols)
            vec.emit(inner, f"{accumulator} = {accumulator} + {term.name};")
        stage_split(groups, vector, 2)
        if accumulator:
            Vector(kb, vector).store(2, Tile(accumulator, "f32", "LR", cols))
    # The cube side: stage 0 pops and multiplies, the last stage pushes.
    if has_cube:
        groups = [[] for _ in range(max(stages, 1))]
        cube_prog = Cube(kb, groups[0])
        pushes = []
        for pipe in phase.v2c:
            k = pipe.cols
            tile = cube_prog.product(inner, loop, a_text=f"tpop {pipe.name}", a_dtype="bf16",
                                     k=k)
            cube_prog.store(inner, tile)
        for pipe in phase.c2v:
            dtype = "i8" if pipe.dtype == "i32" else draw(st.sampled_from(["bf16", "f16",
                                                                          "f32"]))
            tile = cube_prog.product(inner, loop, a_dtype=dtype, n=pipe.cols)
            pushes.append((pipe, tile))
        if not phase.v2c and not phase.c2v and draw(st.booleans()):
            cube_prog.store(inner, cube_prog.product(inner, loop))
        cube_prog.out = groups[-1]
        for pipe, tile in pushes:
            cube_prog.emit(inner, f"tpush {pipe.name}, {tile.name};")
        stage_split(groups, cube, 2)


# ---- the kernel

@dataclass(frozen=True)
class Generated:
    """A drawn kernel: its text and what its launch needs."""
    text: str
    tensors: tuple  # of Tensor
    scalars: tuple  # of (name, dtype)

    def inputs(self, seed: int = 0) -> dict:
        return launch_inputs(self, seed)


def launch_inputs(kernel: Generated, seed: int = 0) -> dict:
    """Seeded inputs: every `in` tensor ([ROWS, cols]) and every scalar parameter."""
    rng = np.random.default_rng(seed)
    values = {}
    for tensor in kernel.tensors:
        name, dtype, shape = tensor.name, tensor.dtype, tensor.shape
        if tensor.direction != "in":
            continue
        if dtype == "i8":
            values[name] = rng.integers(-8, 9, shape).astype(np.int8)
        elif dtype == "i32":
            values[name] = rng.integers(-100, 101, shape).astype(np.int32)
        else:
            x = rng.uniform(-2.0, 2.0, shape)
            values[name] = x.astype({"f32": np.float32, "f16": np.float16,
                                     "bf16": ml_dtypes.bfloat16}[dtype])
    for name, _ in kernel.scalars:
        values[name] = {"s0": float(rng.uniform(-2, 2)), "t0": int(rng.integers(0, 5)),
                        "sel": int(rng.integers(0, 2))}[name]
    return values


@st.composite
def kernels(draw) -> Generated:
    """A valid kernel (see the module docstring)."""
    kb = Builder(draw)
    cores = draw(st.sampled_from(["mix", "mix", "aiv", "aic"]))
    has_cube, has_vector = cores in ("mix", "aic"), cores in ("mix", "aiv")
    specialised = draw(st.booleans())
    phases = []
    for index in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flat", "for", "pipelined"]))
        stages = draw(st.integers(2, 3)) if kind == "pipelined" else 1
        c2v, v2c = [], []
        if cores == "mix":
            for _ in range(draw(st.integers(0, 2))):
                if len(kb.pipes) == 8:
                    break
                dtype = draw(st.sampled_from(["f32", "f32", "i32"]))
                pipe = Pipe(f"pp{len(kb.pipes)}", "aic", dtype,
                            draw(st.sampled_from([32, 64] if dtype == "i32" else [16, 32, 64])),
                            draw(st.integers(1, 4)), draw(st.sampled_from(["rows", "none"])),
                            index)
                kb.pipes.append(pipe)
                c2v.append(pipe)
            for _ in range(draw(st.integers(0, 2))):
                if len(kb.pipes) == 8:
                    break
                pipe = Pipe(f"pp{len(kb.pipes)}", "aiv", "bf16", draw(st.sampled_from([16, 32, 64])),
                            draw(st.integers(1, 4)), "rows", index)
                kb.pipes.append(pipe)
                v2c.append(pipe)
        phases.append(Phase(kind, stages, c2v, v2c))

    cube, vector = [], []
    for index, phase in enumerate(phases):
        _phase_texts(kb, phase, index, cube, vector, has_cube, has_vector)

    scalars = [("s0", "f32"), ("t0", draw(st.sampled_from(["i32", "i64"])))]
    headers = []
    if specialised:
        scalars.append(("sel", "i32"))
        headers.append("specialize M in {16, 32} = sel > 0 ? 32 : 16;")
    if draw(st.booleans()):
        headers.append("require rows % 32 == 0;")
    two_d = draw(st.booleans())
    grid_vars = "b, c" if two_d else "b"
    m = None if specialised else draw(st.sampled_from([16, 32]))
    extents = f"rows / {m or 'M'}" + (", 2" if two_d else "")
    blocks = draw(st.sampled_from([1, 2, 3, 24]))
    trips = draw(st.sampled_from(["t0 % 3 + 1", "min(t0, 2) + 1", "max(t0 - 1, 1)",
                                  "ceil_div(t0 + 1, 2)", "(t0 > 2 ? 2 : t0 + 1)"]))
    k1 = draw(st.sampled_from(["(t0 * 3 + b) % 7 - 2", "t0 - b", "b * 2 + 1",
                               "(t0 + 1) / 2"] + (["c * 5 - t0"] if two_d else [])))

    kb.source("f32")  # `rows` is always a shape symbol
    kb.source("i32")  # `g` reads it
    params = [t.declaration() for t in sorted(kb.tensors, key=lambda t: t.name)]
    params += [f"{name}: {dtype}" for name, dtype in scalars]
    lines = ["kernel fuzz(", *[f"    {p}," for p in params], ")", *headers, "{"]
    if not specialised:
        lines.append(f"    let M = {m};")
    lines.append(f"    grid ({grid_vars}) = ({extents}) on {blocks} blocks;")
    for pipe in kb.pipes:
        dst = "aiv" if pipe.src == "aic" else "aic"
        lines.append(f"    pipe {pipe.name}: {pipe.src} -> {dst} {pipe.dtype}[M, {pipe.cols}] "
                     f"depth {pipe.depth} split {pipe.split};")
    lines += [f"    let T = {trips};", f"    let k1 = {k1};", "    let r0 = b * M;",
              "    let g = x_i32[r0, 1] % 3;"]  # a scalar read from GM
    if has_cube:
        lines += ["    aic {", *cube, "    }"]
    if has_vector:
        lines += ["    aiv {", "        let LR = M / 2;", "        let r = r0 + lane * LR;",
                  *vector, "    }"]
    lines.append("}")
    return Generated("\n".join(lines) + "\n",
                     tuple(sorted(kb.tensors, key=lambda t: t.name)),
                     tuple(scalars))
