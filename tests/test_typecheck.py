"""Shape inference (§3): conventions, rigid dimensions, scalars, assumptions."""
from __future__ import annotations

import pytest

from checker.errors import ShapeProblem
from checker.parse import parse_text
from checker.typecheck import type_theorem


def typed(text: str):
    (thm,) = parse_text(text).theorems
    return type_theorem(thm)


def shapes(t) -> dict:
    return {n: i.shape for n, i in t.symbols.items()}


def test_undeclared_conventions():
    t = typed("aᵀ X b = λ")
    s = shapes(t)
    assert s["a"][1] == 1 and s["b"][1] == 1          # vectors
    assert s["X"] == (s["a"][0], s["b"][0])          # X links their lengths
    assert s["λ"] == (1, 1)                           # lowercase Greek: scalar
    assert t.shape(t.exprs[0]) == (1, 1)              # aᵀXb is 1×1: a scalar


def test_distinct_dimensions_where_nothing_links_them():
    s = shapes(typed("(A B)ᵀ = Bᵀ Aᵀ"))
    assert s["A"][1] == s["B"][0]
    assert len({s["A"][0], s["A"][1], s["B"][1]}) == 3


def test_inverse_makes_square_and_is_assumed_invertible():
    t = typed("X⁻¹ = X⁻¹")
    assert shapes(t)["X"][0] == shapes(t)["X"][1]
    assert [a.text() for a in t.assumptions] == ["X is invertible"]


def test_domain_assumptions_are_recorded():
    t = typed("log(det(S)) = sqrt(α)")
    assert {a.text() for a in t.assumptions} == {"det(S) > 0", "α ≥ 0"}


def test_declared_shapes_and_properties():
    t = typed("let S: n×n spd\nlet a: n\ntheorem t: aᵀ S a = tr(S a aᵀ)")
    info = t.symbols["S"]
    assert info.shape == ("n", "n") and {"spd", "symmetric", "invertible"} <= info.props
    assert t.symbols["a"].shape == ("n", 1)


def test_identity_zero_and_ones_take_the_needed_shape():
    t = typed("let A: m×n\ntheorem t: A + 0 = I A")
    assert t.exprs[1].args[0].attr == ("m", "m")
    assert t.exprs[0].args[1].attr == ("m", "n")
    t = typed("sum(log(𝟏 + exp(x))) = α")
    assert t.exprs[0].args[0].args[0].args[0].attr == (t.symbols["x"].shape[0], 1)


def test_scalar_transpose_and_scalar_factor():
    t = typed("(aᵀ b)ᵀ = α aᵀ b")
    assert t.shape(t.exprs[0]) == (1, 1)


def test_kronecker_and_vec_dimensions():
    t = typed("let A: m×n\nlet B: p×q\nlet X: n×p\ntheorem t: vec(A X B) = (Bᵀ ⊗ A) vec(X)")
    assert t.shape(t.exprs[0]) == t.shape(t.exprs[1])


@pytest.mark.parametrize("text,message", [
    ("let A: m×n\nlet B: m×n\ntheorem t: tr(A B) = 0", "cannot multiply A (m×n) by B (m×n): n ≠ m"),
    ("let a: n\nlet X: m×m\ntheorem t: aᵀ X = aᵀ", "cannot multiply aᵀ (1×n) by X (m×m): n ≠ m"),
    ("a b = a b", "cannot multiply a"),
    ("tr(A) = A", "the two sides differ in shape"),
    ("let A: m×n\ntheorem t: tr(A) = 0", "the trace needs a square matrix; A is m×n"),
    ("⟨a, X⟩ = 0", "the inner product needs equal shapes"),
    ("∂a/∂X = 0", "no layout everyone shares"),        # §5b: the hint gives the vec form
    ("let A: m×n\ntheorem t: A^{1/2} = A", "only a scalar can be raised to the power 1/2"),
])
def test_shape_errors(text, message):
    with pytest.raises(ShapeProblem) as info:
        typed(text)
    assert message in info.value.message


def test_shape_error_points_at_the_factor_with_a_caret():
    with pytest.raises(ShapeProblem) as info:
        typed("let A: m×n\nlet B: m×n\ntheorem t: tr(A B) = 0")
    err = info.value
    assert (err.line, err.column) == (3, 17)
    rendered = err.render().splitlines()
    assert rendered[1] == "  theorem t: tr(A B) = 0"
    assert rendered[2] == "  " + " " * 16 + "^"


def test_scalar_plus_matrix_hints_at_ones():
    with pytest.raises(ShapeProblem) as info:
        typed("let X: n×n\nlet s: scalar\ntheorem t: X + s = X")
    assert "𝟏" in info.value.hint


def test_products_of_dimensions_print_as_products_and_hint_at_let():
    """p·q = k·r is decided once other equations tell the factors; where none do, it is a
    shape error that prints the products and says to declare the shapes."""
    with pytest.raises(ShapeProblem) as info:
        typed("(A ⊗ B) (C ⊗ D) = A ⊗ B")
    assert "p·q ≠ k·r" in info.value.message and "Prod" not in info.value.message
    assert "let" in info.value.hint


@pytest.mark.parametrize("text", ["(A ⊗ B) (C ⊗ D) = (A C) ⊗ (B D)", "tr(X ⊗ A) = tr(X) tr(A)",
                                  "(Bᵀ ⊗ A) vec(X) = vec(A X B)",
                                  "∂vec(A X C)/∂vec(X)ᵀ = Cᵀ ⊗ A"])
def test_products_of_dimensions_split_where_the_rest_tells_the_factors(text):
    t = typed(text)
    assert t.shape(t.exprs[0]) == t.shape(t.exprs[1])


def test_properties_that_need_a_square_shape():
    from checker.errors import SyntaxProblem
    with pytest.raises(SyntaxProblem) as info:
        parse_text("let X: m×n symmetric")
    assert info.value.message == "a symmetric matrix must be square; X is m×n"
    with pytest.raises(SyntaxProblem):
        parse_text("let a: n invertible")
