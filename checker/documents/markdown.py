"""Markdown: the `$$…$$` blocks and ```` ```math ```` fences of a `.md` file, and its
`<!-- matproof: … -->` comments, found by markdown-it-py with mdit-py-plugins' dollarmath,
in document order. A notebook's Markdown cells are read the same way (notebook.py)."""
from __future__ import annotations

import re

from .formulas import Directive, Math
from .source import Source, plain

COMMENT = re.compile(r"<!--(.*?)-->", re.S)
DIRECTIVE = "matproof:"


def parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    return MarkdownIt("commonmark").use(dollarmath_plugin, allow_labels=True, double_inline=False)


def events(path: str, text: str):
    return source_events(plain(text, path))


def source_events(source: Source):
    """The events of Markdown text whose places in its file `source` knows."""
    text = source.text
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line_start(k: int) -> int:
        return starts[min(k, len(starts) - 1)]

    def comments(html: str, base: int):
        for m in COMMENT.finditer(html):        # the comment syntax of the HTML markdown-it found
            for part in re.finditer(r"matproof:([^\n]*)", m.group(1)):
                yield Directive(part.group(1).strip(), source, base + m.start(1) + part.end(0) - len(part.group(1)))

    for tok in parser().parse(text):
        if tok.type == "html_block" and DIRECTIVE in tok.content:
            base = text.find(tok.content, line_start(tok.map[0]))
            yield from comments(tok.content, max(base, 0))
        elif tok.type == "inline":
            base = max(text.find(tok.content, line_start(tok.map[0])), 0)
            for child in tok.children or []:
                if child.type == "html_inline" and DIRECTIVE in child.content:
                    yield from comments(child.content, max(text.find(child.content, base), 0))
                elif child.type == "math_inline" and "=" in child.content:   # for its definitions
                    at = text.find(child.content, base)
                    if at >= 0:
                        yield Math(child.content, source, at, inline=True)
                        base = at + len(child.content)
        elif tok.type in ("math_block", "math_block_label") or (tok.type == "fence" and tok.info.strip() == "math"):
            where = text.find(tok.content, line_start(tok.map[0])) if tok.content else -1
            if where < 0:     # not verbatim in the text (a quoted block): its first line
                where = line_start(tok.map[0])
            label = tok.info.strip() if tok.type == "math_block_label" else None
            yield Math(tok.content, source, where, label or None)
