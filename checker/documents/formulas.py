"""From a document's display formulas and directives to theorems (LANGUAGE.md §5c).

A reader (latex.py, markdown.py, notebook.py) yields, in document order,
`Directive`s (`matproof: let X: n×n spd`, `expect refuted`, `skip`, `define f(X) = …`),
`Preamble` text that defines macros, and `Math` bodies (inline ones only for the
definitions they make). Here a body has the document's macros expanded (macros.py),
then split into its chains (layout.py: rows, columns, formulas side by side, with
labels, tags and remarks blanked out so that every character keeps its place). A
chain may define a name (definitions.py). Each chain with an `=` is parsed
as `theorem t: CHAIN` with the declarations in force, and every position the parser
reports is carried back into the document (`Origin`); what cannot be read is said
apart from what is wrong (`Reading.unread`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import MatproofError, ShapeProblem
from ..statements import Declarations, Theorem
from .definitions import sides
from .layout import chains
from .source import Source

PREFIX = "theorem t: "


@dataclass(frozen=True)
class Directive:
    """A `matproof: …` comment: its text and where it stands."""

    text: str
    source: Source
    offset: int


@dataclass(frozen=True)
class Preamble:
    """Text outside the formulas that defines macros (`\\newcommand…`), in document order."""

    text: str


@dataclass(frozen=True)
class Math:
    """A display formula's body: source.text[start:start + len(body)]."""

    body: str
    source: Source
    start: int
    label: str | None = None       # a label the reader found outside the body (Markdown `(eq1)`)
    inline: bool = False           # inline math: read only for the definitions it makes


@dataclass(frozen=True)
class Origin:
    """Where a theorem read from a document stands: its file position, and the file
    position of each character of the chain it was parsed from."""

    file: str
    line: int
    column: int
    places: tuple[tuple[int, int], ...]
    source: Source = field(repr=False, compare=False)

    def place(self, column: int) -> tuple[int, int]:
        """The file's (line, column) for a 1-based column of the parsed line."""
        i = min(max(column - 1 - len(PREFIX), 0), len(self.places) - 1)
        return self.places[i]

    def relocate(self, e: MatproofError) -> MatproofError:
        """The same problem, told at its place in the document."""
        line, col = self.place(e.column) if e.column else (self.line, self.column)
        end = None
        if e.end_column and e.column:
            end_line, end_col = self.place(e.end_column - 1)
            end = end_col + 1 if end_line == line else None
        return type(e)(e.message, line, col, end, self.source.file_line(line), self.file, e.hint, e.kind)


@dataclass
class Reading:
    """What a document holds: theorems (with their origins) and the formulas and directives
    that could not be read, as located errors."""

    theorems: list[Theorem] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    problems: list[MatproofError] = field(default_factory=list)     # directives: the user's input to us
    unread: list[MatproofError] = field(default_factory=list)       # formulas matproof could not read
    formulas: int = 0


def read_events(path: str, events, layout: str = "numerator") -> Reading:
    reader = _Reader(path, layout)
    for ev in events:
        reader.event(ev)
    return reader.out


class _Reader:
    """What is in force while a document is read, in order: declarations, a pending
    expectation or skip, the macros and the definitions made so far."""

    def __init__(self, path: str, layout: str) -> None:
        from .macros import Macros
        self.path, self.layout = path, layout
        self.out = Reading()
        self.decls: Declarations = {}
        self.expect: str | None = None
        self.skip = False
        self.names: set[str] = set()
        self.macros = Macros()
        self.defs: dict = {}            # f(X) = …, ℓ := …: in force everywhere after
        self.named: dict = {}           # s = …: in formulas without calculus, and for an undefined subject

    def event(self, ev) -> None:
        if isinstance(ev, Preamble):
            self.macros.read(ev.text)
        elif isinstance(ev, Directive):
            try:
                self.directive(ev)
            except MatproofError as e:
                self.out.problems.append(e)
        elif ev.inline:
            self.inline(ev)
        elif self.skip:
            self.skip = False
        else:
            self.formula(ev)
            self.expect = None

    def _at(self, src: Source, line: int, col: int, message: str, hint: str | None = None) -> MatproofError:
        """A problem told at (line, col) of the file, with that line for the caret."""
        return MatproofError(message, line, col, None, src.file_line(line), self.path, hint)

    def directive(self, ev: Directive) -> None:
        """Apply one directive: a declaration, an expectation, a skip or a definition."""
        from ..parse import parse_text
        from .definitions import directive
        words = ev.text.split()
        line, col = ev.source.position(ev.offset)
        if not words:
            return
        if words[0] == "let":
            try:
                self.decls = parse_text(ev.text, self.path, self.decls).decls
                return
            except MatproofError as e:
                raise self._at(ev.source, line, col, e.message, e.hint) from None
        if words[0] == "expect" and len(words) == 2 and words[1] in ("proved", "refuted", "unknown"):
            self.expect = words[1]
            return
        if words == ["skip"]:
            self.skip = True
            return
        if words[0] == "define":
            body = ev.text.split(None, 1)[1] if len(words) > 1 else ""
            d = directive(body, set(self.decls))
            if d is None:
                raise self._at(ev.source, line, col, f"cannot read the definition: {body.strip()}",
                               "write define f(X) = BODY (or f := BODY)")
            self.defs[d.name] = d
            return
        raise self._at(ev.source, line, col, f"unknown matproof directive: {ev.text.strip()}",
                       "directives: let NAME: SHAPE [PROPERTIES], expect proved|refuted|unknown, "
                       "skip, define f(X) = BODY")

    def formula(self, ev: Math) -> None:
        from .macros import MacroError
        self.out.formulas += 1
        try:       # the document's macros: a KaTeX note defines them in a formula of its own
            body, where = self.macros.expand(self.macros.read(ev.body))
        except MacroError as e:
            line, col = ev.source.position(ev.start + e.offset)
            self.out.unread.append(self._at(ev.source, line, col, str(e)))
            return
        from .definitions import Unreadable
        for chunk_start, chunk, label in chains(body):
            if "=" not in chunk:
                continue
            offsets = where[chunk_start:chunk_start + len(chunk)]
            try:
                self.chain(ev, offsets, chunk, label or ev.label)
            except Unreadable as e:
                first = next(k for k, c in zip(offsets, chunk) if not c.isspace())
                line, col = ev.source.position(ev.start + first)
                self.out.unread.append(self._at(ev.source, line, col, str(e)))

    def inline(self, ev: Math) -> None:
        """Inline math is not checked, but a definition made there (`$J(w) = …$` in a sentence)
        holds for the formulas after it."""
        from .definitions import TooLarge, substitute_all
        from .macros import MacroError
        if "=" not in ev.body and "≔" not in ev.body:
            return
        try:
            body, where = self.macros.expand(ev.body)
        except MacroError:
            return
        declared = set(self.decls)
        for chunk_start, chunk, _ in chains(body):
            try:
                chunk, _ = substitute_all(chunk, where[chunk_start:chunk_start + len(chunk)], self.defs, declared)
            except TooLarge:
                continue
            self._define(chunk)

    def chain(self, ev: Math, offsets: list[int], chunk: str, label: str | None) -> None:
        """One chain: a definition (its first side `f(X)`), and the identity of its other sides."""
        from .definitions import nabla_variables, substitute_all
        declared = set(self.decls)
        chunk, offsets = nabla_variables(chunk, offsets, self.defs, declared)     # ∇f(x): ∇ₓ
        chunk, offsets = substitute_all(chunk, offsets, self.defs, declared)
        chunk, body_start = self._define(chunk)
        if body_start is None:
            chunk, offsets = self._named_values(chunk, offsets)
        else:                           # f(X) = BODY = …: BODY = … is still checked
            chunk = " " * body_start + chunk[body_start:]
            if len(sides(chunk)) < 2:
                return
        self.theorem(ev, offsets, chunk, label)

    def _define(self, chunk: str) -> tuple[str, int | None]:
        """Record the definition a chain makes, if it makes one (`f(X) = …`, `ℓ := …` in force
        everywhere after; `s = …` a named value): the chain with its defining sign written
        `=`, and where the defined body's side begins (None if it defines nothing)."""
        from .definitions import bare_definition, definition_of, with_equals
        declared = set(self.decls)
        chunk, signed = with_equals(chunk)
        made = definition_of(chunk, declared, signed)
        if made is not None:
            self.defs[made[0].name] = made[0]
            return chunk, made[1]
        made = bare_definition(chunk, declared)
        if made is not None:
            self.named[made[0].name] = self._fitted(made[0])
            return chunk, made[1]
        return chunk, None

    def theorem(self, ev: Math, offsets: list[int], chunk: str, label: str | None) -> None:
        """Parse one chain; `offsets` holds, for each of its characters, the offset in the
        formula's body it stands for (a macro's expansion stands at the macro). A side that
        cannot be read is said; the links among the other sides are still checked."""
        from ..parse import parse_text
        from .definitions import named_in_calculus, undefined_subject
        src = ev.source
        places = tuple(src.position(ev.start + k) for k in offsets)
        first = next(i for i, c in enumerate(chunk) if not c.isspace())
        line, col = places[first]
        origin = Origin(self.path, line, col, places, src)
        text = PREFIX + chunk.replace("\n", " ").replace("\r", " ")
        if self.expect:
            text += f"   expect {self.expect}"
        try:
            doc = parse_text(text, self.path, self.decls, layout=self.layout)
        except MatproofError as e:
            self.out.unread.append(origin.relocate(e))
            self._other_links(ev, offsets, chunk, label, e)
            return
        if not doc.theorems:
            return
        thm = doc.theorems[0]
        subject = undefined_subject(thm)
        if subject is not None and subject in self.named and not self.named[subject].opaque:   # s = … said
            return self._with_named(ev, offsets, chunk, label, [subject])
        if subject is not None:
            self.out.unread.append(self._at(
                src, line, col, f"{subject} is not defined here, so its derivative cannot be checked",
                f"define it in a formula before ({subject}(x) = …, or {subject} := …) or in a comment: "
                f"matproof: define {subject}(x) = …"))
            return
        unclear, constant = named_in_calculus(thm, self.named, set(self.decls))
        if constant and not unclear:            # values that do not vary: put for their names
            return self._with_named(ev, offsets, chunk, label, constant)
        if unclear:
            d = self.named[unclear[0]]
            self.out.unread.append(self._at(
                src, line, col, f"{d.name} was said to be {d.body}, which varies here; whether {d.name} is "
                f"meant to vary with it cannot be told",
                f"write its value out, or make it a definition that holds everywhere: "
                f"matproof: define {d.name}(…) = {d.body}"))
            return
        name = label or f"line {line}"
        if name in self.names:
            name = f"{name}:{col}"
        self.names.add(name)
        thm.name, thm.line, thm.filename = name, line, self.path
        thm.physical = (src.file_line(line) or "",)
        self.out.theorems.append(thm)
        self.out.origins.append(origin)

    def _named_values(self, chunk: str, offsets: list[int]) -> tuple[str, list[int]]:
        """In a chain without differentials or derivatives, the named values put for their
        names (r = y − Xŵ, ŵ = (XᵀX)⁻¹Xᵀy: Xᵀr = 0 means their values)."""
        from .definitions import algebraic, check_fits, substitute_all
        declared = set(self.decls)
        if self.named and algebraic(chunk, declared):
            check_fits(chunk, self.named, declared)
            return substitute_all(chunk, offsets, self.named, declared, passes=3)
        return chunk, offsets

    def _fitted(self, d):
        """A named value of a declared name, with why it does not fit the declaration (its
        shape as matproof reads the value), if it does not."""
        from dataclasses import replace

        from .. import syntax as S
        from ..parse import parse_text
        from ..printing import to_latex
        from ..typecheck import type_theorem
        if not d.declared or d.opaque:
            return d
        try:
            thm = parse_text(f"theorem t: {to_latex(S.sym(d.name))} = ({d.body})", self.path, self.decls).theorems[0]
            type_theorem(thm)
        except ShapeProblem as e:
            return replace(d, misfit=e.message)
        except Exception:       # noqa: BLE001 - a body that cannot be read is put for no name
            return replace(d, opaque=True)
        return d

    def _with_named(self, ev: Math, offsets: list[int], chunk: str, label: str | None, names: list[str]) -> None:
        """The chain read again with the values of these named things put for their names (once:
        while it is read, they are named no more)."""
        from .definitions import substitute
        chunk, offsets = substitute(chunk, offsets, {n: self.named[n] for n in names}, set(self.decls))
        named = self.named
        self.named = {k: v for k, v in named.items() if k not in names}
        try:
            self.theorem(ev, offsets, chunk, label)
        finally:
            self.named = named

    def _other_links(self, ev: Math, offsets: list[int], chunk: str, label: str | None,
                     e: MatproofError) -> None:
        """After a chain of three sides or more failed to parse at `e`: the runs of sides
        before and after the one that holds the problem, each checked on its own."""
        spans = sides(chunk)
        if len(spans) < 3 or not e.column:
            return
        at = e.column - 1 - len(PREFIX)
        bad = next((k for k, (a, b) in enumerate(spans) if at <= b), len(spans) - 1)
        for run in (spans[:bad], spans[bad + 1:]):
            if len(run) >= 2:
                a, b = run[0][0], run[-1][1]
                piece = "".join(c if (a <= i < b or c == "\n") else " " for i, c in enumerate(chunk))
                piece, where = self._named_values(piece, offsets)
                self.theorem(ev, where, piece, label)
