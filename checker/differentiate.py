"""Taking a differential step by step, as a person does, before any search.

For a gradient the proof starts from d f. A person first works the d inward
(`d(aᵀX⁻¹b) = aᵀ d(X⁻¹) b = −aᵀX⁻¹ dX X⁻¹b`) and only then rearranges. Here
each step applies a differential rule (one whose left side is a `d(…)`) at the
outermost `d(…)` that is not yet a differential of a symbol; among the rules
that apply there, the most specific wins: one with a `constant` condition (d of
a constant is 0, a constant factor comes out), then the one with the larger
left side (`d(log(det X))` before `d(log A)`), then the one for scalars
(`d(sqrt(α))` before the entrywise `d(sqrt(A))`). The steps are ordinary rule
applications, checked by the kernel with the rest of the proof. Where no rule
applies (`d(sum(…))` with no rule for it), this gives up and the search does
all the work — except for a power `d(X³)`, which it writes out as `d(X X X)` (a
step of the normal form) for the product rule to take apart.
"""
from __future__ import annotations

from typing import Callable

from . import syntax as S
from .egraph import EGraph
from .egraph.pattern import is_scalar_var
from .egraph.rewrite import Facts, Rewrite, Step, successors
from .kernel import NORMAL_FORM_STEP, POWER_RULE, d_power

#: differentiating gives up after this many steps
MAX_STEPS = 60


def _open_differentials(e: S.Expr, path: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """Paths of the outermost d(…) whose argument is not a symbol; in a second differential
    d(d(E)), the inner one first (d(d(A x − b)) = d(A dx) = A d(dx) = 0)."""
    if e.op == S.D:
        if e.args[0].op == S.SYM:
            return []
        return _open_differentials(e.args[0], path + (0,)) or [path]
    out: list[tuple[int, ...]] = []
    for i, a in enumerate(e.args):
        out.extend(_open_differentials(a, path + (i,)))
    return out


def _at(e: S.Expr, path: tuple[int, ...]) -> S.Expr:
    for i in path:
        e = e.args[i]
    return e


def _lifted(st: Step, whole: S.Expr, path: tuple[int, ...]) -> Step:
    """A step on the subterm at `path`, as a step on the whole term (`whole` holds the
    subterm as the step's `before` or its `after`, whichever it starts from)."""
    return Step(st.rule, st.direction, st.subst, S.replace_at(whole, path, st.before),
                S.replace_at(whole, path, st.after), path, st.window)


def _priority(rw: Rewrite) -> tuple[int, int, int]:
    constant = any(kind == "constant" for kind, _ in rw.conditions)
    scalars = sum(1 for n in rw.lhs.walk() if n.op == S.SYM and is_scalar_var(n.attr))
    return (0 if constant else 1, -sum(1 for _ in rw.lhs.walk()), -scalars)


def differential_rewrites(rewrites: list[Rewrite]) -> list[Rewrite]:
    """The rewrites that take a d(…) apart, most specific first (sorted once per rule set:
    every link asks)."""
    key = tuple(id(rw) for rw in rewrites)
    hit = _SORTED.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], rewrites)):
        ordered = sorted((rw for rw in rewrites if rw.lhs.op == S.D and rw.direction == "->"), key=_priority)
        hit = _SORTED[key] = (tuple(rewrites), ordered)
    return hit[1]


_SORTED: dict[tuple, tuple] = {}


#: the largest power written out as a product before the product rule takes it apart
MAX_WRITTEN_POWER = 12


def _power_written_out(e: S.Expr, symbols: dict) -> S.Expr | None:
    """`A^k` (k a whole number, 2 ≤ |k| ≤ MAX_WRITTEN_POWER) as the product of k factors
    A (or A⁻¹ for k < 0), for a power no rule differentiates; None for anything else."""
    if e.op != S.POW or e.attr.denominator != 1 or not 2 <= abs(e.attr.numerator) <= MAX_WRITTEN_POWER:
        return None
    base = e.args[0] if e.attr > 0 else S.Expr(S.INV, (e.args[0],))
    return S.Expr(S.MUL, (base,) * abs(e.attr.numerator))


def _scalar_power(e: S.Expr, symbols: dict) -> bool:
    """x^p of a scalar x with a fractional p (a whole p is written out: X X X)."""
    from .typecheck import shape_of
    return e.op == S.POW and e.attr.denominator != 1 and shape_of(e, symbols) == (1, 1)


def differentiate(start: S.Expr, rewrites: list[Rewrite], symbols: dict,
                  facts: Callable[[EGraph], Facts]) -> tuple[list[Step], list[Step], S.Expr] | None:
    """Steps from `start` to a term where d(…) is applied to symbols only, the same steps
    read backwards, and that term; None if some d(…) has no rule."""
    order = {rw.label: n for n, rw in enumerate(rewrites)}
    term, steps, backs = start, [], []
    for _ in range(MAX_STEPS):
        todo = _open_differentials(term)
        if not todo:
            return steps, backs, term
        best: tuple[int, Step, Step] | None = None
        path = todo[0]
        site = _at(term, path)      # only the outermost open d(…) is rewritten: match there
        inner = site.args[0].op     # and only rules for d of that operator (or of anything)
        fitting = [rw for rw in rewrites if rw.lhs.args[0].op in (inner, S.SYM)]
        for st, back in successors(site, fitting, symbols, facts)[0]:
            if st.path == ():
                rank = order[st.rule if st.direction == "->" else f"{st.rule} (←)"]
                if best is None or rank < best[0]:
                    best = (rank, st, back)
        if best is None and _scalar_power(site.args[0], symbols):
            # d(xᵖ) = p xᵖ⁻¹ dx for any rational p: the power rule, a law the kernel knows
            power = site.args[0]
            after = S.replace_at(term, path, d_power(power.args[0], power.attr))
            steps.append(Step(POWER_RULE, "->", {}, term, after, path, None))
            backs.append(Step(POWER_RULE, "<-", {}, after, term, path, None))
            term = after
            continue
        if best is None:
            expanded = _power_written_out(site.args[0], symbols)
            if expanded is None:
                return None
            # X³ = X X X by the normal form, then the product rule: as a person does
            after = S.replace_at(term, path + (0,), expanded)
            steps.append(Step(NORMAL_FORM_STEP, "->", {}, term, after, (), None))
            backs.append(Step(NORMAL_FORM_STEP, "->", {}, after, term, (), None))
            term = after
            continue
        step, back = (_lifted(s, term, path) for s in best[1:])
        steps.append(step)
        backs.append(back)
        term = step.after
    return None
