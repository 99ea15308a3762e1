"""In-process times of `matproof grad` (derive the gradient, then prove and check it), for
the functions issue 18 names: products with the variable three or four times and the trace of
every entrywise function. Each is run twice; the second (warm) run is the figure.

    python bench/grad.py
"""
from __future__ import annotations

import statistics
import time

import common  # noqa: F401  (puts the repository on the path)

FUNCTIONS = [
    ("‖X X x‖²", "X", ()),
    ("tr(X A X B X)", "X", ()),
    ("tr(X A X B X C X)", "X", ()),
    ("xᵀ X X X y", "X", ()),
] + [(f"tr({f}(X))", "X", ()) for f in ("exp", "sin", "cos", "tanh", "sigmoid")] + [
    ("tr(log(X))", "X", ("X: n×n positive",)),
    ("tr(sqrt(X))", "X", ("X: n×n positive",)),
]


def main() -> None:
    import checker
    print("function, wrt: status, warm ms (cold ms), gradient")
    warm = []
    for f, wrt, let in FUNCTIONS:
        times = []
        for _ in range(2):
            t = time.perf_counter()
            g = checker.grad(f, wrt, let=let)
            times.append(time.perf_counter() - t)
        status = g.result.status if g.result else "no gradient"
        warm.append(times[1])
        print(f"  {f:22} {wrt}: {status:8} {times[1] * 1e3:7.1f} ({times[0] * 1e3:7.1f})  "
              f"{checker.printing.to_unicode(g.gradient) if g.gradient is not None else '-'}")
    print(f"median {statistics.median(warm) * 1e3:.1f} ms, worst {max(warm) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
