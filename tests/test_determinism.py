"""Verdicts do not depend on the machine's load: searches are bounded by counted budgets
(e-nodes, iterations, work), and the wall clock is only a safety net."""
from __future__ import annotations

import json
import subprocess
import sys

from checker.cli import main

from conftest import DATA

BURN = "import time\nt = time.time() + 120\nwhile time.time() < t:\n    pass\n"


def _check(capsys, *argv) -> dict:
    main(["check", "--no-cache", "--json", *argv])
    report = json.loads(capsys.readouterr().out)
    return {(t["file"], t["name"]): (t["status"], [{k: v for k, v in s.items() if k != "seconds"}
                                                   for s in t.get("search", [])])
            for t in report["theorems"]}


def test_the_corpus_gets_the_same_verdicts_and_searches_on_a_loaded_machine(capsys):
    files = [str(DATA / "public.thm"), str(DATA / "calculus.thm")]
    quiet = _check(capsys, *files)
    burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(2)]
    try:
        loaded = _check(capsys, "-j", "2", *files)
    finally:
        for b in burners:
            b.kill()
            b.wait()
    assert loaded == quiet
    # and the budgets, not the safety net, ended every search that stopped at a limit
    stops = {s["stop"] for _, searches in quiet.values() for s in searches}
    assert "time limit" not in stops
