"""Syntax errors: lexing and LALR parsing with panic-mode recovery, explained in the author's
words (`expected ';' before 'store'`, `expected an expression, found '*'`), never as Lark token
names. The parser resumes after each error so that a file's syntax errors are reported together.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import LexerThread
from lark.parsers.lalr_analysis import Shift

from ..diagnostics import ErrorSink, Span
from .grammar import lark_parser

# How the grammar's terminals read to a kernel author.
TERMINAL_WORDS = {
    "NAME": "a name",
    "INT": "an integer",
    "FLOAT": "a number",
    "$END": "end of file",
}
# Tokens that can start an expression: when several are expected, say "an expression".
EXPRESSION_STARTS = {"INT", "FLOAT", "NAME", "LPAR", "MINUS", "BANG", "INF", "LOAD", "TPOP", "CAST"}
# Binary operators: when several are expected, say "an operator".
OPERATOR_TEXT = {"+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "?"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
# Keywords that open a statement: when several are expected, say "a statement".
STATEMENT_KEYWORDS = {"LET", "VAR", "TPUSH", "STORE", "FOR", "PIPELINED", "IF"}
# Tokens before which a missing ';' is the likely mistake.
STATEMENT_STARTS = STATEMENT_KEYWORDS | {"RBRACE", "GRID", "PIPE", "STAGE", "SCRATCH", "PHASE"}
DTYPES = {"BF16", "F16", "F32", "I32", "I64", "I8"}
NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def lex_all(text: str, filename: str, sink: ErrorSink) -> list:
    """All tokens; each stray character is reported and lexing goes on just past it."""
    lexer = lark_parser().parser.lexer  # driven token by token, to step over a bad character
    state = LexerThread.from_text(lexer, text).state
    tokens = []
    while True:
        try:
            tokens.append(lexer.next_token(state))
        except EOFError:
            return tokens
        except UnexpectedCharacters as error:
            sink.error(_error_span(filename, error), f"unexpected character {error.char!r}")
            state.line_ctr.feed(error.char)


def parse_tokens(tokens: list, filename: str, sink: ErrorSink):
    """Feed tokens to the LALR parser with panic-mode recovery.

    A missing ';' is supplied and parsing goes on with a complete tree. After any other error
    the rest of the statement is skipped (to its ';', or past its `{ }` block) and the parser's
    stack is unwound to a state that accepts what follows, so later statements are still read
    and every syntax error in the file is reported; no tree is returned then. A syntax error on
    a line that already has a stray character is not reported: it is that character's doing.
    """
    interactive = lark_parser().parse_interactive("")
    state = interactive.parser_state
    table = state.parse_conf.parse_table.states
    end_state = state.parse_conf.end_state
    stray_lines = {d.span.line for d in sink.diagnostics}
    complete = not stray_lines  # False once tokens are dropped: the tree would lack them
    patched = -1  # the index of the token before which a ';' was supplied
    index = 0
    while index < len(tokens):
        token = tokens[index]
        saved = list(state.state_stack), list(state.value_stack)
        try:
            interactive.feed_token(token)
            index += 1
            continue
        except UnexpectedToken:
            state.state_stack[:], state.value_stack[:] = saved
        expected = _accepted(table, end_state, state.state_stack)
        previous = tokens[index - 1] if index else None
        if token.line not in stray_lines:
            sink.error(*_explain(filename, expected, token, previous, tokens))
        if _missing_semicolon(expected, token, previous) and patched != index:
            # Go on as if the ';' were there: the most common slip costs no other statement.
            interactive.feed_token(Token.new_borrow_pos("SEMICOLON", ";", previous))
            patched = index
            continue
        index = _skip_statement(tokens, index)
        complete = False
        following = tokens[index].type if index < len(tokens) else "$END"
        if not _unwind(state, table, lambda s: following in s and "LET" in s):
            if not _unwind(state, table, lambda s: following in s):
                return None
    if not complete:
        return None
    last = tokens[-1] if tokens else None
    stack = list(state.state_stack)
    try:
        return interactive.feed_eof(last)
    except UnexpectedToken:
        expected = _accepted(table, end_state, stack)
        sink.error(*_explain(filename, expected, None, last, tokens))
        return None


def _skip_statement(tokens: list, index: int) -> int:
    """The index after the rest of a broken statement: past its ';' or past its whole `{ }`
    block (and any `else` block), or at the '}' that closes the enclosing block."""
    depth = 0
    while index < len(tokens):
        kind = tokens[index].type
        if kind == "LBRACE":
            depth += 1
        elif kind == "RBRACE":
            if depth == 0:
                return index
            depth -= 1
            following = tokens[index + 1].type if index + 1 < len(tokens) else None
            if depth == 0 and following != "ELSE":
                return index + 1
        elif kind == "SEMICOLON" and depth == 0:
            return index + 1
        index += 1
    return index


def _accepted(table, end_state, stack: list) -> set:
    """The terminals the parser would really accept with `stack`.

    The LALR table of one state lists the lookaheads of all merged states, so it names tokens
    that would fail after a reduction; simulating the reductions gives the exact set.
    """
    return {t for t in table[stack[-1]] if t.isupper() and _accepts(table, end_state, stack, t)}


def _accepts(table, end_state, stack: list, terminal: str) -> bool:
    stack = list(stack)
    while True:
        action = table[stack[-1]].get(terminal)
        if action is None:
            return False
        kind, rule = action
        if kind is Shift:
            return True
        if rule.expansion:
            del stack[-len(rule.expansion):]
        stack.append(table[stack[-1]][rule.origin.name][1])
        if terminal == "$END" and stack[-1] == end_state:
            return True


def _unwind(state, table, accepts) -> bool:
    """Pop the parser stack to the nearest state that `accepts`; False (stack kept) if none."""
    depth = next((d for d in range(len(state.state_stack) - 1, -1, -1)
                  if accepts(table[state.state_stack[d]])), None)
    if depth is None:
        return False
    del state.state_stack[depth + 1:]
    del state.value_stack[depth:]
    return True


def _error_span(filename: str, error: UnexpectedInput) -> Span:
    line = max(getattr(error, "line", 1) or 1, 1)
    column = max(getattr(error, "column", 1) or 1, 1)
    return Span(filename, line, column, line, column + 1)


def token_span(filename: str, token: Token) -> Span:
    return Span(filename, token.line, token.column, token.end_line, token.end_column)


def _after(filename: str, token: Token | None) -> Span:
    """The position just past `token` (the start of the file when there is none)."""
    if token is None:
        return Span(filename, 1, 1, 1, 1)
    return Span(filename, token.end_line, token.end_column, token.end_line, token.end_column)


def _explain(filename: str, expected: set, token: Token | None, previous: Token | None,
             before: list) -> tuple:
    """(span, message) of a syntax error at `token` (None: the end of the file)."""
    if token is None:
        if "RBRACE" in expected:
            opening = _unclosed_brace(before)
            where = f" to close the '{{' on line {opening.line}" if opening is not None else ""
            return _after(filename, previous), f"unexpected end of file: expected '}}'{where}"
        return (_after(filename, previous),
                f"unexpected end of file: expected {_describe(expected)}")
    if _missing_semicolon(expected, token, previous):
        return _after(filename, previous), f"expected ';' before {str(token)!r}"
    message = f"expected {_describe(expected)}, found {_found(token)}"
    if str(token) in COMPARISONS and any(_terminal_word(t) == "'&&'" for t in expected):
        message += ": comparisons do not chain, combine them with &&"
    return token_span(filename, token), message


def _missing_semicolon(expected: set, token: Token, previous: Token | None) -> bool:
    return "SEMICOLON" in expected and previous is not None and (
        token.type in STATEMENT_STARTS or token.line > previous.end_line)


def _unclosed_brace(tokens: list) -> Token | None:
    opened = []
    for token in tokens:
        if token.type == "LBRACE":
            opened.append(token)
        elif token.type == "RBRACE" and opened:
            opened.pop()
    return opened[-1] if opened else None


def _found(token: Token) -> str:
    text = str(token)
    if token.type != "NAME" and NAME_PATTERN.fullmatch(text):
        return f"the keyword {text!r}"
    return repr(text)


def _describe(expected: set) -> str:
    words = []
    groups = (
        (STATEMENT_KEYWORDS, "a statement", 3),
        (EXPRESSION_STARTS, "an expression", 3),
        (DTYPES, "a dtype", 3),
    )
    operators = {name for name in expected if _terminal_word(name).strip("'") in OPERATOR_TEXT}
    if len(operators) >= 3:
        words.append("an operator")
        expected = expected - operators - {"LSQB", "LPAR"}
    for members, word, least in groups:
        if len(expected & members) >= least:
            words.append(word)
            expected = expected - members
    words += [_terminal_word(name) for name in sorted(expected)]
    words = sorted(set(words), key=lambda w: (not w.startswith("a"), w != "';'", w))
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@lru_cache(maxsize=None)
def _terminal_word(name: str) -> str:
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    for terminal in lark_parser().terminals:
        if terminal.name == name and terminal.pattern.type == "str":
            return repr(terminal.pattern.value)
    return name.lower()


