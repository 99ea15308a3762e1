"""The numeric test of a claim: random instances, scaled comparison, counterexamples.

A theorem (or a chain) is evaluated on several random instances. Two sides
*agree* on a draw when their difference is round-off relative to their
magnitudes, and *differ* when it is far beyond it; anything in between, and
every draw outside the domain, is drawn again rather than trusted. One clear
difference refutes; no valid draw at all leaves the outcome open, never
refuted.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..meaning import varying_symbols
from ..typecheck import Typed
from .evaluate import Domain, Env, Evaluator, Unsupported
from .instances import draw_instance

AGREE = 1e-7    # relative difference below which two values are equal
DIFFER = 1e-4   # relative difference above which they are not


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(1.0, float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return float(np.max(np.abs(a - b))) / scale


@dataclass
class Counterexample:
    link: int                      # the pair (link, link + 1) of the chain that differs
    sizes: dict[str, int]
    values: dict[str, np.ndarray]
    directions: dict[str, np.ndarray]
    sides: tuple[np.ndarray, np.ndarray]
    difference: float
    seed: int

    def as_json(self) -> dict:
        r = lambda a: np.round(a, 4).tolist()  # noqa: E731
        return {"link": self.link, "sizes": self.sizes,
                "values": {k: r(v) for k, v in self.values.items()},
                "directions": {f"d{k}": r(v) for k, v in self.directions.items()},
                "lhs": r(self.sides[0]), "rhs": r(self.sides[1]),
                "relative_difference": self.difference, "seed": self.seed}


@dataclass
class NumericResult:
    status: str                    # "consistent", "refuted" or "inconclusive"
    draws: int = 0
    attempts: int = 0
    counterexample: Counterexample | None = None
    reason: str = ""
    seconds: float = 0.0
    max_agreeing_difference: float = 0.0


def numeric_test(typed: Typed, *, seed: int = 0, draws: int = 6, max_attempts: int = 60,
                 cookbook: bool = False) -> NumericResult:
    """Test that all expressions of `typed` (a chain) are equal on random instances. With
    `cookbook`, a gradient in a symmetric matrix means the Matrix Cookbook's §2.8 form (only
    to tell a user which convention their claim follows)."""
    t0 = time.perf_counter()
    exprs = typed.exprs
    varying = varying_symbols(exprs, typed.symbols)
    good = attempts = 0
    worst = 0.0
    reasons: dict[str, int] = {}
    misses = 0     # draws outside the domain
    while good < draws and attempts < max_attempts:
        attempts += 1
        rng = np.random.default_rng([seed, attempts])
        # `log(X)` of a 5×5 X is almost never defined on a plain draw: once draws keep missing
        # the domain, every other draw takes positive entries (still values of the domain)
        positive = misses >= 3 and attempts % 2 == 0
        env: Env = draw_instance(typed.symbols, typed.dims, varying, rng, positive=positive)
        env.cookbook = cookbook
        try:
            with np.errstate(all="ignore"):
                ev = Evaluator(env)
                values = [ev.value(e) for e in exprs]
        except Domain as d:
            reasons[str(d)] = reasons.get(str(d), 0) + 1
            misses += 1
            continue
        except Unsupported as u:
            return NumericResult("inconclusive", good, attempts, reason=f"cannot evaluate: {u}",
                                 seconds=time.perf_counter() - t0)
        if not all(np.all(np.isfinite(v)) for v in values):
            reasons["overflow"] = reasons.get("overflow", 0) + 1
            continue
        diffs = [relative_difference(values[k], values[k + 1]) for k in range(len(values) - 1)]
        bad = [k for k, dd in enumerate(diffs) if dd > DIFFER]
        if bad:
            k = bad[0]
            cx = Counterexample(k, env.sizes, env.values, env.directions,
                                (values[k], values[k + 1]), diffs[k], seed)
            return NumericResult("refuted", good, attempts, cx, seconds=time.perf_counter() - t0,
                                 max_agreeing_difference=worst)
        if max(diffs, default=0.0) > AGREE:
            reasons["round-off"] = reasons.get("round-off", 0) + 1
            continue
        worst = max(worst, max(diffs, default=0.0))
        good += 1
    seconds = time.perf_counter() - t0
    if good == 0:
        why = ", ".join(f"{k} ({v}×)" for k, v in reasons.items()) or "no draws"
        return NumericResult("inconclusive", 0, attempts,
                             reason=f"no valid draw in {attempts} attempts: {why}", seconds=seconds)
    return NumericResult("consistent", good, attempts, seconds=seconds, max_agreeing_difference=worst)
