"""The layout of a display formula: where its chains are, and what in it is not the identity.

A display holds rows (`\\\\`), an `align` row columns (every second `&`), and a row may
hold two formulas side by side (`a = b, \\qquad c = d`). Labels, tags, `\\text{…}`
remarks and alignment marks are not the identity. Here the body is walked with
pylatexenc, and what is not the identity is blanked out (replaced by spaces), so that
every character of a chain keeps its offset in the body, and with it its place in the
file.
"""
from __future__ import annotations

#: environments inside a display formula whose rows are the formula's rows
INNER_ROWS = {"aligned", "alignedat", "split", "gathered", "multlined"}
#: macros dropped with their argument, if any
DROPPED = {"tag", "tag*", "nonumber", "notag", "text", "mbox", "textrm", "displaystyle", "label"}
#: macros that separate two formulas in one row (`a = b, \\qquad c = d`); what follows them is
#: a remark, to the end of the row, when it begins with text (`\\quad\\text{for all } i`)
SEPARATORS = {"quad", "qquad", "Longrightarrow", "implies", "Rightarrow", "iff", "Leftrightarrow",
              "Longleftrightarrow", "impliedby", "Longleftarrow", "hfill"}
REMARK_WORDS = {"text", "mbox", "textrm", "textnormal", "textit", "textbf", "emph", "forall",
                "text*", "hbox", "intertext"}


def chains(body: str) -> list[tuple[int, str, str | None]]:
    """The chains of a formula's body: (offset in the body, the chain's text with what is not
    the identity blanked out, its label), in order.

    A row (`\\\\`) is split into columns at every second `&` (`a &= b & c &= d` holds two
    chains) and into segments at a separator (`a = b, \\qquad c = d`; `\\quad\\Longrightarrow\\quad`).
    A piece that begins with `=` continues the chain of its column in the rows above."""
    blank, breaks, labels = _blanked(body)
    pieces: list[tuple[int, int, int, bool]] = []         # start, end, column, may continue
    start, column, continues = 0, 0, True
    for pos, kind in sorted(breaks) + [(len(blank), "row")]:
        pieces.append((start, pos, column, continues))
        start = pos
        column = 0 if kind == "row" else column + (kind == "column")
        continues = kind != "segment"
    groups: list[list[tuple[int, int]]] = []
    open_chain: dict[int, list[tuple[int, int]]] = {}
    for a, b, column, continues in pieces:
        text = blank[a:b]
        if not text.strip():
            continue
        if continues and text.lstrip().startswith("=") and column in open_chain:
            open_chain[column].append((a, b))
        else:
            open_chain[column] = [(a, b)]
            groups.append(open_chain[column])
    out = []
    for g in sorted(groups, key=lambda g: g[0][0]):
        a, b = g[0][0], g[-1][1]
        chars = [c if c == "\n" else " " for c in blank[a:b]]
        for p, q in g:          # the chain's own pieces; the rest (another column) blank
            chars[p - a:q - a] = _without_trailing_punctuation(blank[p:q])
        label = next((lab for pos, lab in labels if a <= pos < b), None)
        out.append((a, "".join(chars), label))
    return out


def _without_trailing_punctuation(chunk: str) -> str:
    stripped = chunk.rstrip()
    if stripped.endswith((",", ".", ";")):
        k = len(stripped) - 1
        return chunk[:k] + " " + chunk[k + 1:]
    return chunk


def _blanked(body: str) -> tuple[str, list[tuple[int, str]], list[tuple[int, str]]]:
    """The body with what is not the identity replaced by spaces; the offsets where pieces
    end, with the kind of the end ("row": `\\\\` or `\\intertext`; "column": a second `&`;
    "segment": a separator such as `\\qquad`); the labels and where they stand."""
    from pylatexenc.latexwalker import (LatexCommentNode, LatexEnvironmentNode, LatexGroupNode,
                                        LatexMacroNode, LatexSpecialsNode, LatexWalker)
    chars = list(body)
    breaks: list[tuple[int, str]] = []
    labels: list[tuple[int, str]] = []

    def wipe(a: int, b: int) -> None:
        for i in range(max(a, 0), min(b, len(chars))):
            if chars[i] not in "\n":
                chars[i] = " "

    def is_remark(n) -> bool:
        return isinstance(n, LatexMacroNode) and n.macroname in REMARK_WORDS

    def walk(nodes) -> None:
        drop_group = False
        remark_until_break = False
        ampersands = 0
        nodes = [n for n in nodes or [] if n is not None]
        for k, n in enumerate(nodes):
            if isinstance(n, LatexMacroNode) and n.macroname in ("\\", "intertext", "shortintertext"):
                breaks.append((n.pos, "row"))
                wipe(n.pos, n.pos + n.len)
                remark_until_break, ampersands = False, 0
                drop_group = n.macroname != "\\" and not (
                    n.nodeargd and any(a is not None for a in n.nodeargd.argnlist))
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
            elif isinstance(n, LatexMacroNode) and n.macroname in SEPARATORS:
                wipe(n.pos, n.pos + n.len)
                if not breaks or breaks[-1] != (n.pos, "segment"):
                    breaks.append((n.pos, "segment"))
                after = next((m for m in nodes[k + 1:] if not (isinstance(m, LatexMacroNode)
                                                               and m.macroname in SEPARATORS)), None)
                remark_until_break = after is None or is_remark(after)   # \quad\text{for all i}
            elif isinstance(n, LatexSpecialsNode) and n.specials_chars == "&":
                wipe(n.pos, n.pos + n.len)
                ampersands += 1
                if ampersands % 2 == 0:        # a & b & c: the second starts another column
                    breaks.append((n.pos, "column"))
            elif isinstance(n, LatexCommentNode):
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
