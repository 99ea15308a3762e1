"""Hypothesis strategies: random well-typed expressions, built through the canonical constructors.

Shapes used: scalar, vector (n×1) and square matrix (n×n); every tree built
here type-checks by construction.
"""
from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from checker import syntax as S

SCALARS = ["α", "β", "λ"]


def mul(factors):
    """Products as the parser builds them: brackets kept."""
    return S.mul(factors, flatten=False)
VECTORS = ["a", "b", "x", "y_1"]
MATRICES = ["A", "B", "X", "W_in", "Σ"]


def _leaf(kind: str):
    if kind == "scalar":
        nums = st.one_of(st.integers(1, 9).map(S.num),
                         st.tuples(st.integers(1, 9), st.integers(2, 5)).map(lambda p: S.num(Fraction(*p))))
        return st.one_of(st.sampled_from(SCALARS).map(S.sym), nums)
    if kind == "vector":
        return st.one_of(st.sampled_from(VECTORS).map(S.sym), st.just(S.ones()))
    return st.one_of(st.sampled_from(MATRICES).map(S.sym), st.just(S.identity()))


@st.composite
def expr(draw, kind: str = "matrix", depth: int = 3, kron: bool = True):
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        return draw(_leaf(kind))
    sub = lambda k: expr(k, depth - 1, kron)  # noqa: E731
    choices = ["add", "neg", "scale", "had"]
    if kind == "scalar":
        choices += ["tr", "det", "quad", "inner", "norm", "sum", "func", "pow", "inv", "mul"]
    elif kind == "vector":
        choices += ["matvec", "func", "d"]
    else:
        choices += ["mul", "T", "inv", "pow", "outer", "func", "d", "grad"] + ["kronT"] * kron
    c = draw(st.sampled_from(choices))
    if c == "add":
        return S.add([draw(sub(kind)), draw(sub(kind))])
    if c == "neg":
        return S.neg(draw(sub(kind)))
    if c == "scale":
        return mul([draw(sub("scalar")), draw(sub(kind))])
    if c == "had":
        return S.had([draw(sub(kind)), draw(sub(kind))])
    if c == "func":
        name = draw(st.sampled_from(list(S.ELEMENTWISE)))
        return S.func(name, draw(sub(kind)))
    if c == "d":
        return S.diff(draw(sub(kind)))
    if kind == "scalar":
        if c in ("tr", "det"):
            return S.func(c, draw(sub("matrix")))
        if c == "quad":
            return mul([S.transpose(draw(sub("vector"))), draw(sub("matrix")), draw(sub("vector"))])
        if c == "inner":
            k = draw(st.sampled_from(["vector", "matrix"]))
            return S.inner(draw(sub(k)), draw(sub(k)))
        if c == "norm":
            return S.norm(draw(sub("vector")), draw(st.sampled_from([None, "2", "F"])))
        if c == "sum":
            return S.func("sum", draw(sub("matrix")))
        if c == "pow":
            k = draw(st.sampled_from([Fraction(2), Fraction(1, 2), Fraction(-3, 2), Fraction(3)]))
            return S.power(draw(sub("scalar")), k)
        if c == "inv":
            return S.inverse(S.sym(draw(st.sampled_from(SCALARS))))
        return mul([draw(sub("scalar")), draw(sub("scalar"))])
    if kind == "vector":
        return mul([draw(sub("matrix")), draw(sub("vector"))])
    if c == "mul":
        return mul([draw(sub("matrix")), draw(sub("matrix"))])
    if c == "T":
        return S.transpose(draw(sub("matrix")))
    if c == "inv":
        return S.inverse(draw(sub("matrix")))
    if c == "pow":
        return S.power(draw(sub("matrix")), Fraction(draw(st.integers(2, 4))))
    if c == "outer":
        return mul([draw(sub("vector")), S.transpose(draw(sub("vector")))])
    if c == "grad":
        return S.grad(draw(sub("scalar")), S.sym(draw(st.sampled_from(["X", "A"]))))
    # Kronecker products change dimensions; keep them square and alone: (A ⊗ B)ᵀ
    return S.transpose(S.kron([S.sym("A"), S.sym("B")]))


DECLARED = {"W_in"}
