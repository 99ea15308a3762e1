"""The kernel's normal form keeps the value of every term: it only regroups and reorders
where that cannot change it (checked numerically, on random well-typed terms)."""
from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import syntax as S
from checker.kernel import nf
from checker.numeric import draw_instance, evaluate
from checker.numeric.evaluate import Domain, Unsupported
from checker.typecheck import infer, shape_of

from strategies import expr


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    scale = max(1.0, float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return a.shape == b.shape and float(np.max(np.abs(a - b))) / scale < 1e-8


def _values(terms, typed, seed):
    env = draw_instance(typed.symbols, typed.dims, set(), np.random.default_rng(seed))
    with np.errstate(all="ignore"):
        values = [evaluate(t, env) for t in terms]
    if not all(np.all(np.isfinite(v)) and np.max(np.abs(v)) < 1e6 for v in values):
        return None
    return values


def _shuffle_scalars(e: S.Expr, symbols, rng: random.Random) -> S.Expr:
    """The same term with the scalar factors of every product moved and reordered."""
    args = [_shuffle_scalars(a, symbols, rng) for a in e.args]
    if e.op == S.MUL:
        scalars = [a for a in args if shape_of(a, symbols) == (1, 1)]
        rest = [a for a in args if shape_of(a, symbols) != (1, 1)]
        rng.shuffle(scalars)
        if rest:
            k = rng.randrange(len(rest) + 1)   # a scalar factor may stand anywhere
            args = rest[:k] + scalars + rest[k:]
        else:
            args = scalars
    return S.Expr(e.op, tuple(args), e.attr)


TERMS = st.sampled_from(["scalar", "vector", "matrix"]).flatmap(lambda k: expr(k, 3, kron=False))


def keeps_value(e: S.Expr, seed: int, normalise, skip: tuple = ()) -> None:
    """Assert that `normalise(term, symbols)` has the value of the (typed) term `e` on a
    random instance; terms with differentials, and instances outside the domain, are
    passed over (as are the exceptions in `skip`)."""
    if any(n.op in (S.D, S.GRAD) for n in e.walk()):
        return
    typed = infer([e])
    t = typed.exprs[0]
    try:
        form = normalise(t, typed.symbols)
        values = _values([t, form], typed, seed)
    except (Domain, Unsupported, *skip):
        return
    if values is not None:
        assert _close(*values), (t, form)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TERMS, st.integers(0, 10**6))
def test_the_normal_form_has_the_value_of_the_term(e, seed):
    keeps_value(e, seed, nf)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TERMS, st.integers(0, 10**6))
def test_scalars_moved_anywhere_give_the_same_normal_form(e, seed):
    """What the e-graph treats as one e-node, the kernel must treat as one term."""
    typed = infer([e])
    t = typed.exprs[0]
    moved = _shuffle_scalars(t, typed.symbols, random.Random(seed))
    assert nf(moved, typed.symbols) == nf(t, typed.symbols)


@pytest.mark.parametrize("identity", [
    "tr(I_n) = n", "ones^T ones = n", "tr(X^{-1} X) = n",
    "(I - (1/n) ones ones^T)^2 = I - (1/n) ones ones^T",        # the centring matrix is idempotent
    "(I - (1/n) ones ones^T) ones = 0",
])
def test_a_dimensions_size_in_the_normal_form(identity):
    """`n` where `let X: n×n` is the size n, which the normal form writes as tr(I_n), as it
    writes 𝟏ᵀ𝟏 (issue 25: papers write 1/n, tr(I_n) = n, the centring matrix)."""
    from checker.parse import parse_text
    from checker.pipeline import prove_theorem
    thm = parse_text(f"let X: n×n invertible\ntheorem t: {identity}").theorems[0]
    assert prove_theorem(thm).status == "proved"
