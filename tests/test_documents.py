"""Identities inside documents (issue 13, LANGUAGE.md §5c): a LaTeX appendix, a Markdown
note and a notebook (tests/data/documents), each with true chains, one wrong step and one
malformed formula. Every place asserted here was counted by hand in the file (for the
notebook, in its JSON text, where a backslash is written twice)."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from checker.cli import main
from checker.documents import read_document

DOCS = Path(__file__).parent / "data" / "documents"
TEX, MD, NB = (str(DOCS / n) for n in ("appendix.tex", "notes.md", "analysis.ipynb"))
#: (file, line, column) of the wrong step in each, and of the formula that does not parse
WRONG = {TEX: (26, 31), MD: (17, 18), NB: (42, 9)}
MALFORMED = {TEX: (34, 26), MD: (28, 14), NB: (54, 24)}


def check(capsys, *argv):
    code = main(["check", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("doc", [TEX, MD, NB], ids=["latex", "markdown", "notebook"])
def test_the_wrong_step_is_reported_at_its_place(capsys, doc):
    code, out, _ = check(capsys, doc)
    assert code == 1
    line, col = WRONG[doc]
    assert re.search(rf"^  {re.escape(doc)}:{line}:{col}: step \d is refuted: ", out, re.M), out
    assert "counterexample" in out
    line, col = MALFORMED[doc]
    assert f"{doc}:{line}:{col}: not read: " in out
    # the true chains are proved, each at its formula's place
    assert len(re.findall(rf"^{re.escape(doc)}:\d+:\d+: ✓ ", out, re.M)) >= 2


def test_the_three_documents_in_one_run(capsys):
    code, out, _ = check(capsys, TEX, MD, NB)
    assert code == 1
    # the 3 malformed formulas are not read, said apart from the 3 wrong steps (issue 25)
    assert out.strip().endswith("15 formulas in 3 files: 7 proved, 5 refuted, 0 unknown, 3 not read; "
                                "12 as expected, 3 not")


def test_align_rows_make_one_chain_and_a_label_names_it():
    reading = read_document(TEX, Path(TEX).read_text(encoding="utf-8"))
    names = [t.name for t in reading.theorems]
    assert names[:3] == ["eq:chain", "eq:seed", "line 21"]
    chain = reading.theorems[0]
    assert len(chain.sides) == 4          # d(aᵀX⁻¹b) &= … \\ &= … \\ &= ⟨…, dX⟩ ,
    assert reading.theorems[names.index("line 30")].expect == "refuted"   # % matproof: expect refuted


def test_github_annotations_point_at_the_wrong_steps(capsys):
    code, out, _ = check(capsys, "--format", "github", TEX, MD, NB)
    assert code == 1
    lines = out.splitlines()[:-1]
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines), lines
    assert sum(line.startswith("::warning") for line in lines) == 3
    for doc, (line, col) in WRONG.items():
        assert any(a.startswith(f"::error file={doc},line={line},col={col},title=matproof%3A ")
                   and "::step " in a for a in lines), doc
    for doc, (line, col) in MALFORMED.items():      # not read: a warning, not an error (issue 25)
        assert any(a.startswith(f"::warning file={doc},line={line},col={col},") for a in lines), doc
    # a counterexample spans lines: escaped, so that each annotation is one line
    assert any("%0Acounterexample" in a for a in lines)


def test_junit_has_a_case_per_formula(capsys, tmp_path):
    report = tmp_path / "r.xml"
    check(capsys, "--junit", str(report), TEX, MD, NB)
    suite = ET.parse(report).getroot()
    assert suite.get("tests") == "15" and suite.get("failures") == "3"
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert len(failed) == 3
    skipped = [c for c in suite.iter("testcase") if c.find("skipped") is not None]
    assert len(skipped) == 3 and all(c.find("skipped").get("message").startswith("not read: ") for c in skipped)


class _Counter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.formulas, self.maths, self.marks, self.details = [], 0, [], 0
        self.remote, self.links = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "formula" in (a.get("class") or "").split():
            self.formulas.append(a.get("data-status"))
        if tag == "div" and a.get("class") == "link":
            self.marks.append(a.get("data-status"))
        if tag == "math":
            self.maths += 1
        if tag == "details":
            self.details += 1
        for key in ("src", "href"):      # links into the files checked and the page itself only
            if a.get(key) and (":" in a[key].split("#")[0] or a[key].startswith("//")):
                self.remote.append(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def test_the_html_report_holds_every_formula_as_mathml(capsys, tmp_path):
    page = tmp_path / "report.html"
    code, _, _ = check(capsys, "--html", str(page), TEX, MD, NB)
    assert code == 1
    parsed = _Counter()
    parsed.feed(page.read_text(encoding="utf-8"))
    assert len(parsed.formulas) == 15
    assert parsed.formulas.count("unread") == 3 and parsed.formulas.count("refuted") == 5
    # links: 12 formulas that were read, 3 chains of three or four links among them
    assert len(parsed.marks) == 19 and parsed.marks.count("refuted") == 5
    assert parsed.maths >= 12 + 19                  # the first side and each link's side, at least
    assert parsed.details >= 12
    assert parsed.remote == []                      # self-contained: nothing to fetch
    # each card links to its place in its file (issue 25), and the groups are linked at the top
    assert f"{quote(TEX)}#L25" in parsed.links and "#wrong" in parsed.links and "#unread" in parsed.links


def test_directives_skip_expect_and_report_unknown_ones(capsys, tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("<!-- matproof: skip -->\n$$ a = = b $$\n\n<!-- matproof: expect refuted -->\n"
                   "$$ (A B)^T = A^T B^T $$\n\n<!-- matproof: frobnicate -->\n", encoding="utf-8")
    code, out, _ = check(capsys, str(doc))
    assert code == 1
    assert f"{doc}:5:4: ✓ line 5: refuted" in out
    assert f"{doc}:7:15: error: unknown matproof directive: frobnicate" in out
    assert "a = = b" not in out


def test_a_folder_is_searched_for_documents_that_opt_in(capsys, tmp_path):
    (tmp_path / "README.md").write_text("$$ a = = b $$\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("<!-- matproof: let A: n×n -->\n$$ (A^T)^T = A $$\n", encoding="utf-8")
    code, out, _ = check(capsys, str(tmp_path))
    assert code == 0
    assert "notes.md:2:4: ✓" in out and "README" not in out
    code, out, _ = check(capsys, "--opted-in", str(tmp_path / "README.md"))
    assert code == 0 and "nothing to check" in out


def test_json_gives_each_link_its_place(capsys):
    code, out, _ = check(capsys, "--json", MD)
    data = json.loads(out)
    chain = next(t for t in data["theorems"] if t.get("links") and len(t["links"]) == 3)
    assert [k["status"] for k in chain["links"]] == ["proved", "proved", "refuted"]
    assert (chain["links"][2]["line"], chain["links"][2]["column"]) == WRONG[MD]


def test_a_notebook_that_is_not_json_is_bad_input(capsys, tmp_path):
    bad = tmp_path / "x.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = check(capsys, str(bad))
    assert code == 2 and "not a Jupyter notebook" in err and "Traceback" not in err


def test_the_magics(capsys):
    pytest.importorskip("IPython")
    from IPython.testing.globalipapp import start_ipython
    ip = start_ipython()
    ip.run_line_magic("load_ext", "checker")
    r = ip.run_line_magic("matproof", "(A B)ᵀ = Bᵀ Aᵀ")
    assert r.status == "proved" and r._repr_latex_().startswith("$\\text{proved}")
    rs = ip.run_cell_magic("matproof", "", "let S: n×n spd\ntheorem a: Sᵀ = S\n"
                                           "theorem b: (A B)ᵀ = Aᵀ Bᵀ   expect refuted\n")
    assert [x.status for x in rs] == ["proved", "refuted"]
    assert "S^{T}" in rs._repr_latex_()
    capsys.readouterr()
    assert ip.run_line_magic("matproof", "a = = b") is None
    assert "<%matproof>:1:5: error" in capsys.readouterr().out
