"""Explanations: a chain of whole-term rewrite steps from one term to an equal one.

After "Small Proofs from Congruence Closure" (Flatt et al., FMCAD 2022) and
egg's explanations: the proof forest (forest.py) has one edge per union,
between the two e-nodes whose union it was, labelled with a justification
(`ByRule`, `ByCongruence`, `ByFlattening`, `ByFolding`). The
proof of t = u walks the forest path between t's e-node and u's e-node;
each edge becomes rule steps, and getting from one concrete term to another
with the same e-node is done child by child (congruence), recursively.

Steps are `Step`s on whole terms, with the position of the rewrite; terms
are compared modulo associativity and commutativity by the kernel, which
replays them.
"""
from __future__ import annotations

from .. import syntax as S
from .egraph import EGraph
from .forest import ByCongruence, ByFlattening, ByFolding, ByRule, NoPath, ProofForest, RuleStep
from .rewrite import Step


class ExplainError(Exception):
    """No explanation within the budget (the outcome is then unknown, never proved)."""


class Explainer:
    """Reads a chain of whole-term steps off the proof forest (or, with `shortcuts`, off
    every rule application), within a budget of recursive calls."""

    def __init__(self, eg: EGraph, budget: int = 50_000, max_depth: int = 200, shortcuts: bool = False):
        self.eg = eg
        self.graph = eg.proofs.shortcut_edges if shortcuts else eg.proofs.forest
        self.every_vertex = not shortcuts
        self.budget = budget
        self.max_depth = max_depth
        self.active: set[tuple[S.Expr, S.Expr]] = set()

    def _spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise ExplainError("the explanation grew beyond its budget")

    def explain(self, t: S.Expr, u: S.Expr) -> list[Step]:
        """Steps from t to (a term equal modulo AC to) u; t and u must be equal in the e-graph."""
        self._spend()
        if t == u:
            return []
        key = (t, u)
        if key in self.active or len(self.active) > self.max_depth:
            raise ExplainError("the explanation went round in a circle")
        self.active.add(key)
        try:
            return self._explain(t, u)
        finally:
            self.active.discard(key)

    def _explain(self, t: S.Expr, u: S.Expr) -> list[Step]:
        eg = self.eg
        x, y = eg.vertex(t), eg.vertex(u)
        path = ProofForest.path(self.graph, x, y, self.every_vertex)
        term = eg.proofs.terms
        # Every term stands for the forest vertex its root was when the term was added, and
        # between edges we pass through the vertices' own terms: the child equalities each
        # edge needs were then established by older edges only, so the recursion on children
        # uses ever older edges and cannot come back to where it started.
        steps = self.congruence(t, term[x])
        for a, b in zip(path, path[1:]):
            src, why = self.graph[a][b]
            forward = src == a
            match why:
                case ByRule(step):
                    rs: RuleStep = step if forward else step.reversed()
                    steps += self.congruence(term[a], rs.before)
                    steps.append(Step(rs.rule, rs.direction, rs.subst, rs.before, rs.after, (),
                                      rs.window_before))
                    steps += self.congruence(rs.after, term[b])
                case ByFlattening():
                    steps += self.flattening(a, b, why, forward)
                case ByFolding(folded):
                    # the folded term (`6 A` for `2 3 A`) is the same modulo the kernel's normal
                    # form as the product it was folded from; the vertex may be another term of it
                    steps += self.congruence(folded, term[b]) if forward else self.congruence(term[a], folded)
                case ByCongruence():     # the two e-nodes had become the same
                    steps += self.congruence(term[a], term[b])
                case _:
                    raise ExplainError(f"an edge of the proof forest has no known reason: {why!r}")
        steps += self.congruence(term[y], u)
        return steps

    def flattening(self, a: int, b: int, why: ByFlattening, forward: bool) -> list[Step]:
        """Cross a flattening edge: outer(…, c, …) with c = inner(…) ↔ the flat node."""
        eg = self.eg
        j, inner_nid = why.arg, why.inner
        outer_nid, flat_nid = (a, b) if forward else (b, a)
        outer = eg.proofs.terms[outer_nid]
        inner = eg.proofs.terms[inner_nid]
        args = list(outer.args)
        args[j] = inner
        flat = S.make(outer.op, tuple(args), outer.attr)
        grouped = S.Expr(outer.op, tuple(args), outer.attr)   # equal to `flat` modulo AC
        if forward:
            steps = self.lift(self.explain(outer.args[j], inner), outer, j)
            return steps + self.congruence(flat, eg.proofs.terms[flat_nid])
        steps = self.congruence(eg.proofs.terms[flat_nid], flat)
        return steps + self.lift(self.explain(inner, outer.args[j]), grouped, j)

    def congruence(self, t: S.Expr, u: S.Expr) -> list[Step]:
        """t and u have the same e-node: rewrite t's children into u's, one by one."""
        self._spend()
        if t == u:
            return []
        eg = self.eg
        node = eg.node_of(t)
        if node != eg.node_of(u):
            raise ExplainError("congruence between different e-nodes")
        targets = list(u.args)
        if eg.reorders(node):
            targets = self.pairing(t.args, list(u.args))
        steps: list[Step] = []
        state = t
        for i, target in enumerate(targets):
            sub = self.explain(state.args[i], target)
            steps += self.lift(sub, state, i)
            args = list(state.args)
            args[i] = target
            state = S.Expr(t.op, tuple(args), t.attr)
        return steps

    def pairing(self, args: tuple[S.Expr, ...], pool: list[S.Expr]) -> list[S.Expr]:
        """For each of `args` (children of a commutative node), the child of the other term
        it is explained into. Where several are in its class, the one it has been equal to
        longest: the two terms' e-node was one when an edge was made, so the right pairing
        was equal by older edges then; a child equal only later (in `A + −A → 0`, both
        summands end up in the class of 0) would need that very edge, a circle."""
        eg = self.eg
        targets = []
        for arg in args:
            c = eg.lookup(arg)
            same = [i for i, x in enumerate(pool) if eg.lookup(x) == c]
            if len(same) > 1 and any(pool[i] != pool[same[0]] for i in same):
                v = eg.vertex(arg)
                same.sort(key=lambda i: (pool[i] != arg, eg.proofs.newest(v, eg.vertex(pool[i]))))
            targets.append(pool.pop(same[0]))
        return targets

    @staticmethod
    def lift(steps: list[Step], parent: S.Expr, i: int) -> list[Step]:
        """Steps on the i-th child of `parent`, as steps on `parent`."""
        def put(x: S.Expr) -> S.Expr:
            """The step with its term placed as argument `i` of `parent`."""
            args = list(parent.args)
            args[i] = x
            return S.Expr(parent.op, tuple(args), parent.attr)
        return [Step(s.rule, s.direction, s.subst, put(s.before), put(s.after), (i,) + s.path, s.window)
                for s in steps]


def explain(eg: EGraph, t: S.Expr, u: S.Expr) -> list[Step]:
    """The shortest explanation we can find: first along every rule application (shortest
    paths there are short proofs), and if that goes round in a circle, along the proof
    forest, where it cannot."""
    try:
        return Explainer(eg, budget=20_000, shortcuts=True).explain(t, u)
    except (ExplainError, NoPath):
        pass
    try:
        return Explainer(eg).explain(t, u)
    except NoPath as e:   # a bug, but never a claimed proof
        raise ExplainError(f"the proof forest has no path for a step ({e})") from None


def cut_loops(steps: list[Step], start: S.Expr, key) -> list[Step]:
    """The steps with every detour that comes back to a term it passed removed: where the
    term after a step equals (under `key`, a normal form) an earlier one, the steps between
    go. Explanations stitched from shortest paths per edge still wander (`A` → `Aᵀᵀ` → `A`)."""
    out: list[Step] = []
    seen = {key(start): 0}          # term → how many steps of `out` lead to it
    for st in steps:
        out.append(st)
        k = key(st.after)
        if k in seen:
            del out[seen[k]:]
            seen = {t: n for t, n in seen.items() if n <= len(out)}
        else:
            seen[k] = len(out)
    return out

