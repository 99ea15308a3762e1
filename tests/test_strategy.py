"""The steps a person takes, each tried alone (checker/strategy.py): a link identified,
its differentials worked inward, then the normal form, multiplying through, the e-graph."""
from __future__ import annotations

from checker.limits import Limits
from checker.parse import parse_text
from checker.rules import default_rule_files
from checker.strategy import (STRATEGIES, by_egraph, by_multiplying_through, by_normal_form, identified,
                              worked_inward)
from checker.normalform import NormalForm
from checker.typecheck import type_theorem


def link(text: str):
    thm = parse_text(text).theorems[0]
    typed = type_theorem(thm)
    ln = identified(typed, 0, thm.decls, default_rule_files(), Limits(), True)
    ln.attempts = worked_inward(ln)
    ln.form = NormalForm(typed.symbols)
    return ln


def test_a_gradient_is_identified_and_its_differential_worked_inward():
    ln = link("∂(aᵀ X⁻¹ b)/∂X = −X⁻ᵀ a bᵀ X⁻ᵀ")
    assert ln.gradient["kind"] == "gradient" and ln.varying == {"X"}
    start, goal, head, _ = ln.attempts[0]
    assert [st.rule for st in head][-1] == "d-inverse" and len(ln.attempts) == 2


def test_each_strategy_answers_for_what_it_is_for():
    assert by_normal_form(link("tr(A B C) = tr(C A B)")) is not None
    assert by_normal_form(link("(Aᵀ A + λ I)⁻¹ Aᵀ = Aᵀ (A Aᵀ + λ I)⁻¹")) is None
    steps, *_ = by_multiplying_through(link("(Aᵀ A + λ I)⁻¹ Aᵀ = Aᵀ (A Aᵀ + λ I)⁻¹"))
    assert set(steps[-1].subst) == {"left", "right"}
    assert by_multiplying_through(link("tr(A B C) = tr(C A B)")) is None
    assert STRATEGIES[-1] is by_egraph


def test_the_egraph_joins_what_only_rules_join():
    found = by_egraph(link("sin(−X) = −sin(X)"))
    steps, report, eg, roots = found
    assert [st.rule for st in steps] == ["sin-odd"] and eg is not None
