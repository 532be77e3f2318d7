"""C++ spellings shared by every generated file: element types, literals, pipes, identifiers.

Everything the templates print is computed here or in the modules that use these helpers; the
templates only place the strings.

Identifiers cannot collide with anything: every name in the generated C++ starts with `pdsl_`.
The compiler's own names are `pdsl_<what>...` (never `pdsl_u...`); an author's name `x` is
`pdsl_u_x` (a name the checker gave a second binding site, `x.2`, is `pdsl_u2_x`), so no
header's macro or function (`set_flag`, `PIPE_V`, `errno`, the next pto-isa macro) and no
generated name can be hit by a kernel's names. The `// kernel.pdsl:LINE` comments map the C++
back to the source, where the author's spelling is.
"""

from __future__ import annotations

import math
import re
import struct

from .. import ir

ELEMENT = {"bf16": "bfloat16_t", "f16": "half", "f32": "float", "i8": "int8_t",
           "i32": "int32_t", "i64": "int64_t", "bool": "uint8_t", "u32": "uint32_t"}
DATA_TYPE = {"bf16": "DataType::BFLOAT16", "f16": "DataType::FLOAT16", "f32": "DataType::FLOAT32",
             "i8": "DataType::INT8", "i32": "DataType::INT32", "i64": "DataType::INT64",
             "bool": "DataType::BOOL"}
SCALAR = {"i64": "int64_t", "i32": "int64_t", "i8": "int64_t", "f32": "float", "f16": "float",
          "bf16": "float", "bool": "bool"}
BYTES = ir.DTYPE_BYTES  # element sizes: the IR's, so the planner and the C++ agree

ROUND_MODE = {"rint": "pto::RoundMode::CAST_RINT", "round": "pto::RoundMode::CAST_ROUND",
              "floor": "pto::RoundMode::CAST_FLOOR", "ceil": "pto::RoundMode::CAST_CEIL",
              "trunc": "pto::RoundMode::CAST_TRUNC"}

PREFIX = "pdsl_"
_CATEGORY = re.compile(r"[a-tv-z][a-z0-9]*")


def pipe(name: str) -> str:
    """`MTE2` -> `PIPE_MTE2`."""
    return f"PIPE_{name}"


def event(number: int) -> str:
    return f"EVENT_ID{number}"


def hex_addr(value: int) -> str:
    return f"0x{value:X}"


def float_literal(value: float) -> str:
    """An exact C++ float literal (f32): -inf/inf through a builtin, finite values round-trip."""
    if math.isinf(value):
        return "-__builtin_inff()" if value < 0 else "__builtin_inff()"
    if math.isnan(value):
        return "__builtin_nanf(\"\")"
    f32 = struct.unpack("<f", struct.pack("<f", value))[0]
    text = repr(f32)
    if "e" not in text and "." not in text:
        text += ".0"
    return text + "f"


def scalar_literal(value, dtype: str) -> str:
    if dtype == "f32" or isinstance(value, float):
        return float_literal(float(value))
    if dtype == "bool":
        return "true" if value else "false"
    return str(int(value))


def decode_scalar(dtype: str, raw: str) -> str:
    """A scalar argument from its 64 argument bits `raw`: floats are the low 32 bits
    (zero-extended by add_scalar), an i32 is sign-extended whichever way it was widened."""
    if dtype == "f32":
        return f"from_u64<float>(static_cast<uint64_t>({raw}))"
    if dtype == "i32":
        return f"static_cast<int64_t>(static_cast<int32_t>({raw}))"
    return f"static_cast<int64_t>({raw})"


def name(category: str, *parts: str) -> str:
    """A generated identifier: `name("tensor", "q")` -> `pdsl_tensor_q`. The category is
    letters and digits (never starting with `u`, the author's names' category), so names of two
    categories never meet; a part that is an author's name comes last, so names of one category
    differ when their parts do."""
    if not _CATEGORY.fullmatch(category):
        raise ValueError(f"internal error: bad generated-name category {category!r}")
    return PREFIX + "_".join((category,) + parts)


def part(ir_name: str) -> str:
    """An IR name as the last part of a generated name (`pdsl_view_u_x`, `pdsl_view_t3`)."""
    return ident(ir_name)[len(PREFIX):]


def ident(ir_name: str) -> str:
    """The C++ spelling of an IR name: compiler names (`pdsl_...`) as they are, an author's
    name `x` as `pdsl_u_x`, a renamed binding site `x.2` as `pdsl_u2_x`."""
    if ir_name.startswith(PREFIX):
        return ir_name
    base, _, site = ir_name.partition(".")
    return f"{PREFIX}u{site}_{base}"
