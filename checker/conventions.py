"""Why a refuted derivative may only follow another convention (LANGUAGE.md §5b).

Two conventions are common and both are wrong for the language's meaning:
a bare ∂f/∂x of a vector f read in the other layout (Jᵀ for J), and the Matrix
Cookbook's §2.8 "gradient" in a symmetric matrix, G₀ + G₀ᵀ − G₀ ∘ I, which counts
each off-diagonal entry once and is not a gradient for the Frobenius product
(Srinivasan & Panda, 2023). A theorem written in either stays refuted; the message
says which convention it follows and, for the Cookbook form, what holds."""
from __future__ import annotations

from dataclasses import replace

from . import syntax as S


def other_layout(thm, typed) -> str | None:
    """If a bare ∂f/∂x of a vector f makes the theorem fail but the other layout makes it
    hold: the sentence that says so."""
    from .numeric import numeric_test
    from .typecheck import type_theorem
    other = "denominator" if getattr(thm, "layout", "numerator") == "numerator" else "numerator"
    try:
        again = type_theorem(replace(thm, layout=other))
    except Exception:
        return None
    if again.exprs == typed.exprs or numeric_test(again).status != "consistent":
        return None
    return (f"it holds in the {other} layout (a bare ∂f/∂x of a vector f read as "
            f"{'Jᵀ' if other == 'denominator' else 'J'}): write ∂f/∂xᵀ or ∂fᵀ/∂x, or say "
            f"`layout {other}` (--layout {other})")


def cookbook(thm, typed, show) -> str | None:
    """If a gradient in a symmetric matrix fails as the gradient on symmetric matrices but
    holds as the Matrix Cookbook's §2.8 form: the sentence that says so, and the gradient
    that holds (G = (C + C ∘ I)/2 for the claimed C, since C = 2G − G ∘ I)."""
    from .numeric import numeric_test
    grads = [n for e in typed.exprs for n in e.walk()
             if n.op == S.GRAD and n.args[1].op == S.SYM and "symmetric" in typed.symbols[n.args[1].attr].props]
    if not grads or numeric_test(typed, cookbook=True).status != "consistent":
        return None
    claimed = next((e for e in typed.exprs if e.op != S.GRAD), None)
    holds = ""
    if claimed is not None:
        c = show(claimed)
        holds = f"; the gradient that holds is (C + C ∘ I)/2 with C = {c}"
        derived = _symmetric_gradient(typed, grads[0], show)
        if derived:
            holds = f"; the gradient that holds is {derived}"
    return ("this is the Matrix Cookbook's §2.8 form G₀ + G₀ᵀ − G₀ ∘ I for a symmetric variable, which "
            "counts each off-diagonal entry once and is not a gradient for ⟨·,·⟩ (Srinivasan & Panda, "
            "2023); ∂f/∂S here is the symmetric G with df = ⟨G, dS⟩ for every symmetric dS, sym(G₀)" + holds)


def _symmetric_gradient(typed, grad: S.Expr, show) -> str | None:
    """sym(G₀) = (G₀ + G₀ᵀ)/2 with the unconstrained G₀ derived and read off (not searched
    long; None if it is not found)."""
    from .limits import Limits
    from .readoff import symmetric_part
    from .rules import default_rule_files
    from .strategy import derive_gradient
    f, x = grad.args
    plain = {n: replace(i, props=i.props - {"symmetric", "spd", "diagonal"}) for n, i in typed.symbols.items()}
    t = replace(typed, symbols=plain)
    try:
        g0 = derive_gradient(t, f, x.attr, default_rule_files(), Limits(work=100_000, seconds=5.0))
    except Exception:
        return None
    if g0 is None:
        return None
    return show(symmetric_part(g0, plain))
