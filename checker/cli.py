"""The `matproof` command line.

Exit status (§8 of the spec): `prove` 0 proved, 1 refuted, 3 unknown, 2 bad
input; `parse` 0 or 2. Every error in the user's input is printed as a
located message; no traceback ever reaches the terminal.
"""
from __future__ import annotations

import argparse
import math
import os
import sys

from .version import __version__
from .errors import MatproofError

FORMATS = ("unicode", "ascii", "latex", "json")


def _read_input(arg: str) -> tuple[str, str]:
    """(text, filename): the contents of an existing file, or the argument itself."""
    from pathlib import Path
    p = Path(arg)
    try:
        is_file = "\n" not in arg and "\0" not in arg and p.is_file()
    except (OSError, ValueError):         # a name too long to be a path is an identity
        is_file = False
    if is_file:
        from .safefiles import read_text
        try:
            return read_text(p), str(p)
        except (OSError, UnicodeDecodeError) as e:
            raise MatproofError(f"cannot read {arg}: {getattr(e, 'strerror', None) or e}",
                                filename=arg) from None
    if arg.endswith((".thm", ".rules")) and "=" not in arg and "->" not in arg:
        raise MatproofError(f"no such file: {arg}", filename=arg)
    return arg, "<input>"


def _check_output(path: str | None, option: str) -> None:
    """Refuse an output path that cannot be written before any work is done."""
    from pathlib import Path
    if not path:
        return
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise MatproofError(f"{option} {path}: is a folder, not a file", filename=path)
    if not parent.is_dir():
        raise MatproofError(f"{option} {path}: the folder {parent} does not exist", filename=path)
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise MatproofError(f"{option} {path}: not writable", filename=path)


def _write(path: str, text: str) -> None:
    from pathlib import Path
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise MatproofError(f"cannot write {path}: {e.strerror or e}", filename=path) from None


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
    from .limits import Limits
    return Limits(nodes=args.max_nodes, iterations=args.max_iterations, work=args.max_work,
                  seconds=args.timeout)


def _fmt(args) -> str:
    return "json" if getattr(args, "json", False) else args.format


def cmd_parse(args) -> int:
    from .parse import parse_text
    from .printing import PRINTERS, dumps, to_json
    from .report import render_typed
    from .shapes import shape_text
    from .typecheck import type_rule, type_theorem
    text, filename = _read_input(args.input)
    doc = parse_text(text, filename, _lets(args.let), layout=args.layout)
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
    _check_output(args.certificate, "--certificate")
    _check_output(args.graph, "--graph")
    fmt = _fmt(args)
    results = prove_text(text, filename=filename, decls=_lets(args.let), layout=args.layout, seed=args.seed,
                         draws=args.draws, printer="unicode" if fmt == "json" else fmt, limits=_limits(args),
                         paranoid=args.paranoid,
                         normal_form=not (args.no_normal_form or args.egraph))   # --egraph draws a search
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
        from .certificate import write
        certs = [c for r in results for c in r.certificates]
        if certs:
            try:
                write(args.certificate, certs)
            except OSError as e:
                raise MatproofError(f"cannot write {args.certificate}: {e.strerror or e}",
                                    filename=args.certificate) from None
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
    """Replay each certificate of a file with the kernel, relying only on the rule files
    matproof ships and those named by --trust-rules (linted numerically first)."""
    from pathlib import Path
    from . import certificate
    from .kernel import KernelError, file_hash
    from .resources import shipped_rule_files
    try:
        certs = certificate.read(args.input)
    except FileNotFoundError:
        raise MatproofError(f"no such file: {args.input}", filename=args.input) from None
    except (OSError, ValueError) as e:
        raise MatproofError(f"cannot read {args.input} as JSON: {e}", filename=args.input) from None
    except KernelError as e:
        raise MatproofError(f"{args.input}: {e}", filename=args.input) from None
    if not certs:
        raise MatproofError(f"{args.input} holds no certificate", filename=args.input)
    trusted = [Path(p) for p in args.trust_rules or []]
    from .trust import UntrustedRules, require_sound
    try:
        require_sound(trusted)
    except UntrustedRules as e:
        print(f"✗ {e.message}; no certificate relying on it is accepted", file=sys.stderr)
        return 1
    allowed = shipped_rule_files() + trusted
    relied: dict[Path, str] = {}
    for k, cert in enumerate(certs, 1):
        try:
            _, paths = certificate.check(cert, allowed)
        except KernelError as e:
            print(f"✗ certificate {k} rejected: {e}", file=sys.stderr)
            if isinstance(e, certificate.UntrustedRules):
                print("  hint: a rule file matproof does not ship is relied on only when named: "
                      "--trust-rules FILE (it is linted for soundness first)", file=sys.stderr)
            return 1
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            print(f"✗ certificate {k} rejected: malformed ({type(e).__name__}: {e})", file=sys.stderr)
            return 1
        relied.update((p, file_hash(p)) for p in paths)
        print(f"✓ certificate {k} accepted: {len(cert['steps'])} steps")
    print("relied on the rule files:")
    for p, sha in relied.items():
        print(f"  {p}  sha256 {sha}")
    return 0


def cmd_check(args) -> int:
    """Every theorem of the files against its `expect`; exit 0 only if all match."""
    from .check import collect, is_failure, junit, run_all, shard, summary, worker_count
    from .limits import Limits
    from .printing import dumps
    _check_output(args.junit, "--junit")
    _check_output(args.html, "--html")
    files, jobs, problems = collect(args.paths, args.opted_in, args.layout)   # bad .thm input: exit 2 here
    if not jobs and not problems and args.opted_in and not any(f.suffix == ".thm" for f in files):
        print("no document holds a matproof: directive; nothing to check")
        return 0
    if not jobs and not problems:
        where = ", ".join(args.paths)
        raise MatproofError(f"no theorem to check in {where}", filename="matproof check",
                            hint="a .thm file holds lines such as 'theorem t: tr(A B) = tr(B A)'; "
                                 "a folder is searched for .thm files and for documents (.tex, .md, "
                                 ".ipynb) with a matproof: directive")
    jobs = shard(jobs, args.shard)
    workers = worker_count(args.jobs, len(jobs))
    cache = None if args.no_cache else args.cache
    fmt = _fmt(args)
    bar = sys.stderr.isatty() and fmt not in ("json", "github")      # a progress bar on a terminal only
    results: list[dict] = []
    order = {str(f): i for i, f in enumerate(files)}

    def place(r: dict) -> tuple:
        return order.get(r["file"], 0), r.get("line", 0), r.get("column", 0)
    waiting = sorted(problems, key=place)      # formulas that could not be read, shown in their place
    for r in run_all(jobs, workers, Limits(work=args.max_work, seconds=args.timeout), cache,
                     paranoid=args.paranoid):
        while waiting and place(waiting[0]) < place(r):
            results.append(waiting[0])
            _show_check_result(waiting.pop(0), fmt, args.quiet_unread)
        results.append(r)
        if r.get("warning"):
            print(f"warning: {r['warning']}", file=sys.stderr)
        if bar:
            print("\r\033[K", end="", file=sys.stderr)
        _show_check_result(r, fmt, args.quiet_unread)
        if bar:
            done = len(results) * 30 // max(1, len(jobs) + len(problems))
            print(f"[{'#' * done}{'.' * (30 - done)}] {len(results)}/{len(jobs) + len(problems)}", end="",
                  file=sys.stderr, flush=True)
    if bar:
        print("\r\033[K", end="", file=sys.stderr)
    for r in waiting:
        results.append(r)
        _show_check_result(r, fmt, args.quiet_unread)
    bad = [r for r in results if is_failure(r)]
    if args.junit:
        _write(args.junit, junit(results))
    if args.html:
        from .html_report import page
        _write(args.html, page(results))
    if fmt == "json":
        print(dumps({"theorems": results, "passed": len(results) - len(bad), "failed": len(bad)}))
    else:
        print(summary(results, len(files)))
    return 1 if bad else 0


def _show_check_result(r: dict, fmt: str, quiet_unread: bool = False) -> None:
    """One result of `check` as it is printed: a line (compiler style, file:line:col, for a
    formula of a document), why it is not as expected, and where its wrong steps are."""
    if fmt == "json":
        return
    if fmt == "github":
        from .annotations import annotation
        for line in annotation(r, quiet_unread):
            print(line, flush=True)
        return
    from .check import is_failure
    ok = r["status"] == r["expected"]
    said = not ok and not is_failure(r)         # a document's formula not read, or not decided
    if said and quiet_unread and r["status"] == "unread":
        return
    mark = (("ok" if ok else "WARN" if said else "FAIL") if fmt == "ascii"
            else ("✓" if ok else "?" if said else "✗"))
    extra = "" if ok or said else f" (expected {r['expected']})"
    if r["status"] == "unread":
        r = {**r, "status": "not read"}
    cached = ", from the cache" if r.get("cached") else ""
    timing = f" [{r['seconds']:.2f}s{cached}]"
    if r.get("column"):       # a formula of a document
        print(f"{r['file']}:{r['line']}:{r['column']}: {mark} {r['name']}: {r['status']}{extra}"
              f"{timing if r['status'] not in ('error', 'not read') else ''}", flush=True)
    else:
        print(f"{mark} {r['file']}:{r['line']} {r['name']}: {r['status']}{extra}{timing}", flush=True)
    if ok:
        return
    if r.get("error_text"):
        print("  " + r["error_text"].replace("\n", "\n  "), flush=True)
        return
    from .documents.links import counterexample_only, failing
    steps = failing(r)
    for k in steps:
        shown = "not read" if k["status"] == "unread" else k["status"]
        print(f"  {r['file']}:{k['line']}:{k['column']}: step {k['link']} is {shown}: "
              f"{' = '.join(k.get('sides', []))}", flush=True)
        if k.get("counterexample_text"):
            print("    " + counterexample_only(k["counterexample_text"]).replace("\n", "\n    "), flush=True)
        elif k.get("reason"):
            print("    " + k["reason"], flush=True)
    if not steps and r.get("reason"):
        print("  " + r["reason"].replace("\n", "\n  "), flush=True)


def _whole(text: str) -> int:
    if len(text) > 20:
        raise argparse.ArgumentTypeError(f"a number of at most 20 digits is needed, not {text[:20]}…")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number is needed, not {text!r}") from None


def _positive_int(text: str) -> int:
    n = _whole(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def _seed(text: str) -> int:
    n = _whole(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {n}")
    return n


def _draws(text: str) -> int:
    n = _positive_int(text)
    if n > MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"at most {MAX_DRAWS} draws, not {n}")
    return n


#: more random instances than this say nothing the numeric test does not already say
MAX_DRAWS = 1000


def _seconds(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of seconds is needed, not {text!r}") from None
    if not math.isfinite(x) or x <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return x


def _shard(text: str) -> str:
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes K/N (e.g. 2/4), not {text!r}") from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"takes K/N with 1 ≤ K ≤ N, not {text}")
    return text


def cmd_lint(args) -> int:
    from pathlib import Path
    from .lint import lint_rules
    from .workbench import coverage
    from .parse import parse_file
    from .printing import dumps
    paths = [Path(p) for p in args.files]
    for p in paths:
        if not p.is_file():
            raise MatproofError(f"no such file: {p}", filename=str(p))
    docs = [parse_file(p) for p in paths]
    rules = [r for d in docs for r in d.rules]
    from .trust import shipped_names
    report = lint_rules(rules, shipped=shipped_names())
    from .workbench import check_examples, derivable
    from .resources import shipped_rule_files
    shipped = {p.resolve() for p in shipped_rule_files()}
    report.findings += derivable([r for r in rules if Path(r.filename).resolve() not in shipped])
    report.findings += check_examples([t for d in docs for t in d.theorems])
    usage = coverage(rules, paths, args.coverage) if args.coverage else None
    counts = {k: sum(f.kind == k for f in report.findings) for k in ("error", "unsound", "unverified", "warning")}
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
              f"{counts['unverified']} unverified, {counts['warning']} warnings")
    return 1 if report.failed else 0


def cmd_impact(args) -> int:
    """What a rule file changes for a corpus (checker/impact.py)."""
    from pathlib import Path
    from .impact import impact
    from .printing import dumps
    f = Path(args.file)
    if not f.is_file():
        raise MatproofError(f"no such file: {f}", filename=str(f))
    corpus = args.corpus or ["."]
    found = impact(f, corpus)
    if _fmt(args) == "json":
        print(dumps(found.__dict__))
        return 0
    print(f"{found.theorems} theorems of {', '.join(corpus)}, with and without {f}:")
    print(f"  newly proved ({len(found.gained)}): {', '.join(found.gained) or 'none'}")
    print(f"  no longer proved ({len(found.lost)}): {', '.join(found.lost) or 'none'}")
    for name, b, a in found.changed:
        print(f"  {name}: {b} → {a}")
    print(f"  search work: {found.work[0]} → {found.work[1]} units")
    for name, b, a in found.costlier[:10]:
        print(f"    {name}: {b} → {a}")
    print(f"  rules of {f.name} no proof used ({len(found.unused)}): {', '.join(found.unused) or 'none'}")
    return 0


def cmd_discover(args) -> int:
    """Candidate rules over a few operators (checker/discover.py), each linted."""
    import time
    from .discover import BINARY, UNARY, discover
    from .rules import default_rule_files
    ops = [o.strip() for o in args.ops.split(",") if o.strip()]
    unknown = [o for o in ops if o not in UNARY and o not in BINARY]
    if unknown:
        raise MatproofError(f"unknown operator {unknown[0]!r}", filename="matproof rules discover",
                            hint="operators: " + " ".join(sorted(set(UNARY) | set(BINARY))))
    t0 = time.perf_counter()
    found = discover(ops, args.size, default_rule_files() if args.known == "shipped" else [], args.most)
    print("let a, b: n\nlet X: n×n")
    for c in found:
        print(f"{c.text}    # size {c.size}; lint: {c.lint}")
    print(f"# {len(found)} candidates over {', '.join(ops)} up to size {args.size}, "
          f"not proved by the normal form{' or the shipped rules' if args.known == 'shipped' else ''} "
          f"({time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_grad(args, hessian: bool = False) -> int:
    from . import syntax as S
    from .printing import PRINTERS, dumps
    from .pipeline import EXIT, grad
    from .report import render_result
    decls = _lets(args.let)
    fmt = _fmt(args)
    found = grad(args.input, args.wrt, decls=decls, limits=_limits(args), hessian=hessian,
                 printer="unicode" if fmt == "json" else fmt)
    g, res, typed, f = found.gradient, found.result, found.typed, found.function
    if g is None:
        print(f"? no {found.kind} found within the limits for {PRINTERS['unicode'](found.derivative)}")
        known = {a.expr for a in typed.assumptions if a.kind == "invertible"}
        for n in f.walk():   # the one condition people meet: det of a plain X
            x = n.args[0] if n.op == "det" else None
            if x is not None and x.op == S.SYM and x not in known \
                    and "invertible" not in typed.symbols[x.attr].props:   # declared, with what it implies
                print(f"  hint: d(det X) = det(X) tr(X⁻¹ dX) needs X invertible; if {x.attr} is, "
                      f"say so: --let '{x.attr}: n×n invertible'")
                break
        return 3
    if fmt == "json":
        print(dumps({found.kind: PRINTERS["unicode"](g), "latex": PRINTERS["latex"](g), **res.as_json()}))
    else:
        # ∂f/∂x, ∂f/∂xᵀ, ∂²f/∂x∂xᵀ: the derivative with f written as f
        top = S.func("vec", S.sym("F")) if found.derivative.args[0].op == "vec" else S.sym("f")
        shown = S.Expr(found.derivative.op, (top, found.derivative.args[1]))
        print(f"{PRINTERS[fmt](shown)} = {PRINTERS[fmt](g)}")
        print(render_result(res, fmt, error_details=False))
    return EXIT[res.status] if res.status != "proved" else 0


def cmd_hess(args) -> int:
    return cmd_grad(args, hessian=True)


def build_parser() -> argparse.ArgumentParser:
    from .limits import Limits
    ap = argparse.ArgumentParser(prog="matproof",
                                 description="Prove matrix-calculus identities by rewriting.")
    ap.add_argument("--version", action="version", version=f"matproof {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    def common(p):
        p.add_argument("--let", action="append", metavar="DECL",
                       help="a declaration for a one-line input, e.g. 'X: n×n invertible'")
        p.add_argument("--layout", choices=("numerator", "denominator"), default="numerator",
                       help="what a bare ∂f/∂x of a vector f is: the Jacobian (numerator) or its "
                            "transpose; a `layout` line in a file overrides it from there on")
        output_format(p)
        rules_from(p)

    def output_format(p, extra: tuple = (), help: str | None = None):
        p.add_argument("--format", choices=FORMATS + extra, default="unicode", help=help)
        p.add_argument("--json", action="store_true", help="short for --format json")

    def rules_from(p):
        p.add_argument("--allow-rules-from", action="append", metavar="DIR",
                       help="a folder outside the current one that `use` lines may read rule files "
                            "from (repeatable)")

    def paranoid(p):
        p.add_argument("--paranoid", action="store_true",
                       help="search for a proof of each refuted theorem (a proof would expose an "
                            "unsound rule; rule files matproof does not ship are linted before use)")

    def search_limits(p, nodes: bool = True):
        p.add_argument("--max-work", type=_positive_int, default=Limits.work, metavar="UNITS",
                       help="work limit of the search per link (deterministic: e-nodes visited by "
                            "matching, matches prepared, nodes flattened)")
        p.add_argument("--timeout", type=_seconds, default=Limits.seconds,
                       help="seconds per link: a safety net only, whose verdict depends on the machine")

    p = sub.add_parser("parse", help="print the typed form of each statement")
    p.add_argument("input", metavar="TEXT|FILE")
    common(p)
    p.set_defaults(run=cmd_parse)

    p = sub.add_parser("prove", help="prove, refute, or say unknown")
    p.add_argument("input", metavar="IDENTITY|FILE")
    common(p)
    p.add_argument("--seed", type=_seed, default=0, help="seed of the random instances")
    p.add_argument("--draws", type=_draws, default=6,
                   help=f"random instances for the numeric test (at most {MAX_DRAWS})")
    p.add_argument("--max-nodes", type=_positive_int, default=20_000, help="e-node limit of the search")
    p.add_argument("--max-iterations", type=_positive_int, default=30, help="iteration limit of the search")
    search_limits(p)
    p.add_argument("--certificate", metavar="FILE", help="write the proof certificate (JSON) here")
    p.add_argument("--graph", metavar="FILE", help="draw the proof (.dot, or .svg with Graphviz)")
    p.add_argument("--egraph", action="store_true", help="with --graph: draw the e-graph instead")
    p.add_argument("--no-normal-form", action="store_true",
                   help="prove by named rules alone: no 'expand and collect (normal form)' step")
    paranoid(p)
    p.set_defaults(run=cmd_prove)

    p = sub.add_parser("check", help="check every theorem of .thm files and the display formulas of "
                                     "LaTeX, Markdown and notebook files (folders searched) against its expect")
    p.add_argument("paths", nargs="+", metavar="PATH")
    rules_from(p)
    output_format(p, ("github",), help="github: GitHub Actions annotations at each wrong step")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report")
    p.add_argument("--layout", choices=("numerator", "denominator"), default="numerator",
                   help="what a bare ∂f/∂x of a vector f is, until a file's `layout` line says otherwise")
    p.add_argument("--opted-in", action="store_true",
                   help="read a document named only if it holds a matproof: directive (for hooks)")
    p.add_argument("--quiet-unread", action="store_true",
                   help="say nothing of a document's formulas that matproof could not read (they are "
                        "still counted)")
    search_limits(p, nodes=False)
    p.add_argument("-j", "--jobs", type=_positive_int, default=1, help="worker processes")
    p.add_argument("--shard", type=_shard, metavar="K/N", help="check only the K-th of N parts of the theorems")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    p.add_argument("--cache", default=".matproof-cache", metavar="DIR",
                   help="where proofs are cached (default .matproof-cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the proof cache")
    paranoid(p)
    p.set_defaults(run=cmd_check)

    rules = sub.add_parser("rules", help="tools for rule authors")
    rsub = rules.add_subparsers(dest="rules_command", metavar="COMMAND", required=True)
    p = rsub.add_parser("lint", help="check rule files: shapes, soundness, duplicates, loops")
    p.add_argument("files", nargs="+", metavar="FILE.rules")
    p.add_argument("--coverage", nargs="+", metavar="CORPUS",
                   help="prove the theorems of these .thm files or folders and say which rules they use")
    output_format(p)
    p.set_defaults(run=cmd_lint)

    p = rsub.add_parser("impact", help="what a rule file changes for a corpus: proofs gained and lost, work")
    p.add_argument("file", metavar="FILE.rules")
    p.add_argument("corpus", nargs="*", metavar="CORPUS",
                   help=".thm files or folders (default: the current folder)")
    output_format(p)
    p.set_defaults(run=cmd_impact)

    p = rsub.add_parser("discover", help="candidate rules over a few operators, found by their values")
    p.add_argument("--ops", required=True, help="operators, comma-separated, e.g. '∘,diag,ᵀ' "
                   "(the matrix product is always among them)")
    p.add_argument("--size", type=_positive_int, default=6, help="the largest term, in nodes (default 6)")
    p.add_argument("--known", choices=("shipped", "none"), default="shipped",
                   help="drop what the shipped rules prove (default), or only what the normal form does")
    p.add_argument("--most", type=_positive_int, default=20, help="how many candidates to print")
    p.set_defaults(run=cmd_discover)

    for name, what, run in (("grad", "derive ∂f/∂X (a gradient; for a vector f, or in vec(X), the Jacobian "
                                      "∂f/∂xᵀ), prove it, and check it numerically", cmd_grad),
                            ("hess", "derive the Hessian ∂²f/∂x∂xᵀ of a scalar f, prove it, and check it "
                                     "numerically", cmd_hess)):
        p = sub.add_parser(name, help=what)
        p.add_argument("input", metavar="FUNCTION")
        p.add_argument("--wrt", required=True, metavar="X", help="the variable: a symbol, or vec(X)")
        common(p)
        p.add_argument("--max-nodes", type=_positive_int, default=20_000)
        p.add_argument("--max-iterations", type=_positive_int, default=8)
        search_limits(p)
        p.set_defaults(run=run)

    p = sub.add_parser("verify", help="replay a proof certificate with the kernel")
    p.add_argument("input", metavar="CERT.json")
    p.add_argument("--trust-rules", action="append", metavar="FILE",
                   help="a rule file besides the shipped ones that a certificate may rely on "
                        "(linted for soundness first; repeat for more)")
    p.set_defaults(run=cmd_verify)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:          # --help, --version, or a usage error (status 2)
        return e.code if isinstance(e.code, int) else 2
    if not getattr(args, "command", None):
        ap.print_help(sys.stderr)
        return 2
    from pathlib import Path

    from .parse import ALLOW_RULES_ENV
    before = os.environ.get(ALLOW_RULES_ENV)
    if getattr(args, "allow_rules_from", None):    # an environment variable: workers see it too
        os.environ[ALLOW_RULES_ENV] = os.pathsep.join(
            [str(Path(d).resolve()) for d in args.allow_rules_from] + ([before] if before else []))
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
    finally:
        if before is None:
            os.environ.pop(ALLOW_RULES_ENV, None)
        else:
            os.environ[ALLOW_RULES_ENV] = before


if __name__ == "__main__":
    sys.exit(main())
