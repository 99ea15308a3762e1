"""The command line: outputs, exit statuses, and no tracebacks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main

from conftest import DATA

SEED = "∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_prove_refuted_exits_1_with_counterexample(capsys):
    code, out, err = run(capsys, "prove", "(A B)ᵀ = Aᵀ Bᵀ")
    assert code == 1
    assert "refuted" in out and "counterexample" in out and "relative difference" in out


def test_prove_algebra_identity_shows_the_proof(capsys):
    code, out, _ = run(capsys, "prove", "tr(A B C) = tr(C A B)")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "✓ line 1: proved"
    assert lines[-2:] == ["      tr(A B C)", "    = tr(C A B)   by trace-cyclic"]


def test_identity_beyond_the_rules_is_unknown_with_the_limit_named(capsys):
    code, out, _ = run(capsys, "prove", "--no-normal-form", "--max-iterations", "1", SEED)
    assert code == 3
    assert out.startswith("? line 1: unknown")
    assert "no proof found: the iteration limit (1) was reached" in out
    assert "closest forms found" in out


def test_prove_json(capsys):
    code, out, _ = run(capsys, "prove", "--json", "tr(A B C) = tr(B A C)")
    obj = json.loads(out)
    assert code == 1
    assert obj["status"] == "refuted" and obj["expected"] == "proved" and obj["line"] == 1
    assert set(obj["counterexample"]["values"]) == {"A", "B", "C"}
    assert isinstance(obj["seconds"], float)


def test_prove_file_reports_every_theorem(capsys, tmp_path):
    f = tmp_path / "two.thm"
    f.write_text("theorem good: tr(A B) = tr(B A)\ntheorem bad: tr(A B C) = tr(B A C) expect refuted\n")
    code, out, _ = run(capsys, "prove", "--json", str(f))
    obj = json.loads(out)
    assert [t["status"] for t in obj["theorems"]] == ["proved", "refuted"]
    assert code == 1


def test_let_option_declares(capsys):
    code, out, _ = run(capsys, "parse", "--let", "X: n×n spd", "--let", "a: n", "aᵀ X a = tr(X a aᵀ)")
    assert code == 0
    assert "X: n×n invertible spd symmetric" in out


def test_parse_formats(capsys):
    for fmt, expected in [("unicode", "∂(aᵀ X⁻¹ b)/∂X = −X⁻ᵀ a bᵀ X⁻ᵀ"),
                          ("ascii", "d(a' X^-1 b)/dX = -X^-T a b' X^-T"),
                          ("latex", r"\frac{\partial a^{T} X^{-1} b}{\partial X} = -X^{-T} a b^{T} X^{-T}")]:
        code, out, _ = run(capsys, "parse", "--format", fmt, SEED)
        assert code == 0 and expected in out, fmt
    code, out, _ = run(capsys, "parse", "--json", SEED)
    st = json.loads(out)["statements"][0]
    assert st["shape"] == "n×n" and st["assumptions"] == ["X is invertible"]
    assert st["symbols"]["a"]["shape"] == "n×1"


def test_parse_corpus_file(capsys):
    code, out, _ = run(capsys, "parse", str(DATA / "public.thm"))
    assert code == 0 and out.count("theorem ") == 62


@pytest.mark.parametrize("argv", [
    ["prove", "tr(A B = 1"],
    ["prove", "let A: m×n\ntheorem t: tr(A) = 0"],
    ["parse", "\\foo"],
    ["prove", "no_such_file.thm"],
    ["prove", "A B"],
    ["prove", ""],
])
def test_bad_input_exits_2_without_traceback(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err and "error" in err


def test_console_script_runs_without_traceback(tmp_path):
    """The installed `matproof` (or `python -m checker.cli`) on a bad line."""
    cmd = [sys.executable, "-m", "checker.cli", "prove", "tr(A B"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert out.returncode == 2
    assert "^" in out.stderr and "Traceback" not in out.stderr


def test_grad_derives_proves_and_checks(capsys):
    code, out, _ = run(capsys, "grad", "xᵀ A x", "--wrt", "x")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "∂f/∂x = (A + Aᵀ) x"           # the Cookbook's answer (eq. 81)
    assert lines[1] == "✓ line 1: proved"
    assert "agrees on 6 random instances" in out


@pytest.mark.parametrize("f, wrt, gradient", [
    ("‖A x − b‖²", "x", "2 Aᵀ (A x − b)"),                                   # least squares
    ("‖A x − b‖² + λ ‖x‖²", "x", "2 Aᵀ (A x − b) + 2 λ x"),                   # ridge
    ("‖tanh(W x) − y‖²", "W", "2 ((tanh(W x) − y) ∘ (𝟏 − tanh(W x) ∘ tanh(W x))) xᵀ"),   # a tanh layer
    ("log(det(X))", "X", "X⁻ᵀ"),                                              # Cookbook eq. 57
    ("‖X‖_F", "X", "‖X‖_F⁻¹ X"),
    ("aᵀ X⁻¹ b", "X", "−X⁻ᵀ a bᵀ X⁻ᵀ"),                                     # Cookbook eq. 61
    ("tr(A X B)", "X", "Aᵀ Bᵀ"),                                              # Cookbook eq. 102
    ("tr(A X⁻¹ B)", "X", "−X⁻ᵀ Aᵀ Bᵀ X⁻ᵀ"),                                   # Cookbook eq. 63
    ("sum(log(𝟏 + exp(−y ∘ (X w))))", "w", "Xᵀ (−y ∘ sigmoid(−y ∘ X w))"),  # logistic regression
    ("‖X X x‖²", "X", "2 X X x xᵀ Xᵀ + 2 Xᵀ X X x xᵀ"),                       # X twice: read off, no search
    ("tr(X A X B X)", "X", "Aᵀ Xᵀ Xᵀ Bᵀ + Bᵀ Xᵀ Aᵀ Xᵀ + Xᵀ Bᵀ Xᵀ Aᵀ"),
    ("tr(tanh(X))", "X", "(𝟏 − tanh(X) ∘ tanh(X)) ∘ I"),
])
def test_grad_of_what_people_differentiate(capsys, f, wrt, gradient):
    """Each expected gradient was worked by hand (and the proof is checked anyway)."""
    code, out, _ = run(capsys, "grad", f, "--wrt", wrt)
    assert code == 0, out
    assert out.splitlines()[0] == f"∂f/∂{wrt} = {gradient}"


def test_grad_of_det_says_what_to_declare(capsys):
    code, out, _ = run(capsys, "grad", "det(X)", "--wrt", "X")
    assert code == 3 and "--let 'X: n×n invertible'" in out
    code, out, _ = run(capsys, "grad", "det(X)", "--wrt", "X", "--let", "X: n×n invertible")
    assert code == 0 and out.splitlines()[0] == "∂f/∂X = det(X) X⁻ᵀ"      # Cookbook eq. 49


def test_grad_of_a_matrix_is_bad_input(capsys):
    code, _, err = run(capsys, "grad", "A X", "--wrt", "X")
    assert code == 2 and "scalar function" in err


def test_verify_round_trip_and_tampering(capsys, tmp_path):
    cert = tmp_path / "c.json"
    code, _, _ = run(capsys, "prove", "--certificate", str(cert), "tr(A B C) = tr(C A B)")
    assert code == 0
    code, out, _ = run(capsys, "verify", str(cert))
    assert code == 0 and out.startswith("✓ certificate 1 accepted")
    data = json.loads(cert.read_text())
    data["certificates"][0]["steps"][0]["rule"] = "transpose-product"
    cert.write_text(json.dumps(data))
    code, _, err = run(capsys, "verify", str(cert))
    assert code == 1 and "step 1" in err


def test_check_reports_each_theorem_against_its_expectation(capsys, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.thm").write_text(
        "theorem a: tr(A B) = tr(B A)\ntheorem b: (A B)ᵀ = Aᵀ Bᵀ expect refuted\n")
    code, out, _ = run(capsys, "check", "--no-cache", str(tmp_path))
    assert code == 0
    assert out.splitlines()[-1] == "2 theorems in 1 files: 2 as expected, 0 not"
    (tmp_path / "bad.thm").write_text("theorem c: tr(A B C) = tr(B A C)\n")
    code, out, _ = run(capsys, "check", "--no-cache", "--json", str(tmp_path))
    obj = json.loads(out)
    assert code == 1 and obj["failed"] == 1
    assert {t["name"]: t["status"] for t in obj["theorems"]} == {"a": "proved", "b": "refuted", "c": "refuted"}


def test_check_with_a_syntax_error_is_bad_input(capsys, tmp_path):
    (tmp_path / "broken.thm").write_text("theorem t: tr(A B = 1\n")
    code, _, err = run(capsys, "check", "--no-cache", str(tmp_path))
    assert code == 2 and "broken.thm:1:" in err


def test_a_certificate_with_decorated_names_verifies(capsys, tmp_path):
    """Before: `let w_hat: n` was written into the certificate, which does not read back
    (w_h·a·t), and `verify` rejected a sound proof."""
    thm = tmp_path / "nm.thm"
    thm.write_text("let \\hat{w}: n\nlet \\bm{\\mu}: n\nlet W^{(1)}: n×n\n"
                   "theorem t: \\hat{w}^T W^{(1)} \\bm{\\mu} = \\bm{\\mu}^T W^{(1)T} \\hat{w}\n", encoding="utf-8")
    cert = tmp_path / "c.json"
    code, out, _ = run(capsys, "prove", str(thm), "--certificate", str(cert))
    assert code == 0
    code, out, err = run(capsys, "verify", str(cert))
    assert code == 0 and "accepted" in out, out + err
