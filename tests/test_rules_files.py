"""The rule database parses and type-checks (numeric soundness of rules comes with rule lint)."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.parse import parse_file, parse_text
from checker.typecheck import type_rule

RULE_FILES = sorted((Path(__file__).resolve().parents[1] / "rules").rglob("*.rules"))


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_rule_file_types(path):
    doc = parse_file(path)
    assert doc.rules, path
    for rule in doc.rules:
        typed = type_rule(rule)
        assert typed.shape(typed.exprs[0]) == typed.shape(typed.exprs[1]), rule.name


def _all_rules():
    return [(p.name, r) for p in RULE_FILES for r in parse_file(p).rules]


@pytest.mark.parametrize("rule", [r for _, r in _all_rules()], ids=[f"{f}:{r.name}" for f, r in _all_rules()])
def test_every_rule_is_numerically_sound(rule):
    from checker.numeric import numeric_test
    from checker.typecheck import infer
    typed = infer([rule.lhs, rule.rhs], rule.decls, pattern=True)
    for kind, arg in rule.conditions:
        if arg.op == "sym" and kind in ("invertible", "symmetric", "spd", "orthogonal", "diagonal", "constant",
                                        "positive"):
            typed.symbols[arg.attr].props = typed.symbols[arg.attr].props | {kind}
    for seed in range(5):
        result = numeric_test(typed, seed=seed)
        assert result.status == "consistent", (seed, result.status, result.reason)


def test_soundness_check_catches_an_unsound_rule():
    from checker.numeric import numeric_test
    from checker.typecheck import infer
    (rule,) = parse_text("rule wrong: (A B)ᵀ -> Aᵀ Bᵀ").rules
    typed = infer([rule.lhs, rule.rhs], rule.decls, pattern=True)
    assert numeric_test(typed).status == "refuted"
