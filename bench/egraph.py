"""E-graph size and time: the corpus, and how they grow with the size of identities.

    python bench/egraph.py [--json FILE]

1. every theorem of the public corpus: outcome, time, e-nodes, e-classes,
   iterations, proof length;
2. products of length 2..12 under trace rotation, tr(A₁…Aₙ) = tr(Aₖ₊₁…Aₙ A₁…Aₖ),
   and sums of 2..32 terms reversed, with the log-log slope of time and size
   against n.
"""
from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from common import CORPUS, measure, slope

from checker import syntax as S  # noqa: E402
from checker.parse import parse_file  # noqa: E402
from checker.pipeline import prove_theorem  # noqa: E402


def corpus() -> list[dict]:
    rows = []
    for thm in parse_file(CORPUS).theorems:
        res = prove_theorem(thm)
        nodes = max((s["nodes"] for s in res.stats), default=0)
        classes = max((s["classes"] for s in res.stats), default=0)
        kind = "gradient" if any(n.op == S.GRAD for side in thm.sides for n in side.walk()) else "other"
        rows.append({"name": thm.name, "kind": kind, "status": res.status, "expected": thm.expect,
                     "seconds": res.seconds, "nodes": nodes, "classes": classes,
                     "iterations": sum(s["iterations"] for s in res.stats),
                     "proof_steps": max(0, len(res.proof or []) - 1)})
    return rows


def grow(kind: str, n: int) -> dict:
    syms = [S.sym(f"A_{i}") for i in range(1, n + 1)]
    if kind == "product":
        k = n // 2
        lhs = S.func("tr", S.mul(syms))
        rhs = S.func("tr", S.mul(syms[k:] + syms[:k]))
    else:
        lhs, rhs = S.add(syms), S.add(list(reversed(syms)))
    return {"n": n, **measure(lhs, rhs)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    rows = corpus()
    print(f"{'theorem':28} {'outcome':8} {'ms':>8} {'nodes':>6} {'classes':>7} {'iters':>5} {'steps':>5}")
    for r in rows:
        flag = "" if r["status"] == r["expected"] else "  (expected " + r["expected"] + ")"
        print(f"{r['name']:28} {r['status']:8} {r['seconds'] * 1e3:8.1f} {r['nodes']:6} {r['classes']:7} "
              f"{r['iterations']:5} {r['proof_steps']:5}{flag}")
    counts = {s: sum(r["status"] == s for r in rows) for s in ("proved", "refuted", "unknown")}
    print(f"totals: {counts}, {sum(r['seconds'] for r in rows):.2f} s")
    grads = [r for r in rows if r["kind"] == "gradient" and r["expected"] == "proved"]
    if grads:
        times = sorted(r["seconds"] for r in grads)
        worst = max(grads, key=lambda r: r["seconds"])
        print(f"gradient identities: {len(grads)}, {sum(r['status'] == 'proved' for r in grads)} proved; "
              f"median {statistics.median(times) * 1e3:.0f} ms, worst {worst['seconds'] * 1e3:.0f} ms "
              f"({worst['name']})")
    growth = {}
    for kind, sizes in (("product", range(2, 13)), ("sum", (2, 4, 8, 16, 32))):
        series = [grow(kind, n) for n in sizes]
        growth[kind] = series
        print(f"\n{kind}s: n, proved, ms, e-nodes, e-classes, iterations, proof steps")
        for s in series:
            print(f"  {s['n']:3} {str(s['proved']):5} {s['seconds'] * 1e3:9.1f} {s['nodes']:7} {s['classes']:7} "
                  f"{s['iterations']:3} {s['steps']:4}")
        ns = [s["n"] for s in series]
        print(f"  log-log slope: time {slope(ns, [s['seconds'] for s in series]):.2f}, "
              f"e-nodes {slope(ns, [s['nodes'] for s in series]):.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"corpus": rows, "growth": growth}, indent=2))


if __name__ == "__main__":
    main()
