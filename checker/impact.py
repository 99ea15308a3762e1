"""`matproof rules impact FILE.rules [CORPUS…]`: what a rule file changes for a corpus.

Every theorem of the corpus is settled twice, with the shipped rules alone and with the
file's rules added: the theorems newly proved, those lost (a rule that grows the e-graph
can crowd a proof out of the budget), verdicts that changed otherwise, the work the
searches spent (counted units, the same on every machine, not seconds), and the file's
rules that no proof used. Policy above lint and check: it only combines them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Impact:
    theorems: int = 0
    gained: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)     # name, before, after
    work: tuple[int, int] = (0, 0)                                         # all searches, before and after
    costlier: list[tuple[str, int, int]] = field(default_factory=list)    # name, work before, after
    unused: list[str] = field(default_factory=list)


def _work(result: dict) -> int:
    return sum(s.get("work", 0) for s in result.get("search", []))


def impact(rule_file: Path, corpus: list[str]) -> Impact:
    from .check import collect, run_all
    from .limits import Limits
    from .parse import parse_file
    from .pipeline import rule_name
    from .rules import default_rule_files
    _, jobs, _ = collect(corpus)
    base = tuple(str(p) for p in default_rule_files())
    before = list(run_all(jobs, 1, Limits(), None, base))
    after = list(run_all(jobs, 1, Limits(), None, base + (str(rule_file.resolve()),)))
    out = Impact(theorems=len(jobs))
    names = {r.name for r in parse_file(rule_file).rules}
    used: set[str] = set()
    for b, a in zip(before, after):
        name = f"{Path(b['file']).name}:{b['name']}"
        if a["status"] == "proved" and b["status"] != "proved":
            out.gained.append(name)
        elif b["status"] == "proved" and a["status"] != "proved":
            out.lost.append(name)
        elif a["status"] != b["status"]:
            out.changed.append((name, b["status"], a["status"]))
        wb, wa = _work(b), _work(a)
        if wa > wb:
            out.costlier.append((name, wb, wa))
        used |= {rule_name(step["rule"]) for step in a.get("proof") or []}
    out.work = (sum(map(_work, before)), sum(map(_work, after)))
    out.costlier.sort(key=lambda row: row[1] - row[2])
    out.unused = sorted(names - used)
    return out
