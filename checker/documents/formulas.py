"""From a document's display formulas and directives to theorems (LANGUAGE.md §5c).

A reader (latex.py, markdown.py, notebook.py) yields, in document order,
`Directive`s (`matproof: let X: n×n spd`, `expect refuted`, `skip`) and `Math`
bodies. Here a body is read as LaTeX math with pylatexenc: `\\label{…}` names
the theorem; `\\tag`, `\\nonumber`, `\\notag`, alignment `&`, `\\text{…}` and a
`\\quad …` remark, and a trailing `,` or `.` are blanked out (replaced by
spaces, so that every remaining character keeps its place); `\\\\` ends a
row, and a row that begins with `&=` continues the previous row's chain.
Each chain with an `=` is parsed as `theorem t: CHAIN` with the declarations
in force, and every position the parser reports is carried back into the
document (`Origin`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import MatproofError
from ..statements import Declarations, Theorem
from .source import Source

#: environments inside a display formula whose rows are the formula's rows
INNER_ROWS = {"aligned", "alignedat", "split", "gathered", "multlined"}
#: macros dropped with their argument, if any
DROPPED = {"tag", "tag*", "nonumber", "notag", "text", "mbox", "textrm", "displaystyle", "label"}
#: macros after which the rest of the row is a remark
REMARKS = {"quad", "qquad"}
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
    from .macros import MacroError, Macros
    out = Reading()
    decls: Declarations = {}
    expect, skip = None, False
    names: set[str] = set()
    macros = Macros()
    for ev in events:
        if isinstance(ev, Preamble):
            macros.read(ev.text)
            continue
        if isinstance(ev, Directive):
            try:
                decls, expect, skip = _directive(path, ev, decls, expect, skip)
            except MatproofError as e:
                out.problems.append(e)
            continue
        if skip:
            skip = False
            continue
        out.formulas += 1
        try:       # the document's macros: a KaTeX note defines them in a formula of its own
            body, where = macros.expand(macros.read(ev.body))
        except MacroError as e:
            line, col = ev.source.position(ev.start + e.offset)
            out.unread.append(MatproofError(str(e), line, col, None, ev.source.file_line(line), path))
            expect = None
            continue
        for chunk_start, chunk, label in chains(body):
            if "=" not in chunk:
                continue
            offsets = where[chunk_start:chunk_start + len(chunk)]
            _theorem(out, path, ev, offsets, chunk, label or ev.label, decls, expect, names, layout)
        expect = None
    return out


def _directive(path: str, ev: Directive, decls: Declarations, expect, skip):
    """Apply one directive: (declarations, pending expectation, skip the next formula)."""
    from ..parse import parse_text
    words = ev.text.split()
    line, col = ev.source.position(ev.offset)
    if not words:
        return decls, expect, skip
    if words[0] == "let":
        try:
            return parse_text(ev.text, path, decls).decls, expect, skip
        except MatproofError as e:
            raise MatproofError(e.message, line, col, None, ev.source.file_line(line), path, e.hint) from None
    if words[0] == "expect" and len(words) == 2 and words[1] in ("proved", "refuted", "unknown"):
        return decls, words[1], skip
    if words == ["skip"]:
        return decls, expect, True
    raise MatproofError(f"unknown matproof directive: {ev.text.strip()}", line, col, None,
                        ev.source.file_line(line), path,
                        hint="directives: let NAME: SHAPE [PROPERTIES], expect proved|refuted|unknown, skip")


def _theorem(out: Reading, path: str, ev: Math, offsets: list[int], chunk: str, label: str | None,
             decls: Declarations, expect: str | None, names: set[str], layout: str) -> None:
    """Parse one chain; `offsets` holds, for each of its characters, the offset in the formula's
    body it stands for (a macro's expansion stands at the macro)."""
    from ..parse import parse_text
    src = ev.source
    places = tuple(src.position(ev.start + k) for k in offsets)
    first = next(i for i, c in enumerate(chunk) if not c.isspace())
    line, col = places[first]
    origin = Origin(path, line, col, places, src)
    text = PREFIX + chunk.replace("\n", " ").replace("\r", " ")
    if expect:
        text += f"   expect {expect}"
    try:
        doc = parse_text(text, path, decls, layout=layout)
    except MatproofError as e:
        out.unread.append(origin.relocate(e))
        return
    if not doc.theorems:
        return
    thm = doc.theorems[0]
    name = label or f"line {line}"
    if name in names:
        name = f"{name}:{col}"
    names.add(name)
    thm.name, thm.line, thm.filename = name, line, path
    thm.physical = (src.file_line(line) or "",)
    out.theorems.append(thm)
    out.origins.append(origin)


def chains(body: str) -> list[tuple[int, str, str | None]]:
    """The chains of a formula's body: (offset in the body, the chain's text with what is not
    the identity blanked out, its label), in order."""
    blank, breaks, labels = _blanked(body)
    rows, start = [], 0
    for b in sorted(breaks) + [len(blank)]:
        rows.append((start, b))
        start = b
    groups: list[list[tuple[int, int]]] = []
    for a, b in rows:
        text = blank[a:b]
        if not text.strip():
            continue
        if groups and text.lstrip().startswith("="):
            groups[-1].append((a, b))
        else:
            groups.append([(a, b)])
    out = []
    for g in groups:
        a, b = g[0][0], g[-1][1]
        chunk = _without_trailing_punctuation(blank[a:b])
        label = next((lab for pos, lab in labels if a <= pos < b), None)
        out.append((a, chunk, label))
    return out


def _without_trailing_punctuation(chunk: str) -> str:
    stripped = chunk.rstrip()
    if stripped.endswith((",", ".")):
        k = len(stripped) - 1
        return chunk[:k] + " " + chunk[k + 1:]
    return chunk


def _blanked(body: str) -> tuple[str, list[int], list[tuple[int, str]]]:
    """The body with what is not the identity replaced by spaces; the offsets where rows
    end (`\\\\`); the labels and where they stand."""
    from pylatexenc.latexwalker import (LatexCommentNode, LatexEnvironmentNode, LatexGroupNode,
                                        LatexMacroNode, LatexSpecialsNode, LatexWalker)
    chars = list(body)
    breaks: list[int] = []
    labels: list[tuple[int, str]] = []

    def wipe(a: int, b: int) -> None:
        for i in range(max(a, 0), min(b, len(chars))):
            if chars[i] not in "\n":
                chars[i] = " "

    def walk(nodes) -> None:
        drop_group = False
        remark_until_break = False
        for n in nodes or []:
            if n is None:
                continue
            if isinstance(n, LatexMacroNode) and n.macroname == "\\":
                breaks.append(n.pos)
                wipe(n.pos, n.pos + n.len)
                remark_until_break = drop_group = False
                continue
            if remark_until_break:
                wipe(n.pos, n.pos + n.len)
                continue
            if drop_group and isinstance(n, LatexGroupNode):
                wipe(n.pos, n.pos + n.len)
                drop_group = False
                continue
            drop_group = False
            if isinstance(n, LatexMacroNode) and n.macroname == "label":
                args = n.nodeargd.argnlist if n.nodeargd else []
                group = next((a for a in args if a is not None), None)
                if group is not None:
                    labels.append((n.pos, body[group.pos + 1:group.pos + group.len - 1].strip()))
                    wipe(n.pos, n.pos + n.len)
                else:
                    wipe(n.pos, n.pos + n.len)
                    drop_group = True
            elif isinstance(n, LatexMacroNode) and n.macroname in DROPPED:
                wipe(n.pos, n.pos + n.len)
                drop_group = not (n.nodeargd and any(a is not None for a in n.nodeargd.argnlist))
            elif isinstance(n, LatexMacroNode) and n.macroname in REMARKS:
                wipe(n.pos, n.pos + n.len)
                remark_until_break = True
            elif isinstance(n, LatexSpecialsNode) and n.specials_chars == "&" or isinstance(n, LatexCommentNode):
                wipe(n.pos, n.pos + n.len)
            elif isinstance(n, LatexEnvironmentNode) and n.environmentname in INNER_ROWS:
                inner = n.nodelist or []
                if inner:
                    wipe(n.pos, inner[0].pos)
                    wipe(inner[-1].pos + inner[-1].len, n.pos + n.len)
                else:
                    wipe(n.pos, n.pos + n.len)
                walk(inner)

    try:
        nodes, _, _ = LatexWalker(body, tolerant_parsing=True).get_latex_nodes()
    except Exception:   # pylatexenc gave up: the body as it is; the parser will say what is wrong
        return body, [], []
    walk(nodes)
    return "".join(chars), breaks, labels
