"""Nothing false gets through, and nothing crashes: inputs a hostile or careless user gives.

Each test is one case of issue 17, with the exit status it had before (in its docstring)
and the one it must have now.
"""
from __future__ import annotations

import json
import shutil

import pytest

from checker.check import cache_key, document
from checker.cli import main
from checker.rules import default_rule_files


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---- 1. a cache entry proves only the theorem it was made for ---------------------------

def test_a_valid_certificate_planted_under_another_theorems_key_is_not_a_proof(capsys, tmp_path):
    """Before: exit 0, "✓ proved, from the cache" for a false theorem. Now: refuted, exit 1."""
    cache = tmp_path / "cache"
    good, bad = tmp_path / "good.thm", tmp_path / "bad.thm"
    good.write_text("theorem t: (A B)ᵀ = Bᵀ Aᵀ\n")
    bad.write_text("theorem t: (A B)ᵀ = Aᵀ Bᵀ\n")
    assert run(capsys, "check", "--cache", str(cache), str(good))[0] == 0
    (entry,) = cache.glob("*.json")
    planted = cache / f"{cache_key(document(str(bad)).theorems[0], default_rule_files())}.json"
    shutil.copy(entry, planted)
    code, out, err = run(capsys, "check", "--cache", str(cache), str(bad))
    assert code == 1
    assert "refuted" in out and "from the cache" not in out
    assert "proves another theorem" in err


def test_a_cache_entry_relying_on_a_rule_file_not_in_use_is_ignored(capsys, tmp_path):
    cache = tmp_path / "cache"
    thm = tmp_path / "t.thm"
    thm.write_text("theorem t: (A B)ᵀ = Bᵀ Aᵀ\n")
    assert run(capsys, "check", "--cache", str(cache), str(thm))[0] == 0
    (entry,) = cache.glob("*.json")
    data = json.loads(entry.read_text())
    data["certificates"][0]["rule_files"].append({"path": str(tmp_path / "x.rules"), "sha256": "0" * 64})
    entry.write_text(json.dumps(data))
    code, out, err = run(capsys, "check", "--cache", str(cache), str(thm))
    assert code == 0 and "from the cache" not in out and "not one this check trusts" in err


def test_cached_results_show_the_current_line(capsys, tmp_path):
    """Before: a cached result printed the line the theorem had when it was cached."""
    cache = tmp_path / "cache"
    thm = tmp_path / "t.thm"
    thm.write_text("theorem t: (A B)ᵀ = Bᵀ Aᵀ\n")
    run(capsys, "check", "--cache", str(cache), str(thm))
    thm.write_text("\n\n# moved down\ntheorem t: (A B)ᵀ = Bᵀ Aᵀ\n")
    code, out, _ = run(capsys, "check", "--cache", str(cache), str(thm))
    assert code == 0 and f"{thm}:4 t: proved" in out and "from the cache" in out


def test_a_cache_entry_that_is_a_folder_is_a_miss_and_checking_goes_on(capsys, tmp_path):
    """Before: exit 70 (IsADirectoryError), the remaining files never printed."""
    cache = tmp_path / "cache"
    a, b = tmp_path / "a.thm", tmp_path / "b.thm"
    a.write_text("theorem t: (A B)ᵀ = Bᵀ Aᵀ\n")
    b.write_text("theorem u: tr(A B) = tr(B A)\n")
    cache.mkdir()
    (cache / f"{cache_key(document(str(a)).theorems[0], default_rule_files())}.json").mkdir()
    code, out, err = run(capsys, "check", "--cache", str(cache), str(a), str(b))
    assert code == 0
    assert "a.thm:1 t: proved" in out and "b.thm:1 u: proved" in out
    assert "damaged" in err and "not cached" in err


# ---- 2. verify trusts only the rule files it is told to --------------------------------

def _certificate_with_an_unsound_rule(tmp_path):
    """A kernel-valid certificate of a false theorem, made with an unsound rule file (the
    search run directly, without the numeric guard the pipeline would apply)."""
    from checker import certificate
    from checker.limits import Limits
    from checker.parse import parse_file
    from checker.strategy import search_link
    from checker.typecheck import type_theorem
    bad = tmp_path / "bad.rules"
    bad.write_text("rule bad: tr(A B C) -> tr(B A C)\n")
    thm_file = tmp_path / "t.thm"
    thm_file.write_text('use "bad.rules"\ntheorem t: tr(A B C) = tr(B A C)\n')
    (thm,) = parse_file(thm_file).theorems
    found = search_link(type_theorem(thm), 0, thm.decls, default_rule_files() + [bad],
                        Limits(iterations=5))
    assert found.proved
    cert = tmp_path / "c.json"
    certificate.write(cert, [found.certificate])
    return cert, bad


def test_verify_rejects_a_rule_file_it_was_not_told_to_trust(capsys, tmp_path):
    """Before: exit 0, "certificate 1 accepted", no word of bad.rules. Now: exit 1."""
    cert, _ = _certificate_with_an_unsound_rule(tmp_path)
    code, out, err = run(capsys, "verify", str(cert))
    assert code == 1 and "bad.rules" in err and "--trust-rules" in err and "accepted" not in out


def test_verify_lints_a_trusted_rule_file_and_names_the_unsound_rule(capsys, tmp_path):
    cert, bad = _certificate_with_an_unsound_rule(tmp_path)
    code, out, err = run(capsys, "verify", str(cert), "--trust-rules", str(bad))
    assert code == 1 and "rule bad" in err and "unsound" in err and "left" in err


def test_verify_names_the_rule_files_it_relied_on(capsys, tmp_path):
    cert = tmp_path / "c.json"
    assert run(capsys, "prove", "--certificate", str(cert), "tr(A B C) = tr(C A B)")[0] == 0
    code, out, _ = run(capsys, "verify", str(cert))
    assert code == 0 and "relied on the rule files:" in out
    assert "algebra.rules  sha256 " in out


def test_a_file_of_two_theorems_one_a_chain_round_trips_through_verify(capsys, tmp_path):
    """Before: the chain's certificates were nested in the file and verify rejected
    certificate 2 as "not a matproof certificate of a known format"."""
    thm = tmp_path / "two.thm"
    thm.write_text("theorem a: tr(A B) = tr(B A)\ntheorem b: ((A)ᵀ)ᵀ = A = (Aᵀ)ᵀ\n")
    cert = tmp_path / "c.json"
    assert run(capsys, "prove", str(thm), "--certificate", str(cert))[0] == 0
    data = json.loads(cert.read_text())
    assert data["format"] == "matproof-certificates/1" and len(data["certificates"]) == 3
    code, out, _ = run(capsys, "verify", str(cert))
    assert code == 0 and out.count("accepted") == 3


# ---- 3. the numeric guard cannot be turned off -----------------------------------------

@pytest.mark.parametrize("draws", ["0", "-1"])
def test_draws_below_one_is_a_usage_error(capsys, draws):
    """Before: --draws 0 skipped the numeric test (an unsound rule file then "proved" a
    false theorem); -1 was accepted. Now: exit 2."""
    code, _, err = run(capsys, "prove", "--draws", draws, "tr(A B) = tr(B A)")
    assert code == 2 and "--draws" in err


def test_the_api_refuses_zero_draws():
    import checker
    with pytest.raises(ValueError, match="draws"):
        checker.prove("tr(A B) = tr(B A)", draws=0)


# ---- 4. paths ----------------------------------------------------------------------------

def test_a_long_identity_is_not_taken_for_a_file_name(capsys):
    """Before: exit 70 (ENAMETOOLONG) for any identity of 256–4095 bytes."""
    text = " + ".join(["tr(A B)"] * 60) + " = " + " + ".join(["tr(B A)"] * 60)
    assert 256 < len(text.encode()) < 4096
    code, _, err = run(capsys, "prove", "--max-iterations", "2", text)
    assert code in (0, 3) and "internal error" not in err


@pytest.mark.parametrize("option", ["--certificate", "--graph"])
def test_an_output_in_a_missing_folder_is_refused_before_the_work(capsys, tmp_path, option):
    """Before: exit 70 (FileNotFoundError) after the proof."""
    target = tmp_path / "missing" / "out.dot"
    code, out, err = run(capsys, "prove", option, str(target), "tr(A B) = tr(B A)")
    assert code == 2 and str(target) in err and "does not exist" in err and out == ""


def test_a_junit_report_in_a_missing_folder_is_refused_before_the_work(capsys, tmp_path):
    """Before: exit 70 after every theorem had been checked."""
    thm = tmp_path / "t.thm"
    thm.write_text("theorem t: tr(A B) = tr(B A)\n")
    code, out, err = run(capsys, "check", "--junit", str(tmp_path / "no" / "r.xml"), str(thm))
    assert code == 2 and "does not exist" in err and "t: proved" not in out


def test_a_missing_thm_file_is_named(capsys):
    code, _, err = run(capsys, "prove", "nowhere.thm")
    assert code == 2 and "no such file: nowhere.thm" in err


# ---- 5. a check that checks nothing fails ----------------------------------------------

def test_check_of_an_empty_folder_is_bad_input(capsys, tmp_path):
    """Before: "0 theorems in 0 files", exit 0."""
    (tmp_path / "notes.txt").write_text("nothing here\n")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2 and "no theorem to check" in err


def test_two_theorems_with_one_name_are_bad_input_naming_both_lines(capsys, tmp_path):
    """Before: accepted silently; the two collided in JUnit."""
    thm = tmp_path / "t.thm"
    thm.write_text("theorem t: tr(A B) = tr(B A)\n\ntheorem t: (A B)ᵀ = Bᵀ Aᵀ\n")
    code, _, err = run(capsys, "check", str(thm))
    assert code == 2 and "theorem t is named twice: on line 1 and on line 3" in err


# ---- 7. options that make no sense ---------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["prove", "--timeout", "0"], ["prove", "--timeout", "-1"], ["prove", "--timeout", "nan"],
    ["prove", "--timeout", "inf"], ["prove", "--max-nodes", "0"], ["prove", "--max-nodes", "-1"],
    ["prove", "--max-iterations", "0"], ["check", "-j", "0"], ["check", "-j", "-1"],
    ["check", "--timeout", "0"], ["check", "--shard", "1/0"], ["check", "--shard", "x"],
])
def test_senseless_options_are_usage_errors(capsys, argv):
    """Before: each accepted silently (or, for --shard, an error prefixed `<input>:`)."""
    code, _, err = run(capsys, *argv, "tr(A B) = tr(B A)")
    assert code == 2 and argv[1] in err and "<input>" not in err


def test_workers_are_capped_by_theorems_and_cpus():
    """Before: -j 1000 on 3 theorems started 1000 processes (46 s)."""
    import os

    from checker.check import worker_count
    assert worker_count(1000, 3) == min(3, os.cpu_count() or 1)
    assert worker_count(1, 50) == 1 and worker_count(4, 1) == 1


# ---- 8. messages -------------------------------------------------------------------------

def test_check_prints_why_a_theorem_is_an_error(capsys, tmp_path):
    """Before: "✗ …: error (expected proved)" and no reason (only --json had it)."""
    thm = tmp_path / "t.thm"
    thm.write_text("let X: 2×3\ntheorem t: X⁻¹ = X⁻¹\n")
    code, out, _ = run(capsys, "check", "--no-cache", str(thm))
    assert code == 1 and "t: error (expected proved)" in out
    assert "an inverse needs a square matrix; X is 2×3" in out


@pytest.mark.parametrize("name", ["softplus", "relu"])   # softmax is known since issue 24
def test_an_unknown_function_is_named(capsys, name):
    """Before: "cannot multiply f (n×1) by o (m×1)"."""
    code, _, err = run(capsys, "prove", f"{name}(x) = x")
    assert code == 2 and f"unknown function {name}" in err


def test_a_glued_shape_in_let_gets_a_hint(capsys):
    """Before: "a invertible matrix must be square; X is nxn"."""
    code, _, err = run(capsys, "prove", "--let", "X: nxn invertible", "X = X")
    assert code == 2 and "an invertible matrix" in err and "write n×n or n x n" in err


def test_counterexample_matrices_line_up(capsys):
    """Before: the second and later rows of the two sides started at column 0."""
    code, out, _ = run(capsys, "prove", "A B = A")
    assert code == 1
    lines = out.splitlines()
    k = next(i for i, line in enumerate(lines) if line.lstrip().startswith("left"))
    assert lines[k + 1].index("[") == lines[k].index("[") + 1


def test_a_nul_byte_is_shown(capsys, tmp_path):
    """Before: the message showed the NUL invisibly."""
    thm = tmp_path / "t.thm"
    thm.write_bytes("theorem t: A\0B = B\n".encode())
    code, _, err = run(capsys, "prove", str(thm))
    assert code == 2 and "U+0000" in err and "A␀B" in err


@pytest.mark.parametrize("name", ["a\0b.rules", "a" * 5000 + ".rules"])
def test_a_use_line_naming_no_possible_file_is_bad_input(capsys, tmp_path, name):
    """Found by the CLI fuzz test: a NUL byte (ValueError) or a name too long for the system
    (OSError) in a `use` path ended as exit 70, "internal error"."""
    thm = tmp_path / "t.thm"
    thm.write_text(f'use "{name}"\ntheorem t: A = A\n', encoding="utf-8")
    code, _, err = run(capsys, "check", "--no-cache", str(thm))
    assert code == 2 and "no rule file can be named" in err and "internal error" not in err


def test_a_certificate_with_lemmas_nested_without_end_is_refused_not_followed():
    """A lemma step carries a certificate, which may carry lemma steps: a crafted file nesting
    them deep is refused by the kernel (a KernelError), never followed down."""
    import json

    from checker.kernel import KernelError, verify
    from checker.parse import parse_text
    from checker.pipeline import prove_theorem
    (thm,) = parse_text("2 ∂(xᵀ x)/∂x = 4 x").theorems
    cert = json.loads(json.dumps(prove_theorem(thm).certificate))
    deep = cert
    for _ in range(50):
        deep = {**cert, "steps": [{**cert["steps"][0], "lemma": deep}] + cert["steps"][1:]}
    with pytest.raises(KernelError, match="nested more than"):
        verify(deep)


def test_a_certificate_file_nested_too_deep_for_json_is_bad_input(tmp_path, capsys):
    from checker.cli import main
    f = tmp_path / "deep.json"
    f.write_text('{"a": ' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    code = main(["verify", str(f)])
    out, err = capsys.readouterr()
    assert code in (1, 2) and "internal error" not in out + err
