"""matproof beside the tools users would otherwise reach for, on the same identities, in one run.

    python bench/run.py [--quick] [--json FILE]

1. matproof on every theorem of the public corpus: outcome, time, e-graph
   size, proof length; cold CLI start-up for `prove` of the seed and for
   `--version` (the floor).
2. SymPy (MatrixSymbol `.diff`, `simplify`) on the identities it can express.
3. egglog (optional: `pip install egglog`): the algebra and differential
   identities with the rules translated to egglog's binary products plus
   associativity rules, under the same time limit.
4. Scaling: trace rotations of products of length 2..16, reordered sums of
   2..32 terms, nested transposes and inverses to depth 8, gradients of
   chained quadratic forms k = 1..8 and of sums of n traces n = 2..12, and
   the fitted log-log slope.

Every figure is measured in this one run, so the ratios hold on a noisy machine.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import CORPUS, SEED, cold, measure, slope

from checker import syntax as S  # noqa: E402
from checker.limits import Limits  # noqa: E402
from checker.parse import parse_file  # noqa: E402
from checker.pipeline import prove_theorem  # noqa: E402
from checker.rules import default_rule_files  # noqa: E402
from checker.typecheck import type_theorem  # noqa: E402

LIMIT_SECONDS = 5.0


# ---- 1. matproof ------------------------------------------------------------------

def run_matproof(theorems) -> list[dict]:
    rows = []
    for thm in theorems:
        res = prove_theorem(thm, limits=Limits())
        rows.append({"name": thm.name, "expected": thm.expect, "status": res.status,
                     "seconds": res.seconds, "search_seconds": sum(s["seconds"] for s in res.stats), "nodes": max((s["nodes"] for s in res.stats), default=0),
                     "classes": max((s["classes"] for s in res.stats), default=0),
                     "proof_steps": max(0, len(res.proof or []) - 1)})
    return rows


# ---- 2. SymPy ------------------------------------------------------------------------

class Inexpressible(Exception):
    pass


def to_sympy(e: S.Expr, symbols, sp, cache):
    """Our typed tree as a SymPy matrix expression (dimensions as SymPy symbols)."""
    def dim(d):
        if isinstance(d, int):
            return d
        if isinstance(d, str):
            return sp.Symbol(d, integer=True, positive=True)
        raise Inexpressible("a product of dimensions")
    op = e.op
    if op == S.SYM:
        if e.attr not in cache:
            r, c = symbols[e.attr].shape
            cache[e.attr] = sp.Symbol(e.attr) if (r, c) == (1, 1) else sp.MatrixSymbol(e.attr, dim(r), dim(c))
        return cache[e.attr]
    if op == S.NUM:
        return sp.Rational(e.attr.numerator, e.attr.denominator)
    if op == S.IDENT:
        return sp.Identity(dim(e.attr[0]))
    if op == S.ZERO:
        return sp.ZeroMatrix(dim(e.attr[0]), dim(e.attr[1]))
    args = [to_sympy(a, symbols, sp, cache) for a in e.args]
    if op == S.ADD:
        return sp.Add(*args) if all(not isinstance(a, sp.MatrixExpr) for a in args) else sp.MatAdd(*args)
    if op == S.NEG:
        return -args[0]
    if op == S.MUL:
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if op == S.T:
        return args[0].T if isinstance(args[0], sp.MatrixExpr) else args[0]
    if op == S.INV:
        return args[0].I if isinstance(args[0], sp.MatrixExpr) else 1 / args[0]
    if op == S.POW:
        return args[0] ** sp.Rational(e.attr.numerator, e.attr.denominator)
    if op == "tr":
        return sp.Trace(args[0])
    if op == "det":
        return sp.Determinant(args[0])
    if op == S.INNER:
        return sp.Trace(args[0].T * args[1])
    if op == S.KRON:
        return sp.kronecker_product(*args)
    if op == S.NORM and isinstance(args[0], sp.MatrixExpr):
        return sp.sqrt(sp.Trace(args[0].T * args[0]))
    if op == "log" and not isinstance(args[0], sp.MatrixExpr):
        return sp.log(args[0])
    if op == "sqrt" and not isinstance(args[0], sp.MatrixExpr):
        return sp.sqrt(args[0])
    if op == S.GRAD:
        f, x = args
        return f.diff(x)
    raise Inexpressible(op)


def sympy_establishes(typed, sp) -> bool:
    cache: dict = {}
    sides = [to_sympy(e, typed.symbols, sp, cache) for e in typed.exprs]
    for a, b in zip(sides, sides[1:]):
        diff = a - b
        if isinstance(diff, sp.MatrixExpr):
            diff = diff.doit()
        if sp.simplify(diff) not in (0, sp.S.Zero) and not getattr(sp.simplify(diff), "is_ZeroMatrix", False):
            return False
    return True


def run_sympy(theorems) -> list[dict]:
    import signal

    import sympy as sp
    rows = []

    def alarm(signum, frame):
        raise TimeoutError()
    for thm in theorems:
        if thm.expect != "proved":
            continue
        typed = type_theorem(thm)
        t = time.perf_counter()
        old = signal.signal(signal.SIGALRM, alarm)
        signal.alarm(int(LIMIT_SECONDS) * 2)
        try:
            ok = sympy_establishes(typed, sp)
            status = "established" if ok else "not established"
        except Inexpressible as e:
            status = f"cannot express ({e})"
        except TimeoutError:
            status = "time limit"
        except Exception as e:  # SymPy's own failures count as not established
            status = f"failed ({type(e).__name__})"
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        rows.append({"name": thm.name, "status": status, "seconds": time.perf_counter() - t})
    return rows


# ---- 3. egglog -------------------------------------------------------------------------

EGG_OPS = {S.T: "T", S.INV: "Inv", "tr": "Tr", S.INNER: "Inner", S.NEG: "Neg", S.D: "D",
           S.KRON: "Kron", "det": "Det", "log": "Log"}


def to_egg(e: S.Expr, pattern: bool = False) -> str:
    """An s-expression over binary products and sums (the naive encoding)."""
    op = e.op
    if op == S.SYM:
        return f"v_{abs(hash(e.attr)) % 10**8}" if pattern else f'(Sym "{e.attr}")'
    if op == S.NUM:
        return f"(Num {int(e.attr)})" if e.attr.denominator == 1 else "(Num 0)"
    if op in (S.MUL, S.ADD, S.KRON):
        name = {S.MUL: "Mul", S.ADD: "Add", S.KRON: "Kron"}[op]
        args = [to_egg(a, pattern) for a in e.args]
        out = args[-1]
        for a in reversed(args[:-1]):
            out = f"({name} {a} {out})"
        return out
    if op in EGG_OPS:
        return f"({EGG_OPS[op]} {' '.join(to_egg(a, pattern) for a in e.args)})"
    raise Inexpressible(op)


EGG_HEADER = """
(datatype M (Sym String) (Num i64) (Mul M M) (Add M M) (Kron M M) (T M) (Inv M) (Tr M) (Inner M M)
            (Neg M) (D M) (Det M) (Log M))
(rewrite (Mul (Mul a b) c) (Mul a (Mul b c)))
(rewrite (Mul a (Mul b c)) (Mul (Mul a b) c))
(rewrite (Add a b) (Add b a))
(rewrite (Add (Add a b) c) (Add a (Add b c)))
(rewrite (Add a (Add b c)) (Add (Add a b) c))
"""

EGG_RUNNER = r"""
import sys, time, json
import egglog.bindings as b
program, iterations, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
eg = b.EGraph()
eg.run_program(*eg.parse_program(program))
t0 = time.perf_counter()
proved = False
for it in range(iterations):
    eg.run_program(*eg.parse_program("(run 1)"))
    try:
        eg.run_program(*eg.parse_program("(check (= $lhs $rhs))"))
        proved = True
        break
    except b.EggSmolError:
        pass
    if time.perf_counter() - t0 > seconds:
        break
size = 0
for out in eg.run_program(*eg.parse_program("(print-size)")):
    for line in str(out).splitlines():
        parts = line.strip("() ").split()
        if len(parts) == 2 and parts[1].isdigit():
            size += int(parts[1])
print(json.dumps({"proved": proved, "seconds": time.perf_counter() - t0, "nodes": size}))
"""


def egg_rules() -> list[str]:
    """The unconditional rules, each direction that egglog can ground (a bare variable on
    the left matches everything; a variable only on the right cannot be instantiated)."""
    from checker.egraph.pattern import is_scalar_var
    out = []
    for r in (r for p in default_rule_files() for r in parse_file(p).rules):
        # egglog's plain patterns cannot say "a scalar", "a vector" or "invertible": such rules
        # would be unsound there (αᵀ = α for any matrix), so they are left out
        constrained = any(is_scalar_var(v) or v[0].islower() for v in r.lhs.symbols() | r.rhs.symbols())
        if r.conditions or constrained:
            continue
        try:
            lhs, rhs = to_egg(r.lhs, True), to_egg(r.rhs, True)
        except Inexpressible:
            continue
        directions = [(lhs, rhs, r.lhs, r.rhs)] + ([(rhs, lhs, r.rhs, r.lhs)] if r.bidirectional else [])
        for a, b, ea, eb in directions:
            if not a.startswith("v_") and eb.symbols() <= ea.symbols():
                out.append(f"(rewrite {a} {b})")
    return out


def run_egglog(theorems, quick: bool) -> list[dict] | None:
    import importlib.util
    if importlib.util.find_spec("egglog") is None:
        return None
    rules = "\n".join(egg_rules())
    rows = []
    for thm in theorems:
        if thm.expect != "proved":
            continue
        typed = type_theorem(thm)
        if any(n.op == S.GRAD for e in typed.exprs for n in e.walk()):
            continue   # gradients need the identification step, which egglog has no rule for
        try:
            lhs, rhs = to_egg(typed.exprs[0]), to_egg(typed.exprs[-1])
        except Inexpressible as e:
            rows.append({"name": thm.name, "status": f"cannot express ({e})", "seconds": 0.0, "nodes": 0})
            continue
        program = EGG_HEADER + rules + f"\n(let $lhs {lhs})\n(let $rhs {rhs})\n"
        try:
            done = subprocess.run([sys.executable, "-c", EGG_RUNNER, program, "8", str(LIMIT_SECONDS)],
                                  capture_output=True, text=True, timeout=LIMIT_SECONDS * 4)
            data = json.loads(done.stdout.strip().splitlines()[-1])
            status = "proved" if data["proved"] else "not proved"
            rows.append({"name": thm.name, "status": status, "seconds": data["seconds"], "nodes": data["nodes"]})
        except subprocess.TimeoutExpired:
            rows.append({"name": thm.name, "status": "time limit", "seconds": LIMIT_SECONDS * 4, "nodes": 0})
        except (ValueError, IndexError):
            rows.append({"name": thm.name, "status": "failed", "seconds": 0.0, "nodes": 0})
    return rows


# ---- 4. scaling -------------------------------------------------------------------------

def scaling(quick: bool) -> dict:
    syms = [S.sym(f"A{i}") for i in range(1, 17)]
    series: dict[str, list[dict]] = {}
    products = range(2, 9) if quick else range(2, 17)
    series["trace rotation"] = [
        {"n": n, **measure(S.func("tr", S.mul(syms[:n])), S.func("tr", S.mul(syms[n // 2:n] + syms[:n // 2])))}
        for n in products]
    sums = (2, 4, 8) if quick else (2, 4, 8, 16, 32)
    terms = [S.sym(f"B{i}") for i in range(32)]
    series["reordered sum"] = [{"n": n, **measure(S.add(terms[:n]), S.add(list(reversed(terms[:n]))))}
                               for n in sums]
    depths = range(1, 5) if quick else range(1, 9)
    nested = []
    for d in depths:   # Xᵀ, (Xᵀ)⁻¹, ((Xᵀ)⁻¹)ᵀ, … against X⁻¹ and/or ᵀ by parity
        x = S.sym("X")
        e = x
        for k in range(d):
            e = S.transpose(e) if k % 2 == 0 else S.inverse(e)
        target = S.inverse(x) if (d // 2) % 2 else x
        target = S.transpose(target) if ((d + 1) // 2) % 2 else target
        nested.append({"n": d, **measure(e, target)})
    series["nested transpose/inverse"] = nested
    chains = range(1, 5) if quick else range(1, 9)
    quads = []
    for k in chains:
        x = S.sym("x")
        mats = [S.sym(f"M{i}") for i in range(1, k + 1)]
        m = S.mul(mats)
        f = S.mul([S.transpose(x), *mats, x])
        g = S.mul([S.add([m, S.transpose(m)]), x])
        quads.append({"n": k, **measure(S.grad(f, x), g)})
    series["gradient of chained quadratic form"] = quads
    widths = (2, 4, 6) if quick else (2, 4, 6, 8, 10, 12)
    traces = []
    for n in widths:   # ∂(tr(A₁X) + … + tr(AₙX))/∂X = A₁ᵀ + … + Aₙᵀ: linearity, n terms wide
        x = S.sym("X")
        f = S.add([S.func("tr", S.mul([syms[i], x])) for i in range(n)])
        traces.append({"n": n, **measure(S.grad(f, x), S.add([S.transpose(syms[i]) for i in range(n)]))})
    series["gradient of a sum of traces"] = traces
    return series


# ---- report -----------------------------------------------------------------------------

def compare(peer: list[dict], success: str, matproof: dict[str, dict], key: str = "seconds"):
    """The identities a peer settled, its total time on them, and matproof's on the same ones
    (`key`: "seconds" for the whole pipeline, "search_seconds" for the search alone)."""
    ok = [r for r in peer if r["status"] == success]
    return ok, sum(r["seconds"] for r in ok), sum(matproof[r["name"]][key] for r in ok)


def main() -> None:
    global LIMIT_SECONDS
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller scaling series, 2 s limits")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    if args.quick:
        LIMIT_SECONDS = 2.0
    theorems = parse_file(CORPUS).theorems
    out: dict = {}
    mp = run_matproof(theorems)
    counts = {s: sum(r["status"] == s for r in mp) for s in ("proved", "refuted", "unknown", "error")}
    out["matproof"] = {"theorems": mp, "counts": counts, "seconds": sum(r["seconds"] for r in mp),
                       "cold_prove_seed": cold(["prove", SEED]), "cold_version": cold(["--version"])}
    print(f"matproof: {counts} in {out['matproof']['seconds']:.2f} s; cold start prove(seed) "
          f"{out['matproof']['cold_prove_seed'] * 1e3:.0f} ms, --version {out['matproof']['cold_version'] * 1e3:.0f} ms")
    for r in mp:
        print(f"  {r['name']:28} {r['status']:8} {r['seconds'] * 1e3:8.1f} ms {r['nodes']:6} nodes "
              f"{r['proof_steps']:3} steps")
    by_name = {r["name"]: r for r in mp}
    out["ratios"] = {}
    sy = run_sympy(theorems)
    ok, sy_total, mp_total = compare(sy, "established", by_name)
    out["sympy"] = {"theorems": sy, "established": len(ok), "of": len(sy), "seconds": sy_total}
    out["ratios"]["sympy_over_matproof"] = sy_total / mp_total if mp_total else None
    print(f"\nSymPy: establishes {len(ok)} of {len(sy)} true identities; on those, "
          f"{sy_total:.2f} s against matproof's {mp_total:.2f} s")
    for r in sy:
        print(f"  {r['name']:28} {r['status']:30} {r['seconds'] * 1e3:8.1f} ms")
    eg = run_egglog(theorems, args.quick)
    if eg is None:
        out["egglog"] = None
        print("\negglog: not installed (pip install egglog); skipped")
    else:
        okk, eg_total, mp_eg = compare(eg, "proved", by_name, "search_seconds")   # search against search
        out["egglog"] = {"theorems": eg, "proved": len(okk), "of": len(eg), "seconds": eg_total}
        out["ratios"]["egglog_over_matproof"] = eg_total / mp_eg if mp_eg else None
        print(f"\negglog (naive encoding, same rules where they translate): proves {len(okk)} of {len(eg)}; "
              f"on those {eg_total:.2f} s against matproof's {mp_eg:.2f} s of search")
        for r in eg:
            print(f"  {r['name']:28} {r['status']:22} {r['seconds'] * 1e3:9.1f} ms {r['nodes']:9} nodes")
    sc = scaling(args.quick)
    out["scaling"] = sc
    print("\nscaling (n, proved, ms, e-nodes) and log-log slopes of time and size against n:")
    for name, series in sc.items():
        ns = [s["n"] for s in series]
        st, sn = slope(ns, [s["seconds"] for s in series]), slope(ns, [s["nodes"] for s in series])
        print(f"  {name}: time slope {st:.2f}, size slope {sn:.2f}")
        print("    " + "  ".join(f"{s['n']}:{'✓' if s['proved'] else '?'}{s['seconds'] * 1e3:.0f}ms/{s['nodes']}"
                                  for s in series))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
