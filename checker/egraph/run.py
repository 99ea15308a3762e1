"""The saturation loop (egg's `Runner`), with limits so that no search explodes or hangs.

Each iteration: find the matches of every rewrite, apply them, rebuild,
flatten nested products and sums, rebuild. It stops when the goal classes
meet, when nothing changes (saturated), or when a limit is reached — and
says which, as a `StopReason`. A rewrite that matches too often is banned
for a while, its allowance doubling each time (egg's BackoffScheduler).

The limits that decide a verdict are counted, not timed: e-nodes,
iterations, and *work* (`EGraph.work`: e-nodes visited by matching, matches
prepared, nodes flattened), so that a theorem gets the same verdict on a
quiet laptop and on a loaded CI runner. The wall clock is only an outer
safety net, far above what the work budget takes on any machine; a search
it stops is reported as machine-dependent.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Callable

from ..limits import Limits, StopReason
from .egraph import EGraph
from .pattern import Terms
from .rewrite import Facts, OutOfTime, Rewrite, apply_prepared, matches, prepare

#: how many times in a row a law applied to part of a sum is applied again to what it made
MAX_CHAIN = 32


@dataclass
class RunReport:
    """What a run did: why it stopped, how far it got, and which rules it applied."""
    stop: StopReason
    iterations: int = 0
    nodes: int = 0
    classes: int = 0
    seconds: float = 0.0
    work: int = 0
    applied: dict[str, int] = field(default_factory=dict)

    def limit_text(self, limits: Limits) -> str:
        """Why the run stopped, for a person."""
        return self.stop.text(limits)


class _Stop(Exception):
    """A limit was reached inside an iteration."""

    def __init__(self, reason: StopReason):
        self.reason = reason


class Runner:
    """Saturate `eg` with `rewrites` until the `goals` (pairs of classes) meet or a limit is
    reached. With no goals, it saturates up to the limits."""

    def __init__(self, eg: EGraph, rewrites: list[Rewrite], goals: list[tuple[int, int]],
                 facts: Facts, limits: Limits, meets: Callable[[], bool] | None = None):
        self.eg, self.rewrites, self.goals, self.facts, self.limits = eg, rewrites, goals, facts, limits
        #: asked after each iteration whether the goals meet some other way (their normal forms)
        self.meets = meets
        self.t0 = time.perf_counter()
        self.work0 = eg.work
        self.banned_until: dict[str, int] = {}
        self.allowance: dict[str, int] = {}
        self.applied: dict[str, int] = {}

    # -- limits --------------------------------------------------------------------
    @property
    def deadline(self) -> float:
        """The safety net's wall-clock deadline."""
        return self.t0 + self.limits.seconds

    def check_limits(self) -> None:
        """Raise _Stop for the first limit reached (the one place limits are checked)."""
        if self.eg.n_nodes > self.limits.nodes:
            raise _Stop(StopReason.NODE_LIMIT)
        if self.eg.work - self.work0 > self.limits.work:
            raise _Stop(StopReason.WORK_LIMIT)
        if time.perf_counter() > self.deadline:
            raise _Stop(StopReason.TIME_LIMIT)

    def met(self) -> bool:
        """Whether every goal pair of classes has been merged."""
        return bool(self.goals) and all(self.eg.find(a) == self.eg.find(b) for a, b in self.goals)

    def report(self, stop: StopReason, iterations: int) -> RunReport:
        """The report of a run that stops now."""
        eg = self.eg
        return RunReport(stop, iterations, eg.n_nodes, eg.n_classes, time.perf_counter() - self.t0,
                         eg.work - self.work0, self.applied)

    # -- the loop ------------------------------------------------------------------
    def run(self) -> RunReport:
        """Saturate until the goals meet or a limit is reached; the report says which."""
        self.eg.rebuild()
        it = 0
        try:
            for it in range(1, self.limits.iterations + 1):
                if self.met():
                    return self.report(StopReason.GOAL, it - 1)
                if not self.iteration(it):
                    return self.report(StopReason.GOAL if self.met() else StopReason.SATURATED, it)
                if self.meets is not None and not self.met() and self.meets():
                    return self.report(StopReason.NORMAL_FORM, it)
            return self.report(StopReason.GOAL if self.met() else StopReason.ITERATION_LIMIT, it)
        except _Stop as stop:
            self.eg.rebuild()     # the one rebuild after a stop: the graph is left consistent
            return self.report(StopReason.GOAL if self.met() else stop.reason, it)
        except OutOfTime:
            self.eg.rebuild()
            return self.report(StopReason.GOAL if self.met() else StopReason.TIME_LIMIT, it)

    def iteration(self, it: int) -> bool:
        """One pass of every rewrite, then flattening; whether anything changed."""
        eg = self.eg
        before = (eg.n_nodes, eg.n_classes)
        changed = False
        for rw in self.rewrites:
            if self.banned_until.get(rw.label, 0) >= it:
                continue
            changed |= self.apply_rewrite(rw, it)
            eg.rebuild()
            if self.met():            # met halfway through an iteration: stop there
                raise _Stop(StopReason.GOAL)
            self.check_limits()
        changed |= bool(eg.flatten(self.limits.nodes, self.deadline))
        self.check_limits()
        return changed or (eg.n_nodes, eg.n_classes) != before

    def apply_rewrite(self, rw: Rewrite, it: int) -> bool:
        """Every match of one rewrite applied; whether anything merged (or was left undone)."""
        limit = self.allowance.setdefault(rw.label, self.limits.match_limit)
        found = matches(self.eg, rw, limit, self.deadline)
        if found is None:             # too many matches: banned for a while, allowed more after
            self.banned_until[rw.label] = it + self.limits.ban_length
            self.allowance[rw.label] = limit * 2
            return True
        changed = False
        for _ in range(MAX_CHAIN):
            mark = len(self.eg.uf)
            made = self.apply_batch(rw, found)
            changed |= made
            # a law applied to part of a sum (`⟨A + B, C⟩` with B = the other terms) is
            # applied again at once to what it made, so an n-term sum is taken apart in
            # one iteration instead of n
            if not made or not any(isinstance(b, Terms) for _, sub, _ in found for b in sub.values()):
                break
            self.eg.rebuild()
            found = matches(self.eg, rw, limit, self.deadline, since=mark)
            if not found:
                break
        return changed

    def apply_batch(self, rw: Rewrite, found) -> bool:
        """Prepare every match on the rebuilt graph, then apply them all; whether anything
        merged."""
        ready = []
        for n, (cid, sub, window) in enumerate(found):
            if n % 32 == 0:
                self.check_limits()
            p = prepare(self.eg, rw, cid, sub, window, self.facts)
            if p is not None:
                ready.append(p)
        made = False
        for n, p in enumerate(ready):
            if n % 32 == 0:
                self.check_limits()
            if apply_prepared(self.eg, p):
                self.applied[rw.label] = self.applied.get(rw.label, 0) + 1
                made = True
        return made


class Budget:
    """One link's limits shared by several runs (a search's attempts, `grad`'s iterations):
    the seconds and the work that the earlier runs spent are gone for the later ones."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.t0 = time.perf_counter()
        self.spent = 0

    def left(self, **overrides) -> Limits:
        """The limits that remain, with `overrides`."""
        return replace(self.limits, seconds=max(0.0, self.limits.seconds - (time.perf_counter() - self.t0)),
                       work=max(0, self.limits.work - self.spent), **overrides)

    def run(self, eg: EGraph, rewrites: list[Rewrite], goals: list[tuple[int, int]], facts: Facts,
            meets: Callable[[], bool] | None = None, **overrides) -> RunReport:
        """One run with what is left of the budget; its work is spent."""
        report = Runner(eg, rewrites, goals, facts, self.left(**overrides), meets).run()
        self.spent += report.work
        return report

    @property
    def exhausted(self) -> bool:
        """Whether the shared work or time is used up."""
        return self.spent >= self.limits.work or time.perf_counter() - self.t0 >= self.limits.seconds


def run(eg: EGraph, rewrites: list[Rewrite], goals: list[tuple[int, int]], facts: Facts,
        limits: Limits) -> RunReport:
    """Saturate with a `Runner` (see there)."""
    return Runner(eg, rewrites, goals, facts, limits).run()
