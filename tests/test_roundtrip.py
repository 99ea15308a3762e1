"""Printing then parsing gives back an equal tree, in all three notations."""
from __future__ import annotations

from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st

from checker.parse import parse_expr
from checker.printing import to_ascii, to_latex, to_unicode
from checker.typecheck import infer

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
