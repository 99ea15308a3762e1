"""A fast start: compiled rule files cached on disk (and never trusted by the kernel),
nothing heavy imported before it is needed, no guard search with the shipped rules."""
from __future__ import annotations

import json
import subprocess
import sys

from checker import rules as R
from checker.limits import Limits
from checker.parse import parse_file, parse_text
from checker.pipeline import prove_theorem
from checker.strategy import search_link
from checker.typecheck import type_theorem

HEAVY = {"numpy", "networkx", "sympy"}


def imported(*argv: str) -> set[str]:
    """The top-level packages a fresh `matproof ARGV` process has imported when it ends."""
    code = ("import sys, io, contextlib\nfrom checker.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(sys.argv[1:])\n    except SystemExit:\n        pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().replace("'", '"')))


def test_version_imports_neither_lark_nor_numpy_networkx_sympy():
    mods = imported("--version")
    assert not mods & (HEAVY | {"lark"}), mods & (HEAVY | {"lark"})


def test_parse_imports_none_of_numpy_networkx_sympy():
    mods = imported("parse", "∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ")
    assert "lark" in mods and not mods & HEAVY, mods & HEAVY


def test_prove_imports_neither_networkx_nor_sympy():
    for identity in ("(A B)ᵀ = Aᵀ Bᵀ", "∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ"):   # refuted; proved and explained
        mods = imported("prove", identity)
        assert "numpy" in mods and not mods & {"networkx", "sympy"}, identity


# ---- the guard search ---------------------------------------------------------------------

def test_no_guard_search_for_a_refuted_theorem_with_the_shipped_rules(monkeypatch):
    calls = []

    def search_link(*args, **kwargs):
        calls.append(args)
        return type("NotFound", (), {"proved": False})()
    monkeypatch.setattr("checker.strategy.search_link", search_link)
    (thm,) = parse_text("tr(A B C) = tr(B A C)").theorems
    assert prove_theorem(thm).status == "refuted" and calls == []
    assert prove_theorem(thm, paranoid=True).status == "refuted" and len(calls) == 1


# ---- the compiled-rule cache ----------------------------------------------------------------

def _fresh():
    R.compiled.cache_clear()
    R._rewrites.cache_clear()


def test_a_damaged_compiled_entry_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("MATPROOF_CACHE_DIR", str(tmp_path / "cache"))
    mine = tmp_path / "mine.rules"
    mine.write_text("rule swap: (A B)ᵀ -> Bᵀ Aᵀ\n")
    _fresh()
    first = R.compiled_rules([mine])
    (entry,) = (tmp_path / "cache" / "rules").glob("*.json")
    entry.write_text("{ not json")
    _fresh()
    assert R.compiled_rules([mine]) == first
    assert json.loads(entry.read_text())["rules"][0]["name"] == "swap"   # rewritten whole


def test_a_tampered_compiled_rule_cannot_prove_a_false_theorem(tmp_path, monkeypatch):
    """The search may read a poisoned cache, but the kernel reads the rules a proof used
    from the rule file itself, so the proof is rejected."""
    monkeypatch.setenv("MATPROOF_CACHE_DIR", str(tmp_path / "cache"))
    mine, false = tmp_path / "mine.rules", tmp_path / "false.rules"
    mine.write_text("rule swap: (A B)ᵀ -> Bᵀ Aᵀ\n")
    false.write_text("rule swap: (A B)ᵀ -> Aᵀ Bᵀ\n")
    _fresh()
    R.compiled_rules([mine])
    (entry,) = (tmp_path / "cache" / "rules").glob("*.json")
    data = json.loads(entry.read_text())
    data["rules"][0]["rhs"] = R._encode_rule(R.compile_rule(parse_file(false).rules[0]))["rhs"]
    entry.write_text(json.dumps(data))
    _fresh()
    thm_file = tmp_path / "t.thm"
    thm_file.write_text('use "mine.rules"\ntheorem t: (A B)ᵀ = Aᵀ Bᵀ\n')
    (thm,) = parse_file(thm_file).theorems
    found = search_link(type_theorem(thm), 0, thm.decls, [mine], Limits(iterations=3))
    _fresh()
    assert not found.proved and "kernel rejected" in found.reason
