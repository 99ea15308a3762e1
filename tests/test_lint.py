"""`matproof rules lint`: an unsound rule is caught with a counterexample, and the rest."""
from __future__ import annotations

import json

from checker.cli import main

RULES = """\
rule good: tr(A B) <-> tr(B A)
rule planted-unsound: (A B)ᵀ -> Aᵀ Bᵀ
rule same-as-good: tr(X Y) <-> tr(Y X)
rule zero-out: A + 0 -> A
rule zero-in: B -> B + 0
rule never: A -> A + B
rule impossible: aᵀ b -> bᵀ a if invertible(a)
"""


def lint(capsys, tmp_path, text, *flags):
    f = tmp_path / "mine.rules"
    f.write_text(text)
    code = main(["rules", "lint", *flags, str(f)])
    return code, capsys.readouterr().out


def test_lint_findings(capsys, tmp_path):
    code, out = lint(capsys, tmp_path, RULES, "--json")
    report = json.loads(out)
    assert code == 1
    by_rule = {}
    for f in report["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    (unsound,) = by_rule["planted-unsound"]
    assert unsound["kind"] == "unsound"
    cx = unsound["counterexample"]
    assert cx["relative_difference"] > 1e-3 and cx["lhs"] != cx["rhs"]
    assert "duplicate of rule good" in by_rule["same-as-good"][0]["message"]
    assert any("zero-out → zero-in → zero-out only loop" in f["message"] for f in by_rule["zero-out"])
    assert by_rule["never"][0]["kind"] == "error"
    assert "cannot hold" in by_rule["impossible"][0]["message"]
    assert "good" not in by_rule


def test_the_rule_database_lints_clean(capsys):
    from checker.resources import rules_dir
    code = main(["rules", "lint", *map(str, sorted(rules_dir().rglob("*.rules")))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1].endswith("0 errors, 0 unsound, 0 unverified, 0 warnings")


def test_coverage_says_which_theorems_use_which_rule(capsys, tmp_path):
    rules = tmp_path / "r.rules"
    rules.write_text("rule cyc: tr(A B) <-> tr(B A)\nrule never-used: (A⁻¹)⁻¹ -> A if invertible(A)\n")
    thm = tmp_path / "t.thm"
    thm.write_text("theorem rot: tr(A B C) = tr(C A B)\n")
    code = main(["rules", "lint", "--json", "--coverage", str(thm), "--", str(rules)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["coverage"] == {"cyc": ["rot"], "never-used": []}
