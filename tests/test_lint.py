"""`matproof rules lint`: an unsound rule is caught with a counterexample, and the rest."""
from __future__ import annotations

import json

import pytest

from checker.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err

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
    # tr(A B) <-> tr(B A) is sound and well-formed; the shipped trace-cyclic derives it
    assert [f["message"].split(" (")[0] for f in by_rule.get("good", [])] == \
        ["derivable from the shipped rules and the normal form"]


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


# ---- issue 26: rule authors' bugs ------------------------------------------------------

@pytest.mark.parametrize("rule, shapes", [
    ("rule r: diag(diag(a)) -> a", {"a": ("n", 1)}),                          # before: a was 1×1
    ("rule r: tr(diag(a) X) <-> aᵀ diag(X)", {"a": ("n", 1), "X": ("n", "n")}),   # before: both 1×1
])
def test_rule_variables_are_typed_as_the_matcher_matches_them(rule, shapes):
    from checker.parse import parse_text
    from checker.typecheck import type_rule
    typed = type_rule(parse_text(rule).rules[0])
    assert {k: v.shape for k, v in typed.symbols.items()} == shapes


def test_an_unknown_function_in_a_rule_is_named(capsys, tmp_path):
    """Before: softplus(A) was s·o·f·t·p·l·u·s·A, and lint answered "unsound"."""
    f = tmp_path / "r.rules"
    f.write_text("rule r: softplus(A) -> A\n")
    code, _, err = run(capsys, "rules", "lint", str(f))
    assert code == 2 and "unknown function softplus" in err


def test_a_rule_named_like_a_shipped_one_or_twice_is_an_error(capsys, tmp_path):
    """Before: `rule transpose-transpose: diag(a)ᵀ -> diag(a)` in a used file made
    `(Xᵀ)ᵀ = X` unknown ("kernel rejected … KeyError: 'a'"): the kernel finds rules by name."""
    f = tmp_path / "r.rules"
    f.write_text("rule transpose-transpose: diag(a)ᵀ -> diag(a)\nrule mine: x ∘ y -> y ∘ x\n"
                 "rule mine: tr(A) -> tr(Aᵀ)\n")
    code, out, _ = run(capsys, "rules", "lint", str(f))
    assert code == 1
    assert "transpose-transpose: the name is that of a rule matproof ships (algebra.rules)" in out
    assert "rule mine: the name is used twice" in out
    thm = tmp_path / "t.thm"
    thm.write_text(f'use "{f}"\ntheorem t: (Xᵀ)ᵀ = X\n')
    code, out, _ = run(capsys, "check", "--no-cache", str(thm))
    assert code == 1 and "is not used" in out and "KeyError" not in out


def test_lint_warns_of_a_variable_typed_as_a_scalar(capsys, tmp_path):
    code, out = lint(capsys, tmp_path, "rule s: tr(b) -> b\n")       # b = tr(b) holds only for a 1×1 b
    assert "rule s: b is typed 1×1 here" in out


def test_lint_finds_a_right_side_undefined_where_the_left_is_and_suggests_the_condition(capsys, tmp_path):
    """Before: `sqrt(A ∘ B) -> sqrt(A) ∘ sqrt(B)` passed lint (its numeric test draws only
    where both sides are defined), then a theorem reported an unsound rule set that lint
    would not name. With the condition it is sound, and lint says nothing."""
    code, out = lint(capsys, tmp_path,
                     "rule split: sqrt(A ∘ B) -> sqrt(A) ∘ sqrt(B)\n"
                     "rule split-pos: sqrt(A ∘ B) -> sqrt(A) ∘ sqrt(B)  if positive(A) and positive(B)\n"
                     "rule square-root: sqrt(A) ∘ sqrt(A) -> A\n")
    assert code == 1
    assert "rule split: its right side is not defined where its left side is (with A, B < 0)" in out
    assert "add `if positive(A) and positive(B)`" in out
    assert "rule split-pos" not in out and "rule square-root" not in out


def test_a_condition_on_a_term_is_not_a_false_unsound_and_a_stray_one_is_an_error(capsys, tmp_path):
    """Before: `if orthogonal(A B)` got a false "unsound" (the draws ignored the condition),
    and `if spd(C)` with C in neither side was accepted silently."""
    code, out = lint(capsys, tmp_path,
                     "rule orth: (A B)ᵀ (A B) -> I  if orthogonal(A B)\nrule stray: A -> Aᵀ  if spd(C)\n")
    assert "rule orth" in out and "unsound: rule orth" not in out and "no random instance met" in out
    assert "error: rule stray: its condition spd(…) names C, which neither side has" in out


def test_a_shape_error_in_a_rule_has_its_column(capsys, tmp_path):
    """Before: `mine.rules:2: error: …`, a line and no column."""
    code, out = lint(capsys, tmp_path, "let X: n×m\nrule bad: tr(X) -> X\n")
    assert code == 1 and "mine.rules:2:14: error: rule bad: the trace needs a square matrix" in out


def test_rule_lines_in_a_theorem_file_are_loaded_and_linted(capsys, tmp_path):
    """Issue 26: `rule` lines in a .thm file (LANGUAGE.md §2 shows them) were ignored. Now
    they hold for the theorems after them, and are linted like a used rule file."""
    good = tmp_path / "py.thm"
    good.write_text("theorem before: sin(X) ∘ sin(X) + cos(X) ∘ cos(X) = 𝟏   expect unknown\n"
                    "rule pythagoras: sin(A) ∘ sin(A) + cos(A) ∘ cos(A) -> 𝟏\n"
                    "theorem t: sin(X) ∘ sin(X) + cos(X) ∘ cos(X) = 𝟏\n")
    code, out, _ = run(capsys, "check", "--no-cache", str(good))
    assert code == 0 and "before: unknown" in out and "t: proved" in out
    bad = tmp_path / "bad.thm"
    bad.write_text("rule swap: A B -> B A\ntheorem t: A B = B A\n")
    code, out, _ = run(capsys, "check", "--no-cache", str(bad))
    assert code == 1 and "rule swap" in out and "is unsound" in out


def test_examples_in_a_rule_file_are_checked_by_lint_and_check(capsys, tmp_path):
    f = tmp_path / "ex.rules"
    f.write_text("rule pythagoras: sin(A) ∘ sin(A) + cos(A) ∘ cos(A) -> 𝟏\n"
                 "example unit: sin(X) ∘ sin(X) + cos(X) ∘ cos(X) = 𝟏\n"
                 "example nope: sin(X) ∘ sin(X) = 𝟏\n"
                 "example wrong: sin(X) = cos(X)   expect refuted\n")
    code, out, _ = run(capsys, "rules", "lint", str(f))
    assert code == 1 and "ex.rules:3: error: example nope: the example is refuted, expected proved" in out
    assert "example unit" not in out and "example wrong" not in out
    code, out, _ = run(capsys, "check", "--no-cache", str(f))
    assert code == 1 and "unit: proved" in out and "wrong: refuted" in out and "nope: refuted (expected proved)" in out


def test_lint_says_which_rules_the_shipped_ones_already_derive(capsys, tmp_path):
    """Issue 26: a rule the shipped rules and the normal form prove adds nothing; lint says
    so, with how, without the author naming the shipped files."""
    f = tmp_path / "r.rules"
    f.write_text("rule my-tt: (Xᵀ)ᵀ -> X\nrule pythagoras: sin(A) ∘ sin(A) + cos(A) ∘ cos(A) -> 𝟏\n")
    code, out, _ = run(capsys, "rules", "lint", str(f))
    assert code == 0
    assert "rule my-tt: derivable from the shipped rules and the normal form (by transpose-transpose)" in out
    assert "pythagoras: derivable" not in out


def test_impact_lists_proofs_gained_and_the_rules_no_proof_used(capsys, tmp_path):
    f = tmp_path / "imp.rules"
    f.write_text("rule pythagoras: sin(A) ∘ sin(A) + cos(A) ∘ cos(A) -> 𝟏\nrule spare: tanh(A) ∘ 𝟏 -> tanh(A)\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "c.thm").write_text("theorem a: sin(X) ∘ sin(X) + cos(X) ∘ cos(X) = 𝟏   expect unknown\n"
                                  "theorem b: tr(A B) = tr(B A)\n")
    code, out, _ = run(capsys, "rules", "impact", str(f), str(corpus))
    assert code == 0
    assert "newly proved (1): c.thm:a" in out and "no longer proved (0): none" in out
    assert "no proof used (1): spare" in out and "search work:" in out


def test_discover_finds_the_hadamard_diag_laws(capsys):
    """Issue 26: enumerating terms over ∘, diag and ᵀ and grouping them by their values must
    find diag(a) X diag(b) = (a bᵀ) ∘ X and diag(a ∘ b) = diag(a) diag(b) (with --known none:
    the shipped rules know them since issue 24)."""
    code, out, _ = run(capsys, "rules", "discover", "--ops", "∘,diag,ᵀ", "--size", "7", "--known", "none",
                       "--most", "400")
    assert code == 0
    assert ": diag(a) diag(b) -> diag(a ∘ b)" in out
    assert ": (diag(a) X) diag(b) -> X ∘ a bᵀ" in out
    assert "unsound" not in out


def test_discover_leaves_out_what_the_shipped_rules_prove(capsys):
    code, out, _ = run(capsys, "rules", "discover", "--ops", "tr,ᵀ,diag,sum", "--size", "5")
    assert code == 0 and ": sum(diag(X)) -> tr(X)" in out
    assert "diag(a) diag(b)" not in out


def test_a_proof_names_a_users_rule_with_its_place(capsys, tmp_path):
    """Issue 26: a rule matproof does not ship is named `file:line name` in a proof."""
    f = tmp_path / "py.thm"
    f.write_text("rule pythagoras: sin(A) ∘ sin(A) + cos(A) ∘ cos(A) -> 𝟏\n"
                 "theorem t: sin(X) ∘ sin(X) + cos(X) ∘ cos(X) = 𝟏\n")
    code, out, _ = run(capsys, "prove", str(f))
    assert code == 0 and "by py.thm:1 pythagoras" in out
