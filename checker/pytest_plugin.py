"""The pytest plugin: every theorem of a `.thm` file is a test item.

Installed with matproof (entry point `pytest11`), so a plain `pytest` collects
`.thm` files; an item passes when the theorem's outcome matches its `expect`.
Documents are opt-in: the ini option `matproof_suffixes` (default `.thm`) may
list `.tex`, `.md` and `.ipynb` too, and each display formula of those is an
item (one that cannot be read fails at its place in the document).
A failure shows the counterexample, or the reason no proof was found. Each
item re-reads its file and settles one theorem, so pytest-xdist can spread
them over workers. The search per link is bounded by the ini option
`matproof_max_work` (units of work, the same on every machine) and, as a
safety net only, `matproof_timeout` (seconds).
"""
from __future__ import annotations

import pytest


def pytest_addoption(parser) -> None:
    from .limits import Limits
    parser.addini("matproof_max_work", "units of proof-search work per link of a theorem",
                  default=str(Limits.work))
    parser.addini("matproof_timeout", "seconds per link: a safety net only (machine-dependent)",
                  default=str(Limits.seconds))
    parser.addini("matproof_suffixes", "the files whose theorems are test items: .thm, and any of "
                  ".tex, .md, .ipynb (their display formulas)", type="args", default=[".thm"])


def pytest_collect_file(parent, file_path):
    if file_path.suffix in parent.config.getini("matproof_suffixes"):
        return TheoremFile.from_parent(parent, path=file_path)
    return None


class TheoremFile(pytest.File):
    def collect(self):
        from .check import document
        from .errors import MatproofError
        try:
            doc = document(str(self.path))
        except MatproofError as e:
            raise self.CollectError(e.render()) from None
        for e in getattr(doc, "problems", ()):          # a document's directives matproof refuses
            yield UnreadableFormula.from_parent(self, name=f"line {e.line}:{e.column}", error=e)
        for e in getattr(doc, "unread", ()):            # its formulas matproof cannot read: skipped
            yield UnreadableFormula.from_parent(self, name=f"line {e.line}:{e.column}", error=e, skip=True)
        for index, thm in enumerate(doc.theorems):
            yield TheoremItem.from_parent(self, name=thm.name, index=index, line=thm.line)


class UnreadableFormula(pytest.Item):
    """A directive of a document that matproof refuses: a failing item at its place; or a
    formula it cannot read (`skip`): a skipped item that says why (the document is not wrong)."""

    def __init__(self, *, error, skip: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.error = error
        self.skip = skip

    def runtest(self) -> None:
        if self.skip:
            pytest.skip(f"not read: {self.error.message} ({self.path.name}:{self.error.line}:{self.error.column})")
        raise self.error

    def repr_failure(self, excinfo, style=None):
        return self.error.render()

    def reportinfo(self):
        return self.path, self.error.line - 1, f"formula at line {self.error.line}"


class TheoremMismatch(Exception):
    def __init__(self, result: dict):
        super().__init__(result["status"])
        self.result = result


class TheoremItem(pytest.Item):
    def __init__(self, *, index: int, line: int, **kwargs):
        super().__init__(**kwargs)
        self.index = index
        self.line = line

    def runtest(self) -> None:
        from .check import Job, run_job
        from .limits import Limits
        limits = Limits(work=int(self.config.getini("matproof_max_work")),
                        seconds=float(self.config.getini("matproof_timeout")))
        from .check import is_failure
        result = run_job(Job(str(self.path), self.index, self.name, self.line), limits, None)
        if is_failure(result):
            raise TheoremMismatch(result)
        if result["status"] != result["expected"]:     # a document's formula not decided
            pytest.skip(f"{result['status']}: {result.get('reason', '')}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, TheoremMismatch):
            from .check import _detail
            r = excinfo.value.result
            return f"theorem {r['name']} (line {r['line']}): {r['status']}, expected {r['expected']}\n" \
                + _detail(r)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.line - 1, f"theorem {self.name}"
