"""No internal error anywhere (issue 23): random *well-typed* theorems over the whole
language — declarations with every property and `constant`, powers by a dimension,
chains, differentials of differentials, gradients, Jacobians and Hessians — and random
functions for `grad` and `hess`, each settled with exit 0, 1, 2 or 3, never 70.

(test_fuzz_cli.py throws bytes and broken syntax at the CLI; this one gets past the parser
and the typer, into the numeric test, the normal form, the search and the kernel.)
200 theorems and 100 functions in CI; `MATPROOF_THEOREMS=10000 pytest
tests/test_no_internal_error.py` for a long run.
"""
from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import syntax as S
from checker.cli import main
from checker.errors import MatproofError
from checker.printing import to_unicode
from checker.typecheck import infer
from strategies import expr
from test_polynomial_form import _rewritten

EXAMPLES = int(os.environ.get("MATPROOF_THEOREMS", "200"))
SMALL = ["--max-work", "20000", "--max-iterations", "3", "--draws", "2"]
PROPERTIES = ["", "symmetric", "spd", "invertible", "orthogonal", "diagonal", "positive", "constant",
              "spd orthogonal", "symmetric constant", "diagonal positive", "invertible constant"]


def _settings(n: int):
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def declarations(draw) -> list[str]:
    """`--let` values: the matrices of the strategies with random properties; vectors, with
    `constant` now and then; a scalar declared constant."""
    lets = []
    for m in ("A", "B", "X", "Σ"):
        props = draw(st.sampled_from(PROPERTIES))
        lets.append(f"{m}: n×n {props}".strip())
    if draw(st.booleans()):
        lets.append("a, b: n constant")
    if draw(st.booleans()):
        lets.append("λ: scalar constant")
    return lets


@st.composite
def theorems(draw) -> str:
    """An identity in Unicode: sides of one kind, a chain, a derivative = a value, d(d(·)),
    a power by the dimension n."""
    form = draw(st.sampled_from(["pair", "chain", "gradient", "jacobian", "hessian", "second", "dimpow"]))
    kind = draw(st.sampled_from(["scalar", "vector", "matrix"]))
    e = lambda k: draw(expr(k, 2, kron=False))  # noqa: E731
    if form == "pair" and draw(st.booleans()):      # often true: the search and the kernel run
        first = e(kind)
        try:
            typed = infer([first])
        except MatproofError:
            sides = [first, first]
        else:
            rng = random.Random(draw(st.integers(0, 10**6)))
            sides = [first, _rewritten(typed.exprs[0], typed.symbols, rng)]
    elif form == "pair":
        sides = [e(kind), e(kind)]
    elif form == "chain":
        sides = [e(kind), e(kind), e(kind)]
    elif form == "gradient":
        sides = [S.grad(e("scalar"), S.sym(draw(st.sampled_from(["X", "A", "Σ"])))), e("matrix")]
    elif form == "jacobian":
        v = draw(st.sampled_from(["x", "vecX"]))
        wrt = S.func("vec", S.sym("X")) if v == "vecX" else S.sym("x")
        f = e("scalar") if v == "vecX" else e("vector")
        value = S.transpose(S.func("vec", e("matrix"))) if v == "vecX" else e("matrix")
        sides = [S.jacobian(f, wrt), value]
    elif form == "hessian":
        sides = [S.hess(e("scalar"), S.sym("x")), e("matrix")]
    elif form == "second":
        sides = [S.diff(S.diff(e(kind))), e(kind)]
    else:
        sides = [S.mul([S.Expr(S.DIMPOW, (e("scalar"),), "n"), e("scalar")]), e("scalar")]
    return " = ".join(to_unicode(s) for s in sides)


def _settled(capsys, argv: list[str]) -> None:
    code = main(argv)
    _, err = capsys.readouterr()
    assert code in (0, 1, 2, 3), (argv, code, err)
    assert "internal error" not in err, (argv, err)


@_settings(EXAMPLES)
@given(text=theorems(), lets=declarations(), layout=st.sampled_from(["numerator", "denominator"]))
def test_a_well_typed_theorem_is_settled_without_internal_error(capsys, text, lets, layout):
    argv = ["prove", *SMALL, "--layout", layout]
    for let in lets:
        argv += ["--let", let]
    _settled(capsys, [*argv, text])


@_settings(max(1, EXAMPLES // 2))
@given(f=st.sampled_from(["scalar", "vector"]).flatmap(lambda k: expr(k, 2, kron=False)),
       lets=declarations(), command=st.sampled_from(["grad", "hess"]),
       wrt=st.sampled_from(["X", "x", "a", "A", "vec(X)", "Σ"]))
def test_a_function_is_differentiated_without_internal_error(capsys, f, lets, command, wrt):
    argv = [command, "--max-work", "20000", "--max-iterations", "3", "--wrt", wrt]
    for let in lets:
        argv += ["--let", let]
    _settled(capsys, [*argv, to_unicode(f)])
