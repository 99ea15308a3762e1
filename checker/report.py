"""What a person reads: results and typed statements as text.

Kept apart from the pipeline so that the API, the CLI and the pytest plugin
all show the same thing.
"""
from __future__ import annotations

from .printing import PRINTERS
from .shapes import shape_text
from .typecheck import Typed

MARK = {"proved": "✓", "refuted": "✗", "unknown": "?", "error": "!"}
ASCII_MARK = {"proved": "ok", "refuted": "NO", "unknown": "??", "error": "!!"}


def _array(a, indent: str = "") -> str:
    import numpy as np
    a = np.asarray(a)
    if a.shape == (1, 1):
        return f"{a[0, 0]:.4g}"
    if a.ndim == 2 and a.shape[1] == 1:
        return np.array2string(a[:, 0], precision=3, suppress_small=True, max_line_width=200) + "ᵀ"
    return np.array2string(a, precision=3, suppress_small=True, max_line_width=200).replace("\n", "\n" + indent)


def render_result(res, fmt: str = "unicode", error_details: bool = True) -> str:
    """A result as text; the CLI prints error details on stderr instead (error_details=False)."""
    asc = fmt == "ascii"
    mark = (ASCII_MARK if asc else MARK)[res.status]
    eq = " = "
    where = res.name if res.name.startswith("line ") else f"{res.name} (line {res.line})"
    head = f"{mark} {where}: {res.status}"
    out = [head]
    if res.status == "error" and res.error is not None:
        if error_details:
            out.append("  " + res.error.render().replace("\n", "\n  "))
        else:
            out.append(f"  {res.error.message} (details on stderr)")
        return "\n".join(out)
    if res.sides:
        out.append("  " + eq.join(res.sides))
    if res.reason:
        out.append("  " + res.reason)
    cx = res.counterexample
    if cx is not None:
        sizes = ", ".join(f"{k} = {v}" for k, v in cx.sizes.items())
        out.append(f"  counterexample{' (sizes ' + sizes + ')' if sizes else ''}, seed {cx.seed}:")
        for name, value in cx.values.items():
            out.append(f"    {name} = {_array(value, ' ' * (len(name) + 7))}")
        for name, value in cx.directions.items():
            out.append(f"    d{name} = {_array(value, ' ' * (len(name) + 8))}")
        left = "left" if not res.sides or len(res.sides) <= 2 else f"side {cx.link + 1}"
        right = "right" if not res.sides or len(res.sides) <= 2 else f"side {cx.link + 2}"
        width = max(len(left), len(right))
        for label, value in ((left, cx.sides[0]), (right, cx.sides[1])):
            out.append(f"    {label.ljust(width)} = {_array(value, ' ' * (width + 7))}")
        out.append(f"    relative difference {cx.difference:.3g}")
    if res.proof:
        out.append("  proof:")
        width = max(len(s["term"]) for s in res.proof)
        for k, step in enumerate(res.proof):
            lead = "   " if k == 0 else " = "
            by = "" if step["rule"] == "start" else f"   by {step['rule']}"
            out.append(f"   {lead}{step['term'].ljust(width)}{by}".rstrip())
    if res.closest:
        out.append("  closest forms found: " + "  vs  ".join(res.closest))
    if res.assumptions:
        out.append("  assuming " + "; ".join(res.assumptions))
    return "\n".join(out)


def render_typed(kind: str, name: str, line: int, typed: Typed, fmt: str, arrow: str = " = ") -> str:
    show = PRINTERS[fmt]
    asc = fmt == "ascii"
    where = name if name.startswith("line ") else f"{name} (line {line})"
    out = [f"{kind} {where}: " + arrow.join(show(e) for e in typed.exprs)]
    shape = typed.shape(typed.exprs[0])
    out.append(f"  shape: {shape_text(shape, asc)}")
    syms = ", ".join(f"{_sym(n, show)}: {shape_text(i.shape, asc)}"
                     + (f" {' '.join(sorted(i.props))}" if i.props else "")
                     for n, i in typed.symbols.items())
    if syms:
        out.append(f"  symbols: {syms}")
    if typed.assumptions:
        out.append("  assumes: " + "; ".join(a.text(show) for a in typed.assumptions))
    return "\n".join(out)


def _sym(name: str, show) -> str:
    from . import syntax as S
    return show(S.sym(name))
