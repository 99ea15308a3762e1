"""Jupyter notebooks: the Markdown cells of an `.ipynb` file (read with nbformat), each read
as Markdown (markdown.py). Positions are in the notebook file itself: a cell's source is
stored as JSON strings, one per line, so each line of a cell is found in the file's text
and its columns are counted in the escaped form (`\\\\frac` takes two columns per
backslash), which is what an editor opening the file shows."""
from __future__ import annotations

import bisect
import json

from ..errors import MatproofError
from .markdown import source_events
from .source import Source


def events(path: str, text: str):
    import nbformat
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:   # not JSON, or not a notebook
        raise MatproofError(f"not a Jupyter notebook: {str(e).splitlines()[0] if str(e) else type(e).__name__}",
                            filename=path) from None
    file_lines = text.splitlines()
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    cursor = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not cell.source:
            continue
        origins = []
        for line in cell.source.splitlines(keepends=True):
            encoded = json.dumps(line, ensure_ascii=False)
            at = text.find(encoded, cursor)
            if at < 0:            # stored otherwise (one string for the cell): its first place
                at = cursor
            else:
                cursor = at + len(encoded)
            k = bisect.bisect_right(line_starts, at) - 1
            origins.append((k + 1, at - line_starts[k] + 2, True))    # after the opening quote
        yield from source_events(Source(cell.source, path, file_lines, origins))
