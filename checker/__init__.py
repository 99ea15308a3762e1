"""matproof: prove matrix-calculus identities by rewriting.

The Python API::

    import checker
    r = checker.prove("∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ")
    r.status          # 'proved', 'refuted', 'unknown' or 'error'
    r.counterexample  # for refuted results
    g = checker.grad("‖X X x‖²", "X")
    g.gradient, g.result.status

Heavy modules (numpy, sympy) are imported only by the functions that use
them, so `import checker` and the CLI start quickly.
"""
from .version import __version__  # noqa: F401  (the package's version, re-exported)


def prove(text: str, *, max_nodes: int = 20_000, max_iterations: int = 30, max_work: int = 500_000,
          timeout: float = 60.0, seed: int = 0, draws: int = 6):
    """Settle the first theorem in `text`: a `Result` with `.status` ('proved', 'refuted',
    'unknown' or 'error'), `.proof`, `.counterexample` and `.certificate`. The limits are
    those of the search per link: e-nodes, iterations and units of work decide, the same on
    every machine; `timeout` (seconds) is only a safety net."""
    from .limits import Limits
    from .pipeline import prove as _prove
    limits = Limits(nodes=max_nodes, iterations=max_iterations, work=max_work, seconds=timeout)
    return _prove(text, limits=limits, seed=seed, draws=draws)


def grad(function: str, wrt: str, *, let: tuple[str, ...] = (), max_nodes: int = 20_000,
         max_iterations: int = 30, max_work: int = 500_000, timeout: float = 60.0, _hessian: bool = False):
    """Derive ∂f/∂wrt of a scalar `function` (for a vector function, or with wrt `"vec(X)"`,
    the Jacobian ∂f/∂xᵀ), then prove and check the identity: a `Derived` with `.gradient`
    (the term found, None if none was found within the limits), `.kind` and `.result` (the
    proof's `Result`). `let` holds declarations (`"X: n×n invertible"`)."""
    from .limits import Limits
    from .parse import parse_text
    from .pipeline import grad as _grad
    decls: dict = {}
    for item in let:
        decls = parse_text("let " + item, "<let>", decls).decls
    limits = Limits(nodes=max_nodes, iterations=max_iterations, work=max_work, seconds=timeout)
    return _grad(function, wrt, decls=decls, limits=limits, hessian=_hessian)


def hess(function: str, wrt: str, **options):
    """Derive the Hessian ∂²f/∂x∂xᵀ of a scalar `function` in the vector `wrt`, then prove and
    check it (as `grad`; the Hessian is `.gradient`)."""
    return grad(function, wrt, _hessian=True, **options)


def parse(text: str, filename: str = "<input>"):
    """Parse a file's text into a `Document` of theorems and rules."""
    from .parse import parse_text
    return parse_text(text, filename)


def load_ipython_extension(ipython) -> None:
    """`%load_ext checker`: the `%matproof` and `%%matproof` magics (checker/jupyter.py)."""
    from .jupyter import load
    load(ipython)


__all__ = ["prove", "grad", "hess", "parse", "__version__"]
