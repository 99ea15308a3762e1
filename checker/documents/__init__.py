"""Identities inside documents (LANGUAGE.md §5c): LaTeX papers, Markdown notes and
Jupyter notebooks.

Each format has a reader that finds, with that format's own parser, the display
formulas and the `matproof:` directives in document order (`latex.py`:
pylatexenc; `markdown.py`: markdown-it-py with dollarmath; `notebook.py`:
nbformat, its Markdown cells read as Markdown). `formulas.py` turns those into
theorems, each knowing where it stands in the file (`source.py`), so that
every message points into the document, compiler style.
"""
from __future__ import annotations

from pathlib import Path

#: the suffixes read as documents, and their readers' modules
SUFFIXES = {".tex": "latex", ".md": "markdown", ".markdown": "markdown", ".ipynb": "notebook"}


def is_document(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def read_document(path: str, text: str, layout: str = "numerator"):
    """The theorems of a document and the formulas that could not be read (a
    `formulas.Reading`); `layout` is what a bare ∂f/∂x of a vector f means there."""
    import importlib

    from .formulas import read_events
    reader = importlib.import_module(f".{SUFFIXES[Path(path).suffix.lower()]}", __name__)
    return read_events(path, reader.events(path, text), layout)


def mentions_matproof(text: str) -> bool:
    """Whether a document opts in to being checked when its folder is (a `matproof:`
    directive anywhere in it)."""
    return "matproof:" in text
