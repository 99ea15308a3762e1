"""Random instances: concrete sizes and values that respect the declarations.

Different dimensions get different sizes (so an n≠m mix-up shows), values
respect declared properties (symmetric, spd, orthogonal, diagonal,
invertible with a sane condition number), and the directions of varying
symbols stay in the set the property defines (a symmetric matrix moves
symmetrically). Everything is drawn from a seeded generator: the same seed
gives the same instance.
"""
from __future__ import annotations

import numpy as np

from ..shapes import Prod
from ..typecheck import SymbolInfo
from .evaluate import Env

SIZES = (2, 3, 4, 5, 6)


def draw_sizes(dims: list[str], rng: np.random.Generator) -> dict[str, int]:
    pool = list(SIZES)
    rng.shuffle(pool)
    extra = len(SIZES) + 2
    while len(pool) < len(dims):
        pool.append(extra)
        extra += 1
    return {d: int(pool[i]) for i, d in enumerate(dims)}


def _size(d, sizes: dict[str, int]) -> int:
    if isinstance(d, int):
        return d
    if isinstance(d, Prod):
        out = 1
        for f in d.factors:
            out *= _size(f, sizes)
        return out
    return sizes[d]


def draw_value(info: SymbolInfo, shape: tuple[int, int], rng: np.random.Generator,
               positive: bool = False) -> np.ndarray:
    """A random value of the symbol's shape with its declared properties; with `positive`,
    a symbol without properties gets entries in (0.1, ∞)."""
    r, c = shape
    props = info.props
    if "positive" in props:       # every entry > 0 (as the declaration says), then the rest
        positive = True
        props = props - {"positive"}
    if "orthogonal" in props:       # drawn jointly with what else it is declared
        if "spd" in props:          # the one spd orthogonal matrix: its eigenvalues are ±1 and > 0
            return np.eye(r)
        signs = np.where(rng.random(r) < 0.5, -1.0, 1.0)
        if "diagonal" in props:
            return np.diag(signs)
        q, rr = np.linalg.qr(rng.standard_normal((r, r)))
        q = q * np.sign(np.diag(rr))
        if "symmetric" in props:    # a reflection: Q diag(±1) Qᵀ
            return q @ np.diag(signs) @ q.T
        return q
    if "spd" in props:
        a = rng.standard_normal((r, r))
        if positive:
            a = np.abs(a)          # then every entry of a aᵀ is > 0 too
        return a @ a.T / r + np.eye(r)
    if "diagonal" in props:
        d = rng.standard_normal(r)
        if "invertible" in props or positive:
            d = (1 if positive else np.sign(d)) * (0.5 + np.abs(d))
        return np.diag(d)
    a = rng.standard_normal((r, c))
    if positive and not props - {"constant", "symmetric"}:
        a = np.abs(a) + 0.1
        return (a + a.T) / 2 if "symmetric" in props else a
    if "symmetric" in props:
        a = (a + a.T) / 2
    if "invertible" in props:
        a = a + np.sign(rng.standard_normal()) * r * np.eye(r) / 2
    return a


def draw_direction(info: SymbolInfo, value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A direction of change that keeps the symbol's declared properties."""
    props = info.props
    a = rng.standard_normal(value.shape)
    if "orthogonal" in props:
        k = a - a.T
        if "spd" in props or "diagonal" in props:   # isolated points: nothing moves and stays so
            return np.zeros_like(value)
        if "symmetric" in props:    # Q D Qᵀ turned by a rotation: K X − X K
            return k @ value - value @ k
        return value @ k
    if "diagonal" in props:
        return np.diag(np.diag(a))
    if "symmetric" in props or "spd" in props:
        return (a + a.T) / 2
    return a


def draw_instance(symbols: dict[str, SymbolInfo], dims: list[str], varying: set[str],
                  rng: np.random.Generator, positive: frozenset[str] = frozenset(),
                  unit_sizes: bool = False) -> Env:
    """An instance; the symbols named in `positive` get positive entries; with `unit_sizes`
    every dimension is 1."""
    sizes = {d: 1 for d in dims} if unit_sizes else draw_sizes(dims, rng)
    values: dict[str, np.ndarray] = {}
    directions: dict[str, np.ndarray] = {}
    for name, info in symbols.items():
        shape = (_size(info.shape[0], sizes), _size(info.shape[1], sizes))
        if getattr(info, "size", False):       # `n`, the size of the dimension n: no draw of its own
            values[name] = np.full((1, 1), float(sizes[name]))
            continue
        values[name] = draw_value(info, shape, rng, name in positive)
        if name in varying and "constant" not in info.props:
            directions[name] = draw_direction(info, values[name], rng)
    symmetric = frozenset(n for n, info in symbols.items() if "symmetric" in info.props)
    return Env(sizes, values, directions, symmetric)
