"""Source positions and user-facing errors.

Every error a kernel author can cause is a `Diagnostic` at a `Span` of their file, rendered as
`file:line:col: error: message`, the source line, and a caret under the offending text. A
`CompileError` carries every diagnostic found, so a file's errors are reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .errors import Error


@dataclass(frozen=True)
class Span:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    span: Span | None
    message: str
    notes: tuple = ()


@dataclass
class SourceFile:
    name: str
    text: str
    _lines: list = field(default_factory=list, repr=False)

    def line(self, number: int) -> str:
        if not self._lines:
            # Lines end at '\n' only, as the lexer counts them (not at '\f', '\x0b', ...).
            self._lines = [line.rstrip("\r") for line in self.text.split("\n")]
        if 1 <= number <= len(self._lines):
            return self._lines[number - 1]
        return ""


class CompileError(Error):
    """One or more user errors; `render()` formats them all."""

    def __init__(self, diagnostics, source: SourceFile | None = None):
        self.diagnostics = sorted(
            diagnostics, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0)
        )
        # Errors found after the front end (lowering) carry spans but no text: read the file.
        first = next((d.span for d in self.diagnostics if d.span is not None), None)
        self.source = source if source is not None or first is None else read_source(first.file)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(render(d, self.source) for d in self.diagnostics)


# Kernels compiled from text (not a file) by name, so that errors found after the front end
# (lowering, launch) can show their lines too; the most recent text of a name wins.
_TEXTS: dict = {}


def remember_source(name: str, text: str) -> None:
    _TEXTS.pop(name, None)
    _TEXTS[name] = SourceFile(name, text)
    while len(_TEXTS) > 16:
        _TEXTS.pop(next(iter(_TEXTS)))
    _read_file.cache_clear()


def read_source(path: str) -> SourceFile | None:
    """The kernel source a span names, for showing its lines; None when it cannot be read."""
    return _TEXTS.get(path) or _read_file(path)


@lru_cache(maxsize=16)
def _read_file(path: str) -> SourceFile | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return SourceFile(path, handle.read())
    except (OSError, UnicodeDecodeError):
        return None


def render(diag: Diagnostic, source: SourceFile | None) -> str:
    span = diag.span
    if span is None:
        return f"error: {diag.message}"
    lines = [f"{span}: error: {diag.message}"]
    text = source.line(span.line) if source is not None else ""
    if text:
        width = 1
        if span.end_line == span.line and span.end_column > span.column:
            width = span.end_column - span.column
        lines.append(f"    {text}")
        lines.append("    " + _caret_pad(text, span.column - 1) + "^" + "~" * (width - 1))
    lines.extend(f"    note: {note}" for note in diag.notes)
    return "\n".join(lines)


def _caret_pad(text: str, count: int) -> str:
    # Keep tabs so the caret lines up under tab-indented source.
    return "".join("\t" if ch == "\t" else " " for ch in text[:count]).ljust(count)


class ErrorSink:
    """Collects diagnostics during a pass so that all of them are reported at once."""

    def __init__(self, source: SourceFile | None = None):
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def error(self, span: Span | None, message: str, *notes: str) -> None:
        """Record an error; the same error at the same place once (the lowering copies a
        statement, e.g. into a pipelined loop's prologue, steady state and epilogue)."""
        diagnostic = Diagnostic(span, message, tuple(notes))
        if diagnostic not in self.diagnostics:
            self.diagnostics.append(diagnostic)

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise CompileError(self.diagnostics, self.source)
