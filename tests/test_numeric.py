"""Numeric semantics: the corpus over 20 seeds, forward mode against finite differences."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import syntax as S
from checker.numeric import Env, draw_instance, evaluate, numeric_test
from checker.numeric.evaluate import Domain, Evaluator, Unsupported
from checker.parse import parse_file, parse_text
from checker.typecheck import infer, type_theorem

from conftest import DATA
from strategies import expr

CORPUS = parse_file(DATA / "public.thm").theorems


@pytest.mark.parametrize("thm", CORPUS, ids=[t.name for t in CORPUS])
def test_corpus_outcome_over_20_seeds(thm):
    typed = type_theorem(thm)
    for seed in range(20):
        r = numeric_test(typed, seed=seed)
        if thm.expect == "refuted":
            assert r.status == "refuted", (seed, r.reason)
        else:
            assert r.status == "consistent", (seed, r.status, r.reason)


@pytest.mark.parametrize("checker", ["check_public.py", "check_normal_forms.py", "check_entrywise.py",
                                     "check_properties.py", "check_derivatives.py", "check_laws.py"])
def test_reference_checker_passes(checker):
    """The independent numpy checks of the corpora (they import nothing of matproof)."""
    out = subprocess.run([sys.executable, str(DATA / checker)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:]
    assert " passed, 0 failed" in out.stdout


def one(text: str):
    (thm,) = parse_text(text).theorems
    return type_theorem(thm)


def test_counterexample_names_sizes_values_and_sides():
    r = numeric_test(one("(A B)ᵀ = Aᵀ Bᵀ"))
    cx = r.counterexample
    assert r.status == "refuted"
    assert set(cx.values) == {"A", "B"}
    n = cx.values["A"].shape[0]
    A, B = cx.values["A"], cx.values["B"]
    assert np.allclose(cx.sides[0], (A @ B).T) and np.allclose(cx.sides[1], A.T @ B.T)
    assert cx.difference > 1e-3 and set(cx.sizes.values()) == {n}


def test_first_failing_link_of_a_chain():
    r = numeric_test(one("tr(A B C) = tr(C A B) = tr(B A C) = tr(A B C)"))
    assert r.status == "refuted" and r.counterexample.link == 1


def test_draws_outside_the_domain_are_drawn_again():
    r = numeric_test(one("sqrt(xᵀ y)² = xᵀ y"))   # half the draws have xᵀy < 0
    assert r.status == "consistent" and r.attempts > r.draws


def test_no_valid_draw_is_inconclusive_not_refuted():
    r = numeric_test(one("log(−exp(α)) = α"))
    assert r.status == "inconclusive"


def test_values_respect_declarations():
    typed = one("let S: n×n spd\nlet Q: n×n orthogonal\nlet D: n×n diagonal\nlet Y: n×n symmetric\n"
                "theorem t: S + Q + D + Y = S + Q + D + Y")
    rng = np.random.default_rng(1)
    env = draw_instance(typed.symbols, typed.dims, set(), rng)
    S_, Q, D, Y = (env.values[k] for k in "SQDY")
    assert np.allclose(S_, S_.T) and np.all(np.linalg.eigvalsh(S_) > 0)
    assert np.allclose(Q @ Q.T, np.eye(len(Q)))
    assert np.allclose(D, np.diag(np.diag(D)))
    assert np.allclose(Y, Y.T)


def test_different_dimensions_get_different_sizes():
    typed = one("let A: m×n\nlet B: n×p\ntheorem t: A B = A B")
    env = draw_instance(typed.symbols, typed.dims, set(), np.random.default_rng(0))
    assert len({env.sizes[d] for d in ("m", "n", "p")}) == 3


def test_seeds_are_reproducible():
    t = one("(A B)ᵀ = Aᵀ Bᵀ")
    a, b = numeric_test(t, seed=7).counterexample, numeric_test(t, seed=7).counterexample
    assert np.array_equal(a.values["A"], b.values["A"])


def test_gradient_matches_finite_differences():
    typed = one("∂ tr(A X⁻¹ B)/∂X = 0 X")
    env = draw_instance(typed.symbols, typed.dims, set(), np.random.default_rng(3))
    G = evaluate(typed.exprs[0], env)
    A, B, X = env.values["A"], env.values["B"], env.values["X"]
    f = lambda M: np.trace(A @ np.linalg.inv(M) @ B)  # noqa: E731
    h, fd = 1e-6, np.zeros_like(X)
    for i in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[i] = h
        fd[i] = (f(X + E) - f(X - E)) / (2 * h)
    assert np.allclose(G, fd, atol=1e-5)


# ---- property tests over random well-typed expressions ---------------------------

def _env_for(typed, seed, varying=()):
    return draw_instance(typed.symbols, typed.dims, set(varying), np.random.default_rng(seed))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["scalar", "vector", "matrix"]).flatmap(lambda k: expr(k, 3, kron=False)),
       st.integers(0, 10**6))
def test_e_minus_e_is_zero(e, seed):
    typed = infer([S.add([e, S.neg(e)])])
    try:
        value = evaluate(typed.exprs[0], _env_for(typed, seed))
    except (Domain, Unsupported):
        return
    with np.errstate(all="ignore"):
        if np.all(np.isfinite(value)):
            assert np.allclose(value, 0, atol=1e-8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["scalar", "vector", "matrix"]).flatmap(lambda k: expr(k, 3, kron=False)),
       st.integers(0, 10**6))
def test_forward_mode_agrees_with_central_differences(e, seed):
    if any(n.op in (S.D, S.GRAD) for n in e.walk()):
        return
    typed = infer([e])
    names = list(typed.symbols)
    env = _env_for(typed, seed, names)
    h = 1e-6
    try:
        with np.errstate(all="ignore"):
            value, tangent = Evaluator(env).ev(typed.exprs[0])
            plus = Env(env.sizes, {k: v + h * env.directions[k] for k, v in env.values.items()})
            minus = Env(env.sizes, {k: v - h * env.directions[k] for k, v in env.values.items()})
            fd = (evaluate(typed.exprs[0], plus) - evaluate(typed.exprs[0], minus)) / (2 * h)
    except Domain:
        return
    if tangent is None:
        tangent = np.zeros_like(value)
    if not (np.all(np.isfinite(fd)) and np.all(np.isfinite(tangent))):
        return
    scale = max(1.0, float(np.max(np.abs(tangent))), float(np.max(np.abs(value))))
    if scale > 1e4:
        return   # finite differences lose too many digits to judge
    assert np.max(np.abs(tangent - fd)) / scale < 1e-4


V11 = """let A: m×n
let B: n×n
let S: n×n symmetric
theorem jac: ∂(A x)/∂xᵀ = A
theorem jac-t: ∂(A x)ᵀ/∂x = Aᵀ
theorem jac-vec: ∂vec(X⁻¹)/∂vec(X)ᵀ = −X⁻ᵀ ⊗ X⁻¹
theorem seed-vec: ∂(aᵀX⁻¹b)/∂vec(X)ᵀ = −vec(X⁻ᵀabᵀX⁻ᵀ)ᵀ
theorem hess: ∂²(xᵀ B x)/∂x∂xᵀ = B + Bᵀ
theorem hess-logistic: ∂² sum(log(𝟏 + exp(Z w)))/∂w∂wᵀ = Zᵀ diag(sigmoid(Z w) ∘ (𝟏 − sigmoid(Z w))) Z
theorem sym: ∂(aᵀ S b)/∂S = (a bᵀ + b aᵀ)/2
theorem w-layout: ∂(B x)/∂xᵀ = Bᵀ   expect refuted
theorem w-hess: ∂²(xᵀ B x)/∂x∂xᵀ = 2 B   expect refuted
theorem w-sym: ∂(aᵀ S b)/∂S = a bᵀ   expect refuted
theorem w-vec: ∂vec(X⁻¹)/∂vec(X)ᵀ = −X⁻¹ ⊗ X⁻ᵀ   expect refuted
"""


@pytest.mark.parametrize("thm", parse_text(V11).theorems, ids=lambda t: t.name)
def test_jacobians_hessians_and_symmetric_gradients_numerically(thm):
    """§5b's meanings: Jacobians by forward mode in both layouts (vec stacks columns),
    Hessians by the complex step on the forward-mode gradient, and the gradient in a
    symmetric S on symmetric matrices (sym of the unconstrained one, so a bᵀ alone is wrong)."""
    r = numeric_test(type_theorem(thm))
    assert r.status == ("refuted" if thm.expect == "refuted" else "consistent"), (r.status, r.reason)
    if thm.expect != "refuted":
        assert r.max_agreeing_difference < 1e-9


def test_a_theorem_defined_only_where_every_size_is_1_says_so():
    """(x xᵀ)⁻¹ is singular for every n ≥ 2: before, "no valid draw in 60 attempts"; now the
    numeric test tries every size 1, says the theorem is defined only there, and refutes a
    claim that is false there."""
    from checker.parse import parse_text
    from checker.typecheck import type_theorem

    def run(text):
        return numeric_test(type_theorem(parse_text(f"theorem t: {text}").theorems[0]))
    r = run("(x x^T)^{-1} x x^T = I")
    assert r.status == "inconclusive" and r.reason.startswith("defined only where every size is 1")
    r = run("(x x^T)^{-1} = 2 (x x^T)^{-1}")
    assert r.status == "refuted" and set(r.counterexample.sizes.values()) == {1}
