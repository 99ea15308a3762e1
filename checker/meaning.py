"""What varies in a theorem (§6 of the spec), shared by the numeric test, the search and the kernel.

The symbols whose differential appears explicitly (`dX`, `d(X)`) vary; where a
theorem takes d(…) and names no differential at all, every symbol varies.
Symbols declared `constant` never vary. For a derivative `∂f/∂X` only X varies.
"""
from __future__ import annotations

from . import syntax as S


def varying_symbols(exprs: list[S.Expr], symbols) -> set[str]:
    explicit = {n.args[0].attr for e in exprs for n in e.walk() if n.op == S.D and n.args[0].op == S.SYM}
    if explicit:
        out = explicit
    elif any(n.op == S.D for e in exprs for n in e.walk()):
        out = set(symbols)
    else:
        out = set()
    return {s for s in out if s in symbols and "constant" not in symbols[s].props}


def is_constant(e: S.Expr, varying: set[str]) -> bool:
    """Does not depend on the varying symbols (and holds no differential)."""
    return not any((n.op == S.SYM and n.attr in varying) or n.op == S.D for n in e.walk())


def has_differential(e: S.Expr) -> bool:
    """Whether e holds a differential or a derivative: a direction or a rate of the theorem,
    which holding all but one symbol constant would change."""
    return any(n.op in (S.D, S.GRAD) for n in e.walk())
