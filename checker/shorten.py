"""Proof shortening: a run of steps is replaced by one rule application where one does.

An explanation read off the e-graph is correct but wanders: it follows the
order in which the e-graph happened to learn each equality (`A` → `Aᵀᵀ` →
…). Greedily, from each term of the proof, every single rule application is
tried (on a small e-graph of that term alone, so matching, conditions and
shapes are exactly the search's); if one lands on a later term of the proof
(modulo the kernel's normal form), the steps in between go. The result is
checked by the kernel like any other proof. (A one-step version of the
greedy shortening of Flatt et al., "Small Proofs from Congruence Closure",
FMCAD 2022.)
"""
from __future__ import annotations

from typing import Callable, Iterator

from . import syntax as S
from .egraph import EGraph
from .egraph.explain import Step
from .egraph.rewrite import Facts, Rewrite, matches, prepare

#: a proof this short is left as it is
SHORT = 3


def _put(e: S.Expr, path: tuple[int, ...], x: S.Expr) -> S.Expr:
    if not path:
        return x
    args = list(e.args)
    args[path[0]] = _put(args[path[0]], path[1:], x)
    return S.Expr(e.op, tuple(args), e.attr)


def _positions(e: S.Expr, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], S.Expr]]:
    yield path, e
    for i, a in enumerate(e.args):
        yield from _positions(a, path + (i,))


def successors(term: S.Expr, rewrites: list[Rewrite], symbols: dict,
               facts: Callable[[EGraph], Facts]) -> Iterator[Step]:
    """Every single rule application on `term`, as a whole-term step."""
    eg = EGraph(symbols)
    eg.add(term)
    where: dict[int, list[tuple[int, ...]]] = {}
    for path, sub in _positions(term):
        where.setdefault(eg.find(eg.add(sub)), []).append(path)
    known = facts(eg)
    eg.rebuild()
    for rw in rewrites:
        found = matches(eg, rw, 10_000)
        for cid, sub, window in found or ():
            p = prepare(eg, rw, cid, sub, window, known)
            if p is None:
                continue
            rs = p.step
            for path in where.get(eg.find(cid), ()):
                yield Step(rs.rule, rs.direction, rs.subst, _put(term, path, rs.before),
                           _put(term, path, rs.after), path, rs.window_before)


def shorten(steps: list[Step], start: S.Expr, rewrites: list[Rewrite], symbols: dict,
            facts: Callable[[EGraph], Facts], key: Callable[[S.Expr], S.Expr]) -> list[Step]:
    """The proof with each run of steps that one rule application can replace replaced."""
    if len(steps) < SHORT:
        return steps
    terms = [start] + [st.after for st in steps]
    last = {key(t): j for j, t in enumerate(terms)}
    out: list[Step] = []
    i = 0
    while i < len(steps):
        best: tuple[int, Step] | None = None
        if len(steps) - i > 1:
            for st in successors(terms[i], rewrites, symbols, facts):
                j = last.get(key(st.after))
                if j is not None and j > i + 1 and (best is None or j > best[0]):
                    best = (j, st)
        if best is None:
            out.append(steps[i])
            i += 1
        else:
            out.append(best[1])
            i = best[0]
    return out
