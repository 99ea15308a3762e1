"""Text read from a document, and where each of its characters stands in the file.

A LaTeX or Markdown file is its own text; a notebook's Markdown cell is text
too, but it stands inside the notebook's JSON, one string per source line,
with its backslashes doubled. Every position the user sees is in the file
they opened, so that an editor (or a GitHub annotation) jumps there.
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field


@dataclass
class Source:
    """A text and the file position of each of its offsets (1-based line and column)."""

    text: str
    file: str
    file_lines: list[str]                      # the file's own lines, for carets
    # where each line of `text` starts in the file, and how its columns map (None: 1 to 1)
    line_origins: list[tuple[int, int, bool]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [0]
        for i, c in enumerate(self.text):
            if c == "\n":
                self._starts.append(i + 1)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of the text's character at `offset`."""
        k = bisect.bisect_right(self._starts, offset) - 1
        col = offset - self._starts[k]
        if not self.line_origins:
            return k + 1, col + 1
        line, start, escaped = self.line_origins[min(k, len(self.line_origins) - 1)]
        if escaped:   # a JSON string: the column is that of the escaped prefix
            prefix = self.text[self._starts[k]:self._starts[k] + col]
            col = len(json.dumps(prefix, ensure_ascii=False)) - 2
        return line, start + col

    def file_line(self, line: int) -> str | None:
        return self.file_lines[line - 1] if 0 < line <= len(self.file_lines) else None


def plain(text: str, file: str) -> Source:
    """A file that is its own text (LaTeX, Markdown)."""
    return Source(text, file, text.splitlines())
