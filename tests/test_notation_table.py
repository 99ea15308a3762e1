"""Every row of the spec's §5 table, in ASCII, Unicode and LaTeX: equal trees.

Each case lists spellings that must give the same tree, and the tree itself,
written by hand with the constructors of checker.syntax.
"""
from __future__ import annotations

from fractions import Fraction

import pytest

from checker import syntax as S
from checker.parse import parse_expr, parse_text

A, B, C, X, Y, H = (S.sym(n) for n in "ABCXYH")
a, b, x, s, f = (S.sym(n) for n in "abxsf")
alpha = S.sym("α")

CASES = [
    # sum
    (["A + B - C", "A + B − C", r"A + B - C"], S.add([A, B, S.neg(C)])),
    # inner product
    (["A : B", "⟨A, B⟩", "⟨A ∣ B⟩", "<A, B>", r"\langle A, B \rangle", r"\left\langle A, B \right\rangle"],
     S.inner(A, B)),
    # norms
    (["norm(x)", "‖x‖", r"\|x\|", r"\lVert x \rVert", r"\left\| x \right\|"], S.norm(x)),
    ([r"\|x\|_2", "‖x‖₂", "‖x‖_2", r"\lVert x \rVert_2", r"\|x\|_{2}"], S.norm(x, "2")),
    ([r"\|X\|_F^2", "‖X‖_F²", r"\|X\|_{F}^{2}"], S.power(S.norm(X, "F"), Fraction(2))),
    (["norm(x)^2", "‖x‖²", r"\|x\|^2"], S.power(S.norm(x), Fraction(2))),
    # Kronecker, Hadamard
    (["kron(A, B)", "A ⊗ B", r"A \otimes B"], S.kron([A, B])),
    (["hadamard(A, B)", "A .* B", "A ∘ B", "A ⊙ B", r"A \circ B", r"A \odot B"], S.had([A, B])),
    # products
    (["A*B", "A B", "AB", "A·B", "A⋅B", r"A \cdot B", r"A \times B"], S.mul([A, B])),
    (["x / s", r"\frac{x}{s}"], S.mul([x, S.inverse(s)])),
    # unary
    (["-A", "−A", r"-A"], S.neg(A)),
    (["+A", "A"], A),
    # postfix
    (["A'", "Aᵀ", "A^T", "A^t", "A^⊤", r"A^\top", "A^{T}", r"A^{\top}", "A′"], S.transpose(A)),
    (["A^-1", "A⁻¹", "A^{-1}", "inv(A)"], S.inverse(A)),
    (["A^-T", "A⁻ᵀ", "A^{-T}", "A^{-t}", r"A^{-\top}", "A^{-⊤}"], S.transpose(S.inverse(A))),
    (["A^2", "A²", "A^{2}"], S.power(A, Fraction(2))),
    (["α^{1/2}", r"\alpha^{1/2}", r"\alpha^{\frac{1}{2}}", "α^{0.5}"], S.power(alpha, Fraction(1, 2))),
    (["α^{3/2}", r"\alpha^{3/2}"], S.power(alpha, Fraction(3, 2))),
    (["α^{-1}", "α⁻¹", r"\alpha^{-1}"], S.inverse(alpha)),
    # atoms
    (["2 A", "2A", r"2 \cdot A"], S.mul([S.num(2), A])),
    (["0.5 A", r"\frac{1}{2} A", "1/2 A"], S.mul([S.num(Fraction(1, 2)), A])),
    (["(A)", r"\left( A \right)", "[A]", "{A}"], A),
    (["𝟏", r"\mathbf{1}", r"\mathbb{1}", "ones"], S.ones()),
    (["I"], S.identity()),
    (["0"], S.zero()),
    # functions
    (["tr(A)", "Tr(A)", r"\operatorname{tr}(A)", r"\mathrm{tr}(A)", r"\text{tr}(A)", r"\operatorname{tr} A"],
     S.func("tr", A)),
    (["det(X)", r"\det(X)", r"\det X"], S.func("det", X)),
    (["logdet(X)", r"\operatorname{logdet}(X)"], S.func("logdet", X)),
    (["vec(X)", r"\operatorname{vec}(X)"], S.func("vec", X)),
    (["diag(x)", r"\operatorname{diag}(x)"], S.func("diag", x)),
    (["sum(X)", r"\operatorname{sum}(X)"], S.func("sum", X)),
    (["log(s)", r"\log(s)", "ln(s)", r"\ln s", r"\log s"], S.func("log", s)),
    (["exp(X)", r"\exp(X)", r"\exp X"], S.func("exp", X)),
    (["sqrt(s)", r"\sqrt{s}", r"\sqrt s"], S.func("sqrt", s)),
    (["sin(x)", r"\sin(x)", r"\sin x"], S.func("sin", x)),
    (["cos(x)", r"\cos(x)"], S.func("cos", x)),
    (["tanh(x)", r"\tanh(x)"], S.func("tanh", x)),
    (["sigmoid(x)", r"\operatorname{sigmoid}(x)"], S.func("sigmoid", x)),
    (["σ x"], S.mul([S.sym("σ"), x])),   # σ stays a Greek scalar
    # a function name without brackets takes the rest of the product
    ([r"\operatorname{tr} A X B", "tr(A X B)", "tr A X B"], S.func("tr", S.mul([A, X, B]))),
    ([r"\log\det X", "log(det(X))", "log det X"], S.func("log", S.func("det", X))),
    (["2 tr A B + s", "2 tr(A B) + s"], S.add([S.mul([S.num(2), S.func("tr", S.mul([A, B]))]), s])),
    # differentials
    (["d(X)", "dX", r"\mathrm{d}X", r"\,dX", r"\mathrm{d} X"], S.diff(X)),
    (["d(A X)", r"\mathrm{d}(A X)", r"\mathrm{d}\left(A X\right)"], S.diff(S.mul([A, X]))),
    (["X dX X", r"X \, dX \, X"], S.mul([X, S.diff(X), X])),
    # derivatives
    (["∂f/∂X", "∂(f)/∂X", "d(f)/dX", r"\frac{\partial f}{\partial X}", r"\frac{∂f}{∂X}",
      "grad(f, X)", r"\nabla_X f", r"\frac{\partial}{\partial X} f", r"\dfrac{\partial f}{\partial X}"],
     S.grad(f, X)),
    (["∂ tr(A X)/∂X", r"\frac{\partial \operatorname{tr}(AX)}{\partial X}", "grad(tr(A X), X)",
      r"\nabla_X \operatorname{tr} A X"], S.grad(S.func("tr", S.mul([A, X])), X)),
    # LaTeX decorations that are ignored
    ([r"$A B$", r"\[A B\]", r"\mathbf{A}\boldsymbol{B}", r"A\;B", r"A\!B", r"A\quad B"], S.mul([A, B])),
]


@pytest.mark.parametrize("forms,tree", CASES, ids=[c[0][0] for c in CASES])
def test_spellings_give_the_same_tree(forms, tree):
    for form in forms:
        assert parse_expr(form) == tree, form


def test_seed_in_three_notations():
    seed = S.grad(S.mul([S.transpose(a), S.inverse(X), b]), X)
    rhs = S.neg(S.mul([S.transpose(S.inverse(X)), a, S.transpose(b), S.transpose(S.inverse(X))]))
    for text in [r"$\frac{\partial a^tX^{-1}b}{\partial X} = -X^{-t}ab^tX^{-t}$",
                 r"\frac{\partial a^tX^{-1}b}{\partial X} = -X^{-t}ab^tX^{-t}",
                 "d(a' inv(X) b)/dX = -inv(X)' a b' inv(X)'",
                 "∂(aᵀX⁻¹b)/∂X = −X⁻ᵀ a bᵀ X⁻ᵀ",
                 "∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ"]:
        (thm,) = parse_text(text).theorems
        assert thm.sides == (seed, rhs), text


def test_issue_examples_parse():
    (t,) = parse_text(r"-(Y'\cdot ab'\cdot Y'):dX = 0").theorems
    Yt = S.transpose(Y)
    assert t.sides[0] == S.inner(S.neg(S.mul([Yt, a, S.transpose(b), Yt])), S.diff(X))
    (t,) = parse_text(r"\nabla_Hf=-a^{T}X^{-1}HX^{-1}b=-\text{tr}(X^{-1}ba^TX^{-1}H)"
                      r"=\langle -X^{-T}ab^TX^{-T},\; H\rangle").theorems
    assert len(t.sides) == 4
    assert t.sides[0] == S.grad(f, H)
    Xi = S.inverse(X)
    assert t.sides[2] == S.neg(S.func("tr", S.mul([Xi, b, S.transpose(a), Xi, H])))
    (t,) = parse_text("a^⊤ X^{-1} b = ⟨ab^⊤∣X^{-1}⟩").theorems
    assert t.sides[1] == S.inner(S.mul([a, S.transpose(b)]), Xi)


def test_letter_runs_split_unless_declared():
    assert parse_expr("ab^tX") == S.mul([a, S.transpose(b), X])
    doc = parse_text("let Sigma: n×n spd\nlet mu: n\ntheorem t: mu' Sigma mu = tr(Sigma mu mu')")
    (t,) = doc.theorems
    mu, Sig = S.sym("mu"), S.sym("Sigma")
    assert t.sides[0] == S.mul([S.transpose(mu), Sig, mu])
    # undeclared, the same letters are a product of one-letter symbols
    assert parse_expr("mu") == S.mul([S.sym("m"), S.sym("u")])
    assert parse_expr("W_{in} x_1 x2") == S.mul([S.sym("W_in"), S.sym("x_1"), S.sym("x2")])
    assert parse_expr(r"\Sigma") == S.sym("Σ")


def test_d_is_a_symbol_when_written_apart():
    assert parse_expr("d * X") == S.mul([S.sym("d"), X])
    assert parse_expr("d'") == S.transpose(S.sym("d"))


def test_statements(tmp_path):
    (tmp_path / "calculus.rules").write_text("rule r: A -> A\n")
    doc = parse_text(
        "let X: n×n invertible   # a comment\n"
        "let a, b: n\n"
        "let A: m x n\n"
        "let s: scalar\n"
        "theorem seed: ∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ\n"
        "tr(A' A) = \\\n"
        "   tr(A A')   expect proved\n"
        "theorem wrong: tr(A B C) = tr(B A C)   expect refuted\n"
        "% a LaTeX comment\n"
        "rule trace-cyclic: tr(A B) <-> tr(B A)\n"
        "rule inverse-differential: d(X⁻¹) -> −X⁻¹ dX X⁻¹  if invertible(X)\n"
        f'use "{tmp_path}/calculus.rules"\n')
    assert [t.name for t in doc.theorems] == ["seed", "line 6", "wrong"]
    assert [t.expect for t in doc.theorems] == ["proved", "proved", "refuted"]
    assert doc.theorems[1].line == 6
    assert doc.decls["X"].props == frozenset({"invertible"})
    assert doc.decls["A"].shape == ("m", "n")
    assert doc.decls["a"].shape == ("n",)
    assert doc.decls["s"].shape == ("scalar",)
    r1, r2 = doc.rules
    assert r1.bidirectional and not r2.bidirectional
    assert r2.conditions == (("invertible", X),)
    assert doc.uses[0].path == f"{tmp_path}/calculus.rules"


def test_use_of_a_missing_rule_file_is_an_error():
    from checker.errors import SyntaxProblem
    with pytest.raises(SyntaxProblem) as info:
        parse_text('use "no/such.rules"')
    assert info.value.message.startswith("no rule file no/such.rules")


def test_use_of_a_shipped_rule_file_works_from_anywhere(tmp_path):
    from checker.resources import rules_dir
    doc = parse_text('use "rules/extra/vec.rules"\ntheorem t: ⟨A, B⟩ = vec(A)ᵀ vec(B)',
                     str(tmp_path / "t.thm"))
    assert doc.theorems[0].uses == (str(rules_dir() / "extra" / "vec.rules"),)


def test_rule_arrows_in_three_notations():
    for text in ["rule r: A -> B", "rule r: A → B", r"rule r: A \to B", r"rule r: A \rightarrow B"]:
        (r,) = parse_text(text).rules
        assert (r.lhs, r.rhs, r.bidirectional) == (A, B, False), text
    for text in ["rule r: A <-> B", "rule r: A ↔ B", r"rule r: A \leftrightarrow B"]:
        (r,) = parse_text(text).rules
        assert r.bidirectional, text
    (r,) = parse_text("rule r: X⁻¹ X -> I if invertible(X) and square(X)").rules
    assert [c for c, _ in r.conditions] == ["invertible", "square"]


def test_later_let_replaces_earlier():
    doc = parse_text("let A: n×n\ntheorem one: tr(A) = tr(Aᵀ)\nlet A: m×n\ntheorem two: A = A")
    assert doc.theorems[0].decls["A"].shape == ("n", "n")
    assert doc.theorems[1].decls["A"].shape == ("m", "n")


def test_grammar_has_no_lalr_conflicts():
    from lark import Lark

    from checker.parse import GRAMMAR_OPTIONS
    from checker.resources import grammar_file
    Lark(grammar_file().read_text(encoding="utf-8"), strict=True, **GRAMMAR_OPTIONS)


def test_brackets_in_products_are_kept_and_equal_modulo_associativity():
    from checker.kernel import nf
    grouped_left, grouped_right, flat = parse_expr("(A B) C"), parse_expr("A (B C)"), parse_expr("A B C")
    assert grouped_left == S.Expr(S.MUL, (S.Expr(S.MUL, (A, B)), C))
    assert grouped_right == S.Expr(S.MUL, (A, S.Expr(S.MUL, (B, C))))
    assert nf(grouped_left) == nf(grouped_right) == nf(flat)


def test_a_bracketed_scalar_scales():
    from checker.typecheck import infer
    t = infer([parse_expr("A (xᵀ y) b")])
    assert t.shape(t.exprs[0])[1] == 1
