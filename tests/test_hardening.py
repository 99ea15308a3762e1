"""Hardening (issue 23): bounded resources and no internal error. Each test is an input that
ended in an internal error (exit 70), a hang or an exhausted machine before; each now gets a
clear message with exit 2 (bad input) or a proper verdict."""
from __future__ import annotations

import json

import pytest

from checker.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---- bounded: numbers, exponents, sizes ----------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["prove", "--seed", "-1", "x = x"], "--seed: must be 0 or more"),
    (["prove", "x = 0." + "0" * 5000 + "1 x"], "a number of more than 30 digits"),
    (["prove", "x = " + "9" * 4301 + " x"], "a number of more than 30 digits"),
    (["prove", "--let", "X: " + "9" * 4301 + "×3", "X = X"], "a size above 1000"),
    (["prove", "--let", "X: 100000×100000", "X = X"], "a size above 1000"),
    (["prove", "X^10000 = X^10000"], "an exponent beyond 100"),
    (["prove", "α^{1/1000} = α"], "an exponent beyond 100"),
    (["prove", "--draws", "100000", "x = x"], "at most 1000 draws"),
])
def test_what_a_formula_or_option_may_not_ask_is_bad_input(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "internal error" not in err


def test_sizes_too_large_to_draw_are_not_drawn(capsys):
    """Before: a 1000×1000 ⊗ 1000×1000 product was allocated (7 TiB): MemoryError, exit 70."""
    code, out, err = run(capsys, "prove", "--let", "A, B: 1000×1000", "A ⊗ B = A ⊗ B")
    assert code == 0 and "too large to test numerically" in out and "internal error" not in err


def test_draws_beyond_sixty_are_drawn(capsys):
    """Before: --draws 100 said "agrees on 60 random instances"."""
    code, out, _ = run(capsys, "prove", "--draws", "100", "x = x")
    assert code == 0 and "agrees on 100 random instances" in out


@pytest.mark.parametrize("q", ["1/0", "1e1000000000", "9" * 100, "0x10", 3])
def test_a_malformed_number_in_a_certificate_is_rejected_at_once(capsys, tmp_path, q):
    """Before: "1/0" was an internal error and "1e1000000000" hung."""
    from forgery import certificate, members, step
    x, two_x = members("theorem t: 2 x = x + x")
    cert = certificate("theorem t: 2 x = x + x", [step(x, two_x)])
    cert["steps"][0]["before"]["args"][0]["q"] = q
    f = tmp_path / "c.json"
    f.write_text(json.dumps(cert))
    code, _, err = run(capsys, "verify", str(f))
    assert code == 1 and "a number is malformed" in err


# ---- internal errors that were -----------------------------------------------------------

@pytest.mark.parametrize("argv, status", [
    (["prove", "--let", "A: n×n", "--let", "B: m×m", "det(2 A) = 2^m det(A)"], 1),    # KeyError 'm'
    (["prove", "--let", "b: n constant", "d(X b) = d(X) b"], 0),                       # IndexError
    (["grad", "<C, (-a) x^T>", "--wrt", "x", "--let", "A, B, C: n×n", "--let", "a, b, x: n"], 0),
    (["prove", "--let", "X: n×n invertible", "--let", "a, b, x: n",
      "d(norm(tanh(b) (tr(X) x)^T)^2) = 2 <tanh(b) (tr(X) x)^T tr(dX) x, tanh(b)>"], 0),
    (["grad", "tr(X)", "--wrt", "vec(X)"], 0),     # derived vec(I)ᵀ, then refused its own shape
])
def test_inputs_that_were_internal_errors_get_a_verdict(capsys, argv, status):
    code, out, err = run(capsys, *argv)
    assert code == status, out + err
    assert "internal error" not in err


def test_a_power_of_a_dimension_does_not_end_a_check(capsys, tmp_path):
    """Before: `(−1)^n (−1)^n = 1` with `let A: n×n` killed the whole check (exit 70)."""
    f = tmp_path / "t.thm"
    f.write_text("let A: n×n\ntheorem t: (−1)^n (−1)^n = 1\ntheorem u: tr(A) = tr(Aᵀ)\n")
    code, out, err = run(capsys, "check", "--no-cache", str(f))
    assert "internal error" not in err
    assert "u: proved" in out


def test_verify_takes_the_certificate_after_a_trusted_rule_file(capsys, tmp_path):
    """Before: `verify --trust-rules F cert.json` was a usage error (the option swallowed the
    certificate), though the tool's own hint suggests that order."""
    rules = tmp_path / "mine.rules"
    rules.write_text("rule swap-trace: tr(A B) -> tr(B A)\n")
    thm = tmp_path / "t.thm"
    thm.write_text(f'use "{rules}"\ntheorem t: tr(A B) = tr(B A)\n')
    cert = tmp_path / "c.json"
    assert run(capsys, "prove", "--certificate", str(cert), str(thm))[0] == 0
    code, out, err = run(capsys, "verify", "--trust-rules", str(rules), str(cert))
    assert code == 0 and "accepted" in out, err


# ---- isolation: one theorem's failure is that theorem's -----------------------------------

def test_an_internal_error_in_one_theorem_is_its_error_and_the_run_goes_on(capsys, tmp_path, monkeypatch):
    """Before: the exception ended `check`: no result for the other theorems, no reports."""
    import checker.pipeline
    real = checker.pipeline.prove_theorem

    def flaky(thm, **options):
        if thm.name == "b":
            raise ZeroDivisionError("a bug of ours")
        return real(thm, **options)
    monkeypatch.setattr(checker.pipeline, "prove_theorem", flaky)
    f = tmp_path / "t.thm"
    f.write_text("theorem a: x = x\ntheorem b: y = y\ntheorem c: tr(A B) = tr(B A)\n")
    junit, html = tmp_path / "j.xml", tmp_path / "r.html"
    code, out, err = run(capsys, "check", "--no-cache", "--junit", str(junit), "--html", str(html), str(f))
    assert code == 1
    assert "a: proved" in out and "c: proved" in out
    assert "b: error" in out and "internal error: ZeroDivisionError" in out
    assert junit.exists() and html.exists()


def test_a_formula_nested_too_deep_is_an_error_at_its_place_and_checking_goes_on(capsys, tmp_path):
    """Before: 200 nested brackets in one formula aborted the whole check, with no location."""
    deep = "(" * 200 + "x" + ")" * 200
    f = tmp_path / "notes.md"
    f.write_text(f"<!-- matproof: let x: n -->\n$$x = x$$\n\n$${deep} = x$$\n\n$$y = y$$\n")
    code, out, _ = run(capsys, "check", "--no-cache", str(f))
    assert code == 0            # not read, said at its place; the document is not shown wrong
    assert "nested too deeply" in out and ":4:" in out and "1 not read" in out
    assert ":2:3: ✓ line 2: proved" in out and ":6:3: ✓ line 6: proved" in out


def test_junit_is_valid_xml_when_a_label_holds_control_characters(capsys, tmp_path):
    import xml.etree.ElementTree as ET
    f = tmp_path / "a.tex"
    f.write_text("% matproof: let x: n\n\\begin{equation}\nx = x \\label{eq:\x01odd\x1b}\n\\end{equation}\n")
    junit = tmp_path / "j.xml"
    code, _, _ = run(capsys, "check", "--no-cache", "--junit", str(junit), str(f))
    assert code == 0
    ET.parse(junit)      # raises on an invalid character
    assert "␁" in junit.read_text(encoding="utf-8")


# ---- untrusted files -------------------------------------------------------------------------

def _matproof(*argv, env_extra=None, cwd=None):
    import os
    import subprocess
    import sys
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "checker.cli", *argv], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_the_parser_tables_are_never_unpickled_from_a_folder_others_can_write(tmp_path):
    """Before: Lark(cache=True) unpickled $TMPDIR/.lark_cache_<user>_<sha>_<py>.tmp, a name
    anyone could plant; a planted pickle ran its payload on `matproof parse 'x = x'`."""
    import os
    import pickle
    marker = tmp_path / "payload-ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    shared = tmp_path / "shared"
    (shared / "parser").mkdir(parents=True)
    os.chmod(shared / "parser", 0o777)          # a folder anyone can write into
    for name in ("lark-planted.pickle",):
        (shared / "parser" / name).write_bytes(pickle.dumps(Payload()))
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    done = _matproof("parse", "x = x", env_extra={"MATPROOF_CACHE_DIR": str(shared), "TMPDIR": str(tmpdir)})
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert not any(tmpdir.iterdir())                              # nothing kept in $TMPDIR
    assert not any(p.name != "lark-planted.pickle" for p in (shared / "parser").iterdir())


def test_the_parser_tables_live_in_a_private_folder(tmp_path):
    import os
    import stat
    done = _matproof("parse", "x = x", env_extra={"MATPROOF_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0
    folder = tmp_path / "cache" / "parser"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert len(list(folder.glob("lark-*.pickle"))) == 1


def _no_active_content(page: str) -> None:
    from html.parser import HTMLParser

    class Scan(HTMLParser):
        bad: list = []

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "object", "embed") or \
                    any(k.startswith("on") or "javascript:" in (v or "").lower() for k, v in attrs):
                self.bad.append((tag, attrs))
    scan = Scan()
    scan.bad = []
    scan.feed(page)
    assert not scan.bad, scan.bad
    assert "<script" not in page.lower()


def _cached_once(capsys, tmp_path):
    """A theorem file checked once with a cache: (the file, the cache, its one entry)."""
    thm = tmp_path / "t.thm"
    thm.write_text("theorem t: tr(A B) = tr(B A)\n")
    cache = tmp_path / "cache"
    assert run(capsys, "check", "--cache", str(cache), str(thm))[0] == 0
    (entry,) = cache.glob("*.json")
    return thm, cache, entry


def test_html_from_a_planted_cache_entry_holds_no_script(capsys, tmp_path):
    """Before: a cached result's line, column and proof text went into the page as stored."""
    from checker.check import cache_key, document
    from checker.rules import default_rule_files
    thm, cache, entry = _cached_once(capsys, tmp_path)
    data = json.loads(entry.read_text())
    evil = "</math><script>alert(1)</script><img src=x onerror=alert(1)>"
    data["result"].update(line=evil, column=evil, sides=[evil, evil], sides_latex=[evil, evil],
                          proof=[{"rule": evil, "term": evil, "latex": evil}], reason=evil,
                          links=[{"link": 1, "status": "proved", "line": evil, "column": evil}])
    entry.write_text(json.dumps(data))
    assert entry.name == f"{cache_key(document(str(thm)).theorems[0], default_rule_files())}.json"
    page = tmp_path / "r.html"
    code, out, _ = run(capsys, "check", "--cache", str(cache), "--html", str(page), str(thm))
    assert code == 0 and "from the cache" in out
    _no_active_content(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("latex", [r"</math><script>alert(1)</script>", r"\text{<script>x</script>}",
                                   r"\href{javascript:alert(1)}{x}", r"x \onerror{1}"])
def test_mathml_of_any_latex_is_inert(latex):
    from checker.html_report import mathml
    _no_active_content(mathml(latex))


def test_special_files_in_a_folder_are_skipped_with_a_warning(tmp_path):
    """Before: a FIFO hung `check`; a symlink to /dev/zero ate memory until OOM."""
    import os
    (tmp_path / "ok.thm").write_text("theorem t: x = x\n")
    os.mkfifo(tmp_path / "pipe.thm")
    os.symlink("/dev/zero", tmp_path / "zero.thm")
    done = _matproof("check", "--no-cache", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pipe.thm is skipped: not a regular file" in done.stderr
    assert "zero.thm is skipped" in done.stderr and "t: proved" in done.stdout


def test_a_named_fifo_is_bad_input_not_a_hang(tmp_path):
    import os
    os.mkfifo(tmp_path / "pipe.thm")
    done = _matproof("check", "--no-cache", str(tmp_path / "pipe.thm"))
    assert done.returncode == 2 and "not a regular file" in done.stderr


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_certificate_that_is_a_special_file_is_bad_input_not_a_hang(tmp_path, special):
    """Before: `verify` read a certificate with Path.read_text: a FIFO hung it, a symlink to
    /dev/zero ate memory. A certificate is as untrusted as any file handed to matproof."""
    import os
    cert = tmp_path / "proof.json"
    if special == "fifo":
        os.mkfifo(cert)
    else:
        os.symlink(special, cert)
    done = _matproof("verify", str(cert))
    assert done.returncode == 2 and "not a regular file" in done.stderr


def test_cache_entries_that_are_special_files_or_symlinks_are_misses(capsys, tmp_path):
    import os
    thm, cache, entry = _cached_once(capsys, tmp_path)
    entry.unlink()
    os.symlink("/dev/zero", entry)
    code, out, err = run(capsys, "check", "--cache", str(cache), str(thm))
    assert code == 0 and "from the cache" not in out and "ignored" in err


def test_a_planted_temporary_symlink_does_not_redirect_a_cache_write(capsys, tmp_path):
    """Before: `<key>.<pid>.tmp` was a predictable name; a symlink planted there made matproof
    overwrite the file it pointed to."""
    import os
    from checker.check import cache_key, document
    from checker.rules import default_rule_files
    thm = tmp_path / "t.thm"
    thm.write_text("theorem t: tr(A B) = tr(B A)\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    key = cache_key(document(str(thm)).theorems[0], default_rule_files())
    for name in (f"{key}.{os.getpid()}.tmp", f"{key}.json.{os.getpid()}.tmp"):
        os.symlink(victim, cache / name)
    assert run(capsys, "check", "--cache", str(cache), str(thm))[0] == 0
    assert victim.read_text() == "precious\n"
    assert (cache / f"{key}.json").is_file()


@pytest.mark.parametrize("target, message", [
    ("/etc/os-release", "a use line names a .rules file"),
    ("../../outside.rules", "is outside this project"),
])
def test_use_reads_only_rule_files_of_the_project(capsys, tmp_path, monkeypatch, target, message):
    """Before: `use "/etc/os-release"` was read, and a line of it echoed into the log."""
    monkeypatch.delenv("MATPROOF_ALLOW_RULES_FROM", raising=False)
    (tmp_path / "outside.rules").write_text("rule r: tr(A B) -> tr(B A)\n")
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "sub" / "a.thm").write_text(f'use "{target}"\ntheorem t: x = x\n')
    monkeypatch.chdir(project)
    code, _, err = run(capsys, "check", "--no-cache", "sub/a.thm")
    assert code == 2 and message in err
    assert "PRETTY_NAME" not in err and "ID=" not in err


def test_allow_rules_from_names_another_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("MATPROOF_ALLOW_RULES_FROM", raising=False)
    (tmp_path / "outside.rules").write_text("rule r: tr(A B) -> tr(B A)\n")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "a.thm").write_text('use "../outside.rules"\ntheorem t: tr(A B) = tr(B A)\n')
    monkeypatch.chdir(tmp_path / "project")
    assert run(capsys, "check", "--no-cache", "a.thm")[0] == 2
    code, out, _ = run(capsys, "check", "--no-cache", "--allow-rules-from", str(tmp_path), "a.thm")
    assert code == 0 and "t: proved" in out


# ---- not a crash, but wrong: grad in a symmetric variable --------------------------------

@pytest.mark.parametrize("f, decl, gradient", [
    ("<C, S>", "S: n×n spd", "1/2 (C + Cᵀ)"),               # before: printed C, then refuted it
    ("aᵀ S b", "S: n×n symmetric", "1/2 (b aᵀ + a bᵀ)"),
    ("log(det(S))", "S: n×n spd", "S⁻¹"),                   # symmetric already: left as it is
    ("xᵀ S x", "S: n×n spd", "x xᵀ"),
])
def test_grad_in_a_symmetric_variable_derives_the_symmetric_gradient(capsys, f, decl, gradient):
    """LANGUAGE.md §5b: ∂f/∂S for a symmetric S is sym(G₀), the symmetric G with df = ⟨G, dS⟩
    for every symmetric dS (each checked by hand: ⟨C, dS⟩ = ⟨(C + Cᵀ)/2, dS⟩ for dS = dSᵀ)."""
    code, out, _ = run(capsys, "grad", f, "--wrt", "S", "--let", decl, "--let", "C: n×n", "--let", "a, b, x: n")
    assert code == 0, out
    assert out.splitlines()[0] == f"∂f/∂S = {gradient}"


def test_a_search_expands_a_term_too_big_for_the_normal_form_once():
    """Before: 100 000 work units took 22.7 s on this theorem, the 60 s wall clock decided it:
    each of the e-graph's terms expanded (A+B+C+D+E)⁷ again, uncounted. Now a failed expansion
    is remembered and expanding is charged to the work budget."""
    from checker.normalform import NormalForm, TooBig
    from checker.parse import parse_text
    from checker.typecheck import type_theorem
    typed = type_theorem(parse_text("tr((A+B+C+D+E)^8) = tr((A+B+C+D+E)^7 (E+D+C+B+A))").theorems[0])
    form = NormalForm(typed.symbols)
    with pytest.raises(TooBig):
        form.poly(typed.exprs[0])
    spent = form.work
    assert spent > 10_000
    with pytest.raises(TooBig):
        form.poly(typed.exprs[0])
    assert form.work == spent
