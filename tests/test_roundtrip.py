"""Printing then parsing gives back an equal tree, in all three notations."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st

from checker.errors import MatproofError
from checker.parse import parse_expr, parse_text
from checker.printing import to_ascii, to_latex, to_unicode
from checker.typecheck import infer, type_theorem

from strategies import expr

KINDS = st.sampled_from(["scalar", "vector", "matrix"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(KINDS.flatmap(lambda k: expr(k, 4)))
def test_print_parse_roundtrip(e):
    for printer in (to_unicode, to_ascii, to_latex):
        text = printer(e)
        assert parse_expr(text) == e, (printer.__name__, text)


@settings(max_examples=100, deadline=None)
@given(KINDS.flatmap(lambda k: expr(k, 3, kron=False)))
def test_generated_expressions_type_check(e):
    typed = infer([e])
    assert typed.exprs[0].op == e.op


def test_examples_print_as_expected():
    # Expected texts written by hand from the spec's notations.
    e = parse_expr("∂(aᵀX⁻¹b)/∂X")
    assert to_unicode(e) == "∂(aᵀ X⁻¹ b)/∂X"
    assert to_ascii(e) == "d(a' X^-1 b)/dX"
    assert to_latex(e) == r"\frac{\partial a^{T} X^{-1} b}{\partial X}"
    e = parse_expr("−X⁻ᵀ a bᵀ X⁻ᵀ")
    assert to_unicode(e) == "−X⁻ᵀ a bᵀ X⁻ᵀ"
    assert to_ascii(e) == "-X^-T a b' X^-T"
    assert to_unicode(parse_expr("(A + B) C")) == "(A + B) C"
    assert to_unicode(parse_expr("A + B C")) == "A + B C"
    assert to_unicode(parse_expr("A - (B - C)")) == "A − (B − C)"
    assert to_unicode(parse_expr("(A B)ᵀ")) == "(A B)ᵀ"
    assert to_latex(parse_expr("‖X‖_F²")) == r"\|X\|_F^{2}"


def test_entrywise_division_softmax_and_logsumexp_in_three_notations():
    """Issue 24, 4: x ⊘ y is x ∘ (𝟏 ⊘ y); 𝟏 ⊘ y alone is the reciprocal. Written by hand."""
    from checker import syntax as S
    x, y, z = S.sym("x"), S.sym("y"), S.sym("z")
    recip = S.Expr(S.RECIP, (y,))
    cases = [(S.had([x, recip]), "x ⊘ y", "x ./ y", r"x \oslash y"),
             (recip, "𝟏 ⊘ y", "ones ./ y", r"\mathbf{1} \oslash y"),
             (S.func("softmax", z), "softmax(z)", "softmax(z)", r"\operatorname{softmax}\left(z\right)"),
             (S.func("logsumexp", z), "logsumexp(z)", "logsumexp(z)", r"\operatorname{logsumexp}\left(z\right)")]
    for tree, uni, ascii_, latex in cases:
        assert (to_unicode(tree), to_ascii(tree), to_latex(tree)) == (uni, ascii_, latex)
        for text in (uni, ascii_, latex):
            assert parse_expr(text) == tree, text
    assert parse_expr(r"\mathbf{1} \oslash a \oslash b") == S.had([S.Expr(S.RECIP, (S.sym("a"),)),
                                                                   S.Expr(S.RECIP, (S.sym("b"),))])


def test_the_commutation_matrix_in_three_notations():
    """K_{m,n} is written alike in all three; a bare K stays a symbol (a user's own K)."""
    from checker import syntax as S
    k = S.Expr(S.COMM, (), ("m", "n"))
    for printer in (to_unicode, to_ascii, to_latex):
        assert printer(k) == "K_{m,n}"
    assert parse_expr("K_{m,n}") == k and parse_expr("K_{ m , 3 }") == S.Expr(S.COMM, (), ("m", 3))
    assert parse_expr("K") == S.sym("K")


@pytest.mark.parametrize("latex, reads_as", [
    (r"\hat{w}^\top x", "w_{hat}ᵀ x"),           # issue 25: accents make names (before: unknown command)
    (r"\hat w + \tilde{w} + \bar w", "w_{hat} + w_{tilde} + w_{bar}"),
    (r"\hat{\mathbf{w}}", "w_{hat}"),
    (r"\ell x", "ℓ x"),                          # ℓ, a scalar like the Greek letters
    (r"\tfrac12 x + \frac12 y", "1/2 x + 1/2 y"),
    (r"(AB)^{\mathsf T} + B^\mathsf{T} + A^{\!\top}", "(A B)ᵀ + Bᵀ + Aᵀ"),
    (r"e^{\mathbf{z}} + e^{-x} + e^x", "exp(z) + exp(−x) + exp(x)"),   # e to a power is exp
    (r"e^\top x + e^{2}", "eᵀ x + e²"),                                  # e is a symbol otherwise
    # issue 25, second part: names under styles, differentials of functions, bars, powers
    (r"\mathbf{x}_i^\top \mathbf{a}", "x_iᵀ a"),
    (r"\boldsymbol{\Sigma}^{-1} \mathbf{x}", "Σ⁻¹ x"),
    (r"\bm{\mu} + \boldsymbol\mu", "μ_{bold} + μ_{bold}"),
    (r"\mathrm{d}\log\det X", "d(log(det(X)))"),
    (r"d\operatorname{tr}(X) + \mathrm{d}\,\operatorname{tr}(A X)", "d(tr(X)) + d(tr(A X))"),
    (r"d tr(X)", "d(tr(X))"),
    (r"\det A \det B", "det(A) det(B)"),
    (r"\log\det X", "log(det(X))"),
    (r"\det A B", "det(A B)"),
    (r"\log|X| + \left|X\right| + \lvert X \rvert", "log(det(X)) + det(X) + det(X)"),
    (r"\langle a | b \rangle", "⟨a, b⟩"),
    (r"\tanh^2(W x)", "tanh(W x) ∘ tanh(W x)"),
    (r"x^{\circ 2} + x^{\circ 3}", "x ∘ x + x ∘ x ∘ x"),
    (r"x^{\circ -1}", "𝟏 ⊘ x"),
    (r"I_n A + \mathbf{I}_d B", "I A + I B"),
    (r"\sigma(W x) + \sigma\left(z\right)", "sigmoid(W x) + sigmoid(z)"),
    (r"\sigma^2 x + \sigma x", "σ² x + σ x"),                           # σ times: not a call
    (r"\nabla_{\mathbf{x}} f", "∇_x f"),
    (r"\nabla^2_{\bm{\mu}} f", "∇²_{μ_{bold}} f"),
    (r"\frac{\partial f}{\partial \boldsymbol{\Sigma}}", "∂f/∂Σ"),
    (r"\det A \, \operatorname{tr}(A^{-1} B) C", "det(A) tr(A⁻¹ B) C"),   # a call ends a bare argument
    (r"\det \operatorname{diag}(x) B", "det(diag(x) B)"),                 # … unless it is the first factor
    (r"x^\star + x^{*} + X^{\star}", "x_{star} + x_{star} + X_{star}"),     # the optimum: a name
    (r"\frac1d x + \tfrac ab + \frac12x", "(1/d) x + a/b + 1/2 x"),        # one-character arguments
    (r"W^{(1)} x + \mathbf{W}^{(2)\top} y", "W^{(1)} x + W^{(2)}ᵀ y"),       # a layer's name, not a power
    (r"x^{(k+1)} - x^{(k)}", "x^{(k+1)} − x^{(k)}"),                            # the next iterate
])
def test_notations_of_papers(latex, reads_as):
    assert _unmarked(parse_expr(latex)) == parse_expr(reads_as)


def _unmarked(e):
    """The tree with |X| as plain det(X), which the typer makes it once X is checked a matrix,
    and I_n as I (its size is the typer's: n where n is a declared dimension)."""
    from checker import syntax as S
    plain = e.attr == S.BARS or e.op == S.IDENT
    return S.Expr(e.op, tuple(_unmarked(a) for a in e.args), None if plain else e.attr)


def test_bold_lowercase_greek_is_a_vector():
    """\\bm{\\mu} is a vector, as bold x is; plain μ stays a scalar (issue 25)."""
    doc = parse_text(r"theorem t: \bm{\mu}^\top A \bm{\mu} = \mu \mu")
    typed = type_theorem(doc.theorems[0])
    assert typed.symbols["μ_bold"].shape[1] == 1 and typed.symbols["μ_bold"].shape[0] != 1
    assert typed.symbols["μ"].shape == (1, 1)
    assert to_latex(parse_expr(r"\bm{\mu}")) == r"\boldsymbol{\mu}"


def test_bars_of_a_scalar_are_its_absolute_value():
    """|X| is det(X) of a matrix; |aᵀb| of a scalar is abs(aᵀb), never det(aᵀb) (which would
    make |aᵀb| = aᵀb true); bars around what is 1×1 only by inference are refused."""
    from checker import syntax as S
    typed = type_theorem(parse_text("theorem t: |a^T b| = a^T b").theorems[0])
    assert typed.exprs[0].op == "abs"
    typed = type_theorem(parse_text("let A: n×n\ntheorem t: |A| = det(A)").theorems[0])
    assert typed.exprs[0].op == "det"
    with pytest.raises(MatproofError, match="cannot be told|square"):
        type_theorem(parse_text("theorem t: |x| = x").theorems[0])
    e = parse_expr("abs(α)")              # entry by entry, as log and exp are; three notations
    assert "abs" in S.ELEMENTWISE and all(parse_expr(p(e)) == e for p in (to_latex, to_unicode, to_ascii))


def test_sigma_declared_is_a_scalar_again():
    """`let σ: scalar` makes σ(x) a product again (a statistician's σ)."""
    doc = parse_text("let σ: scalar\ntheorem t: \\sigma(x) = x \\sigma")
    assert doc.theorems[0].sides[0] == parse_expr("σ x")


def test_a_prime_is_refused_not_read_as_a_transpose():
    for text in (r"\sigma'(z)", r"\tanh'(x)", r"\sigma^\prime(z)"):
        with pytest.raises(MatproofError, match="prime"):
            parse_expr(text)
    assert parse_expr("x'(A + B) x") == parse_expr("xᵀ (A + B) x")        # ASCII transposes stay


def test_ell_is_declarable():
    doc = parse_text("let \\ell: n\nlet ℓ_2: scalar\ntheorem t: \\ell^T \\ell = ℓ_2")
    assert doc.decls["ℓ"].shape == ("n",) and doc.theorems[0].sides[1] == parse_expr("ℓ_2")


@pytest.mark.parametrize("text, message", [
    (r"\operatorname{Var}(x)", "unknown operator Var"),     # not V·a·r
    (r"\mathrm{KL}", "unknown operator KL"),
    (r"\mathbb{E}[x]", "expectation"),
])
def test_operators_the_language_does_not_have_are_refused(text, message):
    with pytest.raises(MatproofError, match=message):
        parse_expr(text)


def test_a_star_on_a_capital_is_not_read_as_a_name():
    """A* may be the conjugate transpose; only A^\\star is the name A_star."""
    with pytest.raises(MatproofError, match="superscript"):
        parse_expr("A^*")
    assert to_latex(parse_expr(r"x^\star")) == r"{x^{\star}}"


def test_a_dimensions_name_is_its_size_and_sizes_an_identity():
    """`n` where `let X: n×n` is the size n, a positive constant scalar (drawn equal to the
    size), and I_n is the n×n identity; an undeclared dimension's name stays a vector."""
    from checker.numeric import numeric_test
    typed = type_theorem(parse_text("let X: n×n\ntheorem t: tr(I_n) = n").theorems[0])
    assert typed.symbols["n"].size and typed.symbols["n"].shape == (1, 1)
    assert numeric_test(typed).status == "consistent"
    # an open I, 0 or 𝟏 is of the one size the theorem names (C = I − 𝟏𝟏ᵀ/n)
    typed = type_theorem(parse_text("let X: n×n\ntheorem t: tr(I) = n").theorems[0])
    assert numeric_test(typed).status == "consistent"
    typed = type_theorem(parse_text("let X: n×n\ntheorem t: tr(Y) = n").theorems[0])
    assert numeric_test(typed).status == "refuted"          # Y is any matrix
    typed = type_theorem(parse_text("theorem t: n^T n = n^T n").theorems[0])
    assert not typed.symbols["n"].size and typed.symbols["n"].shape[1] == 1


def test_decorated_names_print_back_in_every_notation():
    """w_hat, μ_bold, x_star and W^(1) print as what reads back as themselves."""
    for text in (r"\hat{w}", r"\bm{\mu}", r"x^\star", r"W^{(1)}", r"W_1^{(2)}"):
        e = parse_expr(text)
        for printer in (to_unicode, to_ascii, to_latex):
            assert parse_expr(printer(e)) == e, (text, printer(e))
