"""Which identifiers a kernel may use: every name must be emitted into C++ unchanged."""

from __future__ import annotations

CPP_KEYWORDS = frozenset("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
nullptr operator or or_eq private protected public register reinterpret_cast requires return
short signed sizeof static static_assert static_cast struct switch template this thread_local
throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while
xor xor_eq final override main
""".split())

# Names the generated C++ or the pto-isa / simpler headers define in the same scope.
GENERATED_NAMES = frozenset("""
args pto std Tile GlobalTensor Shape Stride TPipe kernel_entry get_block_idx get_block_num
get_sub_block_id block_idx block_num sub_block_id lane_id hw_block logical_block
int8_t int16_t int32_t int64_t uint8_t uint32_t uint64_t size_t half bfloat16_t
""".split())


def unsafe_reason(name: str) -> str | None:
    """Why `name` cannot be used as an identifier (to follow "cannot use 'x' as a name: "),
    or None when it can."""
    if name in CPP_KEYWORDS:
        return "it is a C++ keyword"
    if name in GENERATED_NAMES:
        return "the generated C++ uses it"
    if name.startswith("__") or (name.startswith("_") and name[1:2].isupper()):
        return "C++ reserves names that start with '__' or with '_' and a capital"
    if "__" in name:
        return "C++ reserves names that contain '__'"
    if name.startswith("pdsl_"):
        return "the compiler keeps the prefix 'pdsl_' for its own names"
    return None
