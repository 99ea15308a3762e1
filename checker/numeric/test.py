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

from .. import syntax as S
from ..meaning import varying_symbols
from ..typecheck import Typed
from .evaluate import Domain, Env, Evaluator, Unsupported
from .instances import draw_instance

AGREE = 1e-8    # relative difference below which two values are equal
DIFFER = 1e-6   # relative difference above which they are not


#: the most entries a draw's evaluation may compute (see evaluation_cost)
MAX_COST = 2e7


def evaluation_cost(e: S.Expr, symbols, env: Env) -> float:
    """About how many entries evaluating `e` computes on `env`'s sizes: each node's entries
    (a product's the more for its inner size), times the variable's entries under a
    derivative (forward mode, one direction per entry) and their square under a Hessian."""
    from ..typecheck import shape_of
    shapes: dict = {}

    def entries(x: S.Expr) -> float:
        r, c = shape_of(x, symbols, shapes)
        return float(env.size(r)) * float(env.size(c))

    def cost(x: S.Expr) -> float:
        own = entries(x)
        if x.op == S.MUL or x.op == S.KRON:
            own *= max((entries(a) for a in x.args), default=1.0)
        inner = sum(cost(a) for a in x.args)
        if x.op in (S.GRAD, S.JAC, S.HESS):
            n = entries(x.args[1])
            inner *= n * n if x.op == S.HESS else n
        return own + inner

    return cost(e)


def relative_difference(a: np.ndarray, b: np.ndarray, scale: float = 0.0) -> float:
    """|a − b| relative to the magnitude the two were computed from (`scale`, the
    evaluators' `magnitude`) and to their own: never to an absolute 1, so that `1e-8 x`
    and `0` differ."""
    diff = float(np.max(np.abs(a - b))) if a.size else 0.0
    if diff == 0.0:
        return 0.0
    return diff / max(scale, float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-300)


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


def numeric_test(typed: Typed, *, seed: int = 0, draws: int = 6, max_attempts: int | None = None,
                 cookbook: bool = False, unit_sizes: bool = False) -> NumericResult:
    """Test that all expressions of `typed` (a chain) are equal on random instances, each
    link on its own: a member that cannot be evaluated leaves its links open but does not
    hide a difference in another. With `cookbook`, a gradient in a symmetric matrix means the
    Matrix Cookbook's §2.8 form (only to tell a user which convention their claim follows)."""
    t0 = time.perf_counter()
    if max_attempts is None:       # room for the draws that miss the domain
        max_attempts = max(60, 4 * draws)
    exprs = typed.exprs
    links = range(len(exprs) - 1)
    varying = varying_symbols(exprs, typed.symbols)
    needs_positive: set[str] = set()     # symbols under a log, a root… whose domain a draw missed
    good = [0] * len(links)
    attempts = 0
    worst = 0.0
    reasons: dict[str, int] = {}
    unsupported: dict[int, str] = {}       # links one of whose members has no numeric meaning
    misses = 0     # draws outside the domain

    def open_links() -> list[int]:
        return [k for k in links if good[k] < draws and k not in unsupported]

    while open_links() and attempts < max_attempts:
        attempts += 1
        rng = np.random.default_rng([seed, attempts])
        # `log(X)` of a 5×5 X is almost never defined on a plain draw: once draws keep missing
        # the domain, every other draw takes positive entries for the symbols under the terms
        # whose domain was missed (still values of the domain; the others stay as they are)
        positive = frozenset(needs_positive) if misses >= 3 and attempts % 2 == 0 else frozenset()
        env: Env = draw_instance(typed.symbols, typed.dims, varying, rng, positive=positive,
                                 unit_sizes=unit_sizes)
        env.cookbook = cookbook
        cost = max(evaluation_cost(e, typed.symbols, env) for e in exprs)
        if cost > MAX_COST:      # declared sizes so large that a draw would exhaust the machine
            return NumericResult("inconclusive", 0, attempts, seconds=time.perf_counter() - t0,
                                 reason=f"too large to test numerically (about {cost:.2g} operations "
                                        f"on this draw's sizes; at most {MAX_COST:.0e})")
        values: list = []
        for e in exprs:
            try:
                with np.errstate(all="ignore"):
                    ev = Evaluator(env)
                    v = ev.value(e)
                values.append((v, ev.magnitude) if np.all(np.isfinite(v)) else Domain("overflow"))
            except Domain as why:
                values.append(why)
                if why.term is not None:
                    needs_positive.update(n.attr for n in why.term.walk() if n.op == S.SYM)
            except Unsupported as why:
                values.append(why)
        missed = False
        for k in open_links():
            a, b = values[k], values[k + 1]
            for why in (a, b):
                if isinstance(why, Unsupported):
                    unsupported[k] = f"cannot evaluate: {why}"
            if k in unsupported:
                continue
            if isinstance(a, Domain) or isinstance(b, Domain):
                why = a if isinstance(a, Domain) else b
                reasons[str(why)] = reasons.get(str(why), 0) + 1
                missed = True
                continue
            (va, ma), (vb, mb) = a, b
            diff = relative_difference(va, vb, max(ma, mb))
            if diff > DIFFER:
                cx = Counterexample(k, env.sizes, env.values, env.directions, (va, vb), diff, seed)
                return NumericResult("refuted", min(good), attempts, cx, seconds=time.perf_counter() - t0,
                                     max_agreeing_difference=worst)
            if diff > AGREE:
                reasons["round-off"] = reasons.get("round-off", 0) + 1
                continue
            worst = max(worst, diff)
            good[k] += 1
        misses += missed
    seconds = time.perf_counter() - t0
    if unsupported:
        k = min(unsupported)
        where = f" (link {k + 1})" if len(links) > 1 else ""
        return NumericResult("inconclusive", min(good), attempts, reason=unsupported[k] + where,
                             seconds=seconds)
    if min(good, default=draws) == 0:
        why = ", ".join(f"{k} ({v}×)" for k, v in reasons.items()) or "no draws"
        if not unit_sizes and typed.dims and "round-off" not in reasons:
            # (x xᵀ)⁻¹ is singular for every n ≥ 2: is the theorem defined where every size is 1?
            probe = numeric_test(typed, seed=seed, draws=draws, max_attempts=max_attempts,
                                 cookbook=cookbook, unit_sizes=True)
            if probe.status == "refuted":      # defined there, and false there
                return probe
            if probe.status == "consistent":
                return NumericResult("inconclusive", 0, attempts + probe.attempts, seconds=seconds,
                                     reason=f"defined only where every size is 1 (with larger sizes no draw "
                                            f"was in its domain: {why}); there the sides agree on "
                                            f"{probe.draws} draws")
        return NumericResult("inconclusive", 0, attempts,
                             reason=f"no valid draw in {attempts} attempts: {why}", seconds=seconds)
    return NumericResult("consistent", min(good, default=draws), attempts, seconds=seconds,
                         max_agreeing_difference=worst)
