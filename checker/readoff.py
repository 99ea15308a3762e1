"""Reading a gradient off a differential, as a worked answer does: d f = ⟨G, dX⟩.

After the differentials are worked inward, the normal form of `d f` is a sum
of monomials, each a coefficient times scalar atoms, one of which is a trace
holding dX (or dXᵀ) once. Each is brought to ⟨Gᵢ, dX⟩ by rotating dX to the
end of its trace: `tr(P dX Q) = tr(Q P dX) = ⟨(Q P)ᵀ, dX⟩` and
`tr(P dXᵀ Q) = ⟨Q P, dX⟩`; then G = Σ cᵢ sᵢ Gᵢ. Where a monomial is not of
that kind (dX under an entrywise function, inside an inverse, or twice), there
is no read-off and the e-graph does the work. The read-off needs no trust:
the proof states `d f = ⟨G, dX⟩` as a normal-form step that the kernel
checks by computing both normal forms itself.
"""
from __future__ import annotations

from fractions import Fraction

from . import syntax as S
from .normalform import NormalForm, TooBig


def read_off(df: S.Expr, x: str, form: NormalForm) -> S.Expr | None:
    """G with d f = ⟨G, dX⟩ (d f worked inward, only X varying), in normal form; or None."""
    dx = S.Expr(S.D, (S.sym(x),))
    dxt = S.Expr(S.T, (dx,))
    shape = form.symbols[x].shape
    if shape == (1, 1):
        return None
    try:
        p = form.poly(df)
    except TooBig:
        return None
    terms: list[S.Expr] = []
    for (scalars, chain), c in p.items():
        holding = [(a, k) for a, k in scalars if _holds(a, dx)]
        if chain or len(holding) != 1 or holding[0][1] != 1 or holding[0][0].op != "tr":
            return None
        body = holding[0][0].args[0]
        factors = body.args if body.op == S.MUL else (body,)
        where = [i for i, f in enumerate(factors) if _holds(f, dx)]
        if len(where) != 1:
            return None
        j = where[0]
        rest = factors[j + 1:] + factors[:j]          # tr(P dX Q) = tr(Q P dX)
        if factors[j] in (dx, dxt):
            g = _cotangent(rest, shape, transposed=factors[j] == dx)
        else:
            g = _through_hadamard(factors[j], rest, dx, dxt, shape)
            if g is None:
                return None
        coeff = [S.Expr(S.NUM, (), Fraction(c))] if c != 1 else []
        others = [a if k == 1 else S.Expr(S.POW, (a,), k) for a, k in scalars if (a, k) != holding[0]]
        factors_out = coeff + others + [g]
        terms.append(factors_out[0] if len(factors_out) == 1 else S.Expr(S.MUL, tuple(factors_out)))
    if not terms:
        return S.Expr(S.ZERO, (), shape)
    return form.of(terms[0] if len(terms) == 1 else S.Expr(S.ADD, tuple(terms)))


def _cotangent(rest: tuple, shape, transposed: bool) -> S.Expr:
    """M with tr(rest · dX) = ⟨M, dX⟩ (or, not `transposed`, tr(rest · dXᵀ) = ⟨M, dX⟩)."""
    if not rest:
        return S.Expr(S.IDENT, (), shape)
    g = rest[0] if len(rest) == 1 else S.Expr(S.MUL, rest)
    return S.Expr(S.T, (g,)) if transposed else g


def _through_hadamard(atom: S.Expr, rest: tuple, dx: S.Expr, dxt: S.Expr, shape) -> S.Expr | None:
    """tr(R (Q ∘ dX)) = ⟨Rᵀ, Q ∘ dX⟩ = ⟨Rᵀ ∘ Q, dX⟩ (with dXᵀ, transposed; with no R,
    tr(Q ∘ dX) = ⟨I ∘ Q, dX⟩): a gradient through an entrywise function. This is not a law
    of the normal form, so a gradient found this way is proved afterwards like any claim."""
    if atom.op != S.HAD or sum(a in (dx, dxt) for a in atom.args) != 1 or \
            any(_holds(a, dx) for a in atom.args if a not in (dx, dxt)):
        return None
    d = next(a for a in atom.args if a in (dx, dxt))
    others = tuple(a for a in atom.args if a is not d)
    if rest:
        first = S.Expr(S.T, (rest[0] if len(rest) == 1 else S.Expr(S.MUL, rest),))
    else:
        first = S.Expr(S.IDENT, (), shape)
    g = S.Expr(S.HAD, (first,) + others)
    return g if d == dx else S.Expr(S.T, (g,))


def _holds(e: S.Expr, dx: S.Expr) -> bool:
    return any(n == dx for n in e.walk())
