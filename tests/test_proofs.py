"""How proofs read: differentials worked inward first, no loops, no runs one rule replaces."""
from __future__ import annotations

from checker import syntax as S
from checker.differentiate import differential_rewrites, differentiate
from checker.egraph.explain import Step, cut_loops
from checker.kernel import nf, verify
from checker.parse import parse_expr, parse_text
from checker.pipeline import prove_theorem
from checker.rules import default_rule_files, rewrites_both_ways, rewrites_for
from checker.search import facts_for
from checker.shorten import shorten
from checker.typecheck import infer


def _typed(*texts: str):
    return infer([parse_expr(t) for t in texts], None, same_shape=False)


def test_the_seed_proof_begins_as_the_worked_answer_does():
    res = prove_theorem(parse_text("∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ").theorems[0])
    assert res.status == "proved"
    rules = [p["rule"] for p in res.proof]
    # d(aᵀX⁻¹b) = aᵀ d(X⁻¹ b) = aᵀ d(X⁻¹) b = −aᵀX⁻¹ dX X⁻¹b
    assert rules[:5] == ["start", "gradient identification: ∂f/∂X = G ⇔ d f = ⟨G, dX⟩",
                         "d-product-constant-left", "d-product-constant-right", "d-inverse"]
    assert res.proof[4]["term"] == "−aᵀ X⁻¹ dX X⁻¹ b"
    verify(res.certificate)


def test_differentiating_takes_the_most_specific_rule_at_the_outermost_d():
    typed = _typed("d(log(det(X)) + sqrt(α) + aᵀ X b)")
    rws = differential_rewrites(rewrites_for(default_rule_files()))
    steps, _, end = differentiate(typed.exprs[0], rws, typed.symbols,
                                  lambda g: facts_for(g, typed, {"X", "α"}))
    assert [s.rule for s in steps][:1] == ["d-sum"]
    used = {s.rule for s in steps}
    assert "d-logdet" in used and "d-log" not in used                  # larger left side wins
    assert "d-sqrt" in used and "d-sqrt-entrywise" not in used         # the scalar rule wins
    assert "d-product-constant-left" in used                           # a, b are constants
    assert all(n.args[0].op == S.SYM for n in end.walk() if n.op == S.D)


def test_differentiating_gives_up_where_no_rule_applies():
    typed = _typed("d(diag(X))")     # no rule takes d inside diag
    rws = differential_rewrites(rewrites_for(default_rule_files()))
    assert differentiate(typed.exprs[0], rws, typed.symbols, lambda g: facts_for(g, typed, {"X"})) is None


def _step(before: S.Expr, after: S.Expr) -> Step:
    return Step("r", "->", {}, before, after, (), None)


def test_cut_loops_removes_a_detour_back_to_a_term():
    A, B, C = (S.sym(x) for x in "ABC")
    tt = S.transpose(S.transpose(A))
    steps = [_step(A, tt), _step(tt, A), _step(A, B), _step(B, C)]
    assert [s.after for s in cut_loops(steps, A, nf)] == [B, C]
    assert cut_loops(steps[2:], A, nf) == steps[2:]


def test_shorten_replaces_a_run_that_one_rule_does():
    typed = _typed("A", "((Aᵀ)ᵀ)ᵀ")
    A = typed.exprs[0]
    t1 = S.transpose(A)
    t2 = S.transpose(S.transpose(t1))
    # Aᵀ → Aᵀᵀᵀ → Aᵀ → … : the first step already reaches the term after the third
    steps = [_step(A, t1), _step(t1, t2), _step(t2, S.transpose(S.transpose(S.transpose(t1))))]
    steps.append(_step(steps[-1].after, t1))
    out = shorten(steps, A, rewrites_both_ways(default_rule_files()), typed.symbols,
                  lambda g: facts_for(g, typed, set()), lambda t: nf(t, typed.symbols))
    assert len(out) < len(steps)
    assert nf(out[-1].after) == nf(t1)
