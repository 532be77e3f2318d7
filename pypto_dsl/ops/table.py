"""The entries of the op table, cube ops first. Each names the pto-isa instruction it is (in
its doc line and its template macro); an op pto-isa lacks is an expansion (expansions.py)."""

from __future__ import annotations

from . import expansions as ex
from . import rules as r
from .spec import AIC, AIV, COL, CONST, INT, ROW, SCALAR, TILE, TYPE, ZERO, OpSpec

FLOAT = ("f32", "f16")  # what the vector unit computes transcendental ops in (no bf16)
ARITHMETIC = ("f32", "f16", "i32")  # a2a3 vector arithmetic: no bf16, no i8


def _vector(name, written, form, operands, rule, semantics, emit, doc, cost, **more):
    written = (written,) if isinstance(written, str) else written
    return OpSpec(name, AIV, "V", operands, rule, semantics, emit, doc, written, form,
                  cost=cost, **more)


def _expanded(name, written, operands, rule, expansion, doc, core=AIV, **more):
    """An op made of others: its semantics are its expansion's, op by op."""

    def semantics(xp, *args, **attrs):
        from . import OPS

        kind = attrs.pop("type", None)
        shape = attrs.pop("shape", None) or args[0].shape
        dtype = kind.dtype if kind is not None else str(args[0].dtype)
        builder = ex.Evaluate(xp, OPS, tuple(shape[:-2]))
        return expansion(builder, dtype, shape[-2], shape[-1], *args, **attrs)

    return OpSpec(name, core, "V", operands, rule, semantics, "expanded", doc, (written,),
                  "call", expand=expansion, **more)


CUBE = [
    # data movement made explicit by lowering: L1 -> L0A (left) / L0B (right), TMOV
    OpSpec("move_left", AIC, "MTE1", (TILE,), r.same, lambda xp, a: a, "unary",
           "inserted before every matmul: its A operand copied from L1 to L0A (TMOV)",
           writes="L0A", layout="left", cost="L1->L0A"),
    OpSpec("move_right", AIC, "MTE1", (TILE,), r.same, lambda xp, a: a, "unary",
           "inserted before every matmul: its B operand copied from L1 to L0B (TMOV)",
           writes="L0B", layout="right", cost="L1->L0B"),
    OpSpec("matmul", AIC, "M", (TILE, TILE), r.matmul, lambda xp, a, b: xp.matmul(a, b),
           "matmul", "`matmul(a, b)`: a @ b into L0C (TMATMUL); bf16, f16 and f32 operands "
           "accumulate in f32, i8 in i32", ("matmul",), writes="L0C", layout="acc", cost="mad"),
    OpSpec("matmul_acc", AIC, "M", (TILE, TILE, TILE), r.matmul_acc,
           lambda xp, c, a, b: c + xp.matmul(a, b), "matmul_acc",
           "`c = matmul_acc(c, a, b)`: c + a @ b, accumulated in c's own L0C bytes "
           "(TMATMUL_ACC)", ("matmul_acc",), writes="L0C", layout="acc", cost="mad"),
    OpSpec("mat_fill", AIC, "MTE2", (TYPE, SCALAR), r.fill,
           lambda xp, value, type, shape: xp.full(shape, value, type.dtype), "fill",
           "inserted for a zero accumulator: an L1 tile of one value (TEXPANDS)",
           writes="L1", layout="nz", cost="L1 fill"),
    _expanded("acc_fill", "fill", (TYPE, ZERO), r.acc_fill, ex.acc_zero,
              "`fill(f32[m, n], 0.0)` on the cube: an accumulator of zeros, the product of two "
              "zero tiles (L0C cannot be filled)", core=AIC),
    OpSpec("acc_cast", AIC, "FIX", (TILE,), r.cast, lambda xp, a, dtype, round: xp.cast(
        a, dtype, round), "acc_cast", "`cast<bf16>(c)`, `cast<f16>(c)` of an f32 accumulator: "
           "converted on its way out by the fixpipe, so only stored (TSTORE)", ("cast",),
           writes="L0C", layout="acc", alias=True, cost="fixpipe"),
]

VECTOR = [
    # element-wise, both operands of one shape
    _vector("add", "+", "tile", (TILE, TILE), r.elementwise, lambda xp, a, b: a + b, "binary",
            "`a + b` (TADD)", "vadd", commutative=True, dtypes=ARITHMETIC),
    _vector("sub", "-", "tile", (TILE, TILE), r.elementwise, lambda xp, a, b: a - b, "binary",
            "`a - b` (TSUB)", "vsub", dtypes=ARITHMETIC),
    _vector("mul", "*", "tile", (TILE, TILE), r.elementwise, lambda xp, a, b: a * b, "binary",
            "`a * b` (TMUL)", "vmul", commutative=True, dtypes=ARITHMETIC),
    _vector("div", "/", "tile", (TILE, TILE), r.elementwise, lambda xp, a, b: a / b, "binary",
            "`a / b` (TDIV)", "vdiv", dtypes=FLOAT),
    _vector("max", "max", "tile", (TILE, TILE), r.elementwise,
            lambda xp, a, b: xp.maximum(a, b), "binary", "`max(a, b)` (TMAX)", "vmax",
            commutative=True, dtypes=ARITHMETIC),
    _vector("min", "min", "tile", (TILE, TILE), r.elementwise,
            lambda xp, a, b: xp.minimum(a, b), "binary", "`min(a, b)` (TMIN)", "vmin",
            commutative=True, dtypes=ARITHMETIC),
    # row broadcast: [rows, cols] op [rows, 1]
    _vector("row_add", "+", "row", (TILE, ROW), r.row_broadcast, lambda xp, a, b: a + b, "row",
            "`a + r`: r, a [rows, 1] tile, added to every column of a, either side "
            "(TROWEXPANDADD)", "vadd", commutative=True, dtypes=ARITHMETIC),
    _vector("row_sub", "-", "row", (TILE, ROW), r.row_broadcast, lambda xp, a, b: a - b, "row",
            "`a - r` per row (TROWEXPANDSUB)", "vsub", dtypes=ARITHMETIC),
    _vector("row_mul", "*", "row", (TILE, ROW), r.row_broadcast, lambda xp, a, b: a * b, "row",
            "`a * r` per row, either side (TROWEXPANDMUL)", "vmul", commutative=True,
            dtypes=ARITHMETIC),
    _vector("row_div", "/", "row", (TILE, ROW), r.row_broadcast, lambda xp, a, b: a / b, "row",
            "`a / r` per row (TROWEXPANDDIV)", "vdiv", dtypes=FLOAT),
    _vector("row_max", "max", "row", (TILE, ROW), r.row_broadcast,
            lambda xp, a, b: xp.maximum(a, b), "row", "`max(a, r)` per row (TROWEXPANDMAX)",
            "vmax", commutative=True, dtypes=ARITHMETIC),
    _vector("row_min", "min", "row", (TILE, ROW), r.row_broadcast,
            lambda xp, a, b: xp.minimum(a, b), "row", "`min(a, r)` per row (TROWEXPANDMIN)",
            "vmin", commutative=True, dtypes=ARITHMETIC),
    # column broadcast: [rows, cols] op [1, cols]
    _vector("col_add", "+", "col", (TILE, COL), r.col_broadcast, lambda xp, a, b: a + b,
            "binary", "`a + c`: c, a [1, cols] tile, added to every row of a, either side "
            "(TCOLEXPANDADD)", "vadd", commutative=True, dtypes=ARITHMETIC),
    _vector("col_sub", "-", "col", (TILE, COL), r.col_broadcast, lambda xp, a, b: a - b,
            "binary", "`a - c` per column (TCOLEXPANDSUB)", "vsub", dtypes=ARITHMETIC),
    _vector("col_mul", "*", "col", (TILE, COL), r.col_broadcast, lambda xp, a, b: a * b,
            "binary", "`a * c` per column, either side (TCOLEXPANDMUL)", "vmul",
            commutative=True, dtypes=ARITHMETIC),
    _vector("col_div", "/", "col", (TILE, COL), r.col_broadcast, lambda xp, a, b: a / b,
            "binary", "`a / c` per column (TCOLEXPANDDIV)", "vdiv", dtypes=FLOAT),
    _vector("col_max", "max", "col", (TILE, COL), r.col_broadcast,
            lambda xp, a, b: xp.maximum(a, b), "binary",
            "`max(a, c)` per column (TCOLEXPANDMAX)", "vmax", commutative=True,
            dtypes=ARITHMETIC),
    _vector("col_min", "min", "col", (TILE, COL), r.col_broadcast,
            lambda xp, a, b: xp.minimum(a, b), "binary",
            "`min(a, c)` per column (TCOLEXPANDMIN)", "vmin", commutative=True,
            dtypes=ARITHMETIC),
    # tile op scalar
    _vector("adds", "+", "scalar", (TILE, SCALAR), r.same, lambda xp, a, s: a + xp.like(s, a),
            "scalar", "`a + s`, `s + a`, `a - s`: a tile and a scalar (TADDS)", "vadds",
            commutative=True, dtypes=ARITHMETIC),
    _vector("muls", "*", "scalar", (TILE, SCALAR), r.same, lambda xp, a, s: a * xp.like(s, a),
            "scalar", "`a * s`, `s * a` (TMULS)", "vmuls", commutative=True, dtypes=ARITHMETIC),
    _vector("divs", "/", "scalar", (TILE, SCALAR), r.same, lambda xp, a, s: a / xp.like(s, a),
            "scalar", "`a / s` (TDIVS)", "vdiv", dtypes=FLOAT),
    _vector("maxs", "max", "scalar", (TILE, SCALAR), r.same,
            lambda xp, a, s: xp.maximum(a, xp.like(s, a)), "scalar", "`max(a, s)` (TMAXS)",
            "vmaxs", commutative=True, dtypes=ARITHMETIC),
    _vector("mins", "min", "scalar", (TILE, SCALAR), r.same,
            lambda xp, a, s: xp.minimum(a, xp.like(s, a)), "scalar", "`min(a, s)` (TMINS)",
            "vmins", commutative=True, dtypes=ARITHMETIC),
    # unary math
    _vector("exp", "exp", "call", (TILE,), r.same, lambda xp, a: xp.exp(a), "unary",
            "`exp(a)`: e to the power a (TEXP)", "vexp", dtypes=FLOAT),
    _vector("log", "log", "call", (TILE,), r.same, lambda xp, a: xp.log(a), "unary",
            "`log(a)`: the natural logarithm (TLOG)", "vln", dtypes=FLOAT),
    _vector("sqrt", "sqrt", "call", (TILE,), r.same, lambda xp, a: xp.sqrt(a), "unary",
            "`sqrt(a)`: the square root (TSQRT)", "vsqrt", dtypes=FLOAT),
    _vector("rsqrt", "rsqrt", "call", (TILE,), r.same, lambda xp, a: xp.rsqrt(a), "unary",
            "`rsqrt(a)`: 1 / sqrt(a), a square root and a division (TRSQRT with its tmp "
            "tile, the precise form)", "vrsqrt", dtypes=FLOAT, scratch="operand"),
    _vector("recip", "recip", "call", (TILE,), r.same, lambda xp, a: xp.recip(a), "unary",
            "`recip(a)`: 1 / a (TRECIP, which a2a3 runs as 1 / a into a tile other than a)",
            "vdiv", dtypes=FLOAT, in_place=False),
    _vector("abs", "abs", "call", (TILE,), r.same, lambda xp, a: xp.abs(a), "unary",
            "`abs(a)` (TABS)", "vabs", dtypes=FLOAT),
    _vector("neg", "neg", "call", (TILE,), r.same, lambda xp, a: -a, "unary",
            "`-a`, `neg(a)` (TNEG)", "vmuls", dtypes=ARITHMETIC),
    _vector("relu", "relu", "call", (TILE,), r.same, lambda xp, a: xp.relu(a), "unary",
            "`relu(a)`: max(a, 0) (TRELU)", "vrelu", dtypes=ARITHMETIC),
    _vector("lrelu", "lrelu", "call", (TILE, SCALAR), r.same,
            lambda xp, a, alpha: xp.where(a > 0, a, a * xp.like(alpha, a)), "scalar",
            "`lrelu(a, alpha)`: leaky ReLU, a where a > 0, else alpha * a (TLRELU)", "vlrelu",
            dtypes=FLOAT),
    _expanded("sigmoid", "sigmoid", (TILE,), r.same, ex.sigmoid,
              "`sigmoid(a)`: 1 / (1 + exp(-a)); no instruction: TMULS, TEXP, TADDS, TRECIP",
              dtypes=FLOAT),
    _expanded("tanh", "tanh", (TILE,), r.same, ex.tanh,
              "`tanh(a)`: 2 / (1 + exp(-2a)) - 1; no instruction: TMULS, TEXP, TADDS, TRECIP, "
              "TMULS, TADDS", dtypes=FLOAT),
    _expanded("silu", "silu", (TILE,), r.same, ex.silu,
              "`silu(a)`: a / (1 + exp(-a)); no instruction: TMULS, TEXP, TADDS, TDIV",
              dtypes=FLOAT),
    _expanded("gelu", "gelu", (TILE,), r.same, ex.gelu,
              "`gelu(a)`: the tanh form, a / (1 + exp(-2 sqrt(2/pi) (a + 0.044715 a^3))); no "
              "instruction: TMUL, TMULS, TADDS, TMUL, TEXP, TADDS, TDIV", dtypes=FLOAT),
    # reductions
    _vector("rowmax", "rowmax", "call", (TILE,), r.row_reduce(), lambda xp, a: xp.rowmax(a),
            "reduce", "`rowmax(a)`: [rows, cols] to [rows, 1], each row's maximum (TROWMAX)",
            "vcgmax", dtypes=FLOAT, scratch="operand"),
    _vector("rowmin", "rowmin", "call", (TILE,), r.row_reduce(), lambda xp, a: xp.rowmin(a),
            "reduce", "`rowmin(a)`: each row's minimum (TROWMIN)", "vcgmax", dtypes=FLOAT,
            scratch="operand"),
    _vector("rowsum", "rowsum", "call", (TILE,), r.row_reduce(), lambda xp, a: xp.rowsum(a),
            "reduce", "`rowsum(a)`: each row's sum (TROWSUM)", "vcadd", dtypes=FLOAT,
            scratch="operand"),
    _vector("rowargmax", "rowargmax", "call", (TILE,), r.row_reduce("i32"),
            lambda xp, a: xp.rowargmax(a), "reduce",
            "`rowargmax(a)`: [rows, cols] to i32[rows, 1], the column of each row's maximum, "
            "the first on ties (TROWARGMAX)", "vcgmax", dtypes=FLOAT, scratch="operand"),
    _vector("rowargmin", "rowargmin", "call", (TILE,), r.row_reduce("i32"),
            lambda xp, a: xp.rowargmin(a), "reduce",
            "`rowargmin(a)`: the column of each row's minimum, the first on ties (TROWARGMIN)",
            "vcgmax", dtypes=FLOAT, scratch="operand"),
    _vector("colsum", "colsum", "call", (TILE,), r.col_reduce, lambda xp, a: xp.colsum(a),
            "unary", "`colsum(a)`: [rows, cols] to [1, cols], each column's sum (TCOLSUM)",
            "vadd", dtypes=FLOAT),
    _vector("colmax", "colmax", "call", (TILE,), r.col_reduce, lambda xp, a: xp.colmax(a),
            "unary", "`colmax(a)`: each column's maximum (TCOLMAX)", "vmax", dtypes=FLOAT),
    _vector("colmin", "colmin", "call", (TILE,), r.col_reduce, lambda xp, a: xp.colmin(a),
            "unary", "`colmin(a)`: each column's minimum (TCOLMIN)", "vmin", dtypes=FLOAT),
    # compare and select
    _vector("cmp", ("<", "<=", ">", ">=", "==", "!="), "tile", (TILE, TILE), r.compare,
            lambda xp, a, b, mode: xp.compare(a, b, mode), "compare",
            "`a < b`, `a <= b`, `a > b`, `a >= b`, `a == b`, `a != b`: a bool mask (TCMP; "
            "i32 only == and !=)", "vcmp", dtypes=ARITHMETIC),
    _vector("cmps", ("<", "<=", ">", ">=", "==", "!="), "scalar", (TILE, SCALAR), r.compare,
            lambda xp, a, s, mode: xp.compare(a, xp.like(s, a), mode), "compare",
            "`a < s` ... with a scalar: a bool mask (TCMPS)", "vcmp", dtypes=ARITHMETIC),
    _vector("select", "select", "call", (TILE, TILE, TILE), r.select,
            lambda xp, m, a, b: xp.where(m, a, b), "select",
            "`select(mask, a, b)`: a where the mask holds, else b (TSEL)", "vsel",
            scratch="select"),
    _vector("selects", "select", "scalar", (TILE, TILE, SCALAR), r.select,
            lambda xp, m, a, s: xp.where(m, a, xp.like(s, a)), "select",
            "`select(mask, a, s)`: a where the mask holds, else the scalar s (TSELS)", "vsel",
            scratch="selects"),
    # index tiles and broadcasts
    OpSpec("iota", AIV, "S", (TYPE,), r.iota, lambda xp, type, shape: xp.iota(shape, type.dtype),
           "iota", "inserted for index tiles: one row 0, 1, 2, ... counted by the scalar unit "
           "(TCI)", cost="scalar"),
    _vector("as_column", "", "call", (TILE,), r.as_column, lambda xp, a: xp.as_column(a),
            "alias", "inserted for row indices: a [1, n] tile's bytes seen as [n, 1] "
            "(TRESHAPE)", "", alias=True),
    _vector("row_bcast", "", "call", (ROW, TYPE), r.broadcast,
            lambda xp, a, type, shape: xp.broadcast_to(a, shape), "broadcast",
            "inserted for row indices: each row of [rows, 1] repeated along the row "
            "(TROWEXPAND)", "vdup"),
    _vector("col_bcast", "", "call", (COL, TYPE), r.broadcast,
            lambda xp, a, type, shape: xp.broadcast_to(a, shape), "broadcast",
            "inserted for column indices: [1, cols] repeated down the rows (TCOLEXPAND)",
            "vdup"),
    _expanded("col_index", "col_index", (TYPE,), r.index, ex.col_index,
              "`col_index(T[rows, cols])`: every row 0 .. cols-1 (T f32 or i32); no "
              "instruction: TCI, TCOLEXPAND"),
    _expanded("row_index", "row_index", (TYPE,), r.index, ex.row_index,
              "`row_index(T[rows, cols])`: row r all r (T f32 or i32); no instruction: TCI, "
              "TRESHAPE, TROWEXPAND"),
    # tile views
    _vector("extract", "", "call", (TILE, INT, INT), r.extract,
            lambda xp, a, row, col, rows, cols: xp.window(a, row, col, rows, cols), "extract",
            "`t[r : +n, c : +m]`: the sub-tile as a tile of its own (TEXTRACT; c a constant, "
            "32-byte aligned)", "vcopy"),
    _vector("insert", "", "call", (TILE, TILE, INT, INT), r.insert,
            lambda xp, a, b, row, col: xp.insert(a, b, row, col), "insert",
            "`t[r : +n, c : +m] = v` on a `var` t: v written into that part of t (TINSERT; c a "
            "constant, 32-byte aligned)", "vcopy"),
    _vector("concat", "concat", "call", (TILE, TILE), r.concat,
            lambda xp, a, b: xp.concatenate((a, b), axis=-1), "binary",
            "`concat(a, b)`: the columns of a, then b (TCONCAT; a's width 32-byte aligned)",
            "vcopy"),
    # conversions and fills
    _vector("cast", "cast", "call", (TILE,), r.cast, lambda xp, a, dtype, round: xp.cast(
        a, dtype, round), "cast", "`cast<T>(a)`, `cast<T>(a, mode)`: converted to T, rounding "
            "by mode: rint, round, floor, ceil, trunc (TCVT; the target's conversion table "
            "says which pairs)", "vconv"),
    _vector("fill", "fill", "call", (TYPE, SCALAR), r.fill,
            lambda xp, value, type, shape: xp.full(shape, value, type.dtype), "fill",
            "`fill(T[rows, cols], v)`: a tile of one value (TEXPANDS)", "vdup"),
    _vector("pad_cols", "pad_cols", "call", (TILE, INT, CONST), r.same,
            lambda xp, a, valid, value: xp.pad_cols(a, valid, value), "pad",
            "`pad_cols(a, valid, v)`: a with its columns from `valid` (a runtime integer) on "
            "set to v, a constant (TFILLPAD_INPLACE, whose pad value is a template argument)", "vdup",
            dtypes=FLOAT),
]
