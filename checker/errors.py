"""User-facing errors: where, what, and a caret under the offending text.

Every problem with the user's input (syntax, shapes, unknown names, files)
is raised as `MatproofError`, which knows its file, line and column and
renders like a compiler message:

    <input>:1:9: error: cannot multiply aᵀ (1×n) by X (m×m): n ≠ m
      aᵀ b + X
            ^
      hint: ...

The CLI catches it and exits with status 2; nothing else is allowed to
escape as a traceback.
"""
from __future__ import annotations


def visible(text: str) -> str:
    """Control characters (a NUL byte in a file) as their one-column pictures (␀), so that
    a message shows them and the caret still lines up."""
    return "".join(chr(0x2400 + ord(c)) if ord(c) < 32 else "␡" if ord(c) == 127 else c
                   for c in text)


class MatproofError(Exception):
    """A located problem with the user's input. (A plain class, not a dataclass: the CLI
    imports it at start-up, and dataclasses would pull in `inspect`, a tenth of the cost
    of `matproof --version`.)"""

    def __init__(self, message: str, line: int = 0, column: int = 0, end_column: int | None = None,
                 source_line: str | None = None, filename: str = "<input>", hint: str | None = None,
                 kind: str = "error"):
        Exception.__init__(self, message)
        self.message, self.line, self.column, self.end_column = message, line, column, end_column
        self.source_line, self.filename, self.hint, self.kind = source_line, filename, hint, kind

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, {self.line}, {self.column})"

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        where = self.filename
        if self.line:
            where += f":{self.line}:{self.column}"
        out = [f"{where}: {self.kind}: {self.message}"]
        if self.source_line is not None and self.line:
            text = visible(self.source_line.rstrip("\n").expandtabs(1))
            out.append("  " + text)
            width = 1
            if self.end_column and self.end_column > self.column:
                width = self.end_column - self.column
            col = max(self.column, 1)
            out.append("  " + " " * (col - 1) + "^" * max(1, min(width, len(text) - col + 2)))
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)

    def as_json(self) -> dict:
        return {"message": self.message, "line": self.line, "column": self.column,
                "file": self.filename, "hint": self.hint}


class SyntaxProblem(MatproofError):
    """Text that is not in the language."""


class ShapeProblem(MatproofError):
    """Well-formed text whose shapes do not fit together."""


class Unsupported(ShapeProblem):
    """Notation the language does not have, which only the shapes tell apart from notation it
    has: |X| of a matrix is det(X), |α| of a scalar an absolute value."""
