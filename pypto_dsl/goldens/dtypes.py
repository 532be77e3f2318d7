"""Element types, rounding helpers and the ``Case`` record shared by every golden.

Contract:

* ``bf16`` means ``ml_dtypes.bfloat16``. Converting to it always goes through float32
  first and then rounds to nearest, ties to even (RNE), as ``ml_dtypes`` and torch's
  ``.to(bfloat16)`` in simpler's golden do. (The hand-written kernel and ours cast P with
  ``CAST_ROUND``, ties away from zero; the two differ only on exact ties, far inside the
  tolerance.)
* f32 arithmetic is done in ``numpy.float32``. Nothing here widens to float64, so the
  goldens round the way the kernels do.
* ``round_bf16``, ``to_f32``, ``to_bf16`` and the dtype names are the only helpers that
  the reference interpreter may share with the goldens. Everything else in this package
  stays independent of the interpreter, so that the goldens remain an independent check.
* ``Case`` lives here rather than in ``__init__`` so that the loader and the helpers stay
  apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ml_dtypes
import numpy as np

BF16 = np.dtype(ml_dtypes.bfloat16)
F16 = np.dtype(np.float16)
F32 = np.dtype(np.float32)
I8 = np.dtype(np.int8)
I32 = np.dtype(np.int32)

# DSL element-type names -> numpy dtypes.
DTYPES: dict[str, np.dtype] = {"bf16": BF16, "f16": F16, "f32": F32, "i8": I8, "i32": I32}


def dtype_name(dtype: Any) -> str:
    """Return the DSL name ("bf16", "f32", "i32") of a numpy dtype or array."""
    dt = np.dtype(getattr(dtype, "dtype", dtype))
    for name, known in DTYPES.items():
        if dt == known:
            return name
    raise KeyError(f"dtype {dt} has no DSL name; known: {sorted(DTYPES)}")


def to_f32(x: Any) -> np.ndarray:
    """Return ``x`` as a float32 array. Widening bf16 to f32 is exact."""
    return np.asarray(x).astype(F32, copy=False)


def to_bf16(x: Any) -> np.ndarray:
    """Round ``x`` to bf16 (RNE).

    The value is rounded to f32 first so that float64 input is not rounded twice in a
    way the hardware never would.
    """
    return to_f32(x).astype(BF16)


def round_bf16(x: Any) -> np.ndarray:
    """Round an f32 value to the nearest bf16 (RNE) and return it as f32."""
    return to_bf16(x).astype(F32)


def scalar_f32(value: float) -> np.ndarray:
    """Return a 0-d float32 array, used for scalar kernel arguments such as ``scale``."""
    return np.asarray(value, dtype=F32)


# Number of elements drawn per chunk by ``random_uniform``. Drawing in fixed-size chunks
# keeps the float32 temporaries small (a 512 MiB bf16 KV cache would otherwise need a
# 1 GiB float32 staging copy). The chunk size is a constant, so the values drawn for a
# given seed never depend on the machine.
_DRAW_CHUNK = 1 << 22


def random_uniform(
    rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float, dtype: Any = F32
) -> np.ndarray:
    """Draw U[low, high) in float32 and round the result to ``dtype`` (bf16 uses RNE).

    This is used by ``make_inputs`` only; the interpreter never needs it.
    """
    out = np.empty(shape, dtype=dtype)
    flat = out.reshape(-1)
    span = np.float32(high - low)
    for start in range(0, flat.size, _DRAW_CHUNK):
        stop = min(start + _DRAW_CHUNK, flat.size)
        draw = rng.random(stop - start, dtype=np.float32)
        # Compute in float32 and let the assignment round to the target dtype.
        flat[start:stop] = draw * span + np.float32(low)
    return out


@dataclass(frozen=True)
class Case:
    """One named input configuration of a kernel.

    ``params`` holds only plain ints, floats, bools and lists, so that a case can be
    printed, compared and serialised. ``suite`` is True if the case is small enough for
    the test suite, and False if it is benchmark-sized.
    """

    name: str
    params: dict = field(hash=False)
    suite: bool = True
    description: str = ""
    rtol: float | None = None  # this case's tolerances, when not the golden's RTOL / ATOL
    atol: float | None = None
