"""Proof shortening: a run of steps is replaced by one or two rule applications that do
the same.

An explanation read off the e-graph is correct but wanders: it follows the
order in which the e-graph happened to learn each equality (`A` → `Aᵀᵀ` →
…). From each term of the proof, every single rule application (in either
direction) is tried on a small e-graph of that term alone, so that matching,
conditions and shapes are exactly the search's. Where one lands on a later
term of the proof, or on a term one application away from a later term
(modulo the kernel's normal form), the steps in between go; greedily, from
the start, saving the most steps each time. The result is checked by the
kernel like any other proof. (A one- and two-step version of the greedy
shortening of Flatt et al., "Small Proofs from Congruence Closure",
FMCAD 2022.)
"""
from __future__ import annotations

import time
from typing import Callable, Iterator

from . import syntax as S
from .egraph import EGraph
from .egraph.explain import Step
from .egraph.rewrite import Facts, Rewrite, matches, prepare

#: a proof this short is left as it is
SHORT = 3
#: seconds spent trying rules on the terms of one proof
BUDGET = 0.5


def _positions(e: S.Expr, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], S.Expr]]:
    yield path, e
    for i, a in enumerate(e.args):
        yield from _positions(a, path + (i,))


def successors(term: S.Expr, rewrites: list[Rewrite], symbols: dict,
               facts: Callable[[EGraph], Facts]) -> Iterator[tuple[Step, Step]]:
    """Every single rule application on `term`: the whole-term step, and the same step read
    backwards (from its result to `term`)."""
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
            back = "<-" if rs.direction == "->" else "->"
            for path in where.get(eg.find(cid), ()):
                before, after = S.replace_at(term, path, rs.before), S.replace_at(term, path, rs.after)
                yield (Step(rs.rule, rs.direction, rs.subst, before, after, path, rs.window_before),
                       Step(rs.rule, back, rs.subst, after, before, path, rs.window_after))


def shorten(steps: list[Step], start: S.Expr, rewrites: list[Rewrite], symbols: dict,
            facts: Callable[[EGraph], Facts], key: Callable[[S.Expr], S.Expr],
            budget: float = BUDGET) -> list[Step]:
    """The proof with each run of steps that one or two rule applications can replace
    replaced, greedily from the start, saving the most steps each time. Trying every rule
    on every term costs time growing with the proof and its terms: after `budget` seconds
    the terms not yet tried are left as they are."""
    if len(steps) < SHORT:
        return steps
    deadline = time.perf_counter() + budget
    terms = [start] + [st.after for st in steps]
    keys = [key(t) for t in terms]
    last = {k: j for j, k in enumerate(keys)}
    # one step out of each term, and the way back into it
    out_of: list[list[tuple[S.Expr, Step]]] = [[] for _ in terms]
    into: dict[S.Expr, list[tuple[int, Step]]] = {}
    for j, t in enumerate(terms):
        if time.perf_counter() > deadline:
            break
        for st, back in successors(t, rewrites, symbols, facts):
            k = key(st.after)
            out_of[j].append((k, st))
            into.setdefault(k, []).append((j, back))
    out: list[Step] = []
    i = 0
    while i < len(steps):
        reach, best = i + 1, [steps[i]]                 # the proof's own next step saves 0
        for k, st in out_of[i]:
            ways = [(last.get(k), [st])] + [(j, [st, back]) for j, back in into.get(k, ())]
            for j, run in ways:
                if j is not None and (j - i) - len(run) > (reach - i) - len(best):
                    reach, best = j, run
        out.extend(best)
        i = reach
    return out
