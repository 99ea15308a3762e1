"""Reading derivations as people write them (issue 25): a document's own macros, "not read"
said apart from "wrong", definitions, and the layouts of display formulas. Every place
asserted was counted by hand in the text written here."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import main
from checker.documents import read_document
from checker.documents.macros import MacroError, Macros


def check(capsys, *argv):
    code = main(["check", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def check_text(capsys, path: Path, text: str, *argv):
    """Write a document and check it: (its path, the exit status, the output)."""
    path.write_text(text, encoding="utf-8")
    code, out, _ = check(capsys, *argv, str(path))
    return str(path), code, out


# ---- macros ----------------------------------------------------------------------------

def _expanded(defs: str, body: str) -> str:
    m = Macros()
    m.read(defs)
    return m.expand(body)[0]


@pytest.mark.parametrize("defs, body, expanded", [
    (r"\newcommand{\norm}[1]{\left\lVert#1\right\rVert}", r"\norm{Ax - b}^2", r"\left\lVert Ax - b\right\rVert^2"),
    (r"\newcommand\R{\mathbb{R}}", r"x \in \R^n", r"x \in \mathbb{R}^n"),
    (r"\DeclareMathOperator{\diag}{diag}", r"\diag(x)", r"\operatorname{diag}(x)"),
    (r"\DeclareMathOperator*{\argmin}{arg\,min}", r"\argmin f", r"\operatorname{arg\,min}f"),
    (r"\def\vx{\mathbf{x}}", r"A\vx = b", r"A\mathbf{x}= b"),
    (r"\def\pair#1#2{\langle #1, #2\rangle}", r"\pair{a}{b}", r"\langle a, b\rangle"),
    (r"\newcommand{\ip}[2][F]{\langle #2 \rangle_{#1}}", r"\ip{X} + \ip[2]{x}", r"\langle X \rangle_{F} + \langle x \rangle_{2}"),
    (r"\newcommand{\T}{^\top}", r"A\T B", r"A^\top B"),
    (r"\newcommand{\eps}{\epsilon}", r"\eps x", r"\epsilon x"),            # not \epsilonx
    (r"\newcommand{\tr}{\operatorname{tr}}\renewcommand{\tr}{\mathrm{Tr}}", r"\tr A", r"\mathrm{Tr}A"),
    (r"\newcommand{\vv}[1]{\mathbf{#1}}\newcommand{\vy}{\vv{y}}", r"\vy", r"\mathbf{y}"),   # nested
    (r"\newcommand{\norm}[1]{\lVert#1\rVert}", r"\norm x", r"\lVert x\rVert"),   # an argument without braces
])
def test_macros_expand_as_tex_would(defs, body, expanded):
    assert _expanded(defs, body) == expanded


def test_providecommand_does_not_redefine():
    assert _expanded(r"\newcommand{\a}{x}\providecommand{\a}{y}", r"\a") == "x"


def test_expansion_keeps_the_place_of_each_character():
    """Text a macro made stands at the macro's call; the body's own text at itself."""
    m = Macros()
    m.read(r"\newcommand{\vx}{\mathbf{x}}")
    text, where = m.expand(r"A \vx + b")
    assert text == r"A \mathbf{x}+ b"
    assert where[0] == 0 and set(where[2:12]) == {2} and where[text.rindex("b")] == 8


def test_a_macro_that_calls_itself_is_stopped():
    m = Macros()
    m.read(r"\def\loop{\loop x}")
    with pytest.raises(MacroError, match="nested more than"):
        m.expand(r"\loop")
    m = Macros()
    m.read(r"\def\a{\b\b}\def\b{\c\c}\def\c{\d\d}\def\d{\e\e}\def\e{\f\f}\def\f{\g\g}\def\g{xxxxxxxxxxxxxxxxxxxxxxxxx}"
           r"\def\h{\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a}")
    with pytest.raises(MacroError, match="more than"):
        m.expand(r"\h\h\h\h\h\h\h\h")


def test_input_reads_no_file(tmp_path, capsys):
    secret = tmp_path / "secret.tex"
    secret.write_text(r"\newcommand{\S}{A}", encoding="utf-8")
    doc = tmp_path / "paper.tex"
    doc.write_text(f"\\input{{{secret}}}\n% matproof: let A: n×n\n\\begin{{equation}}\n\\S = A\n\\end{{equation}}\n",
                   encoding="utf-8")
    code, out, _ = check(capsys, str(doc))
    assert code == 0 and "4:1: not read: unknown LaTeX command '\\S'" in out


PAPER = r"""\documentclass{article}
\usepackage{amsmath,bm}
\newcommand{\norm}[1]{\left\lVert#1\right\rVert}
\newcommand{\vx}{\bm{x}}
\DeclareMathOperator{\Tr}{tr}
% \newcommand{\vx}{WRONG}   a comment is no definition
\begin{document}
% matproof: let A: m×n
\begin{equation}
  \nabla_{\vx} \tfrac12\norm{A\vx - \bm{y}}^2 = A^\top(A\vx - \bm{y})
\end{equation}
\begin{equation}
  \Tr(A^\top A) = \norm{A}_F^2 = \norm{A}_F
\end{equation}
\end{document}
"""


def test_a_papers_preamble_macros_are_read(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "paper.tex", PAPER)
    assert code == 1
    assert f"{doc}:10:3: ✓ line 10: proved" in out
    # the wrong link is told at its place in the file, where the macro call stands
    assert re.search(rf"^  {re.escape(doc)}:13:34: step 2 is refuted", out, re.M), out


def test_katex_macros_in_a_markdown_block(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "notes.md",
                                "<!-- matproof: let X: n×n invertible -->\n"
                                "$$\n\\newcommand{\\inv}[1]{#1^{-1}}\n\\def\\d{\\mathrm{d}}\n$$\n\n"
                                "$$ \\d(\\inv{X}) = -\\inv{X}\\,\\d X\\,\\inv{X} $$\n")
    assert code == 0 and f"{doc}:7:4: ✓ line 7: proved" in out, out


# ---- not read is not wrong --------------------------------------------------------------

NOTES = ("<!-- matproof: let A: n×n -->\n"
         "$$ \\operatorname{tr}(A^T) = \\operatorname{tr}(A) $$\n\n"
         "$$ \\operatorname{tr}(A) = \\sum_{i=1}^n A_{ii} $$\n\n"
         "$$ (A^2)^T = A^T A $$\n")


def test_not_read_is_a_warning_counted_apart(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "notes.md", NOTES)
    assert code == 1          # the wrong formula fails; the unread one does not
    assert f"{doc}:4:27: ? line 4: not read" in out
    assert f"{doc}:4:27: not read: unknown LaTeX command '\\sum'" in out      # at the token
    assert out.strip().endswith("3 formulas in 1 files: 1 proved, 1 refuted, 0 unknown, 1 not read; "
                                "2 as expected, 1 not")
    code, out, _ = check(capsys, "--format", "github", str(doc))
    lines = out.splitlines()
    assert [x.split(" ", 1)[0] for x in lines[:-1]] == ["::warning", "::error"]
    assert lines[0].startswith(f"::warning file={doc},line=4,col=27,")
    assert "::not read: unknown LaTeX command '\\sum'%0Ahint: " in lines[0]       # what, and how; no caret
    code, out, _ = check(capsys, "--format", "github", "--quiet-unread", str(doc))
    assert [x.split(" ", 1)[0] for x in out.splitlines()[:-1]] == ["::error"]
    assert "1 not read" in out


def test_only_unread_formulas_pass_the_check(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "notes.md", "$$ \\operatorname{tr}(A) = \\sum_i A_{ii} $$\n")
    assert code == 0 and "0 proved, 0 refuted, 0 unknown, 1 not read" in out


def test_a_document_formula_not_decided_is_a_notice(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "notes.md", "$$ A - A(A+B)^{-1}A = B - B(A+B)^{-1}B $$\n",
                                "--format", "github", "--max-work", "2000")
    assert code == 0 and out.startswith("::notice file=")


def test_reading_counts_unread_formulas_apart_from_directive_errors(tmp_path):
    text = "<!-- matproof: frobnicate -->\n$$ a = \\foo b $$\n"
    reading = read_document(str(tmp_path / "n.md"), text)
    assert [e.message for e in reading.problems] == ["unknown matproof directive: frobnicate"]
    assert [(e.line, e.column) for e in reading.unread] == [(2, 8)]


# ---- layouts of displays ------------------------------------------------------------------

def _chains(body: str) -> list[str]:
    from checker.documents.layout import chains
    return [" ".join(chunk.split()) for _, chunk, _ in chains(body)]


def test_two_columns_of_an_align_are_two_chains():
    body = ("a^T b &= b^T a & \\operatorname{tr}(AB) &= \\operatorname{tr}(BA) \\\\\n"
            "      &= b^T a & &= \\operatorname{tr}(B^T A^T)")
    assert _chains(body) == ["a^T b = b^T a = b^T a",
                             "\\operatorname{tr}(AB) = \\operatorname{tr}(BA) = \\operatorname{tr}(B^T A^T)"]


@pytest.mark.parametrize("body, read", [
    ("(AB)^T = B^T A^T, \\qquad (AB)^{-1} = B^{-1}A^{-1}.", ["(AB)^T = B^T A^T", "(AB)^{-1} = B^{-1}A^{-1}"]),
    ("x = y \\quad\\Longrightarrow\\quad A x = A y", ["x = y", "A x = A y"]),
    ("x = y \\implies A x = A y", ["x = y", "A x = A y"]),
    ("x = y \\quad \\text{for all } z = w", ["x = y"]),                    # a remark
    ("x = y, \\qquad x \\in \\mathbb{R}^n", ["x = y", "x \\in \\mathbb{R}^n"]),   # no `=`: not a theorem
    ("a &= b \\\\ \\intertext{so that} c &= d \\\\ &= e", ["a = b", "c = d = e"]),
])
def test_separators_and_intertext(body, read):
    assert _chains(body) == read


def test_the_other_links_of_a_chain_are_checked_when_one_side_is_not_read(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "n.md", "<!-- matproof: let A, B: n×n -->\n$$ \\operatorname{tr}(AB) "
                                "= \\sum_i (AB)_{ii} = \\operatorname{tr}(BA) = \\operatorname{tr}(A B^T) $$\n")
    assert code == 1
    assert f"{doc}:2:28: not read: unknown LaTeX command '\\sum'" in out
    # tr(BA) = tr(A Bᵀ) is wrong: its step is at the fourth side's place
    assert re.search(rf"^  {re.escape(doc)}:2:71: step 1 is refuted", out, re.M), out


# ---- definitions --------------------------------------------------------------------------

DERIVATION = r"""% matproof: let X: n×n invertible
% matproof: let a, b: n
\begin{align}
  f(X) &= a^\top X^{-1} b \\
  \mathrm{d}f &= -a^\top X^{-1}\,\mathrm{d}X\,X^{-1} b \\
  \frac{\partial f}{\partial X} &= -X^{-\top} a b^\top X^{-\top}
\end{align}
\begin{equation}
  \ell(w) := \tfrac12\|A w - y\|^2 = \tfrac12 (A w - y)^\top (A w - y)
\end{equation}
\begin{equation}
  \nabla_w \ell(w) = A^\top A w
\end{equation}
\begin{equation}
  \mathrm{d}g = 2 x^\top \mathrm{d}x
\end{equation}
% matproof: define g(x) = x^\top x
\begin{equation}
  \nabla_x g(x) = 2 x
\end{equation}
\begin{equation}
  f(Y) = a^\top Y^{-1} b
\end{equation}
"""


def test_a_definition_makes_later_formulas_mean_its_body(capsys, tmp_path):
    doc = tmp_path / "d.tex"
    doc.write_text(DERIVATION, encoding="utf-8")
    reading = read_document(str(doc), DERIVATION)
    shown = [" = ".join(str(s) for s in t.sides) for t in reading.theorems]
    from checker.parse import parse_expr
    # the align's rows: f(X) = … defines f; df and ∂f/∂X are rows of their own
    assert reading.theorems[0].sides[0] == parse_expr("d(a^T X^{-1} b)"), shown
    assert reading.theorems[1].sides[0] == parse_expr("∂(a^T X^{-1} b)/∂X"), shown
    code, out, _ = check(capsys, str(doc))
    assert code == 1
    assert f"{doc}:5:3: ✓" in out and f"{doc}:6:3: ✓" in out
    assert f"{doc}:9:14: ✓" in out                 # the body's own identity, after :=
    assert re.search(rf"^  {re.escape(str(doc))}:12:22: step 1 is refuted", out, re.M)   # ∇ℓ ≠ AᵀAw
    assert f"{doc}:15:3: not read: g is not defined here" in out          # before its definition
    assert f"{doc}:19:3: ✓" in out                                         # after `define`
    # f(Y) = … with another argument: f's body with Y put for X, so a true identity
    assert f"{doc}:22:3: ✓" in out


def test_a_definition_that_cannot_be_read_is_an_error(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "n.md", "<!-- matproof: define 2 + 2 -->\n$$ a^T b = b^T a $$\n")
    assert code == 1 and "cannot read the definition: 2 + 2" in out


# ---- three documents written as people write them -------------------------------------------

READING = Path(__file__).parent / "data" / "reading"
#: each document's planted mistakes: the place of the wrong step (the side after its `=`), or of
#: the shape error, each checked by hand in the file (for the notebook, in its JSON text)
PLANTED = {
    "appendix.tex": {(56, 39), (85, 31), (110, 50), (140, 33)},
    "lecture.md": {(55, 63), (71, 43), (128, 46)},
    "backprop.ipynb": {(97, 95), (106, 58), (134, 94)},
}


def _failures(result: dict) -> set[tuple[int, int]]:
    from checker.check import is_failure
    if not is_failure(result):
        return set()
    if result["status"] == "error":
        return {(result["error"]["line"], result["error"]["column"])}
    return {(k["line"], k["column"]) for k in result["links"] if k["status"] != "proved"}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_every_planted_mistake_is_caught_at_its_place_and_nothing_else_fails(capsys, name):
    import json
    code, out, _ = check(capsys, "--json", str(READING / name))
    assert code == 1
    results = json.loads(out)["theorems"]
    caught = set().union(*map(_failures, results))
    assert caught == PLANTED[name]          # each planted mistake, and no false alarm
    unread = sum(r["status"] == "unread" for r in results)
    assert unread <= 0.1 * len(results), [r["reason"] for r in results if r["status"] == "unread"]


def test_the_three_documents_hold_sixty_display_formulas():
    total = 0
    for name in PLANTED:
        path = READING / name
        reading = read_document(str(path), path.read_text(encoding="utf-8"))
        total += reading.formulas
        assert not reading.problems                      # every directive was read
    assert total >= 60


def test_an_align_environment_in_a_markdown_cell_is_read(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "n.md",
                                "<!-- matproof: let A, B: n×n -->\nSo\n\\begin{align}\n(A B)^T &= B^T A^T \\\\\n"
                                "\\operatorname{tr}(A B) &= \\operatorname{tr}(A^T B)\n\\end{align}\nand more text.\n")
    assert code == 1 and f"{doc}:4:1: ✓" in out
    assert re.search(rf"^  {re.escape(doc)}:5:27: step 1 is refuted", out, re.M), out


def test_nabla_without_a_subscript_takes_the_definitions_parameter(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "g.md",
                                "<!-- matproof: let A: n×n symmetric -->\n\n"
                                "$$ f(x) = \\tfrac12 x^\\top A x - b^\\top x $$\n\n"
                                "$$ \\nabla f(x) = A x - b, \\qquad \\nabla^2 f(x) = A $$\n\n"
                                "$$ \\nabla f = A x + b $$\n")
    assert code == 1 and f"{doc}:5:4: ✓" in out and f"{doc}:5:34: ✓" in out
    assert re.search(rf"^  {re.escape(doc)}:7:15: step 1 is refuted", out, re.M), out


# ---- hostile or garbled documents ------------------------------------------------------------

FRAGMENTS = [r"\newcommand{\a}[1]{#1 + #1}", r"\def\b#1{\a{#1}}", r"\renewcommand{\a}{\a}", r"\def\c#1.{x}",
             r"f(x) = x^\top x", r"g(x, y) := f(x) + y", r"s = f(f(x))", r"\nabla f(x)", r"\nabla_x s",
             r"\mathrm{d}g", "&", "&=", r"\\", r"\qquad", r"\Longrightarrow", r"\intertext{so}", r"\text{for}",
             "=", ":=", r"\a{y}", r"\b{", "}", "{", "(", ")", r"\left|", r"\right|", "|", "x", "A", r"\det",
             r"\tanh^2", r"^{\circ 2}", r"\sigma'", r"\bm{\mu}", r"\mathbb{E}", r"\operatorname{Var}", r"\sum_i",
             r"\label{eq}", "%", r"\input{/etc/passwd}", "e^{", r"\hat", r"\frac{\partial f}{\partial x}"]


@settings(max_examples=int(__import__("os").environ.get("MATPROOF_DOCS", "150")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=12), min_size=1, max_size=6),
       st.sampled_from(["tex", "md"]))
def test_garbled_documents_are_read_without_an_internal_error(displays, kind):
    """Whatever a document holds, reading it gives theorems, unread formulas and problems,
    each at a place in the file, never an exception of ours."""
    from checker.errors import MatproofError
    bodies = [" ".join(d) for d in displays]
    if kind == "tex":
        text = "\n".join(f"\\begin{{align}}\n{b}\n\\end{{align}}" for b in bodies)
    else:
        text = "\n\n".join(f"$$\n{b}\n$$" for b in bodies)
    try:
        reading = read_document(f"doc.{kind}", text)
    except MatproofError:
        return
    lines = text.count("\n") + 1
    for e in reading.unread + reading.problems:
        assert 1 <= e.line <= lines
    for origin in reading.origins:
        assert 1 <= origin.line <= lines


NAMED = r"""<!-- matproof: let X: N×p -->

$$ \hat{\mathbf{w}} = (X^\top X)^{-1} X^\top \mathbf{y} $$

$$ \mathbf{r} = \mathbf{y} - X\hat{\mathbf{w}} $$

$$ X^\top \mathbf{r} = 0 $$

$$ \mathbf{y} = X\boldsymbol\beta + \boldsymbol\epsilon $$

$$ \nabla_{\boldsymbol\beta} \|\mathbf{y} - X\boldsymbol\beta\|^2 = -2X^\top(\mathbf{y} - X\boldsymbol\beta) $$

$$ \nabla_{\mathbf{w}} \|\mathbf{r}\|^2 = 0 $$
"""


def test_a_named_value_stands_for_its_name_where_that_changes_nothing_that_varies(capsys, tmp_path):
    doc, code, out = check_text(capsys, tmp_path / "named.md", NAMED)
    # the normal equations: r and ŵ are put for their names (no derivative there)
    assert f"{doc}:7:4: ✓" in out
    # y = Xβ + ε, then a gradient in β: whether y moves with β cannot be told, so not read
    assert f"{doc}:11:4: not read: y was said to be" in out
    # a gradient of something that does not depend on w, with r's value free of w: checked
    assert f"{doc}:13:4: ✓" in out
    assert code == 0 and "3 formulas" in out       # the three namings are not theorems


def test_an_equation_to_solve_is_not_read_as_a_false_identity(capsys, tmp_path):
    """`∇_u H = 2Ru + 2BᵀPx = 0` sets a gradient to zero: a condition, not a claim."""
    doc, code, out = check_text(capsys, tmp_path / "lqr.md",
                                "<!-- matproof: let B: n×m -->\n<!-- matproof: let R: m×m spd -->\n"
                                "<!-- matproof: let P: n×n symmetric -->\n\n"
                                "$$ \\nabla_u (u^\\top R u + 2 x^\\top P B u) = 2Ru + 2B^\\top P x = 0 $$\n\n"
                                "$$ A^\\top P + P A - P B R^{-1} B^\\top P + Q = 0 $$\n")
    assert code == 0, out
    assert f"{doc}:5:65: step 2 is not read: 2 R u + 2 Bᵀ P x = 0" in out     # at its `0`
    assert "condition to solve" in out and "0 refuted" in out and "2 not read" in out


def test_a_named_value_that_does_not_vary_stands_for_its_name_in_calculus(capsys, tmp_path):
    """S = A + Aᵀ is symmetric, which ∇ₓ ½ xᵀSx = Sx relies on: its value is put for it, as
    it changes nothing that varies (before: refuted, S read as any matrix). A name for a
    derivative (G = ∂L/∂S, L defined nowhere) is never replaced: it would read as 0."""
    doc, code, out = check_text(capsys, tmp_path / "n.md",
                                "<!-- matproof: let A: n×n -->\n\nLet $S = A + A^\\top$ and "
                                "$G = \\partial L / \\partial W$.\n\n"
                                "$$ \\nabla_x \\tfrac12 x^\\top S x = S x $$\n\n"
                                "$$ \\frac{\\partial}{\\partial W} \\operatorname{tr}(G^\\top W) = G $$\n")
    assert code == 0 and f"{doc}:5:4: ✓" in out and f"{doc}:7:4: ✓" in out, out


KALMAN = r"""% matproof: let P: n×n spd
% matproof: let H: m×n
% matproof: let R: m×m spd
% matproof: let K: n×m
\begin{align}
  S &= H P H^\top + R, \\
  K &= P H^\top S^{-1}.
\end{align}
\begin{align}
  P^+ &= P - K H P - P H^\top K^\top + K (H P H^\top + R) K^\top \\
      &= P - K H P - P H^\top K^\top + K S K^\top .
\end{align}
\begin{equation}
  \frac{\partial}{\partial K}\operatorname{tr}\left((I - K H) P (I - K H)^\top + K R K^\top\right)
  = -2(I - K H) P H^\top + 2 K R .
\end{equation}
"""


def test_a_declared_name_defined_in_a_display_is_no_claim(capsys, tmp_path):
    """`K = P Hᵀ S⁻¹` with `let K: n×m` names the gain (before: a claim, refuted); a side not
    read (P⁺) leaves the other links checked with the named S put for its name; K stays the
    variable of the derivative."""
    doc, code, out = check_text(capsys, tmp_path / "kalman.tex", KALMAN)
    assert code == 0, out
    assert f"{doc}:10:4: not read: cannot read the superscript '+'" in out
    assert f"{doc}:10:10: ✓" in out and f"{doc}:14:3: ✓" in out
    assert "0 refuted" in out


def test_a_named_value_that_does_not_fit_its_declaration_is_not_read(capsys, tmp_path):
    """Σ₀ = diag(σ²) with σ read as a scalar (Greek), not the k-vector meant: a formula that
    puts it for Σ₀ would be refuted wrongly; it is not read, saying why."""
    doc, code, out = check_text(capsys, tmp_path / "vae.md",
                                "<!-- matproof: let \\Sigma_0: k×k spd -->\n\n"
                                "With $\\Sigma_0 = \\operatorname{diag}(\\sigma^2)$,\n\n"
                                "$$ \\operatorname{tr}(\\Sigma_0) = \\mathbf{1}^\\top \\sigma^2 $$\n")
    assert code == 0 and "0 refuted" in out
    assert f"{doc}:5:4: not read: Σ_0 was said to be" in out and "does not fit its declaration" in out
