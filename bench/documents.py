"""How much of a document matproof reads, and how long a check of it takes.

    python bench/documents.py [FILE ...] [--json FILE]

For each document (by default those of tests/data/reading and tests/data/documents):
its display formulas, the chains in them, how each chain ended (proved, refuted,
unknown, error, not read), the share read, the time to read it (macros, layout,
definitions, parsing) and to check it, and why what was not read was not.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import time
from pathlib import Path

from common import REPO

from checker.check import Job, run_job  # noqa: E402
from checker.documents import is_document, read_document  # noqa: E402
from checker.limits import Limits  # noqa: E402

DEFAULT = sorted(p for folder in ("reading", "documents") for p in (REPO / "tests" / "data" / folder).iterdir()
                 if is_document(p))


def measure_document(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    t = time.perf_counter()
    reading = read_document(str(path), text)
    read_seconds = time.perf_counter() - t
    t = time.perf_counter()
    results = [run_job(Job(str(path), i, thm.name, thm.line), Limits(), None)
               for i, thm in enumerate(reading.theorems)]
    check_seconds = time.perf_counter() - t
    counts = collections.Counter(r["status"] for r in results)
    counts["unread"] += len(reading.unread)
    why = collections.Counter(_kind(e.message) for e in reading.unread)
    why.update(_kind(r.get("reason", "")) for r in results if r["status"] == "unread")
    chains = sum(counts.values())
    return {"file": str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path),
            "display formulas": reading.formulas, "chains": chains, **{s: counts[s] for s in (
                "proved", "refuted", "unknown", "error", "unread")},
            "read share": round(1 - counts["unread"] / chains, 3) if chains else 1.0,
            "read seconds": round(read_seconds, 3), "check seconds": round(check_seconds, 2),
            "not read because": dict(why.most_common())}


def _kind(message: str) -> str:
    """A message without its particulars, so that like problems count together."""
    message = re.sub(r"'[^']*'", "…", message)
    message = re.sub(r"^\S+ (is not defined|was said to be) .*", r"NAME \1 …", message)
    return message[:90]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    rows = [measure_document(p.resolve()) for p in (args.files or DEFAULT)]
    head = f"{'document':42} {'displays':>8} {'chains':>6} {'proved':>6} {'refut.':>6} {'unkn.':>5} " \
           f"{'error':>5} {'unread':>6} {'read':>6} {'read s':>7} {'check s':>7}"
    print(head)
    for r in rows:
        print(f"{r['file'][-42:]:42} {r['display formulas']:>8} {r['chains']:>6} {r['proved']:>6} "
              f"{r['refuted']:>6} {r['unknown']:>5} {r['error']:>5} {r['unread']:>6} {r['read share']:>6.1%} "
              f"{r['read seconds']:>7.3f} {r['check seconds']:>7.2f}")
    total = {k: sum(r[k] for r in rows) for k in ("display formulas", "chains", "unread")}
    print(f"all: {total['display formulas']} display formulas, {total['chains']} chains, "
          f"{1 - total['unread'] / max(1, total['chains']):.1%} read")
    for r in rows:
        for why, n in r["not read because"].items():
            print(f"  not read ({r['file'].rsplit('/', 1)[-1]}, {n}×): {why}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
