"""matproof check for CI: parallel and sharded runs, JUnit, and the proof cache."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from checker.cli import main

THEOREMS = """\
theorem t1: tr(A B) = tr(B A)
theorem t2: (A B)ᵀ = Aᵀ Bᵀ   expect refuted
theorem t3: (A B)ᵀ = Bᵀ Aᵀ
let X: n×n invertible
theorem t4: ∂ log(det(X))/∂X = X⁻ᵀ
theorem t5: tr(A B C) = tr(B A C)
"""


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "a.thm").write_text(THEOREMS)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.thm").write_text("theorem u1: aᵀ b = bᵀ a\n")
    return tmp_path


def check_json(capsys, *argv):
    code = main(["check", "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_results_and_order_do_not_depend_on_workers(capsys, corpus):
    code1, one = check_json(capsys, "--no-cache", str(corpus))
    code2, two = check_json(capsys, "--no-cache", "-j", "2", str(corpus))
    strip = lambda rs: [(r["file"], r["name"], r["status"]) for r in rs["theorems"]]  # noqa: E731
    assert code1 == code2 == 1
    assert strip(one) == strip(two)
    assert [r["name"] for r in one["theorems"]] == ["t1", "t2", "t3", "t4", "t5", "u1"]
    assert one["failed"] == 1 and one["theorems"][4]["status"] == "refuted"


def test_shards_partition_the_theorems(capsys, corpus):
    names = []
    for k in (1, 2, 3):
        _, part = check_json(capsys, "--no-cache", "--shard", f"{k}/3", str(corpus))
        names.append([r["name"] for r in part["theorems"]])
    assert sorted(sum(names, [])) == ["t1", "t2", "t3", "t4", "t5", "u1"]
    assert names[0] == ["t1", "t4"]


def test_bad_shard_is_bad_input(capsys, corpus):
    assert main(["check", "--shard", "4/3", str(corpus)]) == 2


def test_junit_report(capsys, corpus, tmp_path):
    report = tmp_path / "junit.xml"
    main(["check", "--no-cache", "--junit", str(report), str(corpus)])
    suite = ET.parse(report).getroot()
    assert suite.get("tests") == "6" and suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failed = cases["t5 (line 6)"].find("failure")
    assert failed is not None and "counterexample" in failed.text
    assert "trace-cyclic" in cases["t1 (line 1)"].find("system-out").text


def test_the_cache_is_replayed_and_a_bad_entry_is_not_trusted(capsys, corpus, tmp_path):
    cache = tmp_path / "cache"
    _, cold = check_json(capsys, "--cache", str(cache), str(corpus))
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == sum(r["status"] == "proved" for r in cold["theorems"]) == 4
    _, warm = check_json(capsys, "--cache", str(cache), str(corpus))
    assert [r.get("cached", False) for r in warm["theorems"]] == [True, False, True, True, False, True]
    assert [r["status"] for r in warm["theorems"]] == [r["status"] for r in cold["theorems"]]
    # a damaged entry, and one whose proof was tampered with: both searched again
    entries[0].write_text("{ not json")
    data = json.loads(entries[1].read_text())
    data["certificates"][0]["steps"][0]["rule"] = "trace-cyclic" \
        if data["certificates"][0]["steps"][0]["rule"] != "trace-cyclic" else "transpose-product"
    entries[1].write_text(json.dumps(data))
    _, again = check_json(capsys, "--cache", str(cache), str(corpus))
    assert sum(not r.get("cached", False) for r in again["theorems"]) == 4
    assert [r["status"] for r in again["theorems"]] == [r["status"] for r in cold["theorems"]]


def test_a_changed_theorem_misses_the_cache(capsys, corpus, tmp_path):
    cache = tmp_path / "cache"
    check_json(capsys, "--cache", str(cache), str(corpus))
    (corpus / "a.thm").write_text(THEOREMS.replace("tr(A B) = tr(B A)", "tr(B A) = tr(A B)"))
    _, warm = check_json(capsys, "--cache", str(cache), str(corpus))
    assert warm["theorems"][0]["name"] == "t1" and not warm["theorems"][0].get("cached")
