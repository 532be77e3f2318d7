"""Launch checks: from the caller's inputs to a validated `Launch`, or a LaunchError saying why.

After `prepare`: every parameter has a value of its declared rank and dtype (bf16/f16 tensors
given as float are rounded to nearest even; integers given wider are range-checked and
narrowed; a bf16 array read back from .npz as raw 2-byte records is reinterpreted); every shape
symbol has one value agreed by all tensors; every specialisation has one of its declared values;
every `require` holds; the grid extents and the hardware block count are known; every pipe has
constant, even row counts when split by rows. Inputs are never modified: outputs are copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .. import ir
from ..diagnostics import Diagnostic, read_source, render
from ..errors import LaunchError
from ..symbolic import evaluate, names_in
from .numerics import BF16, DTYPES, F32


@dataclass
class Launch:
    kernel: ir.Kernel
    statics: dict  # shape symbols, specialisation values and scalar parameters: Python values
    inputs: dict  # name -> array, every in/inout tensor, converted to its declared dtype
    initial: dict  # name -> array each out/inout tensor starts from
    extents: tuple  # grid extents, row-major (of the phase, in a kernel with phases)
    blocks: int  # hardware blocks H
    scratch: dict = field(default_factory=dict)  # name -> (shape, dtype) of each scratch tensor

    @property
    def logical_blocks(self) -> int:
        return int(np.prod(self.extents, dtype=np.int64))

    def fresh_tensors(self) -> dict:
        """The tensors one run reads and writes: inputs shared, outputs copied afresh, and
        the scratch tensors as memory nobody wrote: NaN (integers: their least value), so
        that reading an element no phase stored shows in the outputs."""
        return self.inputs | {name: value.copy() for name, value in self.initial.items()} | {
            name: np.full(shape, np.nan if dtype.kind == "f" or dtype == BF16
                          else np.iinfo(dtype).min, dtype)
            for name, (shape, dtype) in self.scratch.items()}

    def coords(self, logical) -> tuple:
        """The grid variables' values of logical block(s) `logical` (row-major)."""
        return tuple(np.unravel_index(logical, self.extents))

    def describe(self, logical: int) -> str:
        values = ", ".join(f"{v}={int(c)}" for v, c in zip(self.kernel.grid.vars,
                                                          self.coords(logical)))
        return f"logical block {logical} ({values})"


def prepare(kernel: ir.Kernel, inputs: dict, blocks: int | None = None) -> Launch:
    _check_names(kernel, inputs)
    symbols: dict[str, tuple] = {}  # shape symbol -> (value, "tensor dimension i")
    statics: dict = {}
    arrays: dict = {}
    for param in kernel.params:
        if isinstance(param, ir.ScalarParam):
            statics[param.name] = _scalar(param, inputs[param.name])
        elif param.name in inputs:
            arrays[param.name] = _tensor(param, inputs[param.name])
            _bind_shape(param, arrays[param.name].shape, symbols)
    statics |= {name: value for name, (value, _) in symbols.items()}
    for param in kernel.params:
        if isinstance(param, ir.TensorParam) and param.name not in arrays:
            shape = tuple(_dim(param, d, statics) for d in param.shape)
            arrays[param.name] = np.zeros(shape, DTYPES[param.dtype])
    for spec in kernel.specializations:
        statics[spec.name] = _specialisation(spec, statics)
    for require in kernel.requires:
        _require(require, statics)
    scratch = {t.name: (tuple(int(_static(d, statics, t.span, "scratch dimension"))
                              for d in t.shape), DTYPES[t.dtype]) for t in kernel.scratch}
    for name, (shape, _) in scratch.items():
        if any(d < 0 for d in shape):
            raise LaunchError(located(kernel.param(name).span, f"scratch tensor '{name}' has "
                                      f"a negative dimension: {shape}"))
    outputs = set(kernel.outputs)
    launch = Launch(kernel, statics, {n: a for n, a in arrays.items() if n not in outputs},
                    {n: a for n, a in arrays.items() if n in outputs}, (), 1, scratch)
    return launch if kernel.phases else for_phase(launch, kernel, blocks)


def for_phase(launch: Launch, phase: ir.Kernel, blocks: int | None = None) -> Launch:
    """The launch of one phase of a kernel (or of a kernel without phases): its grid extents,
    its pipes checked, its hardware block count (`blocks` overrides the declared one)."""
    kernel = phase
    statics = launch.statics
    grid = kernel.grid
    extents = tuple(_static(e, statics, grid.span, "grid extent") for e in grid.extents)
    if any(e < 0 for e in extents):
        raise LaunchError(located(grid.span, f"grid extents {extents} must not be negative"))
    for pipe in kernel.pipes:
        _check_pipe(pipe, statics)
    blocks = kernel.grid.blocks if blocks is None else int(blocks)
    if blocks < 1:
        raise LaunchError(f"the hardware block count must be at least 1, got {blocks}")
    return replace(launch, kernel=kernel, extents=extents, blocks=blocks)


# ---------------------------------------------------------------------------- parameters


def _check_names(kernel: ir.Kernel, inputs: dict) -> None:
    names = [p.name for p in kernel.params]
    extra = sorted(set(inputs) - set(names))
    if extra:
        raise LaunchError(f"{kernel.name}: unknown input{'s' if len(extra) > 1 else ''} "
                          f"{', '.join(repr(e) for e in extra)}; the parameters are "
                          f"{', '.join(names)}")
    for param in kernel.params:
        optional = isinstance(param, ir.TensorParam) and param.direction == "out"
        if param.name not in inputs and not optional:
            raise LaunchError(f"{kernel.name}: missing input '{param.name}' "
                              f"({_declared(param)})")


def _declared(param) -> str:
    if isinstance(param, ir.ScalarParam):
        return f"a scalar {param.dtype}"
    return f"{param.direction} {param.dtype}[{', '.join(str(d) for d in param.shape)}]"


def _scalar(param: ir.ScalarParam, value):
    array = np.asarray(value)
    if array.ndim != 0:
        raise LaunchError(f"input '{param.name}' is {_declared(param)}: give a single value "
                          f"(a 0-d array), got shape {array.shape}")
    if param.dtype == "f32" and array.dtype.kind in "fiu":
        return np.float32(array)
    if param.dtype != "f32" and array.dtype.kind in "iu":
        return _fit_int(param, array.astype(np.int64)).item()
    raise LaunchError(f"input '{param.name}' is {_declared(param)}, got a {array.dtype} value")


def _tensor(param: ir.TensorParam, value) -> np.ndarray:
    array = np.asarray(value)
    target = DTYPES[param.dtype]
    if array.dtype.kind == "V" and array.dtype.itemsize == 2 and param.dtype in ("bf16", "f16"):
        array = array.view(target)  # .npz stores bf16 as raw 2-byte records
    if array.ndim != len(param.shape):
        raise LaunchError(f"input '{param.name}' is {_declared(param)} ({len(param.shape)} "
                          f"dimensions), got shape {array.shape}")
    if array.dtype == target:
        return array
    is_float = array.dtype.kind == "f" or array.dtype == BF16
    if target.kind == "f" or target == BF16:
        if not is_float:
            raise LaunchError(f"input '{param.name}' is {_declared(param)}, got {array.dtype} "
                              "values (give floats)")
        return array.astype(F32, copy=False).astype(target)  # rounds to nearest even
    if array.dtype.kind not in "iu":
        raise LaunchError(f"input '{param.name}' is {_declared(param)}, got {array.dtype} "
                          "values (give integers)")
    return _fit_int(param, array).astype(target)


def _fit_int(param, array: np.ndarray) -> np.ndarray:
    info = np.iinfo(DTYPES[param.dtype])
    if array.size and (array.min() < info.min or array.max() > info.max):
        raise LaunchError(f"input '{param.name}' is {_declared(param)}: its values "
                          f"[{array.min()}, {array.max()}] do not fit in {param.dtype}")
    return array


def _bind_shape(param: ir.TensorParam, shape: tuple, symbols: dict) -> None:
    for axis, (dim, size) in enumerate(zip(param.shape, shape)):
        where = f"'{param.name}' dimension {axis}"
        if isinstance(dim, ir.Name):
            bound, first = symbols.setdefault(dim.name, (size, where))
            if bound != size:
                raise LaunchError(f"shape symbol '{dim.name}' is {bound} from {first} but "
                                  f"{size} from {where}")
        elif isinstance(dim, ir.Const) and dim.value != size:
            raise LaunchError(f"input '{param.name}' is {_declared(param)}: {where} must be "
                              f"{dim.value}, got {size} (shape {shape})")


def _dim(param: ir.TensorParam, dim: ir.Expr, statics: dict) -> int:
    try:
        return int(evaluate(dim, statics.__getitem__))
    except KeyError as missing:
        raise LaunchError(f"output '{param.name}' was not given and its dimension "
                          f"{missing.args[0]} is not fixed by any input: pass '{param.name}'")


# ---------------------------------------------------------------------------- declarations


def _static(expr: ir.Expr, statics: dict, span, what: str):
    try:
        return evaluate(expr, statics.__getitem__)
    except KeyError as missing:
        raise LaunchError(located(span, f"{what} `{expr}` needs '{missing.args[0]}', which no "
                                  "input fixes")) from None
    except ZeroDivisionError:
        raise LaunchError(located(span, f"{what} `{expr}` divides by zero")) from None


def _specialisation(spec: ir.Specialize, statics: dict) -> int:
    if spec.rule is None:
        value = statics[spec.name]  # the checker made sure a tensor dimension binds it
    else:
        value = int(_static(spec.rule, statics, spec.span, f"specialisation rule of '{spec.name}'"))
    if value not in spec.values:
        declared = ", ".join(str(v) for v in spec.values)
        raise LaunchError(located(spec.span, f"no specialisation for {spec.name}={value} "
                                  f"(declared: {declared})"))
    return value


def _require(require: ir.Require, statics: dict) -> None:
    if _static(require.cond, statics, require.span, "requirement"):
        return
    values = ", ".join(f"{n} = {statics[n]}" for n in sorted(names_in(require.cond)))
    raise LaunchError(located(require.span, f"requirement `{_text(require.cond)}` does not "
                              f"hold ({values})"))


def _check_pipe(pipe: ir.PipeDecl, statics: dict) -> None:
    rows = _static(pipe.shape[0], statics, pipe.span, "pipe row count")
    if pipe.split == "rows" and rows % 2:
        raise LaunchError(located(pipe.span, f"pipe '{pipe.name}' is split by rows but has "
                                  f"{rows} rows, an odd number"))
    if pipe.src == "aiv" and pipe.split != "rows":
        raise LaunchError(located(pipe.span, f"pipe '{pipe.name}': an aiv -> aic pipe must "
                                  "be `split rows` (each lane pushes its half of the cube's "
                                  "tile)"))


def located(span, message: str) -> str:
    """`file:line:col: error: message`, the source line and a caret, as a compile error is
    shown (without the source line when the kernel's file cannot be read)."""
    return render(Diagnostic(span, message), read_source(span.file) if span else None)


def _text(expr: ir.Expr) -> str:
    text = str(expr)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text
