"""What the project's reference checkers share (numpy only, nothing of matproof): random
instances, finite-difference derivatives, and the loop that compares each theorem of a
`.thm` file with its hand-written numpy entry. check_public.py, copied from the shared
corpus, stays on its own."""
import pathlib
import re
import sys

import numpy as np

H = 1e-6
N = 4
P, R = "proved", "refuted"


def mat(r, a=N, b=N):
    return r.standard_normal((a, b))


def vec(r, n=N):
    return r.standard_normal((n, 1))


def invertible(r, n=N):
    return r.standard_normal((n, n)) + n * np.eye(n)


def spd(r, n=N):
    a = r.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def fd_grad(f, X):
    """∂f/∂X by central differences, entry by entry (the unconstrained gradient)."""
    G = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[idx] = H
        G[idx] = (f(X + E) - f(X - E)) / (2 * H)
    return G


def fd_dir(F, X, dX):
    """The derivative of F at X in the direction dX, by central differences."""
    return (F(X + H * dX) - F(X - H * dX)) / (2 * H)


def s(v):
    return float(np.asarray(v).item())


def diff(pair):
    a, b = (np.asarray(x, dtype=float) for x in pair)
    return float(np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(a)), np.max(np.abs(b))))


def run(thm_file: str, checks: dict) -> None:
    """Check every theorem of `thm_file` (beside this module) on 5 seeds: a `proved` one
    agrees to 1e-5, a `refuted` one differs by more than 1e-3; exit 1 if any does not."""
    text = pathlib.Path(__file__).resolve().parent.joinpath(thm_file).read_text(encoding="utf-8")
    names = re.findall(r"^theorem ([\w-]+):", text, re.M)
    assert sorted(names) == sorted(checks), set(names) ^ set(checks)
    bad = 0
    for name in names:
        expect, f = checks[name]
        ds = [diff(f(np.random.default_rng(seed))) for seed in range(5)]
        ok = max(ds) < 1e-5 if expect == P else max(ds) > 1e-3
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {name:8} {expect:8} max rel diff {max(ds):.2e}")
    print(f"{len(names) - bad} passed, {bad} failed")
    sys.exit(1 if bad else 0)
