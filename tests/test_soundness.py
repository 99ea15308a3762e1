"""Nothing false gets through, round 2 (issue 22): forged certificates, planted cache
entries, user rules and lint's blind spots. Each test names the exit or verdict it had
before the fix; each failed on the code before it."""
from __future__ import annotations

import json

import pytest

from checker import syntax as S
from checker.cli import main
from checker.kernel import KernelError, verify
from checker.normalform import NormalForm
from forgery import certificate, members, one_equals_zero, step


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---- 1. a rule read backwards brings in nothing undefined --------------------------------

def test_verify_rejects_one_equals_zero_through_a_backwards_cancel(capsys, tmp_path):
    """Before: `matproof verify` accepted x = 0 (exit 0)."""
    cert = tmp_path / "c.json"
    cert.write_text(json.dumps(one_equals_zero()))
    code, out, err = run(capsys, "verify", str(cert))
    assert code != 0
    assert "0⁻¹ 0 x is not defined" in out + err


def test_the_kernel_names_the_condition_a_backwards_step_lacks():
    with pytest.raises(KernelError, match=r"step 2: .* needs 0 ≠ 0"):
        verify(one_equals_zero())


@pytest.mark.parametrize("term", ["0⁻¹ 0 x", "(X − X)⁻¹ 0 x"])
def test_the_normal_form_does_not_absorb_an_undefined_factor(term):
    """0 · 0⁻¹ is not 0: it is undefined, and has no normal form."""
    from checker.parse import parse_text
    from checker.typecheck import type_theorem
    typed = type_theorem(parse_text(f"let X: n×n\ntheorem t: {term} = 0").theorems[0])
    lhs, rhs = typed.exprs
    if term.startswith("0⁻¹"):       # the number 0, not the zero matrix the parser reads
        lhs = S.Expr(S.MUL, (S.Expr(S.INV, (S.num(0),)), S.num(0), lhs.args[-1]))
    assert not NormalForm(typed.symbols).equal(lhs, rhs)


def test_a_theorem_defined_nowhere_is_not_proved_by_reflection():
    """`(X − X)⁻¹ X = 0` holds nowhere it is defined, since it is defined nowhere: no proof."""
    text = "let X: n×n\ntheorem t: (X − X)⁻¹ 0 = 0"
    lhs, rhs = members(text)
    with pytest.raises(KernelError, match="defined nowhere"):
        verify(certificate(text, [step(lhs, rhs)]))


@pytest.mark.parametrize("text, needs", [
    # sqrt(A) ∘ sqrt(A) = A read backwards: sqrt of a matrix with negative entries
    ("theorem t: A = sqrt(A) ∘ sqrt(A)", "A ≥ 0"),
    # log(exp(A)) = A read backwards is fine, but exp(log(A)) = A is not, for A < 0
    ("theorem t: A = exp(log(A))", "A > 0"),
])
def test_a_partial_function_brought_in_by_a_step_needs_its_domain(text, needs):
    """Reflection cannot bring in a root or a log the theorem does not have either."""
    lhs, rhs = members(text)
    plain = "theorem t: A = A"
    cert = certificate(plain, [step(lhs, rhs), step(rhs, lhs)])
    with pytest.raises(KernelError, match=needs):
        verify(cert)


# ---- 2. a lemma is a derivative's value, never a differential out of its context ---------

def _lemma_out_of_context():
    import checker
    lemma = checker.prove("let X, Y: n×n\ntheorem t: d(X Y) = X dY")
    assert lemma.status == "proved"
    (inner,) = lemma.certificate["certificates"] if "certificates" in lemma.certificate \
        else [lemma.certificate]
    text = "let X, Y: n×n\ntheorem t: d(X Y) + dX = X dY + dX"
    before, after = members(text)
    st = step(before, after, "lemma", path=[0])
    st["lemma"] = inner
    return certificate(text, [st])


def test_a_differential_lemma_is_not_imported_where_other_symbols_vary():
    """Before: accepted. d(X Y) = X dY holds where only Y varies; here X varies too."""
    with pytest.raises(KernelError, match="must be a derivative's value"):
        verify(_lemma_out_of_context())


# ---- 3. a planted cache entry, and a numeric test relative to the sides' scale ----------

def test_a_planted_certificate_for_a_tiny_multiple_of_x_equal_to_zero_is_not_a_proof(capsys, tmp_path):
    """Before: "✓ proved, from the cache" (exit 0): the kernel took the certificate and the
    numeric test, with an absolute tolerance, found 1e-8 x and 0 equal."""
    from checker.check import cache_key, document
    from checker.rules import default_rule_files
    from forgery import tiny_equals_zero
    thm = tmp_path / "t.thm"
    thm.write_text("theorem t: 0.00000001 x = 0\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    key = cache_key(document(str(thm)).theorems[0], default_rule_files())
    (cache / f"{key}.json").write_text(json.dumps(
        {"version": __import__("checker.check", fromlist=["CACHE_VERSION"]).CACHE_VERSION,
         "certificates": [tiny_equals_zero()], "result": {"status": "proved", "name": "t"}}))
    code, out, err = run(capsys, "check", "--cache", str(cache), str(thm))
    assert code == 1 and "refuted" in out and "from the cache" not in out
    assert "not defined" in err


@pytest.mark.parametrize("identity", ["0.00000001 x = 0", "x = 1.00001 x", "1e-12 A B = 1e-12 B A"])
def test_a_small_difference_is_a_counterexample_not_round_off(capsys, identity):
    """Before: "agrees" or "could not decide" (exit 3): the tolerance was absolute (1e-7 of
    max(1, |sides|)) and a relative 1e-5 fell between agree and differ."""
    code, out, _ = run(capsys, "prove", identity.replace("1e-12", "0.000000000001"))
    assert code == 1, out
    assert "refuted" in out


@pytest.mark.parametrize("identity", ["tr(A B) − tr(B A) = 0", "X X⁻¹ − I = 0",
                                      "0.000001 (A B)ᵀ = 0.000001 Bᵀ Aᵀ"])
def test_round_off_of_large_terms_that_cancel_still_agrees(identity):
    """The scale is what the sides were computed from, not their (tiny) results."""
    from checker.numeric import numeric_test
    from checker.typecheck import type_theorem
    from checker.parse import parse_text
    r = numeric_test(type_theorem(parse_text(identity).theorems[0]))
    assert r.status == "consistent" and r.max_agreeing_difference < 1e-10


# ---- 4. each link of a chain is tested on its own ----------------------------------------

def test_a_member_without_numeric_meaning_does_not_hide_a_false_link(capsys, tmp_path):
    """Before: exit 0, proved with an unsound user rule: the third member (a second
    differential) could not be evaluated, so the whole chain was "inconclusive" and the
    guard that exposes unsound rules never ran."""
    rules = tmp_path / "bad.rules"
    rules.write_text("rule bad: A B -> B A\n")
    thm = tmp_path / "t.thm"
    thm.write_text(f'use "{rules}"\nlet X, Y: n×n\nlet A, B: n×n\n'
                   "theorem t: A B = B A = B A + 0 d(d(X Y))\n")
    code, out, _ = run(capsys, "check", "--no-cache", str(thm))
    assert code == 1
    assert "error" in out and "not used: rule bad" in out and "is unsound" in out


def test_a_chain_is_refuted_at_its_false_link_even_beside_an_unevaluable_member():
    from checker.numeric import numeric_test
    from checker.parse import parse_text
    from checker.typecheck import type_theorem
    typed = type_theorem(parse_text("let X, Y, A, B: n×n\ntheorem t: A B = B A = B A + 0 d(d(X Y))")
                         .theorems[0])
    r = numeric_test(typed)
    assert r.status == "refuted" and r.counterexample.link == 0


def test_only_the_symbols_under_a_log_are_drawn_positive():
    """Before: once draws missed the domain, every symbol was drawn positive, so a claim
    that fails only for negative values of another symbol passed."""
    from checker.numeric import numeric_test
    from checker.parse import parse_text
    from checker.typecheck import type_theorem
    # sqrt(b ∘ b) = b holds only for b ≥ 0; the log of X (whose plain draws miss the
    # domain) forces positive draws, which must not make b positive too
    logs = "sum(log(X)) + sum(log(Y)) + sum(log(Z))"     # a plain draw is almost never in the domain
    typed = type_theorem(parse_text(f"let X, Y, Z: n×n\nlet b: n\ntheorem t: ({logs}) 𝟏 + sqrt(b ∘ b) = "
                                    f"({logs}) 𝟏 + b").theorems[0])
    assert numeric_test(typed).status == "refuted"


# ---- 5. inconclusive is not sound ---------------------------------------------------------

@pytest.mark.parametrize("rule, kind", [
    ("rule r: x -> (100001/100000) x", "unsound"),       # before: passed (a "round-off" zone)
    ("rule r: d(d(A)) -> 0", "unverified"),                # before: passed (no numeric meaning)
    ("rule r: d(A B) -> A d(B)", "unsound"),               # A varies too: refuted on A′ ∘ A″
])
def test_lint_does_not_pass_a_rule_it_cannot_show_sound(capsys, tmp_path, rule, kind):
    f = tmp_path / "r.rules"
    f.write_text(rule + "\n")
    code, out, _ = run(capsys, "rules", "lint", str(f))
    assert code == 1
    assert f": {kind}: rule r" in out


def test_a_rule_its_author_marks_trusted_is_a_warning_not_a_failure(capsys, tmp_path):
    f = tmp_path / "r.rules"
    f.write_text("rule second-differential: d(d(A)) -> 0 trusted    # A is a symbol in my use\n")
    code, out, _ = run(capsys, "rules", "lint", str(f))
    assert code == 0 and "warning: rule second-differential" in out and "marked trusted" in out


def test_a_used_rule_file_with_an_unverified_rule_is_refused(capsys, tmp_path):
    """Before: the rule was used, and `X + d(d(X Y)) = d(d(X Y))`-like claims had a proof."""
    rules = tmp_path / "r.rules"
    rules.write_text("rule dd: d(d(A)) -> 0\n")
    thm = tmp_path / "t.thm"
    thm.write_text('use "r.rules"\nlet X, Y: n×n\ntheorem t: d(d(X Y)) = 0\n')
    code, out, _ = run(capsys, "check", "--no-cache", str(thm))
    assert code == 1 and "error" in out
    assert "rule dd" in out and "not known to be sound" in out


def test_verify_refuses_to_trust_an_unverified_rule_file(capsys, tmp_path):
    rules = tmp_path / "r.rules"
    rules.write_text("rule dd: d(d(A)) -> 0\n")
    cert = tmp_path / "c.json"
    cert.write_text(json.dumps(one_equals_zero()))
    code, _, err = run(capsys, "verify", "--trust-rules", str(rules), "--", str(cert))
    assert code == 1 and "not known to be sound" in err


# ---- 6. combined properties are drawn jointly ---------------------------------------------

def test_an_spd_orthogonal_matrix_is_drawn_as_the_identity(capsys):
    """Before: refuted (exit 1): X was drawn spd only."""
    code, out, _ = run(capsys, "prove", "--let", "X: n×n spd orthogonal", "X Xᵀ = I")
    assert code == 0 and "proved" in out


@pytest.mark.parametrize("props", ["symmetric orthogonal", "diagonal orthogonal", "spd orthogonal"])
def test_combined_properties_hold_of_every_draw(props):
    """Each draw has every declared property, and so do its directions of change."""
    import numpy as np
    from checker.numeric import numeric_test
    from checker.numeric.instances import draw_instance
    from checker.parse import parse_text
    from checker.typecheck import type_theorem
    typed = type_theorem(parse_text(f"let X: n×n {props}\ntheorem t: X X = I").theorems[0])
    assert numeric_test(typed).status == "consistent"      # X² = I: X = Xᵀ = X⁻¹
    for seed in range(5):
        env = draw_instance(typed.symbols, typed.dims, {"X"}, np.random.default_rng(seed))
        x, dx = env.values["X"], env.directions["X"]
        assert np.allclose(x @ x.T, np.eye(len(x))) and np.allclose(x, x.T)
        assert np.allclose(dx, dx.T) and np.allclose(x.T @ dx + dx.T @ x, 0)   # stays on the set


def test_a_positive_orthogonal_matrix_is_refused_as_unsatisfiable(capsys):
    code, _, err = run(capsys, "prove", "--let", "Q: n×n positive orthogonal", "Q Qᵀ = I")
    assert code == 2 and "both positive" in err


# ---- the property: random forgeries from shipped rules read backwards ---------------------

FORGERIES = int(__import__("os").environ.get("MATPROOF_FORGERIES", "300"))


def test_no_forged_certificate_of_a_refuted_theorem_is_accepted():
    """Shipped rules applied (mostly backwards) to hostile instances — zeros plain and
    disguised, singular matrices, negative numbers under roots and logs — in a context, then
    a normal-form step: the kernel accepts none whose theorem the numeric test refutes.
    `MATPROOF_FORGERIES=10000 pytest tests/test_soundness.py -k forged` for a long run.
    (Before the fix, 1000 forgeries gave 2 accepted false theorems: 1 = 0, by scalar-cancel
    read backwards.)"""
    import random

    from checker.numeric import numeric_test
    from checker.parse import parse_file, parse_text
    from checker.rules import default_rule_files
    from checker.typecheck import type_theorem
    from forgery import random_forgery
    rules = [r for p in default_rule_files() for r in parse_file(p).rules]
    accepted = 0
    for seed in range(FORGERIES):
        got = random_forgery(random.Random(seed), rules)
        if got is None:
            continue
        cert, text = got
        try:
            verify(cert)
        except KernelError:
            continue
        accepted += 1
        if numeric_test(type_theorem(parse_text(text).theorems[0])).status == "refuted":
            pytest.fail(f"forgery {seed} accepted for a refuted theorem: {text.splitlines()[-1]}")
    assert accepted > FORGERIES // 5      # the forgeries are mostly well-formed: the test has teeth


def test_a_planted_certificate_for_a_theorem_the_numeric_test_cannot_evaluate_is_not_a_proof(capsys, tmp_path):
    """Before: "✓ proved, from the cache" for X + d(d(X Y)) = d(d(X Y)): a second differential
    has no numeric meaning, so only the kernel stood between the entry and the claim."""
    from checker.check import CACHE_VERSION, cache_key, document
    from checker.rules import default_rule_files
    text = "let X, Y: n×n\ntheorem t: X + d(d(X Y)) = d(d(X Y))"
    lhs, one_x, rhs = members("let X, Y: n×n\ntheorem t: X + d(d(X Y)) = 1 X + d(d(X Y)) = d(d(X Y))")
    x = lhs.args[0]
    nought = S.num(0)
    absurd = S.Expr(S.ADD, (S.Expr(S.MUL, (S.Expr(S.MUL, (S.Expr(S.INV, (nought,)), nought)), x)),
                            lhs.args[1]))
    cert = certificate(text, [step(lhs, one_x, "one-left", "<-", path=[0], subst={"A": x}),
                              step(one_x, absurd, "scalar-cancel", "<-", path=[0, 0], subst={"α": nought}),
                              step(absurd, rhs)])
    thm = tmp_path / "t.thm"
    thm.write_text(text + "\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    key = cache_key(document(str(thm)).theorems[0], default_rule_files())
    (cache / f"{key}.json").write_text(json.dumps({"version": CACHE_VERSION, "certificates": [cert],
                                                    "result": {"status": "proved"}}))
    code, out, err = run(capsys, "check", "--cache", str(cache), str(thm))
    assert "from the cache" not in out and ": unknown" in out
    assert "not defined" in err


# ---- a normal-form step multiplied through (issue 24): only by what is invertible ----------

def _through(text: str, left_text: str) -> dict:
    lhs, rhs = members(text)
    (m,) = members(f"let A, B, C: n×n\ntheorem m: {left_text} = {left_text}")[:1]
    st = step(lhs, rhs, subst={"left": m})
    return certificate(text, [st])


def test_multiplying_through_by_a_singular_sum_is_rejected():
    """0 A = 0 B for every A, B: multiplying through by A − A (a zero) would prove A = B."""
    with pytest.raises(KernelError, match="not known to be invertible"):
        verify(_through("let A, B, C: n×n\ntheorem t: A = B", "A − A"))


def test_multiplying_through_by_an_invertible_sum_is_accepted_only_where_it_cancels():
    text = "let A, B, C: n×n\ntheorem t: (A + B)⁻¹ C = (A + B)⁻¹ C + 0"
    verify(_through(text, "A + B"))
    with pytest.raises(KernelError, match="multiplied through"):
        verify(_through("let A, B, C: n×n\ntheorem t: (A + B)⁻¹ C = C (A + B)⁻¹", "A + B"))


# ---- the power rule (issue 24): a law the kernel knows, checked like any step -------------

def test_a_forged_power_rule_step_is_rejected():
    from checker.kernel import POWER_RULE
    text = "theorem t: d(α^{2/3}) = (2/3) α^{-2/3} dα"       # the exponent is wrong: −1/3
    lhs, rhs = members(text)
    st = step(lhs, rhs, POWER_RULE)
    with pytest.raises(KernelError, match="power rule does not give"):
        verify(certificate(text, [st]))
    good = "theorem t: d(α^{2/3}) = (2/3) α^{-1/3} dα"
    lhs, rhs = members(good)
    st = step(lhs, rhs, POWER_RULE)
    verify(certificate(good, [st]))


def test_the_power_rule_is_for_scalars_only():
    from checker.kernel import POWER_RULE
    text = "let X: n×n\ntheorem t: d(X^2) = 2 X dX"           # false: dX X + X dX
    lhs, rhs = members(text)
    st = step(lhs, rhs, POWER_RULE)
    with pytest.raises(KernelError, match="scalar"):
        verify(certificate(text, [st]))


def test_a_comment_edited_in_a_trusted_rule_file_invalidates_no_certificate(capsys, tmp_path):
    """Issue 26: certificates named rule files by the hash of their bytes, so a comment-only
    edit invalidated every one. Now the hash is of the statements; a rule changed still
    invalidates them."""
    rules = tmp_path / "mine.rules"
    rules.write_text("rule swap: tr(A B) -> tr(B A)   # cyclic\n")
    thm = tmp_path / "t.thm"
    thm.write_text(f'use "{rules}"\ntheorem t: tr(A B) = tr(B A)\n')
    cert = tmp_path / "c.json"
    assert run(capsys, "prove", "--certificate", str(cert), str(thm))[0] == 0
    rules.write_text("# my rules, now documented\n\nrule swap:   tr(A B) -> tr(B A)   # the cyclic law [Cookbook 16]\n")
    code, out, err = run(capsys, "verify", "--trust-rules", str(rules), str(cert))
    assert code == 0 and "accepted" in out, err
    rules.write_text("rule swap: tr(A B) -> tr(Bᵀ Aᵀ)\n")
    code, out, err = run(capsys, "verify", "--trust-rules", str(rules), str(cert))
    assert code == 1
