"""Fuzzing the front end: whatever the text, it ends in a typed kernel or in located errors.

Inputs: soups of the language's tokens, soups of characters, token and character mutations
of the real kernels, truncations of them, and kernels assembled from random statements and
expressions (which reach the checker far more often than mutations do). A typed kernel must
pass the IR verifier; a CompileError must locate every diagnostic and speak in the author's
words (no grammar token names). Any other exception fails the test. Runs are derandomized.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pypto_dsl import ir
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.verify import verify

KERNELS = {path.name: path.read_text(encoding="utf-8")
           for path in sorted((Path(__file__).parent.parent / "kernels").glob("*.pdsl"))}
TOKEN = re.compile(r"//[^\n]*|[A-Za-z_]\w*|\d+\.\d*|\d+|\.\.|->|==|!=|<=|>=|&&|\|\||\S")
KERNEL_TOKENS = {name: [t for t in TOKEN.findall(text) if not t.startswith("//")]
                 for name, text in KERNELS.items()}
VOCABULARY = sorted({t for tokens in KERNEL_TOKENS.values() for t in tokens}
                    | {"inout", "i8", "f16", "i64", "else", "var", "rint", "floor", "trunc",
                       "99999999999999999999", "1e400", "0", "@", "#", "$", '"', "\\", "~"})
# Lark's own names for tokens: none may reach a message.
GRAMMAR_WORDS = re.compile(r"__ANON|\$END|\b(SEMICOLON|[LR](PAR|SQB|BRACE)|COMMA|COLON|NAME|"
                           r"INT|FLOAT|PLUS|MINUS|STAR|SLASH|EQUAL|LESSTHAN|MORETHAN|QMARK)\b")



def fuzz(examples: int):
    """Reproducible settings: the same examples on every run and in CI."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def _compiles_or_is_located(text: str) -> None:
    try:
        kernel = compile_text(text, "fuzz.pdsl")
    except CompileError as error:
        lines = text.count("\n") + 2
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert diagnostic.span is not None, diagnostic.message
            assert 1 <= diagnostic.span.line <= lines and diagnostic.span.column >= 1
            assert not GRAMMAR_WORDS.search(diagnostic.message), diagnostic.message
        assert str(error).startswith("fuzz.pdsl:")
        return
    assert isinstance(kernel, ir.Kernel)
    assert verify(kernel) == []


# ---- soups

@fuzz(300)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=80))
def test_token_soup(tokens):
    _compiles_or_is_located(" ".join(tokens))


@fuzz(300)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=60))
def test_token_soup_inside_a_kernel_body(tokens):
    _compiles_or_is_located("kernel k(x: in f32[n, 64], y: out f32[n, 64]) {\n"
                            "    grid (i) = (n / 16) on 4 blocks;\n"
                            "    aiv {\n" + " ".join(tokens) + "\n    }\n}\n")


@fuzz(300)
@given(st.text(alphabet="kernl aivc{}()[];:,.+-*/%<>=!?&|_0123456789\n\t\r\x0c@#\u00e9",
               max_size=200))
def test_character_soup(text):
    _compiles_or_is_located(text)


# ---- mutations of the real kernels

EDITS = st.tuples(st.sampled_from(["delete", "duplicate", "swap", "replace"]),
                  st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True),
                  st.sampled_from(VOCABULARY))


def _edit(items: list, edit, replacement) -> list:
    kind, at, other, _ = edit
    items = list(items)
    i, j = int(at * len(items)), int(other * len(items))
    if kind == "delete":
        del items[i]
    elif kind == "duplicate":
        items.insert(i, items[i])
    elif kind == "swap":
        items[i], items[j] = items[j], items[i]
    else:
        items[i] = replacement
    return items


@fuzz(500)
@given(st.sampled_from(sorted(KERNELS)), st.lists(EDITS, min_size=1, max_size=4))
def test_token_mutations_of_the_kernels(name, edits):
    tokens = KERNEL_TOKENS[name]
    for edit in edits:
        tokens = _edit(tokens, edit, edit[3])
    _compiles_or_is_located(" ".join(tokens))


@fuzz(300)
@given(st.sampled_from(sorted(KERNELS)), st.lists(EDITS, min_size=1, max_size=4),
       st.sampled_from(list("{}()[];:,.+-*/<>=!?&|_0az \n")))
def test_character_mutations_of_the_kernels(name, edits, character):
    chars = list(KERNELS[name])
    for edit in edits:
        chars = _edit(chars, edit, character)
    _compiles_or_is_located("".join(chars))


@fuzz(200)
@given(st.sampled_from(sorted(KERNELS)), st.floats(0, 1))
def test_truncations_of_the_kernels(name, fraction):
    text = KERNELS[name]
    _compiles_or_is_located(text[:int(fraction * len(text))])


# ---- kernels assembled from random statements

NAMES = st.sampled_from(["x", "w", "y", "s", "n", "i", "q", "t", "u", "acc", "p", "r", "lane",
                         "j", "int", "__x", "half", "nope"])
INTS = st.sampled_from(["0", "1", "2", "8", "16", "64", "3"])
DTYPES = st.sampled_from(["f32", "bf16", "f16", "i32", "i8"])
DIMS = st.one_of(INTS, NAMES, st.just("q / 2"))
OPERATORS = st.sampled_from(["+", "-", "*", "/", "%", "==", "<", ">=", "&&", "||"])
FUNCTIONS = st.sampled_from(["matmul", "matmul_acc", "exp", "rowmax", "rowsum", "pad_cols", "max",
                             "min", "ceil_div", "transpose", "tanh"])


@st.composite
def slices(draw) -> str:
    one = st.one_of(NAMES, INTS, st.builds("{} : +{}".format, NAMES | INTS, DIMS), st.just(":"),
                    st.builds("{} : {}".format, INTS, INTS))
    return ", ".join(draw(st.lists(one, min_size=1, max_size=3)))


@st.composite
def expressions(draw, depth: int = 3) -> str:
    kind = draw(st.sampled_from(["name", "int", "float", "load", "tpop", "index", "fill"]
                                + (["binary", "call", "cast", "select", "unary"] if depth else [])))
    sub = expressions(depth - 1)
    if kind == "name":
        return draw(NAMES)
    if kind == "int":
        return draw(INTS)
    if kind == "float":
        return draw(st.sampled_from(["0.0", "1.5", "inf"]))
    if kind == "load":
        return f"load {draw(NAMES)}[{draw(slices())}]"
    if kind == "tpop":
        return f"tpop {draw(NAMES)}"
    if kind == "index":
        return f"{draw(NAMES)}[{', '.join(draw(st.lists(NAMES | INTS, min_size=1, max_size=2)))}]"
    if kind == "fill":
        value = draw(st.sampled_from(["0.0", "-inf"]))
        return f"fill({draw(DTYPES)}[{draw(DIMS)}, {draw(DIMS)}], {value})"
    if kind == "binary":
        return f"({draw(sub)} {draw(OPERATORS)} {draw(sub)})"
    if kind == "call":
        return f"{draw(FUNCTIONS)}({', '.join(draw(st.lists(sub, max_size=3)))})"
    if kind == "cast":
        mode = draw(st.sampled_from(["", ", round", ", nearest"]))
        return f"cast<{draw(DTYPES)}>({draw(sub)}{mode})"
    if kind == "select":
        return f"({draw(sub)} ? {draw(sub)} : {draw(sub)})"
    return f"{draw(st.sampled_from(['-', '!']))}{draw(sub)}"


@st.composite
def statements(draw, depth: int = 2) -> str:
    kind = draw(st.sampled_from(["let", "var", "assign", "tpush", "store"]
                                + (["for", "if", "pipelined"] if depth else [])))
    value = draw(expressions())
    if kind in ("let", "var"):
        return f"{kind} {draw(NAMES)} = {value};"
    if kind == "assign":
        return f"{draw(NAMES)} = {value};"
    if kind == "tpush":
        return f"tpush {draw(NAMES)}, {value};"
    if kind == "store":
        return f"store {draw(NAMES)}[{draw(slices())}], {value};"
    block = st.lists(statements(depth - 1), max_size=3).map(" ".join)
    if kind == "for":
        return f"for {draw(NAMES)} in 0 .. {draw(NAMES | INTS)} {{ {draw(block)} }}"
    if kind == "if":
        return f"if {value} {{ {draw(block)} }} else {{ {draw(block)} }}"
    return (f"pipelined for {draw(NAMES)} in 0 .. {draw(NAMES | INTS)} "
            f"{{ stage a {{ {draw(block)} }} stage b {{ {draw(block)} }} }}")


BODIES = st.lists(statements(), max_size=4).map("\n        ".join)
GENERATED = """\
kernel fuzz(x: in f32[n, 64], w: in bf16[64, 64], y: out f32[n, 64], s: f32)
specialize q in {{16, 32}} = n > 64 ? 32 : 16;
{{
    grid (i) = (n / q) on 4 blocks;
    pipe p: aic -> aiv f32[q, 64] depth 2 split rows;
    pipe r: aiv -> aic bf16[q, 64] depth 2 split rows;
    {}
    aic {{
        {}
    }}
    aiv {{
        {}
    }}
}}
"""


@fuzz(250)
@given(st.lists(statements(depth=0), max_size=2).map(" ".join), BODIES, BODIES)
def test_kernels_of_random_statements(prelude, aic, aiv):
    _compiles_or_is_located(GENERATED.format(prelude, aic, aiv))
