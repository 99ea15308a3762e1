"""The pytest plugin collects .thm files, one item per theorem."""
from __future__ import annotations

from importlib.metadata import entry_points

import numpy  # noqa: F401  (imported once here: pytester's in-process runs cannot import it anew)

# installed, the plugin loads itself (entry point); from a source tree, name it
PLUGIN = [] if any(e.name == "matproof" for e in entry_points(group="pytest11")) \
    else ["-p", "checker.pytest_plugin"]

THM = """\
theorem good: tr(A B) = tr(B A)
theorem wrong: (A B)ᵀ = Aᵀ Bᵀ   expect refuted
theorem claimed: tr(A B C) = tr(B A C)
"""


def test_theorems_are_test_items(pytester):
    pytester.makefile(".thm", mine=THM)
    result = pytester.runpytest(*PLUGIN, "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*mine.thm::good PASSED*", "*mine.thm::wrong PASSED*",
                                 "*mine.thm::claimed FAILED*"])
    result.stdout.fnmatch_lines(["*theorem claimed (line 3): refuted, expected proved*",
                                 "*counterexample*"])


def test_a_syntax_error_is_a_collection_error(pytester):
    pytester.makefile(".thm", broken="theorem t: tr(A B = 1\n")
    result = pytester.runpytest(*PLUGIN)
    result.stdout.fnmatch_lines(["*broken.thm:1:*unexpected*"])
    assert result.ret != 0


def test_under_pytest_xdist(pytester):
    import pytest
    pytest.importorskip("xdist")
    if PLUGIN:
        pytest.skip("needs matproof installed (its entry point) for the xdist workers")
    pytester.makefile(".thm", mine=THM)
    result = pytester.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=2, failed=1)


NOTES = """<!-- matproof: let A: n×n -->
$$ (A^T)^T = A $$

$$ (A B)^T = A^T B^T $$

$$ a = = b $$
"""
PAPER = "\\begin{equation}\n  tr(A B) = tr(B A) \\label{eq:rot}\n\\end{equation}\n"


def test_documents_are_items_when_the_ini_lists_their_suffixes(pytester):
    pytester.makefile(".md", notes=NOTES)
    pytester.makefile(".tex", paper=PAPER)
    pytester.makeini("[pytest]\nmatproof_suffixes = .thm .md .tex\n")
    result = pytester.runpytest(*PLUGIN, "-v")
    # issue 25: a formula matproof cannot read is skipped, saying why; it does not fail
    result.assert_outcomes(passed=2, failed=1, skipped=1)
    result.stdout.fnmatch_lines_random(["*paper.tex::eq:rot PASSED*", "*notes.md::line 2 PASSED*",
                                        "*notes.md::line 4 FAILED*", "*notes.md::line 6:8 SKIPPED*"])
    result = pytester.runpytest(*PLUGIN, "-rs")
    result.stdout.fnmatch_lines(["*not read: unexpected '='*notes.md:6:8*"])


def test_documents_are_not_items_unless_asked(pytester):
    pytester.makefile(".md", notes=NOTES)
    pytester.makefile(".tex", paper=PAPER)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes()          # nothing collected
