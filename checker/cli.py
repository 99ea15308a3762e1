"""The `matproof` command line.

Exit status (§8 of the spec): `prove` 0 proved, 1 refuted, 3 unknown, 2 bad
input; `parse` 0 or 2. Every error in the user's input is printed as a
located message; no traceback ever reaches the terminal.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import MatproofError

FORMATS = ("unicode", "ascii", "latex", "json")


def _read_input(arg: str) -> tuple[str, str]:
    """(text, filename): a path to an existing file, or the text itself."""
    p = Path(arg)
    looks_like_file = arg.endswith((".thm", ".rules")) or ("\n" not in arg and len(arg) < 4096
                                                            and p.is_file())
    if looks_like_file:
        try:
            return p.read_text(encoding="utf-8"), str(p)
        except FileNotFoundError:
            raise MatproofError(f"no such file: {arg}", filename=arg) from None
        except (OSError, UnicodeDecodeError) as e:
            raise MatproofError(f"cannot read {arg}: {e}", filename=arg) from None
    return arg, "<input>"


def _lets(items: list[str]):
    """Declarations from repeated `--let 'X: n×n invertible'`."""
    from .parse import parse_text
    decls: dict = {}
    for item in items or []:
        doc = parse_text("let " + item, "<--let>", decls)
        decls = doc.decls
    return decls


def _limits(args):
    """The search limits given by --max-nodes, --max-iterations and --timeout."""
    from .egraph.run import Limits
    return Limits(nodes=args.max_nodes, iterations=args.max_iterations, seconds=args.timeout)


def _fmt(args) -> str:
    return "json" if getattr(args, "json", False) else args.format


def cmd_parse(args) -> int:
    from .parse import parse_text
    from .printing import PRINTERS, dumps, to_json
    from .report import render_typed
    from .shapes import shape_text
    from .typecheck import type_rule, type_theorem
    text, filename = _read_input(args.input)
    doc = parse_text(text, filename, _lets(args.let))
    fmt = _fmt(args)
    items = []
    for kind, stmt in sorted([("theorem", t) for t in doc.theorems] + [("rule", r) for r in doc.rules],
                             key=lambda x: x[1].line):
        typed = type_theorem(stmt) if kind == "theorem" else type_rule(stmt)
        if fmt == "json":
            items.append({
                "kind": kind, "name": stmt.name, "line": stmt.line,
                "sides": [{f: PRINTERS[f](e) for f in PRINTERS} | {"tree": to_json(e)} for e in typed.exprs],
                "shape": shape_text(typed.shape(typed.exprs[0])),
                "symbols": {n: {"shape": shape_text(i.shape), "properties": sorted(i.props),
                                "declared": i.declared} for n, i in typed.symbols.items()},
                "assumptions": [a.text() for a in typed.assumptions],
            })
        else:
            arrow = " = " if kind == "theorem" else (" <-> " if stmt.bidirectional else " -> ")
            items.append(render_typed(kind, stmt.name, stmt.line, typed, fmt, arrow))
    if fmt == "json":
        print(dumps({"file": filename, "statements": items}))
    else:
        print("\n".join(items) if items else "(no theorems or rules)")
    return 0


def cmd_prove(args) -> int:
    from .printing import dumps
    from .pipeline import EXIT, prove_text
    from .report import render_result
    text, filename = _read_input(args.input)
    fmt = _fmt(args)
    results = prove_text(text, filename=filename, decls=_lets(args.let), seed=args.seed,
                         draws=args.draws, printer="unicode" if fmt == "json" else fmt, limits=_limits(args))
    if args.graph:
        from .pictures import egraph_graph, proof_graph, proof_title, write
        first = results[0]
        if args.egraph:
            if not first.egraphs:
                raise MatproofError("no e-graph to draw: the theorem was not searched")
            eg, roots = first.egraphs[-1]
            write(egraph_graph(eg, list(roots)), args.graph, proof_title(first.sides))
        elif first.proof:
            write(proof_graph(first.proof), args.graph, proof_title(first.sides))
        else:
            raise MatproofError("no proof to draw", hint="--egraph draws the e-graph of a search that failed")
    if args.certificate:
        certs = [r.certificate for r in results if r.certificate is not None]
        if certs:
            Path(args.certificate).write_text(dumps(certs[0] if len(certs) == 1 else {"certificates": certs}),
                                              encoding="utf-8")
    if not results:
        raise MatproofError("no theorem to prove in the input", filename=filename,
                            hint="write an identity such as 'tr(A B) = tr(B A)'")
    for r in results:
        if r.error is not None:
            print(r.error.render(), file=sys.stderr)
    if fmt == "json":
        obj = results[0].as_json() if len(results) == 1 and filename == "<input>" else \
            {"file": filename, "theorems": [r.as_json() for r in results]}
        print(dumps(obj))
    else:
        print("\n".join(render_result(r, fmt, error_details=False) for r in results))
    statuses = {r.status for r in results}
    for status in ("error", "refuted", "unknown"):
        if status in statuses:
            return EXIT[status]
    return 0


def cmd_verify(args) -> int:
    import json

    from .kernel import KernelError, verify
    try:
        data = json.loads(Path(args.input).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MatproofError(f"no such file: {args.input}", filename=args.input) from None
    except (OSError, ValueError) as e:
        raise MatproofError(f"cannot read {args.input} as JSON: {e}", filename=args.input) from None
    certs = data.get("certificates", [data]) if isinstance(data, dict) else []
    if not certs:
        raise MatproofError(f"{args.input} holds no certificate", filename=args.input)
    for k, cert in enumerate(certs, 1):
        try:
            verify(cert)
        except KernelError as e:
            print(f"✗ certificate {k} rejected: {e}", file=sys.stderr)
            return 1
        except (KeyError, TypeError, AttributeError) as e:
            print(f"✗ certificate {k} rejected: malformed ({type(e).__name__}: {e})", file=sys.stderr)
            return 1
        print(f"✓ certificate {k} accepted: {len(cert['steps'])} steps")
    return 0


def cmd_check(args) -> int:
    """Every theorem of the files against its `expect`; exit 0 only if all match."""
    from .check import collect, junit, run_all, shard
    from .printing import dumps
    if args.shard and not _valid_shard(args.shard):
        raise MatproofError(f"--shard takes K/N with 1 ≤ K ≤ N, not {args.shard!r}")
    files, jobs = collect(args.paths)            # bad input stops here, with exit 2
    jobs = shard(jobs, args.shard)
    cache = None if args.no_cache else args.cache
    fmt = _fmt(args)
    bar = sys.stderr.isatty() and fmt != "json"      # a progress bar on a terminal only
    results = []
    for r in run_all(jobs, args.jobs, args.timeout, cache):
        results.append(r)
        if fmt != "json":
            if bar:
                print("\r\033[K", end="", file=sys.stderr)
            ok = r["status"] == r["expected"]
            mark = ("ok" if ok else "FAIL") if fmt == "ascii" else ("✓" if ok else "✗")
            extra = "" if ok else f" (expected {r['expected']})"
            cached = ", from the cache" if r.get("cached") else ""
            print(f"{mark} {r['file']}:{r['line']} {r['name']}: {r['status']}{extra} "
                  f"[{r['seconds']:.2f}s{cached}]", flush=True)
            if bar:
                done = len(results) * 30 // max(1, len(jobs))
                print(f"[{'#' * done}{'.' * (30 - done)}] {len(results)}/{len(jobs)}", end="",
                      file=sys.stderr, flush=True)
    if bar:
        print("\r\033[K", end="", file=sys.stderr)
    bad = [r for r in results if r["status"] != r["expected"]]
    if args.junit:
        Path(args.junit).write_text(junit(results), encoding="utf-8")
    if fmt == "json":
        print(dumps({"theorems": results, "passed": len(results) - len(bad), "failed": len(bad)}))
    else:
        print(f"{len(results)} theorems in {len(files)} files: {len(results) - len(bad)} as expected, "
              f"{len(bad)} not")
    return 1 if bad else 0


def _valid_shard(spec: str) -> bool:
    try:
        k, n = (int(x) for x in spec.split("/"))
    except ValueError:
        return False
    return 1 <= k <= n


def cmd_lint(args) -> int:
    from .lint import coverage, lint_rules
    from .parse import parse_file
    from .printing import dumps
    paths = [Path(p) for p in args.files]
    for p in paths:
        if not p.is_file():
            raise MatproofError(f"no such file: {p}", filename=str(p))
    rules = [r for p in paths for r in parse_file(p).rules]
    report = lint_rules(rules)
    usage = coverage(rules, paths, args.coverage) if args.coverage else None
    counts = {k: sum(f.kind == k for f in report.findings) for k in ("error", "unsound", "warning")}
    if _fmt(args) == "json":
        print(dumps({"rules": report.rules, **counts,
                     "findings": [f.__dict__ for f in report.findings],
                     **({"coverage": usage} if usage is not None else {})}))
    else:
        for f in report.findings:
            print(f.text())
            if f.counterexample:
                cx = f.counterexample
                print(f"    sizes {cx['sizes']}; left {cx['lhs']}; right {cx['rhs']}; "
                      f"relative difference {cx['relative_difference']:.3g}")
        if usage is not None:
            for name, theorems in usage.items():
                if theorems:
                    print(f"rule {name}: used by {', '.join(theorems)}")
            unused = [n for n, t in usage.items() if not t]
            print(f"rules no proof uses ({len(unused)}): {', '.join(unused) if unused else 'none'}")
        print(f"{report.rules} rules: {counts['error']} errors, {counts['unsound']} unsound, "
              f"{counts['warning']} warnings")
    return 1 if report.failed else 0


def cmd_grad(args) -> int:
    from . import syntax as S
    from .parse import parse_expr
    from .printing import PRINTERS, dumps, to_ascii
    from .pipeline import EXIT, prove_text
    from .report import render_result
    from .rules import default_rule_files
    from .search import derive_gradient
    from .typecheck import infer
    decls = _lets(args.let)
    fmt = _fmt(args)
    f = parse_expr(args.input, set(decls))
    typed = infer([f], decls)
    if typed.shape(typed.exprs[0]) != (1, 1):
        raise MatproofError("matproof grad needs a scalar function", 1, 1, None, args.input,
                            hint="take the trace or an inner product of a matrix-valued expression")
    if args.wrt not in typed.symbols:
        raise MatproofError(f"{args.wrt} does not occur in the function", 1, 1, None, args.input)
    limits = _limits(args)
    g = derive_gradient(typed, typed.exprs[0], args.wrt, default_rule_files(), limits)
    if g is None:
        print(f"? no gradient found within the limits for ∂({PRINTERS['unicode'](f)})/∂{args.wrt}")
        known = {a.expr for a in typed.assumptions if a.kind == "invertible"}
        for n in typed.exprs[0].walk():   # the one condition people meet: det of a plain X
            x = n.args[0] if n.op == "det" else None
            if x is not None and x.op == S.SYM and x not in known \
                    and not typed.symbols[x.attr].props & {"invertible", "spd", "orthogonal"}:
                print(f"  hint: d(det X) = det(X) tr(X⁻¹ dX) needs X invertible; if {x.attr} is, "
                      f"say so: --let '{x.attr}: n×n invertible'")
                break
        return 3
    wrt = S.sym(args.wrt)
    text = f"d({to_ascii(typed.exprs[0])})/d{to_ascii(wrt)} = {to_ascii(g)}"
    results = prove_text(text, decls=decls, limits=limits, printer="unicode" if fmt == "json" else fmt)
    res = results[0]
    if fmt == "json":
        print(dumps({"gradient": PRINTERS["unicode"](g), "latex": PRINTERS["latex"](g), **res.as_json()}))
    else:
        print(f"∂f/∂{PRINTERS[fmt](wrt)} = {PRINTERS[fmt](g)}")
        print(render_result(res, fmt, error_details=False))
    return EXIT[res.status] if res.status != "proved" else 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="matproof",
                                 description="Prove matrix-calculus identities by rewriting.")
    ap.add_argument("--version", action="version", version=f"matproof {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    def common(p):
        p.add_argument("--let", action="append", metavar="DECL",
                       help="a declaration for a one-line input, e.g. 'X: n×n invertible'")
        p.add_argument("--format", choices=FORMATS, default="unicode")
        p.add_argument("--json", action="store_true", help="short for --format json")

    p = sub.add_parser("parse", help="print the typed form of each statement")
    p.add_argument("input", metavar="TEXT|FILE")
    common(p)
    p.set_defaults(run=cmd_parse)

    p = sub.add_parser("prove", help="prove, refute, or say unknown")
    p.add_argument("input", metavar="IDENTITY|FILE")
    common(p)
    p.add_argument("--seed", type=int, default=0, help="seed of the random instances")
    p.add_argument("--draws", type=int, default=6, help="random instances for the numeric test")
    p.add_argument("--max-nodes", type=int, default=20_000, help="e-node limit of the search")
    p.add_argument("--max-iterations", type=int, default=30, help="iteration limit of the search")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds of search per link")
    p.add_argument("--certificate", metavar="FILE", help="write the proof certificate (JSON) here")
    p.add_argument("--graph", metavar="FILE", help="draw the proof (.dot, or .svg with Graphviz)")
    p.add_argument("--egraph", action="store_true", help="with --graph: draw the e-graph instead")
    p.set_defaults(run=cmd_prove)

    p = sub.add_parser("check", help="check every theorem of .thm files (folders searched) against its expect")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=FORMATS, default="unicode")
    p.add_argument("--json", action="store_true", help="short for --format json")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds of search per link")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    p.add_argument("--shard", metavar="K/N", help="check only the K-th of N parts of the theorems")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    p.add_argument("--cache", default=".matproof-cache", metavar="DIR",
                   help="where proofs are cached (default .matproof-cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the proof cache")
    p.set_defaults(run=cmd_check)

    rules = sub.add_parser("rules", help="tools for rule authors")
    rsub = rules.add_subparsers(dest="rules_command", metavar="COMMAND", required=True)
    p = rsub.add_parser("lint", help="check rule files: shapes, soundness, duplicates, loops")
    p.add_argument("files", nargs="+", metavar="FILE.rules")
    p.add_argument("--coverage", nargs="+", metavar="CORPUS",
                   help="prove the theorems of these .thm files or folders and say which rules they use")
    p.add_argument("--format", choices=FORMATS, default="unicode")
    p.add_argument("--json", action="store_true", help="short for --format json")
    p.set_defaults(run=cmd_lint)

    p = sub.add_parser("grad", help="derive ∂f/∂X, prove it, and check it numerically")
    p.add_argument("input", metavar="FUNCTION")
    p.add_argument("--wrt", required=True, metavar="X", help="the variable")
    common(p)
    p.add_argument("--max-nodes", type=int, default=20_000)
    p.add_argument("--max-iterations", type=int, default=8)
    p.add_argument("--timeout", type=float, default=5.0)
    p.set_defaults(run=cmd_grad)

    p = sub.add_parser("verify", help="replay a proof certificate with the kernel")
    p.add_argument("input", metavar="CERT.json")
    p.set_defaults(run=cmd_verify)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if not getattr(args, "command", None):
        ap.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except MatproofError as e:
        print(e.render(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except RecursionError:
        print("error: the input is nested too deeply", file=sys.stderr)
        return 2
    except Exception as e:  # a bug of ours: say so plainly, exit non-zero, no traceback
        print(f"internal error: {type(e).__name__}: {e}\n"
              "please report this with the input that caused it", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
