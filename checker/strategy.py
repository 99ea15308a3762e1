"""How one link of a theorem is proved: the steps a person takes, composed.

Each is a small function, tried in turn: identify a derivative (∂f/∂X = G as d f =
⟨G, dX⟩), replace an inner derivative by its proved value (a lemma), work the
differentials inward (differentiate.py), settle by the normal form (or multiply
through by a sum whose inverse stands at an end), and only then search the e-graph
(search.py); a proof found is shortened and replayed by the kernel before it is
claimed. Derivations (`derive`: a gradient, Jacobian or Hessian read off the normal form
of d f, then tidied) compose the same steps.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import certificate
from . import syntax as S
from .egraph import EGraph
from .egraph.explain import Step, cut_loops
from .egraph.rewrite import successors
from .egraph.run import Budget, RunReport
from .limits import Limits, StopReason
from .meaning import Identification, facts_behind, identify, varying_symbols
from .normalform import NoNormalForm, NormalForm, facts_used
from .readoff import collect_diagonals, read_off, read_off_jacobian, read_off_vec_jacobian
from .errors import MatproofError
from .kernel import NORMAL_FORM_STEP, KernelError, check_steps, nf
from .kernel import load_rules as kernel_rules
from .printing import to_ascii
from .differentiate import differential_rewrites, differentiate
from .rules import rewrites_both_ways, rewrites_for, rule_file_records
from .shorten import shorten
from .statements import Decl, decl_line
from .typecheck import IllTyped, Typed, checked_shape, declarations_of, infer

from .search import SearchResult, by_search, cheapest, facts_for, normal_form_step  # noqa: F401


@dataclass
class Link:
    """One link as the strategies see it: the two terms to join (after a derivative's
    identification), what varies, and the attempts to join them — the terms as written, and
    first, where it changes something, with their differentials worked inward."""

    typed: Typed
    index: int
    decls: dict[str, Decl]
    rule_files: list[Path]
    limits: Limits
    normal_form: bool
    lhs: S.Expr
    rhs: S.Expr
    gradient: dict | None
    varying: set[str]
    attempts: list = field(default_factory=list)     # (start, goal, steps before, steps after)
    form: NormalForm | None = None


#: what a strategy gives: the steps, the report, and the e-graph with the two roots (or None)
Found = tuple


def search_link(typed: Typed, link: int, decls: dict[str, Decl], rule_files: list[Path],
                limits: Limits, normal_form: bool = True) -> SearchResult:
    """Prove one link, as a person would: identify a derivative, replace an inner one by its
    proved value, work the differentials inward, then try each of STRATEGIES in turn; the
    kernel replays whatever is found before it is returned as proved."""
    ln = identified(typed, link, decls, rule_files, limits, normal_form)
    if isinstance(ln, SearchResult):
        return ln
    inner = _inner_derivative(ln.lhs, ln.rhs) if ln.gradient is None else None
    if inner is not None:
        return _through_lemma(inner, typed, link, decls, rule_files, limits, normal_form)
    ln.attempts = worked_inward(ln)
    ln.form = NormalForm(typed.symbols)
    for strategy in STRATEGIES:
        found = strategy(ln)
        if isinstance(found, SearchResult):
            return found
        if found is not None:
            steps, report, eg, roots = found
            return _certified(steps, report, typed, link, decls, rule_files, ln.lhs, ln.rhs, ln.varying,
                              ln.gradient, eg, roots)
    raise AssertionError("the e-graph strategy always answers")


def identified(typed: Typed, link: int, decls: dict[str, Decl], rule_files: list[Path], limits: Limits,
               normal_form: bool) -> Link | SearchResult:
    """The link to prove: `∂f/∂X = G` becomes `d f = ⟨G, dX⟩` with only X varying (and
    `∂f/∂xᵀ = J` becomes `d f = J dx`, …); a value that must be symmetric and is not
    evidently so is a SearchResult saying why."""
    lhs, rhs = typed.exprs[link], typed.exprs[link + 1]
    gradient = None
    varying = varying_symbols(typed.exprs, typed.symbols)
    for side, (this, other) in enumerate(((lhs, rhs), (rhs, lhs))):
        ident = identify(this, other, typed.symbols)
        if isinstance(ident, Identification):
            gradient = {"wrt": ident.wrt, "side": side, "kind": ident.kind}
            lhs, rhs = ident.start, ident.goal
            varying = {ident.wrt}
            if ident.symmetric is not None and not NormalForm(typed.symbols).equal(
                    ident.symmetric, S.transpose(ident.symmetric)):
                return SearchResult(False, RunReport(StopReason.NORMAL_FORM),
                                    reason=f"{to_ascii(ident.symmetric)} is not evidently symmetric, and a "
                                           f"{ident.kind} is identified only with a symmetric value")
            break
    return Link(typed, link, decls, rule_files, limits, normal_form, lhs, rhs, gradient, varying)


def worked_inward(ln: Link) -> list:
    """The attempts: first the two sides with their differentials worked inward, as a person
    does (where that changes something), then the sides as they are."""
    attempts = [(ln.lhs, ln.rhs, [], [])]
    rewrites = differential_rewrites(rewrites_for(ln.rule_files))
    pre = [differentiate(t, rewrites, ln.typed.symbols, lambda g: facts_for(g, ln.typed, ln.varying))
           for t in (ln.lhs, ln.rhs)]
    if all(p is not None for p in pre) and (pre[0][0] or pre[1][0]):
        (head, _, mid_l), (_, back, mid_r) = pre
        attempts.insert(0, (mid_l, mid_r, head, back[::-1]))
    return attempts


def by_normal_form(ln: Link) -> Found | None:
    """What needs no search: the two sides of an attempt have one normal form. A law a
    person would name (tr(A B C) = tr(C A B): trace-cyclic) reads better than "expand and
    collect", so one rule application that does it is preferred."""
    if not ln.normal_form:
        return None
    for start, goal, head, tail in ln.attempts:
        if ln.form.equal(start, goal):
            steps = _normal_form_steps(start, goal, ln.gradient, ln.form, ln.typed, ln.varying, ln.rule_files)
            return head + steps + tail, RunReport(StopReason.NORMAL_FORM), None, None
    return None


def by_multiplying_through(ln: Link) -> Found | None:
    """(A + B)⁻¹ cleared by multiplying both sides through by A + B, as a person does."""
    cleared = _cleared(ln.attempts, ln.form) if ln.normal_form else None
    if cleared is None:
        return None
    (start, goal, head, tail), through = cleared
    step = Step(NORMAL_FORM_STEP, "->", through, start, goal, (), None, facts_used(start, goal, ln.typed.symbols))
    return head + [step] + tail, RunReport(StopReason.NORMAL_FORM), None, None


def by_egraph(ln: Link) -> Found | SearchResult:
    """Equality saturation (search.py), its explanation cut of loops and shortened."""
    found = by_search(ln.attempts, ln.form if ln.normal_form else None, ln.typed, ln.varying, ln.rule_files,
                      ln.limits)
    if isinstance(found, SearchResult):
        return found
    steps, report, eg, roots = found
    key = functools.partial(nf, symbols=ln.typed.symbols, memo={})
    steps = shorten(cut_loops(steps, ln.lhs, key), ln.lhs, rewrites_both_ways(ln.rule_files), ln.typed.symbols,
                    lambda g: facts_for(g, ln.typed, ln.varying), key)
    return steps, report, eg, roots


#: tried in this order; the last always answers (a proof, or why there is none)
STRATEGIES = (by_normal_form, by_multiplying_through, by_egraph)


def _certified(steps: list[Step], report: RunReport, typed: Typed, link: int, decls: dict[str, Decl],
               rule_files: list[Path], lhs: S.Expr, rhs: S.Expr, varying: set[str], gradient: dict | None,
               eg: EGraph | None = None, roots=None) -> SearchResult:
    """The link's certificate, replayed by the kernel before the proof is claimed."""
    text = "\n".join([decl_line(d) for d in decls.values()]
                     + ["theorem link: " + " = ".join(to_ascii(e) for e in typed.exprs)])
    cert = certificate.for_link(text, link, rule_file_records(rule_files), steps, gradient)
    try:   # the rules as the kernel reads them: from the files' text, not the compiled cache
        used = kernel_rules(cert["rule_files"], certificate.rules_named(cert["steps"]))
        check_steps(lhs, rhs, cert["steps"], used, typed, varying)
    except KernelError as e:
        return SearchResult(False, report, reason=f"the kernel rejected the proof ({e}); not claimed")
    steps = [_naming_facts(st, used.get(st.rule), typed) for st in steps]
    return SearchResult(True, report, steps, cert, start=lhs, goal=rhs,
                        identification=gradient["kind"] if gradient else None, egraph=eg, roots=roots)


def _inner_derivative(lhs: S.Expr, rhs: S.Expr) -> S.Expr | None:
    """A derivative standing inside a side (not a whole side), with none inside it."""
    for side in (lhs, rhs):
        for n in side.walk():
            if n is side or n.op not in (S.GRAD, S.JAC, S.HESS):
                continue
            if not any(m.op in (S.GRAD, S.JAC, S.HESS) for a in n.args for m in a.walk()):
                return n
    return None


def _through_lemma(d: S.Expr, typed: Typed, link: int, decls: dict[str, Decl], rule_files: list[Path],
                   limits: Limits, normal_form: bool) -> SearchResult:
    """A derivative inside the link (`2 ∂(xᵀx)/∂x = 4 x`): derive its value V, prove
    `derivative = V` by its identification (a lemma, with its own certificate), replace it
    by V on both sides, and prove what is left; the kernel checks the lemma where it is used."""
    value = derive(typed, d, rule_files, limits)
    if value is None:
        return SearchResult(False, RunReport(StopReason.SATURATED),
                            reason=f"no value was found for the derivative {to_ascii(d)} inside the link")
    lemma_typed = Typed([d, value], typed.symbols, typed.assumptions, typed.dims)
    lemma = search_link(lemma_typed, 0, declarations_of(typed), rule_files, limits, normal_form)
    if not lemma.proved:
        return SearchResult(False, lemma.report, reason=f"{to_ascii(d)} = {to_ascii(value)}: {lemma.reason}")
    lhs, rhs = typed.exprs[link], typed.exprs[link + 1]
    new_lhs, new_rhs = S.substitute(lhs, {d: value}), S.substitute(rhs, {d: value})
    rest = search_link(Typed([new_lhs, new_rhs], typed.symbols, typed.assumptions, typed.dims), 0, decls,
                       rule_files, limits, normal_form)
    if not rest.proved:
        return rest
    said = {"derivative": d, "value": value}
    head = _replacing(lhs, d, value, said, lemma.certificate, "->")
    tail = [replace(st, before=st.after, after=st.before, direction="<-")
            for st in reversed(_replacing(rhs, d, value, said, lemma.certificate, "->"))]
    varying = varying_symbols(typed.exprs, typed.symbols)
    return _certified(head + rest.steps + tail, rest.report, typed, link, decls, rule_files, lhs, rhs,
                      varying, None)


def _replacing(term: S.Expr, d: S.Expr, value: S.Expr, said: dict, lemma: dict, direction: str) -> list[Step]:
    """Steps replacing each occurrence of d in `term` by its value, one at a time."""
    steps: list[Step] = []
    while True:
        path = _path_to(term, d)
        if path is None:
            return steps
        after = S.replace_at(term, path, value)
        steps.append(Step("lemma", direction, said, term, after, path, None, (), lemma))
        term = after


def _path_to(term: S.Expr, d: S.Expr, path: tuple[int, ...] = ()) -> tuple[int, ...] | None:
    if term == d:
        return path
    for i, a in enumerate(term.args):
        found = _path_to(a, d, path + (i,))
        if found is not None:
            return found
    return None


def _naming_facts(st: Step, rule, typed: Typed) -> Step:
    """The step with the declared facts its rule's conditions were met by (`transpose-of-
    symmetric` on S: `S is symmetric (declared)`), for the proof to name; the kernel has
    checked them already."""
    if rule is None or not rule.conditions:
        return st
    facts: list[str] = []
    for kind, arg in rule.conditions:
        t = st.subst.get(arg.attr) if arg.op == S.SYM else None
        if t is not None:
            try:
                facts += facts_behind(kind, t, typed.symbols, lambda x: checked_shape(x, typed.symbols))
            except IllTyped:
                pass
    return replace(st, facts=tuple(dict.fromkeys(facts))) if facts else st


def _cleared(attempts: list, form: NormalForm):
    """An attempt whose two sides agree once multiplied through by a sum whose inverse
    begins (or ends) a chain — `(Aᵀ A + λ I)⁻¹ Aᵀ = Aᵀ (A Aᵀ + λ I)⁻¹` times Aᵀ A + λ I on
    the left and A Aᵀ + λ I on the right — and the multipliers ({"left": L, "right": R});
    None if there is none. A few candidates each side: the normal form decides each."""
    for attempt in attempts:
        start, goal = attempt[0], attempt[1]
        try:
            lefts = (form.ends(start, True) + form.ends(goal, True))[:3]
            rights = (form.ends(start, False) + form.ends(goal, False))[:3]
        except NoNormalForm:
            continue
        tries = [(m, None) for m in lefts] + [(None, m) for m in rights] + \
                [(a, b) for a in lefts for b in rights]
        for left, right in tries:
            if form.equal_through(start, goal, left, right):
                through = {k: v for k, v in (("left", left), ("right", right)) if v is not None}
                return attempt, through
    return None


def _normal_form_steps(start: S.Expr, goal: S.Expr, gradient: dict | None, form: NormalForm,
                       typed: Typed, varying: set[str], rule_files: list[Path]) -> list[Step]:
    """How a link decided by the normal form reads: for a gradient, the worked answer's
    `d f = ⟨G′, dX⟩` with G′ read off, then `G′ = G` if it is written otherwise; else one
    named rule that does it (`tr(A B C) = tr(C A B)`: trace-cyclic), or one step "expand
    and collect (normal form)"."""
    def by_form(a: S.Expr, b: S.Expr) -> Step:
        return normal_form_step(a, b, typed)
    if gradient is not None and gradient["kind"].endswith("gradient"):
        dx = goal.args[1] if goal.op == S.INNER else None
        derived = read_off(start, gradient["wrt"], form) if dx is not None else None
        if derived is not None and form.equal(start, S.Expr(S.INNER, (derived, dx))):
            middle = S.Expr(S.INNER, (derived, dx))
            return [by_form(start, middle)] + ([by_form(middle, goal)] if middle != goal else [])
    key = functools.partial(nf, symbols=typed.symbols, memo={})
    named = next((st for st, _ in successors(start, rewrites_both_ways(rule_files), typed.symbols,
                                             lambda g: facts_for(g, typed, varying))[0]
                  if key(st.after) == key(goal)), None)
    return [named or by_form(start, goal)]


#: the work a search for a factored form may take once the gradient has been read off
TIDY_WORK = 100_000


def derive_gradient(typed: Typed, f: S.Expr, wrt: str, rule_files: list[Path], limits: Limits
                    ) -> S.Expr | None:
    """The simplest G found with d f = ⟨G, dX⟩ (only X varying), or None.

    Works d f inward first (as `differentiate` does), then saturates the result iteration
    by iteration until the forms of its class include inner products with dX; the cheapest
    term of their other side is the gradient. Only if that still transposes a compound
    term (`X⁻ᵀ (−X⁻¹ A)ᵀ`) does one more iteration, at most doubling the graph, look for a
    tidier form: always doing it took 2–4 times as long. The caller proves it."""
    rewrites = rewrites_for(rule_files)
    start = S.Expr(S.D, (f,))
    pre = differentiate(start, differential_rewrites(rewrites), typed.symbols,
                        lambda g: facts_for(g, typed, {wrt}))
    if pre is not None:
        start = pre[2]
    budget = Budget(limits)
    derived = read_off(start, wrt, NormalForm(typed.symbols)) if pre is not None else None
    if derived is not None:
        # read off without search: the gradient is known; a short search may still find a
        # factored form a person writes (`2 Aᵀ (A x − b)`, not `2 Aᵀ A x − 2 Aᵀ b`), but
        # only where there is a factor to take out (`‖X X x‖²` spent 1 s finding none)
        if not _worth_tidying(derived, typed):
            return _tidy(derived, typed)
        budget = Budget(replace(limits, work=min(limits.work, TIDY_WORK)))
    eg = EGraph(typed.symbols)
    df = eg.add(start)
    dx = eg.add(S.Expr(S.D, (S.sym(wrt),)))
    facts = facts_for(eg, typed, {wrt})

    def candidates() -> list[int]:
        eg.rebuild()
        out = []
        for op, _, kids in eg.nodes(df):
            if op == S.INNER and len(kids) == 2:
                for g, d in (kids, kids[::-1]):
                    if eg.find(d) == eg.find(dx):
                        out.append(g)
        return out

    for _ in range(limits.iterations):
        if candidates() or budget.exhausted:
            break
        report = budget.run(eg, rewrites, [], facts, iterations=1)
        if report.stop is not StopReason.ITERATION_LIMIT:    # saturated, or a limit
            break
    found = candidates()
    if not found:
        return _tidy(derived, typed) if derived is not None else None
    best = cheapest(eg, found)
    if not budget.exhausted and any(n.op == S.T and n.args[0].op not in (S.SYM, S.INV) for n in best.walk()):
        budget.run(eg, rewrites, [], facts, iterations=1, nodes=min(limits.nodes, 2 * eg.n_nodes))
        best = cheapest(eg, candidates())
    return _tidy(best, typed)


def derive(typed: Typed, d: S.Expr, rule_files: list[Path], limits: Limits) -> S.Expr | None:
    """The value of a derivative node (typed): a gradient, a Jacobian (of a vector f, of a
    scalar f in vec(X) as vec(G)ᵀ, of vec(F) in vec(X)) or a Hessian (in x or vec(X)),
    derived by read-off; None where there is none."""
    f, v = d.args
    through_vec = v.op == "vec"
    x = v.args[0].attr if through_vec else v.attr
    if d.op == S.GRAD and not through_vec:
        return derive_gradient(typed, f, x, rule_files, limits)
    if d.op == S.HESS:
        return derive_hessian(typed, f, x, rule_files, limits, through_vec)
    if d.op != S.JAC:
        return None
    if through_vec and checked_shape(f, typed.symbols) == (1, 1):      # ∂f/∂vec(X)ᵀ = vec(G)ᵀ
        g = derive_gradient(typed, f, x, rule_files, limits)
        return None if g is None else S.transpose(S.func("vec", g))
    return derive_jacobian(typed, f, x, rule_files, through_vec)


def derive_jacobian(typed: Typed, f: S.Expr, wrt: str, rule_files: list[Path], through_vec: bool = False
                    ) -> S.Expr | None:
    """J with d f = J dx (only x varying; with `through_vec`, d f = J vec(dX) for f = vec(F)),
    read off the normal form of d f worked inward; or None. No search: the read-off is proved
    afterwards like any claim."""
    rewrites = rewrites_for(rule_files)
    pre = differentiate(S.Expr(S.D, (f,)), differential_rewrites(rewrites), typed.symbols,
                        lambda g: facts_for(g, typed, {wrt}))
    if pre is None:
        return None
    # d c = 0 for every other symbol (only x varies); the proof afterwards says so by rules
    df = S.substitute(pre[2], {S.Expr(S.D, (S.sym(n),)): S.Expr(S.ZERO, (), i.shape)
                               for n, i in typed.symbols.items() if n != wrt})
    reader = read_off_vec_jacobian if through_vec else read_off_jacobian
    j = reader(df, wrt, NormalForm(typed.symbols))
    if j is None:
        return None
    tidy = collect_diagonals(j)
    try:   # 𝟏 in the tidy form takes its shape from the term around it
        tidy = infer([tidy, j], declarations_of(typed)).exprs[0]
    except MatproofError:
        tidy = j
    return _tidy(tidy, typed)


def derive_hessian(typed: Typed, f: S.Expr, wrt: str, rule_files: list[Path], limits: Limits,
                   through_vec: bool = False) -> S.Expr | None:
    """∂²f/∂x∂xᵀ as the Jacobian of the gradient (both read off; in vec(X), that of vec(G));
    or None."""
    g = derive_gradient(typed, f, wrt, rule_files, limits)
    if g is None:
        return None
    if through_vec:
        return derive_jacobian(typed, S.func("vec", g), wrt, rule_files, through_vec=True)
    return derive_jacobian(typed, g, wrt, rule_files)


def _worth_tidying(g: S.Expr, typed: Typed) -> bool:
    """Whether a norm is written as a power of a trace, or whether two terms of the sum `g` begin, or end, with one factor, or share a factor of
    an entrywise product (numbers, scalars and signs aside): then `A B + A C` has the
    factored form `A (B + C)`, and `I − I ∘ P` is `(𝟏 − P) ∘ I`."""
    if any(n.op == S.POW and n.attr.denominator != 1 for n in g.walk()):
        return True   # the normal form's `tr(X Xᵀ)^{-1/2}` is a norm a person writes `‖X‖_F⁻¹`
    if g.op != S.ADD:
        return False
    firsts, lasts, members = set(), set(), set()
    for t in g.args:
        while t.op == S.NEG:
            t = t.args[0]
        parts = [p for p in (t.args if t.op == S.MUL else (t,)) if p.op != S.NUM] or [t]
        chain = [p for p in parts if checked_shape(p, typed.symbols) != (1, 1)] or parts
        entrywise = set(chain[0].args) if len(chain) == 1 and chain[0].op == S.HAD else {chain[0]}
        if chain[0] in firsts or chain[-1] in lasts or not entrywise.isdisjoint(members):
            return True
        firsts.add(chain[0])
        lasts.add(chain[-1])
        members |= entrywise
    return False


def _tidy(best: S.Expr, typed: Typed) -> S.Expr:
    """Numbers first (`2 Aᵀ x`, not `Aᵀ x 2`), where that is still well-typed."""
    tidy = S.numbers_first(best)
    try:
        if checked_shape(tidy, typed.symbols) == checked_shape(best, typed.symbols):
            return tidy
    except IllTyped:
        pass
    return best
