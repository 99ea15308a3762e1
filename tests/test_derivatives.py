"""Derivatives beyond gradients (LANGUAGE.md §5b, issue 12): what the typing makes of each
written form, the layout, and what a refuted derivative's message says when it only follows
another convention."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker import syntax as S
from checker.cli import main
from checker.parse import parse_text
from checker.pipeline import prove_theorem
from checker.typecheck import type_theorem


def typed_sides(text: str, layout: str = "numerator"):
    (thm,) = parse_text(text, layout=layout).theorems
    return type_theorem(thm).exprs


@pytest.mark.parametrize("text, layout, top", [
    ("∂(A x)/∂xᵀ = A", "numerator", S.JAC),
    ("∂(A x)ᵀ/∂x = Aᵀ", "numerator", S.T),           # ∂fᵀ/∂x = Jᵀ whatever the layout
    ("∂(A x)/∂x = A", "numerator", S.JAC),
    ("∂(A x)/∂x = Aᵀ", "denominator", S.T),
    ("∂vec(X⁻¹)/∂vec(X)ᵀ = −X⁻ᵀ ⊗ X⁻¹", "numerator", S.JAC),
    ("∂(aᵀ X b)/∂vec(X)ᵀ = vec(a bᵀ)ᵀ", "numerator", S.JAC),
    ("∂(aᵀ X b)/∂vec(X) = vec(a bᵀ)", "numerator", S.T),     # the column of partials
    ("∂²(xᵀ B x)/∂x∂xᵀ = B + Bᵀ", "numerator", S.HESS),
    ("\\nabla^2_x \\|A x - b\\|^2 = 2 A^T A", "numerator", S.HESS),
    ("hess(xᵀ B x, x) = B + Bᵀ", "numerator", S.HESS),
    ("∂²(aᵀ X b)/∂vec(X)∂vec(X)ᵀ = 0", "numerator", S.HESS),
])
def test_each_written_form_means_what_the_spec_says(text, layout, top):
    lhs = typed_sides(text, layout)[0]
    assert lhs.op == top
    if top == S.T:
        assert lhs.args[0].op == S.JAC


def test_a_layout_line_holds_from_there_on():
    doc = parse_text("theorem a: ∂(A x)/∂x = A\nlayout denominator\ntheorem b: ∂(A x)/∂x = Aᵀ\n"
                     "layout numerator\ntheorem c: ∂(A x)/∂x = A")
    assert [t.layout for t in doc.theorems] == ["numerator", "denominator", "numerator"]
    assert all(prove_theorem(t).status != "refuted" for t in doc.theorems)


def test_a_non_scalar_by_a_matrix_is_a_shape_error_whose_hint_gives_the_vec_form():
    from checker.errors import ShapeProblem
    with pytest.raises(ShapeProblem) as info:
        typed_sides("∂(A X)/∂X = A")
    assert "no layout everyone shares" in info.value.message
    assert "∂vec(F)/∂vec(X)ᵀ" in info.value.hint


def test_a_bare_jacobian_in_the_other_layout_is_refuted_and_the_message_says_so():
    (thm,) = parse_text("let B: n×n\ntheorem t: ∂(B x)/∂x = Bᵀ").theorems
    res = prove_theorem(thm)
    assert res.status == "refuted"
    assert "holds in the denominator layout" in res.reason and "layout denominator" in res.reason
    (thm,) = parse_text("let B: n×n\ntheorem t: ∂(B x)/∂xᵀ = B + Bᵀ").theorems   # wrong in both
    assert "layout" not in prove_theorem(thm).reason


def test_the_cookbook_form_for_a_symmetric_variable_is_refuted_with_the_gradient_that_holds():
    (thm,) = parse_text("let S: n×n symmetric\n"
                        "theorem t: ∂(aᵀ S b)/∂S = a bᵀ + b aᵀ − (a bᵀ) ∘ I").theorems
    res = prove_theorem(thm)
    assert res.status == "refuted"
    assert "Matrix Cookbook's §2.8" in res.reason
    assert "the gradient that holds is 1/2 (a bᵀ + b aᵀ)" in res.reason


def test_the_layout_option(capsys):
    assert main(["prove", "--layout", "denominator", "--let", "B: n×n", "∂(B x)/∂x = Bᵀ"]) != 1
    assert main(["prove", "--let", "B: n×n", "∂(B x)/∂x = Bᵀ"]) == 1
    assert "denominator layout" in capsys.readouterr().out


@pytest.mark.parametrize("argv, first", [
    # each expected derivative worked by hand (and proved and checked numerically anyway)
    (["hess", "sum(log(𝟏 + exp(X w)))", "--wrt", "w"],
     "∂²f/∂w∂wᵀ = Xᵀ diag(sigmoid(X w) ∘ (𝟏 − sigmoid(X w))) X"),   # Newton for logistic regression
    (["hess", "‖A x − b‖²", "--wrt", "x"], "∂²f/∂x∂xᵀ = 2 Aᵀ A"),
    (["hess", "tr(Xᵀ A X)", "--wrt", "vec(X)"], "∂²f/∂vec(X)∂vec(X)ᵀ = I ⊗ A + I ⊗ Aᵀ"),   # vec(M dX) = (I ⊗ M) vec(dX)
    (["hess", "‖X‖_F²", "--wrt", "vec(X)"], "∂²f/∂vec(X)∂vec(X)ᵀ = 2 I"),
    (["grad", "A x", "--wrt", "x"], "∂f/∂xᵀ = A"),
    (["grad", "tanh(W x)", "--wrt", "x"], "∂f/∂xᵀ = diag(𝟏 − tanh(W x) ∘ tanh(W x)) W"),   # a tanh layer
    (["grad", "sigmoid(x)", "--wrt", "x"], "∂f/∂xᵀ = diag(sigmoid(x) ∘ (𝟏 − sigmoid(x)))"),
    (["grad", "aᵀ X⁻¹ b", "--wrt", "vec(X)"], "∂f/∂vec(X)ᵀ = vec(−X⁻ᵀ a bᵀ X⁻ᵀ)ᵀ"),
    (["grad", "X⁻¹", "--wrt", "vec(X)"], "∂vec(F)/∂vec(X)ᵀ = −(X⁻ᵀ ⊗ X⁻¹)"),            # M&N ch. 9
    (["grad", "A X B", "--wrt", "vec(X)"], "∂vec(F)/∂vec(X)ᵀ = Bᵀ ⊗ A"),
])
def test_grad_and_hess_derive_jacobians_and_hessians(capsys, argv, first):
    code = main(argv)
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    assert out[0] == first and out[1] == "✓ line 1: proved"


def test_hess_in_the_api():
    import checker
    h = checker.hess("xᵀ B x", "x")
    assert h.kind == "hessian" and h.result.status == "proved"
    from checker.printing import to_unicode
    assert to_unicode(h.gradient) == "B + Bᵀ"


@pytest.mark.parametrize("text", [
    "∂(aᵀX⁻¹b)/∂vec(X)ᵀ = −(bᵀ ⊗ aᵀ)(X⁻ᵀ ⊗ X⁻¹) = −vec(X⁻ᵀabᵀX⁻ᵀ)ᵀ",
    "d(a' inv(X) b)/dvec(X)' = -kron(b', a') kron(inv(X)', inv(X)) = -vec(inv(X)' a b' inv(X)')'",
    "\\frac{\\partial a^T X^{-1} b}{\\partial \\operatorname{vec}(X)^T} = -(b^T \\otimes a^T)"
    "(X^{-T} \\otimes X^{-1}) = -\\operatorname{vec}(X^{-T} a b^T X^{-T})^T",
], ids=["unicode", "ascii", "latex"])
def test_the_seed_chain_in_vec_form_is_proved_in_every_notation(text):
    (thm,) = parse_text(text).theorems
    res = prove_theorem(thm)
    assert res.status == "proved", res.reason
    rules = {row["rule"] for row in res.proof}
    assert any(r.startswith("Jacobian identification") for r in rules)


@pytest.mark.parametrize("text", ["2 ∂(xᵀ x)/∂x = 4 x", "∂(xᵀ x)/∂x + x = 3 x", "(∂(A x)/∂xᵀ) y = A y",
                                  "tr(∂²(xᵀ B x)/∂x∂xᵀ) = 2 tr(B)"])
def test_a_derivative_is_a_term_anywhere(text):
    """§5b: a derivative inside a side is replaced by its value, proved apart by its
    identification; the kernel verifies that lemma's certificate where it is used."""
    (thm,) = parse_text(text).theorems
    res = prove_theorem(thm)
    assert res.status == "proved", res.reason
    assert any("(proved by its identification)" in row["rule"] for row in res.proof)


def test_a_lemma_with_another_value_is_rejected_by_the_kernel():
    import copy
    import json

    from checker.kernel import KernelError, verify
    (thm,) = parse_text("2 ∂(xᵀ x)/∂x = 4 x").theorems
    cert = json.loads(json.dumps(prove_theorem(thm).certificate))
    verify(cert)
    bad = copy.deepcopy(cert)
    lemma = bad["steps"][0]["lemma"]
    lemma["theorem"]["text"] = lemma["theorem"]["text"].replace("= 2 x", "= 3 x")
    with pytest.raises(KernelError, match="its lemma is not proved"):
        verify(bad)


V11 = parse_text((Path(__file__).parent / "data" / "public.thm").read_text(encoding="utf-8")).theorems[-16:]


@pytest.mark.parametrize("printer", ["unicode", "ascii", "latex"])
def test_every_v11_form_round_trips_in_every_notation(printer):
    """Printed and read again, each §5b theorem of the corpus types to the same tree."""
    from checker.printing import PRINTERS
    assert V11[0].name == "jac-linear"     # the §5b section
    for thm in V11:
        typed = type_theorem(thm)
        text = " = ".join(PRINTERS[printer](e) for e in typed.exprs)
        (again,) = parse_text("theorem t: " + text, decls=thm.decls).theorems
        assert type_theorem(again).exprs == typed.exprs, (thm.name, text)


def test_check_takes_the_layout_too(capsys, tmp_path):
    f = tmp_path / "lay.thm"
    f.write_text("let B: n×n\ntheorem t: ∂(B x)/∂x = Bᵀ\n", encoding="utf-8")
    assert main(["check", "--no-cache", str(f)]) == 1
    assert main(["check", "--no-cache", "--layout", "denominator", str(f)]) == 0


@pytest.mark.parametrize("identity", [
    "∂tr(X^3)/∂X = 3 (X^2)ᵀ",                                   # Cookbook (101), k = 3
    "d(X^3) = dX X^2 + X dX X + X^2 dX",                        # product rule on X X X
    "d(X^{-2}) = −X⁻¹ dX X⁻² − X⁻² dX X⁻¹",                     # X⁻² = X⁻¹ X⁻¹
    "∂tr(X^4 A)/∂X = (A X^3 + X A X^2 + X^2 A X + X^3 A)ᵀ",
    "d(α^4) = 4 α^3 dα",
])
def test_a_power_is_written_out_for_the_product_rule(identity):
    """Issue 24, 1: before, X^k for a literal k was never expanded inside a differential
    (unknown, though X X X written out was proved). Each worked by hand."""
    from checker.pipeline import prove
    r = prove(identity)
    assert r.status == "proved", r.reason
    assert any(step["rule"] == "expand and collect (normal form)" for step in r.proof)
