"""What the bench scripts share: the repository's paths, timing, and the fitted growth slope.

Run a bench script from anywhere (`python bench/NAME.py`): its folder is on the path,
and importing this module puts the repository there too, so `checker` is the source tree.
"""
from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CORPUS = REPO / "tests" / "data" / "public.thm"
SEED = "∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ"


def best_of(n: int, f) -> float:
    """The shortest of n runs of f, in seconds (the least disturbed by the machine)."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def cold(argv: list[str], n: int = 3) -> float:
    """A cold `matproof ARGV` in a new Python process, Python's own start included."""
    return best_of(n, lambda: subprocess.run([sys.executable, "-m", "checker.cli", *argv],
                                             capture_output=True, cwd=REPO))


def slope(xs, ys) -> float:
    """The log-log slope of ys against xs (least squares): how fast ys grows with xs."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def measure(lhs, rhs) -> dict:
    """Search for a proof of lhs = rhs (typed afresh) with generous limits; what it took."""
    from checker.limits import Limits
    from checker.rules import default_rule_files, rewrites_for
    from checker.strategy import search_link
    from checker.typecheck import infer
    typed = infer([lhs, rhs])
    rewrites_for(default_rule_files())   # loading the rules is not part of the search
    t = time.perf_counter()
    found = search_link(typed, 0, {}, default_rule_files(), Limits(seconds=30, nodes=200_000))
    return {"proved": found.proved, "seconds": time.perf_counter() - t, "nodes": found.report.nodes,
            "classes": found.report.classes, "iterations": found.report.iterations,
            "steps": len(found.steps)}
