"""Markdown: the `$$…$$` blocks, ```` ```math ```` fences and `\\begin{align}…`
environments of a `.md` file, its inline math (for the definitions made there) and its
`<!-- matproof: … -->` comments, found by markdown-it-py with mdit-py-plugins' dollarmath,
in document order. A notebook's Markdown cells are read the same way (notebook.py)."""
from __future__ import annotations

import re

from .formulas import Directive, Math
from .source import Source, plain

COMMENT = re.compile(r"<!--(.*?)-->", re.S)
#: a LaTeX display environment written straight into a paragraph, as Jupyter and MathJax allow
ENVIRONMENT = re.compile(r"\\begin\{(equation|align|gather|multline|flalign|eqnarray)(\*?)\}(.*?)"
                         r"\\end\{\1\2\}", re.S)
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
            found: list[tuple[int, object]] = []
            cursor = base
            for child in tok.children or []:
                if child.type == "html_inline" and DIRECTIVE in child.content:
                    at = max(text.find(child.content, cursor), 0)
                    found += [(d.offset, d) for d in comments(child.content, at)]
                elif child.type == "math_inline" and "=" in child.content:   # for its definitions
                    at = text.find(child.content, cursor)
                    if at >= 0:
                        found.append((at, Math(child.content, source, at, inline=True)))
                        cursor = at + len(child.content)
            for m in ENVIRONMENT.finditer(tok.content):   # \begin{align} in a paragraph (MathJax reads it)
                at = text.find(m.group(0), base)
                if at >= 0:
                    found.append((at, Math(m.group(3), source, at + m.start(3) - m.start(0))))
            yield from (ev for _, ev in sorted(found, key=lambda f: f[0]))
        elif tok.type in ("math_block", "math_block_label") or (tok.type == "fence" and tok.info.strip() == "math"):
            where = text.find(tok.content, line_start(tok.map[0])) if tok.content else -1
            if where < 0:     # not verbatim in the text (a quoted block): its first line
                where = line_start(tok.map[0])
            label = tok.info.strip() if tok.type == "math_block_label" else None
            yield Math(tok.content, source, where, label or None)
