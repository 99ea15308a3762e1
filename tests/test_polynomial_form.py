"""The polynomial normal form (checker/normalform.py): it keeps the value of every term,
and terms equal by known laws get one normal form. Checked numerically on random
well-typed terms: 200 examples per test in CI, `MATPROOF_NF=5000 pytest …` for a longer run.
"""
from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import syntax as S
from checker.normalform import NoNormalForm, NormalForm
from checker.numeric.evaluate import Domain, Unsupported
from checker.parse import parse_text
from checker.typecheck import infer, type_theorem

from test_normal_form import TERMS, _shuffle_scalars, keeps_value

EXAMPLES = int(os.environ.get("MATPROOF_NF", "200"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(TERMS, st.integers(0, 10**6))
def test_the_normal_form_has_the_value_of_the_term(e, seed):
    keeps_value(e, seed, lambda t, symbols: NormalForm(symbols).of(t), skip=(NoNormalForm,))


def _rewritten(e: S.Expr, symbols, rng: random.Random) -> S.Expr:
    """An equal term built by known laws: (A B)ᵀ = Bᵀ Aᵀ, tr(A B) = tr(B A), a product
    over a sum, scalars moved (every subterm, at random)."""
    e = S.Expr(e.op, tuple(_rewritten(a, symbols, rng) for a in e.args), e.attr)
    if e.op == S.T and e.args[0].op == S.MUL and rng.random() < 0.7:
        return S.Expr(S.MUL, tuple(S.Expr(S.T, (f,)) for f in reversed(e.args[0].args)))
    if e.op == "tr" and e.args[0].op == S.MUL and len(e.args[0].args) > 1 and rng.random() < 0.7:
        fs = e.args[0].args
        k = rng.randrange(1, len(fs))
        return S.Expr("tr", (S.Expr(S.MUL, fs[k:] + fs[:k]),))
    if e.op == S.MUL and rng.random() < 0.5:
        for i, f in enumerate(e.args):
            if f.op == S.ADD:
                return S.Expr(S.ADD, tuple(S.Expr(S.MUL, e.args[:i] + (t,) + e.args[i + 1:]) for t in f.args))
    return e


@PROPERTY
@given(TERMS, st.integers(0, 10**6))
def test_terms_equal_by_known_laws_have_one_normal_form(e, seed):
    typed = infer([e])
    t = typed.exprs[0]
    rng = random.Random(seed)
    other = _shuffle_scalars(_rewritten(t, typed.symbols, rng), typed.symbols, rng)
    try:
        assert NormalForm(typed.symbols).equal(t, other) or _no_normal_form(typed, t, other)
    except (Domain, Unsupported):
        pass


def _no_normal_form(typed, *terms) -> bool:
    """Too big to expand, or defined nowhere (−√(−1))."""
    try:
        for t in terms:
            NormalForm(typed.symbols).poly(t)
    except NoNormalForm:
        return True
    return False


@pytest.mark.parametrize("text, same", [
    ("tr(A B C) = tr(C A B)", True),
    ("tr(A B C) = tr(B A C)", False),
    ("tr(A B C) = tr(Cᵀ Bᵀ Aᵀ)", True),
    ("(A B)ᵀ = Bᵀ Aᵀ", True),
    ("(A B)ᵀ = Aᵀ Bᵀ", False),
    ("(A B C D)⁻¹ = D⁻¹ C⁻¹ B⁻¹ A⁻¹", True),
    ("(A B)⁻¹ = A⁻¹ B⁻¹", False),
    ("X X⁻¹ A = A", True),
    ("aᵀ X b = bᵀ Xᵀ a", True),
    ("aᵀ X⁻¹ b = ⟨a bᵀ, X⁻¹⟩", True),
    ("(A + B)(C + D) = A C + A D + B C + B D", True),
    ("(A + B)(A + B) = A A + 2 A B + B B", False),
    ("2 (A + B) = 2 A + 2 B", True),
    ("‖x‖^2 = xᵀ x", True),
    ("‖x‖ = (xᵀ x)^{1/2}", True),
    ("((xᵀ x)^{1/2})^2 = xᵀ x", True),
    ("((xᵀ x)^2)^{1/2} = xᵀ x", True),       # (s²)^½ = |s| = s, for s = ‖x‖² ≥ 0 (issue 24)
    ("((aᵀ x)^2)^{1/2} = aᵀ x", False),      # |aᵀ x|: not by these laws, and false
    ("tr(X) tr(X X) = tr(X X) tr(X)", True),
    ("x (yᵀ z) wᵀ = (yᵀ z) x wᵀ", True),
    ("(A ∘ B)ᵀ = Bᵀ ∘ Aᵀ", True),
    ("tanh(A)ᵀ = tanh(Aᵀ)", True),
    ("𝟏 ∘ A = A", True),
    ("let X: 3×3\ntheorem t: tr(X + I) = tr(X) + 3", True),
    ("tr(A + I) = tr(A) + tr(I)", False),    # the two I may have other sizes
])
def test_worked_examples(text, same):
    """Each expectation derived by hand from the laws in the module doc."""
    (thm,) = parse_text(text).theorems
    typed = type_theorem(thm)
    assert NormalForm(typed.symbols).equal(*typed.exprs) is same


def test_declared_properties_are_facts_of_the_normal_form():
    (thm,) = parse_text("let S: n×n symmetric\nlet Q: n×n orthogonal\n"
                        "theorem t: Sᵀ A Qᵀ Q = S A").theorems
    typed = type_theorem(thm)
    assert NormalForm(typed.symbols).equal(*typed.exprs)
    (thm,) = parse_text("Sᵀ A Qᵀ Q = S A").theorems     # undeclared: not equal
    typed = type_theorem(thm)
    assert not NormalForm(typed.symbols).equal(*typed.exprs)


def test_a_sum_raised_to_a_power_stays_within_the_size_limit():
    (thm,) = parse_text("(A + B + C + D)^12 = (A + B + C + D)^12").theorems
    typed = type_theorem(thm)
    assert NormalForm(typed.symbols).equal(*typed.exprs) is False   # 4¹² monomials: TooBig


# ---- the kernel decides a normal-form step itself -------------------------------------------

def _nf_certificate(text: str) -> dict:
    from checker.pipeline import prove_theorem
    (thm,) = parse_text(text).theorems
    res = prove_theorem(thm)
    assert res.status == "proved"
    (cert,) = res.certificates
    assert any("reflection" in st for st in cert["steps"])
    return cert


def test_a_normal_form_step_is_replayed_by_the_kernel():
    import json

    from checker.kernel import verify
    cert = _nf_certificate("∂ tr(Xᵀ A X)/∂X = A X + Aᵀ X")
    verify(json.loads(json.dumps(cert)))


def test_a_normal_form_step_to_a_different_term_is_rejected():
    import copy

    from checker.kernel import KernelError, encode, verify
    cert = _nf_certificate("∂ tr(Xᵀ A X)/∂X = A X + Aᵀ X")
    k = next(i for i, st in enumerate(cert["steps"]) if "reflection" in st)
    bad = copy.deepcopy(cert)
    bad["theorem"]["text"] = "theorem link: d(tr(X' A X))/dX = A X + A X"   # a wrong gradient
    with pytest.raises(KernelError):
        verify(bad)
    bad = copy.deepcopy(cert)
    (thm,) = parse_text("A X + A X = A X + A X").theorems
    wrong = type_theorem(thm).exprs[0]
    bad["steps"][k]["after"] = encode(S.Expr(S.INNER, (wrong, S.Expr(S.D, (S.sym("X"),)))))
    with pytest.raises(KernelError) as info:
        verify(bad)
    assert info.value.step == k + 1
    bad = copy.deepcopy(cert)
    bad["steps"][k]["reflection"] = "matproof-poly/0"
    with pytest.raises(KernelError, match="unknown normal form"):
        verify(bad)


def test_a_law_in_the_e_graph_then_the_normal_form_prove_a_link_together():
    """logdet(X) = log(det(X)) is a law the normal form does not know (both are atoms), and the
    expansion is one the e-graph would take long over: the e-graph applies the law, the
    normal forms of the two classes then meet, and the kernel checks both kinds of step."""
    import json

    from checker.kernel import verify
    from checker.pipeline import prove_theorem
    (thm,) = parse_text("logdet(X) (A + B)(C + D)(E + F) = "
                        "log(det(X)) (A C E + A C F + A D E + A D F + B C E + B C F + B D E + B D F)").theorems
    res = prove_theorem(thm)
    assert res.status == "proved", res.reason
    rules = [p["rule"] for p in res.proof]
    assert "logdet-is-log-det" in rules and "expand and collect (normal form)" in rules
    assert res.stats[0]["stop"] == "normal form"
    verify(json.loads(json.dumps(res.certificate)))


@pytest.mark.parametrize("text, same", [
    ("sqrt(α β) = sqrt(α) sqrt(β)", True),          # where the right side is defined, α, β ≥ 0
    ("log(α β) = log(α) + log(β)", True),           # where the right side is defined, α, β > 0
    ("exp(α) exp(−α) A = A", True),
    ("(xᵀ x)^{1/3} (xᵀ x)^{2/3} = xᵀ x", True),
    ("sqrt(α α) = α", False),                       # |α|: nothing makes α ≥ 0 here
    ("log(α β) = log(α) log(β)", False),
    ("sin(α) sin(α) + cos(α) cos(α) = 1", False),   # true, but sympy is not asked (no root, no log)
])
def test_coefficients_with_roots_and_logs_are_decided_by_sympy_on_the_domain(text, same):
    """Each expectation derived by hand from coefficients_equal's rule: an atom under a
    fractional power is ≥ 0, under a negative power ≠ 0, under a log > 0, on either side."""
    (thm,) = parse_text(text).theorems
    typed = type_theorem(thm)
    assert NormalForm(typed.symbols).equal(*typed.exprs) is same
