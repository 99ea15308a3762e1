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

from typing import Callable

from . import syntax as S
from .egraph import EGraph
from .egraph.rewrite import Facts, Rewrite, Step, successors

#: a proof this short is left as it is
SHORT = 3
#: work (`EGraph.work` units) spent trying rules on the terms of one proof: counted, not
#: timed, so that a proof reads the same on every machine (about 0.5 s here)
BUDGET = 100_000


def shorten(steps: list[Step], start: S.Expr, rewrites: list[Rewrite], symbols: dict,
            facts: Callable[[EGraph], Facts], key: Callable[[S.Expr], S.Expr],
            budget: int = BUDGET) -> list[Step]:
    """The proof with each run of steps that one or two rule applications can replace
    replaced, greedily from the start, saving the most steps each time. Trying every rule
    on every term costs time growing with the proof and its terms: after `budget` units of
    work the terms not yet tried are left as they are."""
    if len(steps) < SHORT:
        return steps
    spent = 0
    terms = [start] + [st.after for st in steps]
    keys = [key(t) for t in terms]
    last = {k: j for j, k in enumerate(keys)}
    # one step out of each term, and the way back into it
    out_of: list[list[tuple[S.Expr, Step]]] = [[] for _ in terms]
    into: dict[S.Expr, list[tuple[int, Step]]] = {}
    for j, t in enumerate(terms):
        if spent > budget:
            break
        found, work = successors(t, rewrites, symbols, facts)
        spent += work
        for st, back in found:
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
