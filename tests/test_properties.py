"""Declared properties are facts the prover uses and names (issue 16): every identity of
tests/data/properties.thm that holds only by a property is proved with that property named
in its proof, the kernel checks each named fact against the declarations, and without the
declaration the identity is never proved."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from checker.certificate import check
from checker.kernel import KernelError
from checker.parse import parse_text
from checker.pipeline import prove_theorem
from checker.resources import shipped_rule_files

DATA = Path(__file__).parent / "data"
DOC = parse_text((DATA / "properties.thm").read_text(encoding="utf-8"), "properties.thm")
BY_PROPERTY = [t for t in DOC.theorems if t.name.startswith("p-")]
WITHOUT = [t for t in DOC.theorems if t.name.startswith("n-")]


def test_the_file_is_as_large_as_promised():
    assert len(BY_PROPERTY) >= 30 and len(WITHOUT) >= 10


@pytest.mark.parametrize("thm", BY_PROPERTY, ids=[t.name for t in BY_PROPERTY])
def test_an_identity_that_holds_by_a_property_names_it(thm):
    res = prove_theorem(thm)
    assert res.status == "proved", res.reason
    named = [row["rule"] for row in res.proof if "(declared)" in row["rule"]]
    declared = {name for name, d in DOC.decls.items() if d.props - {"constant"}}
    assert named, [row["rule"] for row in res.proof]
    assert any(f"{name} is " in rule for rule in named for name in declared)


@pytest.mark.parametrize("thm", WITHOUT, ids=[t.name for t in WITHOUT])
def test_without_the_declaration_it_is_not_proved(thm):
    assert prove_theorem(thm).status == "refuted"


def _certificate(text: str) -> dict:
    (thm,) = parse_text(text).theorems
    res = prove_theorem(thm)
    assert res.status == "proved", res.reason
    return json.loads(json.dumps(res.certificate))


def test_a_normal_form_step_names_its_facts_and_the_kernel_needs_them():
    cert = _certificate("let S: n×n spd\ntheorem t: ∂(xᵀ S x)/∂x = 2 S x")
    steps = [st for st in cert["steps"] if "reflection" in st]
    assert any(st["facts"] == ["spd(S)"] for st in steps)
    check(cert, shipped_rule_files())      # accepted as it is
    bare = copy.deepcopy(cert)
    for st in bare["steps"]:
        if "reflection" in st:
            st["facts"] = []
    with pytest.raises(KernelError, match="do not have one normal form"):
        check(bare, shipped_rule_files())


def test_the_kernel_refuses_a_fact_that_is_not_declared():
    cert = _certificate("let S: n×n symmetric\ntheorem t: Sᵀ + A = S + A")
    forged = copy.deepcopy(cert)
    forged["theorem"]["text"] = forged["theorem"]["text"].replace("let S: n×n symmetric", "let S: n×n")
    for st in forged["steps"]:
        if "reflection" in st:
            st["facts"] = ["symmetric(S)"]
    with pytest.raises(KernelError, match="symmetric"):
        check(forged, shipped_rule_files())


def test_a_rule_condition_is_met_by_a_derived_fact_and_names_the_declared_one():
    """Xᵀ S X is symmetric because S is: derived from structure, not assumed; the proof
    names the declaration it rests on."""
    (thm,) = parse_text("let S: n×n symmetric\ntheorem t: (Xᵀ S X)ᵀ = Xᵀ S X").theorems
    res = prove_theorem(thm, normal_form=False)
    assert res.status == "proved", res.reason
    assert any("S is symmetric (declared)" in row["rule"] for row in res.proof)
    (plain,) = parse_text("theorem t: (Xᵀ M X)ᵀ = Xᵀ M X").theorems
    assert prove_theorem(plain, normal_form=False).status == "refuted"


@pytest.mark.parametrize("printer", ["unicode", "ascii", "latex"])
def test_a_power_by_a_dimension_round_trips_in_every_notation(printer):
    from checker.printing import PRINTERS
    (thm,) = parse_text("let X: n×n\ntheorem t: det(α X) = α^n det(X)").theorems
    text = " = ".join(PRINTERS[printer](e) for e in thm.sides)
    (again,) = parse_text("let X: n×n\ntheorem t: " + text).theorems
    assert again.sides == thm.sides, text


def test_a_power_by_a_name_that_is_no_dimension_is_bad_input():
    from checker.errors import MatproofError
    from checker.typecheck import type_theorem
    with pytest.raises(MatproofError, match="cannot read the superscript 'm'") as info:
        parse_text("let X: n×n\ntheorem t: det(α X) = α^m det(X)")
    line = "theorem t: det(α X) = α^m det(X)"
    assert "dimension" in info.value.hint and info.value.column == line.index("^") + 1
    (thm,) = parse_text("let X: n×n\ntheorem t: X^n = X").theorems
    with pytest.raises(MatproofError, match="only a scalar can be raised to the power n"):
        type_theorem(thm)


def test_determinant_scaling_for_a_named_size_is_decided_by_the_normal_form():
    """det(α X) = αⁿ det X with n the declared size; numbers fold for a numeric size."""
    for text, status in [("let X: n×n\ntheorem t: det(α X) = α^n det(X)", "proved"),
                         ("let X: n×n\ntheorem t: det(2 α X) = 2^n α^n det(X)", "proved"),
                         ("let X: 3×3\ntheorem t: det(2 X) = 8 det(X)", "proved"),
                         ("let X: n×n\ntheorem t: det(α X) = α det(X)", "refuted")]:
        (thm,) = parse_text(text).theorems
        res = prove_theorem(thm)
        assert res.status == status, (text, res.reason)
        if status == "proved":
            json.dumps(res.certificate)   # kernel-checked, and a certificate to keep


def test_a_rule_names_the_size_of_what_it_matched():
    """det-scale: det(α A) -> α^n det(A) with `let A: n×n` in the rule file: instantiated on an
    m×m X it gives α^m, checked so by the kernel (a rule may name a matrix's size)."""
    (thm,) = parse_text("let X: m×m\ntheorem t: det(β X) = β^m det(X)").theorems
    res = prove_theorem(thm, normal_form=False)
    assert res.status == "proved", res.reason
    assert [row["rule"] for row in res.proof][1:] == ["det-scale"]
    cert = json.loads(json.dumps(res.certificate))
    bad = json.loads(json.dumps(cert).replace('"attr": "m"', '"attr": "k"'))
    with pytest.raises(KernelError):
        check(bad, shipped_rule_files())
