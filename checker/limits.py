"""The limits of a proof search, and why a search stopped.

Kept apart from the e-graph so that the command line can show the defaults
without importing the search (and networkx with it). What the limits mean
and how they are counted: checker/egraph/run.py.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    nodes: int = 20_000
    iterations: int = 30
    #: units of `EGraph.work` per search. With the normal form deciding most links, the
    #: shipped corpora's hardest proof takes about 5 000 units; 500 000 end a search that
    #: finds nothing in about 1.5 s on the 2-core machine measured (1.5 million took 4.5 s), so
    #: an honest "unknown" comes fast (bench/egraph.py prints the slowest)
    work: int = 500_000
    #: the safety net only: a search that reaches it is reported as machine-dependent
    seconds: float = 60.0
    match_limit: int = 1_000
    ban_length: int = 2


class StopReason(enum.Enum):
    GOAL = "goal"
    NORMAL_FORM = "normal form"
    SATURATED = "saturated"
    NODE_LIMIT = "node limit"
    ITERATION_LIMIT = "iteration limit"
    WORK_LIMIT = "work limit"
    TIME_LIMIT = "time limit"

    def text(self, limits: Limits) -> str:
        """How a person is told why the search stopped."""
        return {
            StopReason.GOAL: "the two sides were joined",
            StopReason.NORMAL_FORM: "the two sides have one normal form (no search was needed)",
            StopReason.SATURATED: "the rules can derive nothing more (saturated)",
            StopReason.NODE_LIMIT: f"the e-node limit ({limits.nodes}) was reached",
            StopReason.ITERATION_LIMIT: f"the iteration limit ({limits.iterations}) was reached",
            StopReason.WORK_LIMIT: f"the work limit ({limits.work} units) was reached",
            StopReason.TIME_LIMIT: f"the time limit ({limits.seconds:g} s; machine-dependent) was reached",
        }[self]
