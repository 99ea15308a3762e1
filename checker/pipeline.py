"""The pipeline from a theorem to its outcome, and the `Result` it gives.

parse → type → numeric test → proof search per link of the chain (e-graph,
explanation, kernel) → Result. The rule that governs this module: a theorem
is never reported proved without a certificate the kernel accepted, and never
when the numeric test refutes it (a refuted theorem is not searched).
"""
from __future__ import annotations

import functools

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import syntax as S
from .errors import MatproofError
from .kernel import NORMAL_FORM_STEP
from .meaning import declared, fact_text
from .parse import parse_text
from .printing import PRINTERS, to_latex, to_unicode
from .statements import Declarations, Theorem
from .typecheck import type_theorem

if TYPE_CHECKING:
    from .limits import Limits
    from .typecheck import Typed

#: the budget of the search for a proof of a refuted link (one would expose an unsound
#: rule): about a second's work, counted so that the verdict does not depend on the machine
GUARD_WORK = 200_000
GUARD_NODES = 5_000

EXIT = {"proved": 0, "refuted": 1, "error": 2, "unknown": 3}


@dataclass
class Result:
    """The outcome for one theorem, with everything needed to show why."""

    name: str
    line: int
    status: str                          # proved, refuted, unknown, error
    expected: str = "proved"
    seconds: float = 0.0
    sides: list[str] = field(default_factory=list)
    sides_latex: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    proof: list[dict] | None = None
    certificates: list[dict] = field(default_factory=list)   # one per link, for proved theorems
    counterexample: Any = None           # numeric.test.Counterexample
    reason: str = ""
    error: MatproofError | None = None
    filename: str = "<input>"
    stats: list[dict] = field(default_factory=list)
    closest: list[str] | None = None
    proof_latex: list[tuple[str, str]] | None = None
    egraphs: list = field(default_factory=list, repr=False)   # (e-graph, roots) per link searched

    def as_json(self) -> dict:
        out: dict = {"name": self.name, "line": self.line, "status": self.status,
                     "expected": self.expected, "seconds": round(self.seconds, 6),
                     "sides": self.sides, "assumptions": self.assumptions}
        if self.proof is not None:
            out["proof"] = self.proof
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample.as_json()
        if self.reason:
            out["reason"] = self.reason
        if self.error is not None:
            out["error"] = self.error.as_json()
        if self.stats:
            out["search"] = self.stats
        if self.closest:
            out["closest"] = self.closest
        return out

    @property
    def certificate(self) -> dict | None:
        """What the kernel replayed: the link's certificate, or a bundle for a chain (the
        format `matproof verify` reads; see checker/certificate.py)."""
        if not self.certificates:
            return None
        if len(self.certificates) == 1:
            return self.certificates[0]
        from .certificate import bundle
        return bundle(self.certificates)

    def __str__(self) -> str:
        from .report import render_result
        return render_result(self, "unicode")

    def _repr_latex_(self) -> str:
        """Jupyter: the identity, its outcome, and the proof as an aligned derivation."""
        body = " = ".join(self.sides_latex) if self.sides_latex else ""
        out = f"$\\text{{{self.status}}}:\\quad {body}$"
        if self.proof_latex:
            rows = [f"&= {t} && \\text{{{r}}}" for r, t in self.proof_latex[1:]]
            out += "\n$$\\begin{aligned}" + self.proof_latex[0][1] + " " + " \\\\ ".join(rows) + \
                "\\end{aligned}$$"
        return out


def prove_theorem(thm: Theorem, *, seed: int = 0, draws: int = 6, printer: str = "unicode",
                  limits=None, search: bool = True, rule_files: list[Path] | None = None,
                  paranoid: bool = False, normal_form: bool = True) -> Result:
    """Settle one theorem: numeric test, then proof search link by link, then the kernel.

    A refuted theorem is searched for a proof (which would expose an unsound rule) only
    when `paranoid`: the shipped rules are guarded by their own numeric tests, and a rule
    file matproof does not ship is linted before it is used (trust.py), once per content."""
    if draws < 1:
        raise ValueError("draws must be at least 1: the numeric test guards every claim")
    t0 = time.perf_counter()
    show = PRINTERS[printer]
    res = Result(thm.name, thm.line, "unknown", thm.expect, filename=thm.filename)
    try:
        typed = type_theorem(thm)
    except MatproofError as e:
        res.status, res.error, res.reason = "error", e, e.message
        res.seconds = time.perf_counter() - t0
        return res
    res.sides = [show(e) for e in typed.exprs]
    res.sides_latex = [to_latex(e) for e in typed.exprs]
    res.assumptions = [a.text(show) for a in typed.assumptions   # what a declaration says is no assumption
                       if not declared(a.kind, a.expr, typed.symbols)]
    from .limits import Limits
    from .rules import default_rule_files
    from .strategy import search_link
    limits = limits or Limits()
    if rule_files is None:
        rule_files = default_rule_files() + [Path(u) for u in thm.uses]
    from .trust import UntrustedRules, require_sound
    try:     # a rule file matproof does not ship is linted first: unsound or unverified, it is refused
        require_sound(rule_files)
    except UntrustedRules as e:
        res.status, res.error, res.reason = "error", e, e.message
        res.seconds = time.perf_counter() - t0
        return res
    from .numeric import numeric_test
    numeric = numeric_test(typed, seed=seed, draws=draws)
    if numeric.status == "refuted":
        _refuted(res, numeric.counterexample, typed, thm, rule_files, limits, show, search and paranoid)
        res.seconds = time.perf_counter() - t0
        return res
    numeric_note = (f"agrees on {numeric.draws} random instances" if numeric.status == "consistent"
                    else f"the numeric test could not decide: {numeric.reason}")
    if not search:
        res.reason = numeric_note + "; proof search was not run"
        res.seconds = time.perf_counter() - t0
        return res
    proof: list[dict] = []
    certificates: list[dict] = []
    for k in range(len(typed.exprs) - 1):
        found = search_link(typed, k, thm.decls, rule_files, limits, normal_form)
        if found.egraph is not None:
            res.egraphs.append((found.egraph, found.roots))
        res.stats.append({"link": k + 1, "stop": found.report.stop.value, "iterations": found.report.iterations,
                          "nodes": found.report.nodes, "classes": found.report.classes,
                          "work": found.report.work,
                          "seconds": round(found.report.seconds, 6)})
        if not found.proved:
            where = f"link {k + 1} of the chain ({show(typed.exprs[k])} = {show(typed.exprs[k + 1])}): " \
                if len(typed.exprs) > 2 else ""
            res.reason = f"{where}{found.reason}; {numeric_note}"
            if found.closest:
                res.closest = [show(found.closest[0]), show(found.closest[1])]
            res.seconds = time.perf_counter() - t0
            return res
        proof += _link_proof(found, typed.exprs[k], typed.exprs[k + 1], k, show, _rule_places(rule_files))
        certificates.append(found.certificate)
    proof.append({"rule": "end", "term": show(typed.exprs[-1]), "latex": to_latex(typed.exprs[-1])})
    res.status = "proved"
    res.proof = [p for p in proof if p["rule"] not in ("link", "end")]
    res.proof_latex = [(p["rule"], p["latex"]) for p in proof if p["rule"] not in ("link", "end")]
    for p in res.proof:
        p.pop("latex", None)
    res.certificates = certificates
    res.reason = numeric_note
    res.seconds = time.perf_counter() - t0
    return res


def _refuted(res: Result, counterexample, typed, thm: Theorem, rule_files: list[Path], limits, show,
             guard: bool) -> None:
    """A refuted theorem: the failing link, and, with `guard`, a short search for a proof of
    it, which would expose an unsound rule (the result is then an error naming them)."""
    from .resources import shipped_rule_files
    from .strategy import search_link
    res.status = "refuted"
    res.counterexample = counterexample
    k = counterexample.link
    if len(typed.exprs) > 2:
        res.reason = f"link {k + 1} of the chain fails: {show(typed.exprs[k])} ≠ {show(typed.exprs[k + 1])}"
    else:
        res.reason = "the two sides differ on a random instance"
    if any(n.op in (S.GRAD, S.JAC) for e in typed.exprs for n in e.walk()):
        from .conventions import cookbook, other_layout
        note = other_layout(thm, typed) or cookbook(thm, typed, show)
        if note:
            res.reason += "; " + note
    if not guard:
        return
    quick = replace(limits, nodes=min(limits.nodes, GUARD_NODES), work=min(limits.work, GUARD_WORK))
    found = search_link(typed, k, thm.decls, rule_files, quick)
    if found.proved:     # a kernel-checked proof of a refuted link: a rule it used is unsound
        used = ", ".join(sorted({st.rule for st in found.steps}))
        shipped = shipped_rule_files()
        files = ", ".join(str(p) for p in rule_files if p.resolve() not in shipped) or "the shipped rule files"
        res.status = "error"
        res.reason = (f"the rule set is unsound: a kernel-checked proof and a counterexample disagree; "
                      f"the proof used the rules {used} (rule files: {files}); "
                      "`matproof rules lint` names the unsound one")


#: how a proof names each identification of differentials (§5b, §6)
IDENTIFICATIONS = {"gradient": "gradient identification: ∂f/∂X = G ⇔ d f = ⟨G, dX⟩",
                   "symmetric gradient": "gradient identification on symmetric matrices: ∂f/∂S = G ⇔ "
                                         "d f = ⟨G, dS⟩ for symmetric dS, G = Gᵀ",
                   "jacobian": "Jacobian identification: ∂f/∂xᵀ = J ⇔ d f = J dx",
                   "hessian": "Hessian identification: ∂²f/∂x∂xᵀ = H ⇔ d(d f) = dxᵀ H dx, H = Hᵀ"}


def _rule_places(rule_files: list[Path]) -> dict[str, str]:
    """`hadamard.rules:3 diag-sandwich` for each rule of a file matproof does not ship, so a
    proof says whose rule it used (a shipped rule is named by its name alone)."""
    from .resources import shipped_rule_files
    shipped = {p.resolve() for p in shipped_rule_files()}
    out: dict[str, str] = {}
    for p in rule_files:
        if p.resolve() not in shipped:
            try:
                stat = p.stat()
            except OSError:
                continue
            out.update(_places_in(str(p.resolve()), p.name, stat.st_mtime_ns, stat.st_size))
    return out


@functools.lru_cache(maxsize=64)
def _places_in(path: str, shown: str, mtime_ns: int, size: int) -> tuple[tuple[str, str], ...]:
    """The places of a rule file's rules, parsed once per version of the file (its modification
    time and size are part of the key), not once per theorem proved."""
    from .parse import parse_file
    try:
        return tuple((r.name, f"{shown}:{r.line} {r.name}") for r in parse_file(path).rules)
    except MatproofError:
        return ()


def rule_name(label: str) -> str:
    """The rule's name in a proof row's label (`py.thm:1 pythagoras ←, X is spd (declared)`)."""
    return label.split(",")[0].removesuffix(" ←").split(" ")[-1]


def _link_proof(found, lhs: S.Expr, rhs: S.Expr, k: int, show, places: dict[str, str] | None = None
                ) -> list[dict]:
    """The rows of the displayed proof for one link: its start, the identification of a
    gradient (both ways), and every step; a rule of a user's file is named with its place."""
    rows: list[dict] = []
    places = places or {}

    def add(rule: str, term: S.Expr) -> None:
        rows.append({"rule": rule, "term": show(term), "latex": to_latex(term)})
    add("start" if k == 0 else "link", lhs)
    if found.identification:
        add(IDENTIFICATIONS[found.identification], found.start)
    for st in found.steps:
        name = places.get(st.rule, st.rule)
        rule = name if st.direction == "->" else f"{name} ←"
        if st.lemma is not None:     # a derivative inside the link, replaced by its value
            d, v = st.subst["derivative"], st.subst["value"]
            pair = (d, v) if st.direction == "->" else (v, d)
            rule = f"{show(pair[0])} = {show(pair[1])} (proved by its identification)"
        if st.rule == NORMAL_FORM_STEP and st.subst:     # multiplied through by sums (kernel.py)
            rule += ", both sides multiplied by " + " and ".join(
                f"{show(m)} on the {side}" for side, m in st.subst.items())
        after = S.numbers_first(st.after)
        if st.rule == NORMAL_FORM_STEP and rows and rows[-1]["term"] == show(after):
            continue    # a step between two ways of writing one thing (d(S) and dS): nothing to read
        add(", ".join([rule, *map(fact_text, st.facts)]), after)
    if found.identification:
        add(IDENTIFICATIONS[found.identification].split(":")[0], rhs)
    return rows


def from_certificates(thm: Theorem, typed, certs: list[dict], numeric) -> Result:
    """The result of a theorem proved by certificates the kernel has accepted (a cache
    entry's): everything shown is made here from the theorem and the kernel-checked steps,
    nothing taken from the entry's own text (which could hold anything, `<script>` included)."""
    from .kernel import decode
    res = Result(thm.name, thm.line, "proved", thm.expect, filename=thm.filename)
    res.sides = [to_unicode(e) for e in typed.exprs]
    res.sides_latex = [to_latex(e) for e in typed.exprs]
    res.assumptions = [a.text(to_unicode) for a in typed.assumptions
                       if not declared(a.kind, a.expr, typed.symbols)]
    rows: list[dict] = []

    def add(rule: str, term: S.Expr) -> None:
        rows.append({"rule": rule, "term": to_unicode(term), "latex": to_latex(term)})
    for cert in sorted(certs, key=lambda c: c["theorem"]["link"]):
        k = cert["theorem"]["link"]
        add("start" if k == 0 else "link", typed.exprs[k])
        kind = (cert.get("gradient") or {}).get("kind", "gradient") if cert.get("gradient") else None
        if kind and cert["steps"]:
            add(IDENTIFICATIONS[kind], decode(cert["steps"][0]["before"]))
        for st in cert["steps"]:
            add(st["rule"] + (" ←" if st.get("direction") == "<-" else ""), S.numbers_first(decode(st["after"])))
        if kind:
            add(IDENTIFICATIONS[kind].split(":")[0], typed.exprs[k + 1])
    res.proof = [r for r in rows if r["rule"] not in ("link",)]
    res.proof_latex = [(r["rule"], r.pop("latex")) for r in res.proof]
    res.certificates = list(certs)
    res.reason = (f"agrees on {numeric.draws} random instances" if numeric.status == "consistent"
                  else f"the numeric test could not decide: {numeric.reason}")
    return res


def prove_text(text: str, *, filename: str = "<input>", decls: Declarations | None = None,
               layout: str = "numerator", **options) -> list[Result]:
    """Every theorem of `text` (a file's contents or one identity); `layout` is what a bare
    ∂f/∂x of a vector f means until a `layout` line says otherwise."""
    doc = parse_text(text, filename, decls, layout=layout)
    return [prove_theorem(t, **options) for t in doc.theorems]


@dataclass
class Derived:
    """What `grad` or `hess` found: the derivative (None if none was found within the limits),
    the identity proved with it (`∂f/∂X = G`, `∂f/∂xᵀ = J`, `∂²f/∂x∂xᵀ = H`) and its result."""

    function: S.Expr
    wrt: str
    gradient: S.Expr | None      # the derivative found: a gradient, a Jacobian or a Hessian
    result: Result | None
    typed: Typed
    kind: str = "gradient"
    derivative: S.Expr | None = None     # the left side of the identity: ∂f/∂X, ∂f/∂xᵀ, …


def grad(text: str, wrt: str, *, decls: Declarations | None = None, limits: Limits | None = None,
         printer: str = "unicode", hessian: bool = False, **options) -> Derived:
    """Derive the derivative of the f written in `text` in `wrt` (a symbol, or `vec(X)`): the
    gradient of a scalar f, the Jacobian ∂f/∂xᵀ of a vector f (or of a scalar f in vec(X)), or
    with `hessian` the Hessian ∂²f/∂x∂xᵀ; then prove and check the identity like any other
    (the derivation is a search and a read-off; only the proof is trusted)."""
    from .limits import Limits
    from .parse import parse_expr
    from .printing import to_ascii
    from .rules import default_rule_files
    from .strategy import derive
    from .typecheck import infer
    decls = decls or {}
    limits = limits or Limits()
    f = parse_expr(text, set(decls))
    typed = infer([f], decls)
    f = typed.exprs[0]
    through_vec = wrt.replace(" ", "").startswith("vec(") and wrt.rstrip().endswith(")")
    name = wrt.replace(" ", "")[4:-1] if through_vec else wrt
    if name not in typed.symbols:
        raise MatproofError(f"{name} does not occur in the function", 1, 1, None, text)
    var = S.func("vec", S.sym(name)) if through_vec else S.sym(name)
    scalar = typed.shape(f) == (1, 1)
    if hessian:
        if not scalar or (not through_vec and typed.symbols[name].shape[1] != 1):
            raise MatproofError("matproof hess takes a scalar function of a vector (or of vec(X))", 1, 1,
                                None, text, hint="the Hessian ∂²f/∂x∂xᵀ of a scalar f in a vector x, or "
                                                 "∂²f/∂vec(X)∂vec(X)ᵀ with --wrt 'vec(X)'")
        kind, derivative = "hessian", S.hess(f, var)
    elif scalar and not through_vec:
        kind, derivative = "gradient", S.grad(f, var)
    elif scalar or (typed.shape(f)[1] == 1 and not through_vec and typed.symbols[name].shape[1] == 1):
        kind, derivative = "jacobian", S.jacobian(f, var)
    elif through_vec:     # ∂vec(F)/∂vec(X)ᵀ, F a matrix (or written vec(F))
        kind, derivative = "jacobian", S.jacobian(f if f.op == "vec" else S.func("vec", f), var)
    else:
        raise MatproofError("matproof grad takes a scalar function, or a vector function of a vector",
                            1, 1, None, text, hint="for a matrix F, take --wrt 'vec(X)': ∂vec(F)/∂vec(X)ᵀ")
    found = derive(typed, derivative, default_rule_files(), limits)
    if found is None:
        return Derived(f, wrt, None, None, typed, kind, derivative)
    if kind == "gradient" and "symmetric" in typed.symbols[name].props:
        from .readoff import symmetric_part
        found = symmetric_part(found, typed.symbols)    # the gradient on symmetric matrices (§5b)
    identity = f"{to_ascii(derivative)} = {to_ascii(found)}"
    res = prove_text(identity, decls=decls, limits=limits, printer=printer, **options)[0]
    return Derived(f, wrt, found, res, typed, kind, derivative)


def prove(text: str, **options) -> Result:
    """The Python API: settle the first (usually only) theorem in `text`.

    >>> prove("(A B)ᵀ = Aᵀ Bᵀ").status
    'refuted'
    """
    results = prove_text(text, **options)
    if not results:
        raise MatproofError("no theorem in the input", 1, 1, hint="write an identity: lhs = rhs")
    return results[0]
