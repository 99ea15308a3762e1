"""The e-graph search for one link: saturate the rules until the two sides meet — in the
e-graph, or (with the normal form) in the normal forms of their classes — and explain
the path as whole-term steps. How a link is approached (differentials first, the normal
form, lemmas, tidying, the kernel's replay) is composed in strategy.py, above this.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import syntax as S
from .egraph import EGraph, Extractor
from .egraph.explain import ExplainError, Step, explain
from .egraph.rewrite import Facts
from .egraph.run import Budget, RunReport
from .limits import Limits, StopReason
from .meaning import assumed_facts
from .normalform import NoNormalForm, NormalForm, facts_used
from .kernel import NORMAL_FORM_STEP
from .rules import rewrites_for
from .typecheck import Typed

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


def by_search(attempts: list, form: NormalForm | None, typed: Typed, varying: set[str],
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


#: the meeting of normal forms is looked for only while the e-graph is smaller than this
MEETING_NODES = 5_000


def cheapest(eg: EGraph, classes: list[int]) -> S.Expr:
    """The cheapest term of these classes, by the extractor's own cost."""
    ex = Extractor(eg)
    best = min(classes, key=lambda g: (ex.cost(g), repr(ex.term(g))))
    return ex.term(best)


def normal_form_step(a: S.Expr, b: S.Expr, typed: Typed) -> Step:
    """The step a → b decided by the normal form, naming the declared facts it uses."""
    return Step(NORMAL_FORM_STEP, "->", {}, a, b, (), None, facts_used(a, b, typed.symbols))
