"""Which identifiers a kernel may use.

The code generator emits an author's name `x` as `pdsl_u_x` (codegen/cxx.py `ident`), so no
name can collide with a C++ keyword, a pto-isa or simpler identifier, a macro of the headers
(`NULL`, `PRId64`, `assert`) or a name of the generated code; only what C++ reserves inside
any identifier (`__`) and the compiler's own prefix are refused.
"""

from __future__ import annotations

def unsafe_reason(name: str) -> str | None:
    """Why `name` cannot be used as an identifier (to follow "cannot use 'x' as a name: "),
    or None when it can."""
    if "__" in name:
        return "C++ reserves names that contain '__'"
    if name.startswith("pdsl_"):
        return "the compiler keeps the prefix 'pdsl_' for its own names"
    return None
