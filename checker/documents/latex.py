"""LaTeX: the display formulas and `% matproof: …` comments of a `.tex` file, found by
pylatexenc's walker (environments `equation`, `align`, `gather`, `multline` and the
others below, starred or not; `\\[…\\]` and `$$…$$`), in document order."""
from __future__ import annotations

from .formulas import Directive, Math, Preamble
from .macros import DEFINERS, definition
from .source import plain

DISPLAY = {"equation", "align", "gather", "multline", "flalign", "eqnarray", "alignat", "math",
           "displaymath"}
DISPLAY |= {name + "*" for name in DISPLAY}
DIRECTIVE = "matproof:"


def events(path: str, text: str):
    from pylatexenc.latexwalker import (LatexCommentNode, LatexEnvironmentNode, LatexGroupNode,
                                        LatexMacroNode, LatexMathNode, LatexWalker)
    source = plain(text, path)
    nodes, _, _ = LatexWalker(text, tolerant_parsing=True).get_latex_nodes()

    def walk(nodes):
        for n in nodes or []:
            if isinstance(n, LatexCommentNode):
                body = n.comment.strip()
                if body.startswith(DIRECTIVE):
                    yield Directive(body[len(DIRECTIVE):].strip(), source,
                                    n.pos + 1 + n.comment.index(DIRECTIVE) + len(DIRECTIVE))
            elif isinstance(n, LatexMacroNode) and n.macroname in DEFINERS:
                _, end = definition(text, n.pos)        # read from the text: pylatexenc knows no \def
                yield Preamble(text[n.pos:end])
            elif isinstance(n, LatexEnvironmentNode) and n.environmentname in DISPLAY:
                begin = text.index("}", n.pos) + 1
                end = n.pos + n.len - len(f"\\end{{{n.environmentname}}}")
                if n.environmentname.startswith("alignat") and n.nodeargd and n.nodeargd.argnlist:
                    arg = next((a for a in n.nodeargd.argnlist if a is not None), None)
                    begin = arg.pos + arg.len if arg is not None else begin
                yield Math(text[begin:end], source, begin)
            elif isinstance(n, LatexMathNode):
                opening, closing = n.delimiters
                begin, end = n.pos + len(opening), n.pos + n.len - len(closing)
                yield Math(text[begin:end], source, begin, inline=n.displaytype != "display")
            elif isinstance(n, (LatexEnvironmentNode, LatexGroupNode)):
                yield from walk(n.nodelist)

    yield from walk(nodes)
