"""A non-editable install ships grammar/ and rules/ and finds them at run time."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = ("import checker, checker.resources as r; "
         "print(checker.__file__); print(r.grammar_file()); print(r.rules_dir())")


def test_installed_package_finds_its_data(tmp_path):
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=tmp_path)
    if out.returncode != 0:
        pytest.skip("matproof is not installed in this environment")
    package, grammar, rules = (Path(p) for p in out.stdout.split())
    if package.parent == REPO / "checker":
        pytest.skip("running from the source tree, not an installed copy")
    assert grammar.is_file() and package.parent in grammar.parents
    assert rules.is_dir() and package.parent in rules.parents
    assert any(rules.glob("*.rules"))


def test_every_subpackage_is_installed(tmp_path):
    subpackages = sorted("checker." + p.parent.name for p in (REPO / "checker").glob("*/__init__.py"))
    probe = "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]; import checker; print(checker.__file__)"
    out = subprocess.run([sys.executable, "-c", probe, *subpackages], capture_output=True, text=True,
                         cwd=tmp_path)
    if out.returncode != 0 and "No module named 'checker'" in out.stderr:
        pytest.skip("matproof is not installed in this environment")
    assert out.returncode == 0, out.stderr[-500:]


def test_pre_commit_hooks_name_real_commands():
    import re
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    entries = re.findall(r"entry: (.+)", text)
    assert entries == ["matproof check --no-cache --opted-in", "matproof rules lint"]
    files = re.findall(r"files: (.+)", text)[0]
    for name in ("a.thm", "paper.tex", "notes.md", "analysis.ipynb"):   # documents too (issue 13)
        assert re.search(files, name), name
    assert not re.search(files, "rules.rules")
    from checker.cli import build_parser
    for entry in entries:
        argv = entry.split()[1:] + ["x"]
        args = build_parser().parse_args(argv)   # the options exist
        assert args.run is not None
