"""Text to untyped IR: Lark (LALR, positions propagated) plus one transformer method per rule.

Syntax errors are explained in the author's words (`expected ';' before 'store'`, `expected an
expression, found '*'`), never as Lark token names, and the parser resumes after each one so
that a file's syntax errors are reported together. The result is an `ir.Kernel` whose
expressions are not yet typed; `parse_recovering` still returns it when the only syntax errors
were missing ';'s, so that the checker can report the file's other errors with them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.lexer import LexerThread
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_analysis import Shift

from .. import ir
from ..diagnostics import CompileError, ErrorSink, SourceFile, Span

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
STATEMENT_STARTS = STATEMENT_KEYWORDS | {"RBRACE", "GRID", "PIPE", "STAGE"}
DTYPES = {"BF16", "F16", "F32", "I32", "I64", "I8"}
NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = (Path(__file__).parent.parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True,
                maybe_placeholders=True)


def parse(text: str, filename: str = "<input>") -> ir.Kernel:
    """Parse one .pdsl file; raise CompileError listing every syntax error."""
    kernel, errors = parse_recovering(text, filename)
    if errors:
        raise CompileError(errors, SourceFile(filename, text))
    return kernel


def parse_recovering(text: str, filename: str = "<input>") -> tuple:
    """(kernel or None, syntax errors). The kernel is there when the file has no syntax error
    or only missing ';'s, so that the checker can still report the file's other errors."""
    sink = ErrorSink(SourceFile(filename, text))
    tokens = _lex_all(text, filename, sink)
    tree = _parse_tokens(tokens, filename, sink)
    if tree is None:
        return None, sink.diagnostics
    syntax = len(sink.diagnostics)
    kernel = _ToIR(filename, sink).transform(tree)
    return (kernel if len(sink.diagnostics) == syntax else None), sink.diagnostics


def _lex_all(text: str, filename: str, sink: ErrorSink) -> list:
    """All tokens; each stray character is reported and lexing goes on just past it."""
    lexer = _lark().parser.lexer  # driven token by token, to step over a bad character
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


def _parse_tokens(tokens: list, filename: str, sink: ErrorSink):
    """Feed tokens to the LALR parser with panic-mode recovery.

    A missing ';' is supplied and parsing goes on with a complete tree. After any other error
    the rest of the statement is skipped (to its ';', or past its `{ }` block) and the parser's
    stack is unwound to a state that accepts what follows, so later statements are still read
    and every syntax error in the file is reported; no tree is returned then. A syntax error on
    a line that already has a stray character is not reported: it is that character's doing.
    """
    interactive = _lark().parse_interactive("")
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


def _tok_span(filename: str, token: Token) -> Span:
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
    return _tok_span(filename, token), message


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
    for terminal in _lark().terminals:
        if terminal.name == name and terminal.pattern.type == "str":
            return repr(terminal.pattern.value)
    return name.lower()


def _span(filename: str, meta) -> Span | None:
    if getattr(meta, "empty", True):
        return None
    return Span(filename, meta.line, meta.column, meta.end_line, meta.end_column)


def _binop(op: str):
    """The transformer method of one binary-operator rule (eq, add, ...)."""

    def method(self, meta, a, b):
        return ir.BinOp(op, a, b, self._s(meta))

    return method


@v_args(meta=True, inline=True)
class _ToIR(Transformer):
    """One method per grammar rule, named like the rule."""

    def __init__(self, filename: str, sink: ErrorSink):
        super().__init__()
        self.filename = filename
        self.sink = sink

    def _s(self, meta) -> Span | None:
        return _span(self.filename, meta)

    # ---- kernel and declarations

    def start(self, meta, kernel):
        return kernel

    def kernel(self, meta, name, params, *rest):
        specs, requires, decls = [], [], []
        for item in rest:
            if isinstance(item, ir.Specialize):
                specs.append(item)
            elif isinstance(item, ir.Require):
                requires.append(item)
            else:
                decls.append(item)
        grids = [d for d in decls if isinstance(d, ir.Grid)]
        for extra in grids[1:]:
            self.sink.error(extra.span, "a kernel has one grid")
        pipes = tuple(d for d in decls if isinstance(d, ir.PipeDecl))
        cores: dict[str, tuple] = {}
        for item in decls:
            if isinstance(item, tuple) and item and item[0] == "core":
                _, core, body, span = item
                if core in cores:
                    self.sink.error(span, f"a kernel has one '{core}' body")
                cores[core] = body
        prelude = tuple(d for d in decls if isinstance(d, ir.Stmt))
        return ir.Kernel(
            name=str(name),
            params=tuple(params),
            specializations=tuple(specs),
            requires=tuple(requires),
            grid=grids[0] if grids else None,
            pipes=pipes,
            prelude=prelude,
            aic=cores.get("aic", ()),
            aiv=cores.get("aiv", ()),
            source_name=self.filename,
            span=_tok_span(self.filename, name),
        )

    def params(self, meta, *params):
        return [p for p in params if p is not None]

    def direction_in(self, meta):
        return "in"

    def direction_named(self, meta, token):
        return self._one_of(token, ("in", "out", "inout"), "a direction")

    def dtype(self, meta, token):
        return str(token)

    def _one_of(self, token, allowed, what):
        if str(token) not in allowed:
            words = ", ".join(allowed[:-1]) + " or " + allowed[-1]
            self.sink.error(_tok_span(self.filename, token),
                            f"expected {what} ({words}), found {str(token)!r}")
        return str(token)

    def tensor_param(self, meta, name, direction, dtype, dims):
        return ir.TensorParam(str(name), str(direction), str(dtype), tuple(dims),
                              _tok_span(self.filename, name))

    def scalar_param(self, meta, name, dtype):
        return ir.ScalarParam(str(name), str(dtype), _tok_span(self.filename, name))

    def specialize(self, meta, name, values, rule):
        return ir.Specialize(str(name), tuple(values), rule, _tok_span(self.filename, name))

    def require(self, meta, cond):
        return ir.Require(cond, self._s(meta))

    def int_list(self, meta, *values):
        return [int(v) for v in values]

    def grid(self, meta, names, extents, blocks, unit):
        self._one_of(unit, ("blocks",), "the word")
        return ir.Grid(tuple(names), tuple(extents), int(blocks), self._s(meta))

    def pipe(self, meta, name, src, dst, dtype, dims, depth, split):
        cores = ("aic", "aiv")
        return ir.PipeDecl(str(name), self._one_of(src, cores, "a core"),
                           self._one_of(dst, cores, "a core"), dtype, tuple(dims), int(depth),
                           self._one_of(split, ("rows", "none"), "a split"),
                           _tok_span(self.filename, name))

    def core(self, meta, core, *body):
        name = self._one_of(core, ("aic", "aiv"), "a core body")
        return ("core", name, tuple(body), _tok_span(self.filename, core))

    def names(self, meta, *names):
        return [str(n) for n in names]

    def exprs(self, meta, *exprs):
        return list(exprs)

    # ---- statements

    def let(self, meta, name, value):
        return ir.Let(str(name), value, False, _tok_span(self.filename, name))

    def var(self, meta, name, value):
        return ir.Let(str(name), value, True, _tok_span(self.filename, name))

    def assign(self, meta, name, value):
        return ir.Assign(str(name), value, _tok_span(self.filename, name))

    def tpush(self, meta, pipe, value):
        return ir.TPush(str(pipe), value, self._s(meta))

    def store(self, meta, tensor, slices, value):
        return ir.Store(str(tensor), tuple(slices), value, self._s(meta))

    def for_loop(self, meta, var, start, stop, body):
        return ir.For(str(var), start, stop, body, self._s(meta))

    def pipelined_for(self, meta, var, start, stop, *stages):
        return ir.PipelinedFor(str(var), start, stop, tuple(stages), self._s(meta))

    def stage(self, meta, name, body):
        return ir.Stage(str(name), body, _tok_span(self.filename, name))

    def if_stmt(self, meta, cond, then, orelse):
        return ir.If(cond, then, orelse if orelse is not None else (), self._s(meta))

    def if_block(self, meta, stmt):
        return (stmt,)

    def block(self, meta, *stmts):
        return tuple(stmts)

    # ---- slices

    def slices(self, meta, *slices):
        return list(slices)

    def point(self, meta, expr):
        return ir.SliceDim(expr, None, True, self._s(meta))

    def slice_len(self, meta, start, size):
        return ir.SliceDim(start if start is not None else ir.Const(0, self._s(meta)), size,
                           False, self._s(meta))

    def slice_range(self, meta, start, stop):
        start = start if start is not None else ir.Const(0, self._s(meta))
        size = None if stop is None else ir.BinOp("-", stop, start, self._s(meta))
        return ir.SliceDim(start, size, False, self._s(meta))

    # ---- expressions

    def select(self, meta, cond, a, b):
        return ir.Select(cond, a, b, self._s(meta))

    def or_(self, meta, a, b):
        return ir.BinOp("||", a, b, self._s(meta))

    def and_(self, meta, a, b):
        return ir.BinOp("&&", a, b, self._s(meta))

    eq, ne, lt, le, gt = _binop("=="), _binop("!="), _binop("<"), _binop("<="), _binop(">")
    ge, add, sub, mul = _binop(">="), _binop("+"), _binop("-"), _binop("*")
    div, mod = _binop("/"), _binop("%")

    def neg(self, meta, operand):
        if isinstance(operand, ir.Const):
            return ir.Const(-operand.value, self._s(meta))
        return ir.UnaryOp("-", operand, self._s(meta))

    def not_(self, meta, operand):
        return ir.UnaryOp("!", operand, self._s(meta))

    def int_lit(self, meta, token):
        return ir.Const(int(token), self._s(meta))

    def float_lit(self, meta, token):
        return ir.Const(float(token), self._s(meta))

    def inf_lit(self, meta):
        return ir.Const(float("inf"), self._s(meta))

    def name(self, meta, token):
        return ir.Name(str(token), self._s(meta))

    def index(self, meta, tensor, indices):
        return ir.Index(str(tensor), tuple(indices), self._s(meta))

    def call(self, meta, func, args):
        return ir.Call(str(func), tuple(args or ()), self._s(meta))

    def call_args(self, meta, *args):
        return list(args)

    def tile_type(self, meta, dtype, dims):
        return ir.TileType(dtype, tuple(dims))

    def cast(self, meta, dtype, value, rounding):
        args = (value, ir.Name(str(rounding), _tok_span(self.filename, rounding))) if rounding else (value,)
        return ir.TileOp("cast", args, (("dtype", dtype),), self._s(meta))

    def load(self, meta, tensor, slices):
        return ir.Load(str(tensor), tuple(slices), False, self._s(meta))

    def tpop(self, meta, pipe):
        return ir.TPop(str(pipe), self._s(meta))


def parse_file(path: str) -> ir.Kernel:
    with open(path, encoding="utf-8") as handle:
        return parse(handle.read(), path)


def read_source(path: str) -> SourceFile:
    with open(path, encoding="utf-8") as handle:
        return SourceFile(path, handle.read())


__all__ = ["parse", "parse_file", "read_source", "CompileError"]
