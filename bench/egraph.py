"""E-graph size and time: the corpus, and how they grow with the size of identities.

    python bench/egraph.py [--json FILE]

1. every theorem of the public corpus and of tests/data's calculus, normal_forms, entrywise,
   properties and derivatives corpora: outcome, time, e-nodes, e-classes,
   iterations, proof length, how each link was settled; the median and worst
   gradient, and the links that ended at a limit;
2. products of length 2..12 under trace rotation, tr(A₁…Aₙ) = tr(Aₖ₊₁…Aₙ A₁…Aₖ),
   and sums of 2..32 terms reversed, with the log-log slope of time and size
   against n;
3. gradients of tr of a product of n factors in which X appears k times
   (n up to 12, k up to 4), written as their k-term answers: time and proof
   length, with the log-log slope against n for each k;
4. the true laws of bench/unknowns.thm that are not proved yet: how long each
   "unknown" takes, and the slowest unknown of everything run (target: < 2 s).
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


FILES = [CORPUS, CORPUS.parent / "calculus.thm", CORPUS.parent / "normal_forms.thm",
         CORPUS.parent / "entrywise.thm", CORPUS.parent / "properties.thm", CORPUS.parent / "derivatives.thm",
         CORPUS.parent / "laws.thm"]


def corpus(files: list[Path] = FILES) -> list[dict]:
    rows = []
    for thm in (t for f in files for t in parse_file(f).theorems):
        res = prove_theorem(thm)
        nodes = max((s["nodes"] for s in res.stats), default=0)
        classes = max((s["classes"] for s in res.stats), default=0)
        kind = "gradient" if any(n.op in (S.GRAD, S.JAC, S.HESS) for side in thm.sides for n in side.walk()) \
            else "other"
        rows.append({"name": thm.name, "kind": kind, "status": res.status, "expected": thm.expect,
                     "seconds": res.seconds, "nodes": nodes, "classes": classes,
                     "iterations": sum(s["iterations"] for s in res.stats),
                     "stops": [s["stop"] for s in res.stats],
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
    hard = corpus([Path(__file__).resolve().parent / "unknowns.thm"])
    print("laws not proved yet (bench/unknowns.thm):")
    for r in hard:
        print(f"  {r['name']:26} {r['status']:8} {r['seconds']:6.2f} s  stopped: {', '.join(r['stops'])}")
    unknown = [r for r in rows + hard if r["status"] == "unknown"]
    if unknown:
        worst = max(unknown, key=lambda r: r["seconds"])
        print(f"slowest unknown: {worst['name']} {worst['seconds']:.2f} s (target: under 2 s)")
    warm = corpus(FILES[:2])       # the measure: public + calculus, a second pass
    grads_warm = sorted(r["seconds"] for r in warm if r["kind"] == "gradient" and r["expected"] == "proved")
    if grads_warm:
        print(f"derivatives of public + calculus, in process, second pass: median "
              f"{statistics.median(grads_warm) * 1e3:.1f} ms, worst {grads_warm[-1] * 1e3:.0f} ms")
    grads = [r for r in rows if r["kind"] == "gradient" and r["expected"] == "proved"]
    if grads:
        times = sorted(r["seconds"] for r in grads)
        worst = max(grads, key=lambda r: r["seconds"])
        print(f"gradient identities: {len(grads)}, {sum(r['status'] == 'proved' for r in grads)} proved; "
              f"median {statistics.median(times) * 1e3:.0f} ms, worst {worst['seconds'] * 1e3:.0f} ms "
              f"({worst['name']})")
    limited = [(r["name"], stop) for r in rows for stop in r["stops"] if "limit" in stop]
    print(f"links that ended at a limit: {len(limited)} {limited if limited else ''}")
    by_form = sum(stop == "normal form" for r in rows for stop in r["stops"])
    print(f"links settled by the normal form: {by_form} of {sum(len(r['stops']) for r in rows)}")
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
    gradients = {}
    print("\ngradients of tr(F₁…Fₙ), X k times: k, n, proved, ms, proof steps, how")
    for k in (1, 2, 3, 4):
        series = [gradient_series(n, k) for n in range(max(2, k), 13)]
        gradients[k] = series
        for r in series:
            print(f"  {k} {r['n']:3} {str(r['proved']):5} {r['seconds'] * 1e3:9.1f} {r['steps']:4}  {r['how']}")
        ns = [r["n"] for r in series]
        print(f"  k = {k}: log-log slope of time {slope(ns, [r['seconds'] for r in series]):.2f}, "
              f"of proof length {slope(ns, [max(1, r['steps']) for r in series]):.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"corpus": rows, "growth": growth, "gradients": gradients},
                                              indent=2))


def gradient_series(n: int, k: int) -> dict:
    """∂ tr(F₁…Fₙ)/∂X = Σ over the k places of X of (the factors after it, then before it)ᵀ,
    with X at k evenly spread places and the others distinct matrices (all n×n)."""
    import time

    from checker.parse import parse_text
    places = {round(i * n / k) for i in range(k)}
    factors = ["X" if i in places else f"A{i}" for i in range(n)]
    terms = []
    for p in sorted(places):
        rest = factors[p + 1:] + factors[:p]
        terms.append(" ".join(f"{f}ᵀ" for f in reversed(rest)) if rest else "I")
    text = f"let X: m×m\ntheorem t: ∂ tr({' '.join(factors)})/∂X = {' + '.join(terms)}"
    (thm,) = parse_text(text).theorems
    t = time.perf_counter()
    res = prove_theorem(thm)
    return {"n": n, "k": len(places), "proved": res.status == "proved", "seconds": time.perf_counter() - t,
            "steps": max(0, len(res.proof or []) - 1), "how": ",".join(s["stop"] for s in res.stats)}


if __name__ == "__main__":
    main()
