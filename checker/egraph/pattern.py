"""Patterns and e-matching, modulo associativity of products.

A pattern is a rule side: an `Expr` whose symbols are pattern variables.
`match(eg, pattern, cid)` yields substitutions mapping each variable to a
*binding*: one e-class, or — inside a product — a run of several factors
(a tuple of classes), so that a pattern `A B` matches every split of a
product, and at the root of a rule a product pattern matches every
contiguous window of a longer product (`X⁻¹ X` inside `A X⁻¹ X B`). Scalars
commute: a product of scalars is matched in any order.

Sums and Hadamard products match up to the order of their terms (their
e-nodes keep children sorted), and a variable may take several of their
terms (`A + B` matches `a + b + c` with B = `b + c`). Pattern variables
carry the constraint of their spelling (§7): a lowercase Greek variable
matches only scalars.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from itertools import permutations
from typing import Iterator

from .. import syntax as S
from ..lexer import is_greek
from .egraph import EGraph

class Terms(tuple):
    """Several terms of a sum or a Hadamard product, bound to one variable: in `A + B`
    matched against `a + b + c`, B stands for `b + c` (a sum that need not be in the graph)."""

    op: str

    def __new__(cls, op: str, kids: tuple[int, ...]) -> "Terms":
        t = super().__new__(cls, kids)
        t.op = op
        return t


Binding = int | tuple[int, ...] | Terms | S.Expr   # a class, a run of factors, terms, a constant
Subst = dict[str, Binding]
CONSTANTS = (S.IDENT, S.ZERO, S.ONES)
MAX_PICKS = 6   # products of more scalars than this are matched by windows only
MAX_CHOICES = 200   # a pattern takes terms of a longer sum only if it has at most this many ways
LONG_SUM = 4        # in a sum of more terms, a linearity law splits off the first term only


_KEYS: dict[tuple[int, str], tuple[S.Expr, dict[int, str]]] = {}


def constant_keys(p: S.Expr, side: str) -> dict[int, str]:
    """Names for the constants (I, 0, 𝟏) of a rule side ("L" or "R"), in pre-order: their
    shapes are read off the matched term and recorded in the substitution as `#L0`, …"""
    hit = _KEYS.get((id(p), side))
    if hit is not None and hit[0] is p:
        return hit[1]
    out = _constant_keys(p, side)
    _KEYS[(id(p), side)] = (p, out)   # the pattern is kept alive with its keys
    return out


def _constant_keys(p: S.Expr, side: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for node in p.walk():
        if node.op in CONSTANTS:
            out[id(node)] = f"#{side}{len(out)}"
    return out


@dataclass(frozen=True)
class Window:
    """Where a root product pattern matched: factors [start, end) of a product node, or, in
    a product of scalars (which commute), the factors `picks` in that order."""

    node: tuple
    start: int
    end: int
    picks: tuple[int, ...] | None = None

    def factors(self) -> tuple[int, ...]:
        """The factor classes the window covers, in the matched order."""
        kids = self.node[2]
        return tuple(kids[i] for i in self.picks) if self.picks else kids[self.start:self.end]


@functools.lru_cache(maxsize=None)
def is_scalar_var(name: str) -> bool:
    """Whether a pattern variable may match scalars only (lowercase Greek, §7)."""
    return is_greek(name[0]) and name[0].islower()


def binding_shape(eg: EGraph, b: Binding):
    """The shape of what a variable is bound to (None for nothing at all: an empty run)."""
    if isinstance(b, S.Expr):
        return b.attr
    if isinstance(b, int):
        return eg.classes[eg.find(b)].shape
    if not b:
        return None
    if isinstance(b, Terms):
        return eg.classes[eg.find(b[0])].shape
    from ..typecheck import shape_rule
    return shape_rule(S.Expr(S.MUL), [eg.classes[eg.find(k)].shape for k in b])


def _bind(eg: EGraph, sub: Subst, name: str, b: Binding) -> Subst | None:
    """`sub` with `name` bound to `b` (a class, or a run of two or more factor classes); None
    where it cannot be: a variable never stands for nothing (an empty run of factors)."""
    if isinstance(b, tuple) and not b:
        return None
    old = sub.get(name)
    if old is not None:
        find = eg.uf.find
        if type(old) is int and type(b) is int:
            return sub if find(old) == find(b) else None
        if isinstance(old, Terms) or isinstance(b, Terms):
            same = (isinstance(old, Terms) and isinstance(b, Terms) and old.op == b.op
                    and sorted(map(find, old)) == sorted(map(find, b)))
            return sub if same else None
        same = (type(old) is tuple and type(b) is tuple and len(old) == len(b)
                and all(find(x) == find(y) for x, y in zip(old, b)))
        return sub if same else None
    if is_scalar_var(name) and binding_shape(eg, b) != (1, 1):
        return None
    return {**sub, name: b}


def match(eg: EGraph, p: S.Expr, cid: int, sub: Subst | None = None,
          keys: dict[int, str] | None = None) -> Iterator[Subst]:
    """Substitutions under which `p` stands for class `cid` (whole class)."""
    sub = {} if sub is None else sub
    keys = {} if keys is None else keys
    if p.op == S.SYM:
        s = _bind(eg, sub, p.attr, cid)
        if s is not None:
            yield s
        return
    for node in eg.classes[eg.find(cid)].with_op(p.op):
        eg.work += 1
        op, attr, kids = node
        if p.op in CONSTANTS:
            key = keys.get(id(p))
            if key is None:
                yield sub
            else:
                yield {**sub, key: S.Expr(op, (), attr)}
            continue
        if attr != p.attr:
            continue
        if op == S.MUL:
            yield from _match_seq(eg, p.args, kids, sub, keys)
            if len(kids) == 2 and eg.scalar_product(kids):   # scalars commute
                yield from _match_seq(eg, p.args, kids[::-1], sub, keys)
        elif op in (S.ADD, S.HAD):
            yield from _match_terms(eg, p, op, kids, sub, keys)
        elif len(kids) == len(p.args):
            yield from _match_list(eg, p.args, kids, sub, keys)


def _match_terms(eg: EGraph, p: S.Expr, op: str, kids, sub: Subst, keys) -> Iterator[Subst]:
    """Match the terms of a sum (or ∘) in any order; with more terms than the pattern has,
    one variable of the pattern takes all the terms the others leave. In a long sum, where
    the others are plain variables too (`A + B`, as in every linearity law), only the first
    terms in the node's order are chosen: choosing every way would put every sub-sum in
    the graph, 2ⁿ classes for n terms. (In a short one every way is tried: which term goes
    where matters to `d(A + B) -> d(A) if constant(B)` or `⟨A, B ∘ C⟩ -> ⟨A ∘ B, C⟩`.)"""
    n, k = len(kids), len(p.args)
    if n == k:
        for perm in set(permutations(kids)):
            eg.work += 1                # each order tried is work, however it ends
            yield from _match_list(eg, p.args, perm, sub, keys)
        return
    if n < k or math.perm(n, k - 1) > MAX_CHOICES:
        return
    for r, rest_pat in enumerate(p.args):
        if rest_pat.op != S.SYM:
            continue
        others = p.args[:r] + p.args[r + 1:]
        one_way = n > LONG_SUM and all(o.op == S.SYM for o in others)
        for chosen in [tuple(range(k - 1))] if one_way else permutations(range(n), k - 1):
            eg.work += n                # each choice tried builds the rest: n terms looked at
            rest = Terms(op, tuple(kids[j] for j in range(n) if j not in chosen))
            s = _bind(eg, sub, rest_pat.attr, rest)
            if s is not None:
                yield from _match_list(eg, others, [kids[j] for j in chosen], s, keys)


def _match_list(eg: EGraph, pats, kids, sub: Subst, keys) -> Iterator[Subst]:
    if not pats:
        yield sub
        return
    for s in match(eg, pats[0], kids[0], sub, keys):
        yield from _match_list(eg, pats[1:], kids[1:], s, keys)


def _match_seq(eg: EGraph, pats, kids, sub: Subst, keys=None) -> Iterator[Subst]:
    """Match factor patterns against a run of factors, covering all of it."""
    if not pats:
        if not kids:
            yield sub
        return
    p, rest = pats[0], pats[1:]
    if len(pats) == 2 and p.op == S.SYM and rest[0].op == S.SYM and len(kids) >= 2:
        # the common `A B`: every split of the run, without the general recursion
        a, b = p.attr, rest[0].attr
        for cut in range(1, len(kids)):
            left = kids[0] if cut == 1 else tuple(kids[:cut])
            right = kids[cut] if cut == len(kids) - 1 else tuple(kids[cut:])
            s = _bind(eg, sub, a, left)
            if s is not None:
                s = _bind(eg, s, b, right)
                if s is not None:
                    yield s
        return
    if p.op == S.SYM:
        most = len(kids) - len(rest)
        # with only fixed factors after it, a variable takes exactly what they leave
        least = most if all(q.op != S.SYM for q in rest) else 1
        for length in range(least, most + 1):
            s = _bind(eg, sub, p.attr, kids[0] if length == 1 else tuple(kids[:length]))
            if s is not None:
                yield from _match_seq(eg, rest, kids[length:], s, keys)
        return
    if not kids:
        return
    for s in match(eg, p, kids[0], sub, keys):
        yield from _match_seq(eg, rest, kids[1:], s, keys)


def match_root(eg: EGraph, p: S.Expr, cid: int, side: str = "L"
               ) -> Iterator[tuple[Subst, Window | None]]:
    """Matches of a rule side in class `cid`: whole, or in a window of a product."""
    keys = constant_keys(p, side)
    if p.op != S.MUL:
        for s in match(eg, p, cid, None, keys):
            yield s, None
        return
    k = len(p.args)
    first, last = p.args[0], p.args[-1]

    def has(pat: S.Expr, c: int) -> bool:
        """Cheap test before matching: a fixed factor needs its operator in the class."""
        return pat.op == S.SYM or bool(eg.classes[eg.find(c)].with_op(pat.op))

    for node in list(eg.classes[eg.find(cid)].with_op(S.MUL)):
        eg.work += 1
        kids = node[2]
        n = len(kids)
        for start in range(n):
            if not has(first, kids[start]):
                continue
            for end in range(start + k, n + 1):
                if not has(last, kids[end - 1]):
                    continue
                for s in _match_seq(eg, p.args, kids[start:end], {}, keys):
                    yield s, Window(node, start, end)
        if 2 <= n <= MAX_PICKS and any(f.op != S.SYM for f in p.args) and eg.scalar_product(kids):
            # scalars commute: a pattern such as `α⁻¹ α` may take any k of them, in any order
            for picks in permutations(range(n), k):
                if all(b == a + 1 for a, b in zip(picks, picks[1:])):
                    continue   # a window, matched above
                for s in _match_seq(eg, p.args, tuple(kids[i] for i in picks), {}, keys):
                    yield s, Window(node, 0, n, picks)
