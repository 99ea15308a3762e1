"""Rewrites: a rule in one direction, its conditions, and how it changes the e-graph.

Applying a match instantiates both sides as concrete terms (variables take
the terms of their classes), adds the right side and unions it with the
matched class. The two terms and the substitution are kept on the
proof-forest edge, so that explanations can replay the step on whole terms.
Terms are built without re-canonicalization, so that each term's shape of
e-node is exactly the node that was matched or added.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from .. import syntax as S
from ..meaning import derived, is_constant
from ..shapes import SCALAR, bind_dims, fill_dims
from ..typecheck import IllTyped, checked_shape
from .egraph import EGraph
from .forest import ByRule, RuleStep
from .pattern import Binding, Subst, Terms, Window, binding_shape, constant_keys, match_root

@dataclass(frozen=True)
class Rewrite:
    """A rule read in one direction, with its conditions and its variables' shapes."""
    name: str
    lhs: S.Expr
    rhs: S.Expr
    conditions: tuple[tuple[str, S.Expr], ...] = ()
    direction: str = "->"          # "->" as written, "<-" the rule read right to left
    var_shapes: dict | None = None  # the variables' shapes in the rule's own dimensions

    @property
    def side(self) -> str:
        """Which side of the rule this rewrite matches: "L" (as written) or "R"."""
        return "L" if self.direction == "->" else "R"

    @property
    def label(self) -> str:
        """The name the scheduler and the statistics use for this direction of the rule."""
        return self.name if self.direction == "->" else f"{self.name} (←)"


@dataclass(frozen=True)
class Step:
    """Whole term `before` → `after` by `rule` at `path` (child indexes), within `window`."""

    rule: str
    direction: str
    subst: dict
    before: S.Expr
    after: S.Expr
    path: tuple[int, ...]
    window: tuple[int, int] | None
    facts: tuple[str, ...] = ()     # the declared facts a normal-form step relies on
    lemma: dict | None = None       # a derivative replaced by its value: that equation's certificate


@dataclass
class Facts:
    """What the theorem lets rules assume: classes known invertible, symmetric, …,
    and which symbols vary (everything else is constant)."""

    classes: dict[str, set[int]] = field(default_factory=dict)
    varying: set[str] = field(default_factory=set)

    def holds_for(self, eg: EGraph, kind: str, term: S.Expr) -> bool:
        """Whether the condition `kind` holds of a term (looked up in the graph)."""
        if kind == "constant":
            return is_constant(term, self.varying)
        cid = eg.lookup(term)
        if cid is not None and self.holds(eg, kind, cid):
            return True
        # what the term's structure gives (the kernel derives it the same way, meaning.py)
        try:
            parts = derived(kind, term, lambda x: checked_shape(x, eg.symbols, eg.shape_cache))
        except IllTyped:
            return False
        return parts is not None and all(self.holds_for(eg, kind, x) for x in parts)

    def holds(self, eg: EGraph, kind: str, cid: int) -> bool:
        """Whether the condition `kind` holds of class `cid`."""
        shape = eg.classes[eg.find(cid)].shape
        if kind == "scalar":
            return shape == (1, 1)
        if kind == "square":
            return shape[0] == shape[1]
        if kind == "invertible" and shape == (1, 1):
            return False
        known = self.classes.get(kind, set())
        return any(eg.find(c) == eg.find(cid) for c in known)


def binding_term(eg: EGraph, b: Binding) -> S.Expr:
    """A concrete term for what a variable is bound to."""
    if isinstance(b, S.Expr):
        return b
    if isinstance(b, int):
        return eg.term(b)
    if isinstance(b, Terms):
        return S.Expr(b.op, tuple(eg.term(k) for k in b))
    return S.Expr(S.MUL, tuple(eg.term(k) for k in b))


def _factors(eg: EGraph, p: S.Expr, sub: Subst, keys, dims=None) -> list[S.Expr] | None:
    """The factors a product pattern stands for (runs of a variable spread out)."""
    out: list[S.Expr] = []
    for f in p.args:
        if f.op == S.SYM and type(sub[f.attr]) is tuple:
            out.extend(eg.term(k) for k in sub[f.attr])
        else:
            t = instantiate(eg, f, sub, None, keys, dims)
            if t is None:
                return None
            out.append(t)
    return out


def instantiate(eg: EGraph, p: S.Expr, sub: Subst, shape, keys: dict[int, str] | None = None,
                dims: dict | None = None) -> S.Expr | None:
    """The concrete term `p` stands for under `sub`; `shape` is for I, 0, 𝟏 at the root, and
    `keys` name the constants of a matched side (their shapes were recorded in `sub`)."""
    keys = keys or {}
    if p.op == S.SYM:
        return binding_term(eg, sub[p.attr])
    if p.op in (S.IDENT, S.ZERO, S.ONES):
        if id(p) in keys and keys[id(p)] in sub:
            return sub[keys[id(p)]]
        if dims is not None and p.attr is not None:
            filled = fill_dims(p.attr, dims)
            if filled is not None:
                return S.Expr(p.op, (), filled)
        if shape is None:
            return None  # a constant inside a right side: its shape is not known here
        return S.Expr(p.op, (), shape if p.op != S.IDENT else (shape[0], shape[0]))
    if p.op == S.MUL:
        parts = _factors(eg, p, sub, keys, dims)
        return None if parts is None else S.Expr(S.MUL, tuple(parts))
    if p.op == S.DIMPOW:      # α^n with n the size of what the rule matched
        base = instantiate(eg, p.args[0], sub, None, keys, dims)
        return None if base is None or not dims or p.attr not in dims else S.sized_power(base, dims[p.attr])
    args = []
    for a in p.args:
        t = instantiate(eg, a, sub, None, keys, dims)
        if t is None:
            return None
        if a.op == S.SYM and isinstance(sub[a.attr], Terms) and t.op == p.op:
            args.extend(t.args)   # the terms a variable took go back in flat: the same e-node
        else:
            args.append(t)
    return S.Expr(p.op, tuple(args), p.attr)


def in_context(eg: EGraph, window: Window | None, side: S.Expr, p: S.Expr
               ) -> tuple[S.Expr, tuple[int, int] | None]:
    """The whole product with the window replaced by `side`, and where `side` stands in it."""
    if window is None:
        return side, None
    kids = window.node[2]
    if window.picks is not None:   # scalars commute: the picked ones first, the others after
        if len(window.picks) == len(kids):
            return side, None
        before, after = [], [eg.term(k) for i, k in enumerate(kids) if i not in window.picks]
    elif window.start == 0 and window.end == len(kids):
        return side, None
    else:
        before = [eg.term(k) for k in kids[:window.start]]
        after = [eg.term(k) for k in kids[window.end:]]
    middle = list(side.args) if side.op == S.MUL and p.op == S.MUL else [side]
    where = (len(before), len(before) + len(middle))
    return S.Expr(S.MUL, tuple(before + middle + after)), where


@dataclass
class Prepared:
    """A match made ready on a rebuilt e-graph: what to add and what to union it with."""

    cid: int
    whole_r: S.Expr
    nid_l: int
    step: RuleStep


#: the work of preparing one match, in units of one e-node visited by matching (measured:
#: about 100 µs against 7 µs)
PREPARE_WORK = 15


def prepare(eg: EGraph, rw: Rewrite, cid: int, sub: Subst, window: Window | None,
            facts: Facts) -> Prepared | None:
    """Check conditions and build both sides; needs a rebuilt graph (it looks terms up)."""
    eg.work += PREPARE_WORK
    for kind, arg in rw.conditions:
        t = instantiate(eg, arg, sub, None)
        if t is None or not facts.holds_for(eg, kind, t):
            return None
    if window is None:
        shape = eg.classes[eg.find(cid)].shape
    else:
        shape = binding_shape(eg, window.factors())
    dims: dict = {}
    for var, b in sub.items():
        if not var.startswith("#") and rw.var_shapes and var in rw.var_shapes:
            template, actual = rw.var_shapes[var], binding_shape(eg, b)
            if isinstance(template[0], str) and template[1] == 1 and actual == SCALAR:
                return None   # a vector variable stays a vector (§3): `⟨a, b⟩ -> aᵀ b` is not for scalars
            if not bind_dims(template, actual, dims):
                return None
    lhs_t = instantiate(eg, rw.lhs, sub, shape, constant_keys(rw.lhs, rw.side), dims)
    rhs_t = instantiate(eg, rw.rhs, sub, shape, None, dims)
    if lhs_t is None or rhs_t is None:
        return None
    whole_l, win_l = in_context(eg, window, lhs_t, rw.lhs)
    whole_r, win_r = in_context(eg, window, rhs_t, rw.rhs)
    try:   # the pattern may fit where the rule's typing does not (tr(A) + tr(B) with A, B of other sizes)
        if checked_shape(rhs_t, eg.symbols, eg.shape_cache) != checked_shape(lhs_t, eg.symbols, eg.shape_cache):
            return None
    except IllTyped:
        return None
    subst_terms = {k: binding_term(eg, v) for k, v in sub.items()}
    step = RuleStep(rw.name, rw.direction, subst_terms, whole_l, whole_r, win_l, win_r)
    _, nid_l = eg.add_with_nid(whole_l)   # records the vertices of the matched term's parts
    return Prepared(cid, whole_r, nid_l, step)


def apply_prepared(eg: EGraph, p: Prepared) -> bool:
    """Add the right side and merge it with the matched class; True if that merged anything."""
    new, nid_r = eg.add_with_nid(p.whole_r)
    if eg.find(new) == eg.find(p.cid):
        eg.proofs.shortcut(p.nid_l, nid_r, ByRule(p.step))
        return False
    return eg.union(p.cid, new, (p.nid_l, nid_r, ByRule(p.step)))


class OutOfTime(Exception):
    """Matching ran past the safety-net deadline."""
    pass


def matches(eg: EGraph, rw: Rewrite, limit: int, deadline: float | None = None, since: int = 0):
    """All matches of a rewrite, at most `limit` (None: more than the limit); with `since`,
    only in classes made after the e-graph had that many ids."""
    import time
    found = []
    candidates = list(eg.classes) if rw.lhs.op == S.SYM else eg.classes_with(rw.lhs.op)
    if since:
        candidates = [c for c in candidates if c >= since]
    for n, cid in enumerate(candidates):
        if deadline is not None and n % 64 == 0 and time.perf_counter() > deadline:
            raise OutOfTime()
        for sub, window in match_root(eg, rw.lhs, cid, rw.side):
            found.append((cid, sub, window))
            if len(found) > limit:
                return None
    return found


def _positions(e: S.Expr, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], S.Expr]]:
    yield path, e
    for i, a in enumerate(e.args):
        yield from _positions(a, path + (i,))


def successors(term: S.Expr, rewrites: list[Rewrite], symbols: dict,
               facts: Callable[[EGraph], Facts]) -> tuple[list[tuple[Step, Step]], int]:
    """Every single rule application on `term` — the whole-term step, and the same step read
    backwards (from its result to `term`) — and the work it took (`EGraph.work` units), for
    callers that budget it (`shorten`) the same on every machine."""
    eg = EGraph(symbols)
    eg.add(term)
    where: dict[int, list[tuple[int, ...]]] = {}
    for path, sub in _positions(term):
        where.setdefault(eg.find(eg.add(sub)), []).append(path)
    known = facts(eg)
    eg.rebuild()
    out = []
    for rw in rewrites:
        found = matches(eg, rw, 10_000)
        for cid, sub, window in found or ():
            p = prepare(eg, rw, cid, sub, window, known)
            if p is None:
                continue
            rs = p.step
            back = "<-" if rs.direction == "->" else "->"
            for path in where.get(eg.find(cid), ()):
                before, after = S.replace_at(term, path, rs.before), S.replace_at(term, path, rs.after)
                out.append((Step(rs.rule, rs.direction, rs.subst, before, after, path, rs.window_before),
                            Step(rs.rule, back, rs.subst, after, before, path, rs.window_after)))
    return out, eg.work
