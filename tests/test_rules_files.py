"""The rule database parses and type-checks (numeric soundness of rules comes with rule lint)."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.parse import parse_file
from checker.typecheck import type_rule

RULE_FILES = sorted((Path(__file__).resolve().parents[1] / "rules").glob("*.rules"))


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_rule_file_types(path):
    doc = parse_file(path)
    assert doc.rules, path
    for rule in doc.rules:
        typed = type_rule(rule)
        assert typed.shape(typed.exprs[0]) == typed.shape(typed.exprs[1]), rule.name
