"""A document's own macros, expanded before a formula is read.

Papers define their notation once, in the preamble (`\\newcommand{\\norm}[1]{\\left\\lVert
#1\\right\\rVert}`, `\\DeclareMathOperator{\\diag}{diag}`, `\\def\\vx{\\mathbf{x}}`), and
KaTeX notes do it in a `$$\\newcommand…$$` block; a formula written with them means
their expansion. Here the definitions are read in document order and expanded in
each display formula, as TeX would, within bounds: nesting at most `MAX_DEPTH`
deep, a result of at most `MAX_SIZE` characters. Nothing here reads a file
(`\\input` is no definition, and stays an unknown command).

The expansion keeps, for each character of its result, the offset in the original
body it came from: text a macro produced stands at the macro's call, so that a
problem inside it is reported where the reader sees the macro.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexer import balanced_group, command_at

#: the commands that define a macro
DEFINERS = ("newcommand", "renewcommand", "providecommand", "DeclareRobustCommand",
            "DeclareMathOperator", "def", "gdef", "edef", "xdef")
DEFINER_RE = re.compile(r"\\(" + "|".join(DEFINERS) + r")(?![A-Za-z])\*?")
MAX_DEPTH = 32
MAX_SIZE = 20_000


class MacroError(Exception):
    """An expansion that does not end or grows without bound; `offset` is the call's."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Macro:
    name: str                    # without the backslash
    nargs: int
    default: str | None          # the default of an optional first argument, if it has one
    body: str


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _argument(text: str, i: int) -> tuple[str, int] | None:
    """One undelimited argument: a group's inside, a command, or one character."""
    i = _skip_space(text, i)
    if i >= len(text) or text[i] in "}]":
        return None
    if text[i] == "{":
        return balanced_group(text, i)
    if text[i] == "\\":
        got = command_at(text, i)
        return ("\\" + got[0], got[1]) if got else None
    return text[i], i + 1


def definition(text: str, at: int) -> tuple[Macro | None, int]:
    """The macro the definition at `at` makes (None if it is of a form not read, such as
    `\\def` with delimited parameters), and the offset after the definition."""
    m = DEFINER_RE.match(text, at)
    kind, i = m.group(1), m.end()
    i = _skip_space(text, i)
    if kind in ("def", "gdef", "edef", "xdef"):
        got = command_at(text, i)
        if not got:
            return None, i
        name, i = got
        params = re.compile(r"(?:#[1-9])*").match(text, i)
        nargs, i = len(params.group(0)) // 2, params.end()
        body = balanced_group(text, _skip_space(text, i))
        if body is None:          # delimited parameters (\def\a#1.{…}): not read
            return None, i
        return Macro(name, nargs, None, body[0]), body[1]
    braced = balanced_group(text, i)
    if braced is not None:        # \newcommand{\norm}
        got = command_at(braced[0].strip(), 0)
        name, i = (got[0] if got else ""), braced[1]
    else:                         # \newcommand\norm
        got = command_at(text, i)
        if not got:
            return None, i
        name, i = got
    if kind == "DeclareMathOperator":
        body = balanced_group(text, _skip_space(text, i))
        if body is None or not name:
            return None, i
        return Macro(name, 0, None, "\\operatorname{" + body[0].strip() + "}"), body[1]
    nargs, default = 0, None
    opt = balanced_group(text, _skip_space(text, i), "[", "]")
    if opt is not None:
        nargs, i = int(opt[0]) if opt[0].strip().isdigit() else 0, opt[1]
        opt = balanced_group(text, _skip_space(text, i), "[", "]")
        if opt is not None:
            default, i = opt
    body = balanced_group(text, _skip_space(text, i))
    if body is None or not name:
        return None, i
    return Macro(name, min(nargs, 9), default, body[0]), body[1]


def definitions(text: str) -> list[tuple[int, int, Macro | None]]:
    """Every definition in `text`: (start, end, the macro or None)."""
    out = []
    i = 0
    while True:
        m = DEFINER_RE.search(text, i)
        if not m:
            return out
        macro, end = definition(text, m.start())
        out.append((m.start(), end, macro))
        i = max(end, m.end())


class Macros:
    """The macros in force at a point of a document."""

    def __init__(self) -> None:
        self.table: dict[str, Macro] = {}

    def define(self, macro: Macro | None, provide_only: bool = False) -> None:
        if macro is not None and not (provide_only and macro.name in self.table):
            self.table[macro.name] = macro

    def read(self, text: str) -> str:
        """Take in the definitions in `text`; the text with them blanked out (spaces, so that
        every other character keeps its offset)."""
        chars = list(text)
        for start, end, macro in definitions(text):
            self.define(macro, text.startswith("\\providecommand", start))
            for k in range(start, end):
                if chars[k] != "\n":
                    chars[k] = " "
        return "".join(chars)

    def expand(self, body: str) -> tuple[str, list[int]]:
        """The body with every macro expanded, and for each character of the result the offset
        in `body` it comes from. Raises MacroError past the bounds."""
        if not self.table:
            return body, list(range(len(body)))
        out: list[str] = []
        where: list[int] = []
        self._expand(body, None, 0, out, where)
        return "".join(out), where

    def _expand(self, text: str, at: int | None, depth: int, out: list[str], where: list[int]) -> None:
        """Append `text` expanded; `at` is the offset every character takes (a macro's call),
        or None for the body's own characters, which keep their own offsets."""
        if depth > MAX_DEPTH:
            raise MacroError(f"macros nested more than {MAX_DEPTH} deep (a macro that calls itself?)", at or 0)
        i = 0
        while i < len(text):
            if len(out) > MAX_SIZE:
                raise MacroError(f"the macros expand to more than {MAX_SIZE} characters", at or 0)
            c = text[i]
            got = command_at(text, i) if c == "\\" else None
            macro = self.table.get(got[0]) if got else None
            if macro is None:
                if got:        # a command not ours: copied whole, so that \\newline is not \\n…
                    self._put(text[i:got[1]], at, i, out, where)
                    i = got[1]
                else:
                    self._put(c, at, i, out, where)
                    i += 1
                continue
            call = at if at is not None else i
            j = got[1]
            args: list[str] = []
            if macro.default is not None:
                k = _skip_space(text, j)
                opt = balanced_group(text, k, "[", "]")
                args.append(opt[0] if opt else macro.default)
                j = opt[1] if opt else j
            while len(args) < macro.nargs:
                arg = _argument(text, j)
                if arg is None:
                    raise MacroError(f"\\{macro.name} needs {macro.nargs} argument(s)", call)
                args.append(arg[0])
                j = arg[1]
            if macro.nargs == 0 and got[0][0].isalpha():
                j_space = j       # the space after a control word belongs to it, as in TeX
                while j_space < len(text) and text[j_space] in " \t":
                    j_space += 1
                j = j_space
            expansion = self._substitute(macro.body, args)
            self._expand(expansion, call, depth + 1, out, where)
            if out and re.search(r"\\[A-Za-z]+$", "".join(out[-40:])) and j < len(text) and text[j].isalpha():
                self._put(" ", call, j, out, where)     # \eps x: not \epsilonx
            i = j

    @staticmethod
    def _substitute(body: str, args: list[str]) -> str:
        def one(m: re.Match) -> str:
            if m.group(0) == "##":
                return "#"
            k = int(m.group(1)) - 1
            return args[k] if k < len(args) else ""
        parts = re.split(r"(##|#[1-9])", body)
        text = ""
        for part in parts:
            piece = one(re.match(r"##|#([1-9])", part)) if re.fullmatch(r"##|#[1-9]", part) else part
            if piece and piece[0].isalpha() and re.search(r"\\[A-Za-z]+$", text):
                text += " "           # \lVert#1 with #1 = x: \lVert x, not \lVertx
            text += piece
        return text

    @staticmethod
    def _put(s: str, at: int | None, i: int, out: list[str], where: list[int]) -> None:
        for k, ch in enumerate(s):
            out.append(ch)
            where.append(at if at is not None else i + k)
