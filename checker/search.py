"""Proof search for one link of a theorem: e-graph, saturation, explanation, kernel.

The result is either a certificate that the kernel has accepted, or the
reason there is none (a search limit, or an explanation that failed), with
the cheapest forms found for each side.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import certificate
from . import syntax as S
from .egraph import EGraph, Extractor
from .egraph.explain import ExplainError, Step, cut_loops, explain
from .egraph.rewrite import Facts, successors
from .egraph.run import Budget, RunReport
from .limits import Limits, StopReason
from .meaning import Identification, assumed_facts, facts_behind, identify, varying_symbols
from .normalform import NoNormalForm, NormalForm, facts_used
from .readoff import collect_diagonals, read_off, read_off_jacobian, read_off_vec_jacobian
from .errors import MatproofError
from .kernel import NORMAL_FORM_STEP, KernelError, check_steps, nf
from .kernel import load_rules as kernel_rules
from .printing import to_ascii
from .differentiate import differential_rewrites, differentiate
from .rules import rewrites_both_ways, rewrites_for, rule_file_records
from .shorten import shorten
from .statements import Decl
from .typecheck import IllTyped, Typed, checked_shape, declarations_of, infer

#: the properties a rule's conditions may ask of a declared symbol
PROPERTIES = ("invertible", "symmetric", "spd", "orthogonal", "diagonal", "constant", "positive")


@dataclass
class SearchResult:
    proved: bool
    report: RunReport
    steps: list[Step] = field(default_factory=list)
    certificate: dict | None = None
    reason: str = ""
    closest: tuple[S.Expr, S.Expr] | None = None
    egraph: EGraph | None = None       # kept for pictures (matproof prove --egraph)
    roots: tuple[int, int] | None = None
    start: S.Expr | None = None        # what the steps start from (d f, for a gradient)
    goal: S.Expr | None = None         # and where they end (⟨G, dX⟩)
    identification: str | None = None   # gradient, jacobian or hessian: how the link was read


def facts_for(eg: EGraph, typed: Typed, varying: set[str]) -> Facts:
    """The theorem's facts as classes of `eg`: declared properties (with what they imply:
    a declaration holds their closure, see meaning.py) and the assumptions' facts."""
    facts = Facts(varying=varying)
    for name, info in typed.symbols.items():
        cid = eg.add(S.sym(name))
        for kind in info.props & set(PROPERTIES):
            facts.classes.setdefault(kind, set()).add(cid)
    for kind, e in assumed_facts(typed.assumptions):
        facts.classes.setdefault(kind, set()).add(eg.add(e))
    return facts


def decl_line(d: Decl) -> str:
    props = " ".join(sorted(d.props))
    return f"let {d.name}: {d.shape_text()} {props}".rstrip()


def search_link(typed: Typed, link: int, decls: dict[str, Decl], rule_files: list[Path],
                limits: Limits, normal_form: bool = True) -> SearchResult:
    """Prove one link: its differentials worked inward, then the normal form of the
    polynomial fragment (unless `normal_form` is False), then the e-graph; the kernel
    replays whatever is found before it is returned as proved."""
    lhs, rhs = typed.exprs[link], typed.exprs[link + 1]
    gradient = None
    varying = varying_symbols(typed.exprs, typed.symbols)
    for side, (this, other) in enumerate(((lhs, rhs), (rhs, lhs))):
        ident = identify(this, other, typed.symbols)
        if isinstance(ident, Identification):
            # ∂f/∂X = G ⇔ d f = ⟨G, dX⟩, ∂f/∂xᵀ = J ⇔ d f = J dx, … with only X varying
            gradient = {"wrt": ident.wrt, "side": side, "kind": ident.kind}
            lhs, rhs = ident.start, ident.goal
            varying = {ident.wrt}
            if ident.symmetric is not None and not NormalForm(typed.symbols).equal(
                    ident.symmetric, S.transpose(ident.symmetric)):
                return SearchResult(False, RunReport(StopReason.NORMAL_FORM),
                                    reason=f"{to_ascii(ident.symmetric)} is not evidently symmetric, and a "
                                           f"{ident.kind} is identified only with a symmetric value")
            break
    inner = _inner_derivative(lhs, rhs) if gradient is None else None
    if inner is not None:
        return _through_lemma(inner, typed, link, decls, rule_files, limits, normal_form)
    rewrites = rewrites_for(rule_files)
    # first the differentials worked inward, as a person does; the search does the rest
    # (and, if that fails, everything)
    attempts = [(lhs, rhs, [], [])]
    pre = [differentiate(t, differential_rewrites(rewrites), typed.symbols,
                         lambda g: facts_for(g, typed, varying)) for t in (lhs, rhs)]
    if all(p is not None for p in pre) and (pre[0][0] or pre[1][0]):
        (head, _, mid_l), (_, back, mid_r) = pre
        attempts.insert(0, (mid_l, mid_r, head, back[::-1]))
    # what needs no search is decided by the normal form of the polynomial fragment
    form = NormalForm(typed.symbols)
    decided = next(((start, goal, head, tail) for start, goal, head, tail in attempts
                    if normal_form and form.equal(start, goal)), None)
    eg = None
    cleared = _cleared(attempts, form) if decided is None and normal_form else None
    if cleared is not None:       # (A + B)⁻¹ cleared by multiplying through, as a person does
        (start, goal, head, tail), through = cleared
        steps = head + [Step(NORMAL_FORM_STEP, "->", through, start, goal, (), None,
                             facts_used(start, goal, typed.symbols))] + tail
        return _certified(steps, RunReport(StopReason.NORMAL_FORM), typed, link, decls, rule_files, lhs, rhs,
                          varying, gradient)
    if decided is not None:
        start, goal, head, tail = decided
        report = RunReport(StopReason.NORMAL_FORM)
        # a law a person would name (tr(A B C) = tr(C A B): trace-cyclic) reads better than
        # "expand and collect": one rule application that does it is preferred
        steps = head + _normal_form_steps(start, goal, gradient, form, typed, varying, rule_files) + tail
    else:
        found = _by_search(attempts, form if normal_form else None, typed, varying, rule_files, limits)
        if isinstance(found, SearchResult):
            return found
        steps, report, eg, (a, b) = found
        key = functools.partial(nf, symbols=typed.symbols, memo={})
        steps = shorten(cut_loops(steps, lhs, key), lhs, rewrites_both_ways(rule_files), typed.symbols,
                        lambda g: facts_for(g, typed, varying), key)
    return _certified(steps, report, typed, link, decls, rule_files, lhs, rhs, varying, gradient,
                      eg, (a, b) if eg is not None else None)


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


def _by_search(attempts: list, form: NormalForm | None, typed: Typed, varying: set[str],
               rule_files: list[Path], limits: Limits):
    """Saturate each attempt in turn (they share one budget) until its two sides meet in the
    e-graph, or, with `form`, until the normal forms of their classes meet: the explained
    steps, the report, the e-graph and the two roots; or a SearchResult saying why not."""
    rewrites = rewrites_for(rule_files)
    budget = Budget(limits)
    for start, goal, head, tail in attempts:
        eg = EGraph(typed.symbols)
        a, b = eg.add(start), eg.add(goal)
        meeting = _Meeting(eg, a, b, form) if form is not None else None
        report = budget.run(eg, rewrites, [(a, b)], facts_for(eg, typed, varying), meeting)
        if eg.equivalent(a, b) or report.stop is StopReason.NORMAL_FORM or budget.exhausted:
            break
    if not eg.equivalent(a, b) and report.stop is not StopReason.NORMAL_FORM:
        ex = Extractor(eg)
        return SearchResult(False, report, reason=f"no proof found: {report.limit_text(limits)}",
                            closest=(ex.term(a), ex.term(b)), egraph=eg, roots=(a, b))
    try:
        if eg.equivalent(a, b):
            steps = head + explain(eg, start, goal) + tail
        else:       # the e-graph's laws, then the normal form, then the e-graph's again
            t_s, t_g = meeting.found
            steps = (head + explain(eg, start, t_s) + [normal_form_step(t_s, t_g, typed)]
                     + explain(eg, t_g, goal) + tail)
    except (ExplainError, KeyError) as e:    # KeyError: a term the e-graph cannot find again
        return SearchResult(False, report, reason=f"the proof could not be explained: {e}")
    return steps, report, eg, (a, b)


class _Meeting:
    """Whether the two sides' classes hold terms with one normal form: what a law with a
    side condition (applied in the e-graph) leaves for the normaliser. Asked after each
    iteration, over the e-nodes of the two root classes (their children as extracted)."""

    def __init__(self, eg: EGraph, a: int, b: int, form: NormalForm):
        self.eg, self.a, self.b, self.form = eg, a, b, form
        self.found: tuple[S.Expr, S.Expr] | None = None

    def __call__(self) -> bool:
        if self.eg.n_nodes > MEETING_NODES:
            return False
        work0 = self.form.work
        try:
            return self._meet()
        finally:     # expanding is work like matching: the same budget bounds it
            self.eg.work += self.form.work - work0

    def _meet(self) -> bool:
        ex = Extractor(self.eg)
        forms: dict[S.Expr, S.Expr] = {}
        for t in self._terms(self.a, ex):
            forms.setdefault(self._form(t), t)
        for t in self._terms(self.b, ex):
            mine = forms.get(self._form(t))
            if mine is not None:
                self.found = (mine, t)
                return True
        return False

    def _terms(self, cid: int, ex: Extractor) -> list[S.Expr]:
        out = []
        for op, attr, kids in self.eg.nodes(cid):
            try:
                t = S.Expr(op, tuple(ex.term(k) for k in kids), attr)
            except KeyError:
                continue
            # only a term the e-graph can find again (a node whose key a later union changed,
            # as a shaped 0 among a product's factors, is not), or its proof cannot be explained
            if self.eg.lookup(t) is not None:
                out.append(t)
        return out

    def _form(self, t: S.Expr):
        try:
            return self.form.of(t)
        except NoNormalForm:
            return ("too big", t)


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


#: the meeting of normal forms is looked for only while the e-graph is smaller than this
MEETING_NODES = 5_000


def normal_form_step(a: S.Expr, b: S.Expr, typed: Typed) -> Step:
    """The step a → b decided by the normal form, naming the declared facts it uses."""
    return Step(NORMAL_FORM_STEP, "->", {}, a, b, (), None, facts_used(a, b, typed.symbols))


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
    best = _cheapest(eg, found)
    if not budget.exhausted and any(n.op == S.T and n.args[0].op not in (S.SYM, S.INV) for n in best.walk()):
        budget.run(eg, rewrites, [], facts, iterations=1, nodes=min(limits.nodes, 2 * eg.n_nodes))
        best = _cheapest(eg, candidates())
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


def _cheapest(eg: EGraph, classes: list[int]) -> S.Expr:
    """The cheapest term of these classes, by the extractor's own cost."""
    ex = Extractor(eg)
    best = min(classes, key=lambda g: (ex.cost(g), repr(ex.term(g))))
    return ex.term(best)
