"""How a lowering pass's message names a tile: in the author's terms, never by a name the
compiler made.

Names that begin with `pdsl_` are the compiler's (the front end refuses the prefix in a
kernel): flatten's temporaries `pdsl_t<N>`, expand's `pdsl_e<N>`, the cube moves' operands,
reduction scratch tiles and a pipelined loop's histories `pdsl_prev_<x>`. A message says `'x'`
for the author's name `x`, `'x' of an earlier iteration` for a history of it, and for a
temporary the source text of the expression it holds (`the result of
cast<bf16>(matmul(...))`), read from the span of its definition; "this value" when that text
cannot be read. The caret of the message underlines the expression either way.
"""

from __future__ import annotations

import re

from .. import plan
from ..diagnostics import Span, read_source

COMPILER_PREFIX = "pdsl_"
LONGEST = 40  # characters of source text quoted whole; a longer call is `f(g(...))` or `f(...)`
CALL = re.compile(r"([A-Za-z_][\w<>]*)\((.*)\)", re.S)

# The compiler's names that are not plain results, each with how a message says it: `{text}` is
# the source text of the statement that made it, `{of}` the shown name it was made from.
KINDS = (
    (re.compile(r"pdsl_prev\d*_(.+)"), "{of} of an earlier iteration"),  # pipeline.history
    (re.compile(re.escape(plan.SCRATCH_PREFIX) + "(.+)"), "the scratch tile of {of}"),
    (re.compile(r"pdsl_left_\d+"), "the left operand of {text} in L0A"),
    (re.compile(r"pdsl_right_\d+"), "the right operand of {text} in L0B"),
    (re.compile(r"pdsl_e\d+"), "a step of computing {text}"),  # expand.py
)


def shown(name: str, span: Span | None) -> str:
    """The tile `name`, defined at `span`, as a message names it (see the module docstring)."""
    if not name.startswith(COMPILER_PREFIX):
        return f"'{name}'"
    text = _source_text(span)
    for pattern, phrase in KINDS:
        made = pattern.fullmatch(name)
        if made is not None:
            of = shown(made.group(1), span) if made.groups() else ""
            return phrase.format(text=text or "this expression", of=of)
    return f"the result of {text}" if text else "this value"


def _source_text(span: Span | None) -> str | None:
    """The source text under a one-line span, shortened to `f(...)` when it is a long call."""
    if span is None or span.end_line != span.line or span.end_column <= span.column:
        return None
    source = read_source(span.file)
    if source is None:
        return None
    text = source.line(span.line)[span.column - 1:span.end_column - 1].strip()
    return _short(text) if text else None


def _short(text: str) -> str | None:
    """`text`, or a call's arguments elided: `cast<bf16>(matmul(...))` keeps the calls made of
    one call each; None for other long text."""
    if len(text) <= LONGEST:
        return text
    call = CALL.fullmatch(text)
    if call is None:
        return None
    name, inner = call.groups()
    if CALL.fullmatch(inner) and _one_argument(inner):
        return f"{name}({_short(inner) or '...'})"
    return f"{name}(...)"


def _one_argument(text: str) -> bool:
    """No comma outside brackets: one argument, not a list of them."""
    depth = 0
    for c in text:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            return False
    return True
