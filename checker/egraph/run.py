"""The saturation loop, with limits so that no search explodes or hangs.

Each iteration: find the matches of every rewrite, apply them, rebuild,
flatten nested products and sums, rebuild. It stops when the goal classes
meet, when nothing changes (saturated), or when a limit on e-nodes,
iterations or time is reached — and says which. A rewrite that matches too
often is banned for a while, its allowance doubling each time (egg's
BackoffScheduler).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .egraph import EGraph
from .pattern import Terms
from .rewrite import Facts, OutOfTime, Rewrite, apply_prepared, matches, prepare

#: how many times in a row a law applied to part of a sum is applied again to what it made
MAX_CHAIN = 32


@dataclass
class Limits:
    nodes: int = 20_000
    iterations: int = 30
    seconds: float = 5.0
    match_limit: int = 1_000
    ban_length: int = 2


@dataclass
class RunReport:
    stop: str                      # goal, saturated, node limit, iteration limit, time limit
    iterations: int = 0
    nodes: int = 0
    classes: int = 0
    seconds: float = 0.0
    applied: dict[str, int] = field(default_factory=dict)

    def limit_text(self, limits: Limits) -> str:
        return {"node limit": f"the e-node limit ({limits.nodes}) was reached",
                "iteration limit": f"the iteration limit ({limits.iterations}) was reached",
                "time limit": f"the time limit ({limits.seconds:g} s) was reached",
                "saturated": "the rules can derive nothing more (saturated)"}.get(self.stop, self.stop)


def run(eg: EGraph, rewrites: list[Rewrite], goals: list[tuple[int, int]], facts: Facts,
        limits: Limits) -> RunReport:
    t0 = time.perf_counter()
    banned_until: dict[str, int] = {}
    allowance: dict[str, int] = {}
    applied: dict[str, int] = {}

    def done() -> bool:   # with no goals, saturate (up to the limits)
        return bool(goals) and all(eg.find(a) == eg.find(b) for a, b in goals)

    def report(stop: str, it: int) -> RunReport:
        return RunReport(stop, it, eg.n_nodes, eg.n_classes, time.perf_counter() - t0, applied)

    def apply_batch(rw: Rewrite, found) -> tuple[str | None, bool]:
        """Prepare every match on the rebuilt graph, then apply them all; a limit hit (or
        None) and whether anything merged."""
        made = False
        ready = []
        for n, (cid, sub, window) in enumerate(found):
            if n % 32 == 0 and time.perf_counter() - t0 > limits.seconds:
                eg.rebuild()
                return "time limit", made
            p = prepare(eg, rw, cid, sub, window, facts)
            if p is not None:
                ready.append(p)
        for n, p in enumerate(ready):
            if n % 32 == 0 and time.perf_counter() - t0 > limits.seconds:
                eg.rebuild()
                return "time limit", made
            if apply_prepared(eg, p):
                applied[rw.label] = applied.get(rw.label, 0) + 1
                made = True
            if eg.n_nodes > limits.nodes:
                eg.rebuild()
                return "node limit", made
        return None, made

    eg.rebuild()
    for it in range(1, limits.iterations + 1):
        if done():
            return report("goal", it - 1)
        before = (eg.n_nodes, eg.n_classes)
        changed = False
        for rw in rewrites:
            key = rw.label
            if banned_until.get(key, 0) >= it:
                continue
            limit = allowance.setdefault(key, limits.match_limit)
            try:
                found = matches(eg, rw, limit, t0 + limits.seconds)
            except OutOfTime:
                eg.rebuild()
                return report("time limit", it)
            if found is None:
                banned_until[key] = it + limits.ban_length
                allowance[key] = limit * 2
                changed = True  # something was left undone
                continue
            for _ in range(MAX_CHAIN):
                mark = len(eg.uf)
                stop, made = apply_batch(rw, found)
                changed |= made
                if stop:
                    return report(stop, it)
                # a law applied to part of a sum (`⟨A + B, C⟩` with B = the other terms) is
                # applied again at once to what it made, so an n-term sum is taken apart in
                # one iteration instead of n
                if not made or not any(isinstance(b, Terms) for _, sub, _ in found for b in sub.values()):
                    break
                eg.rebuild()
                try:
                    found = matches(eg, rw, limit, t0 + limits.seconds, since=mark)
                except OutOfTime:
                    eg.rebuild()
                    return report("time limit", it)
                if not found:
                    break
            eg.rebuild()
            if done():              # met halfway through an iteration: stop there
                return report("goal", it)
            if time.perf_counter() - t0 > limits.seconds:
                return report("time limit", it)
        if eg.flatten(limits.nodes, t0 + limits.seconds):
            changed = True
        if eg.n_nodes > limits.nodes:
            return report("node limit", it)
        if time.perf_counter() - t0 > limits.seconds:
            return report("time limit", it)
        if not changed and (eg.n_nodes, eg.n_classes) == before:
            return report("goal" if done() else "saturated", it)
    return report("goal" if done() else "iteration limit", limits.iterations)
