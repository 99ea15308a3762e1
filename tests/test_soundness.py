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
