"""What a theorem means beyond its syntax, in one place for the parser, the numeric
test, the search, the kernel and the CLI (the kernel may import this module; it
imports nothing of the search).

* What varies (§6): the symbols whose differential appears explicitly (`dX`,
  `d(X)`) vary; where a theorem takes d(…) and names no differential at all,
  every symbol varies. Symbols declared `constant` never vary. For a
  derivative `∂f/∂X` only X varies.
* What a declared property implies (§2): `spd` ⇒ symmetric and invertible,
  `orthogonal` ⇒ invertible, `diagonal` ⇒ symmetric; and what an assumption
  implies: `det X > 0` ⇒ X invertible. A property used in a proof is a named
  fact (`spd(S)`, shown "S is spd (declared)") that the kernel checks against
  the declarations.
* What a term's structure gives (`derived`): invertibility of products,
  positivity of exp, symmetry of `Xᵀ S X` — derived, never assumed.
* When `∂f/∂X = G` may be proved as `d f = ⟨G, dX⟩` with only X varying (the
  identification of §6).
* Where a term is defined (`requirements`): X⁻¹ needs X invertible, log s needs
  s > 0, and a differential needs the function differentiable there (√s and ‖x‖
  under d need s > 0 and x ≠ 0). A theorem is claimed where its sides are
  defined; the kernel accepts a step only where its terms are defined there too,
  so that no rule, read backwards, brings in `0⁻¹`.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    """Does not depend on the varying symbols. A symbol's differential dX is a fixed
    direction, so it is constant (d(dX) = 0: a second differential is taken with dx
    constant, §5b); the differential of anything else is not."""
    if e.op == S.D:
        return e.args[0].op == S.SYM
    if e.op == S.SYM:
        return e.attr not in varying
    return all(is_constant(a, varying) for a in e.args)


def has_differential(e: S.Expr) -> bool:
    """Whether e holds a differential or a derivative: a direction or a rate of the theorem,
    which holding all but one symbol constant would change."""
    return any(n.op in (S.D, S.GRAD) for n in e.walk())


#: what a declared property implies besides itself
IMPLIES: dict[str, frozenset[str]] = {"spd": frozenset({"symmetric", "invertible"}),
                                      "orthogonal": frozenset({"invertible"}),
                                      "diagonal": frozenset({"symmetric"})}


def declared_fact(kind: str, name: str, props) -> str | None:
    """The fact that symbol `name` is `kind`, named by the property its declaration gave
    (`spd(S)` for a declared spd S that is used as symmetric), or None if it is not."""
    if kind not in props:
        return None
    given = [p for p in ("spd", "diagonal", "orthogonal", "symmetric", "invertible", "positive", "constant")
             if p in props and (p == kind or kind in IMPLIES.get(p, ()))]
    return f"{given[0]}({name})" if given else f"{kind}({name})"


def facts_behind(kind: str, e: S.Expr, symbols, shape) -> list[str]:
    """The declared facts that make `e` of `kind`, directly (`spd(S)` for S) or through its
    structure (`symmetric(S)` for `Xᵀ S X`): what a proof names for a condition it met."""
    if e.op == S.SYM:
        fact = declared_fact(kind, e.attr, symbols[e.attr].props) if e.attr in symbols else None
        return [fact] if fact else []
    parts = derived(kind, e, shape)
    return [f for p in parts or () for f in facts_behind(kind, p, symbols, shape)]


def declared(kind: str, e: S.Expr, symbols) -> bool:
    """Whether a condition on a term is what the declarations say, so no assumption: X
    invertible for a declared invertible (or spd, orthogonal) X, and det Σ > 0 for a
    declared spd Σ (its eigenvalues are positive)."""
    if e.op == S.SYM:
        return e.attr in symbols and kind in symbols[e.attr].props
    x = e.args[0] if e.op == "det" and e.args else None
    return (kind == "positive" and x is not None and x.op == S.SYM and x.attr in symbols
            and "spd" in symbols[x.attr].props)


def fact_holds(fact: str, symbols) -> bool:
    """Whether a named fact (`spd(S)`) holds by the declarations (the kernel's check)."""
    kind, _, rest = fact.partition("(")
    name = rest[:-1] if rest.endswith(")") else None
    return name is not None and name in symbols and kind in symbols[name].props


def fact_text(fact: str) -> str:
    """How a proof names a fact: `S is spd (declared)`."""
    kind, _, rest = fact.partition("(")
    return f"{rest[:-1]} is {kind} (declared)"


def with_implied(props) -> frozenset[str]:
    """Declared properties with all they imply (a declaration stores this closure)."""
    out = set(props)
    for p in props:
        out |= IMPLIES.get(p, frozenset())
    return frozenset(out)


def assumed_facts(assumptions) -> list[tuple[str, S.Expr]]:
    """(kind, term) facts a theorem's assumptions give a rule's conditions: each assumption
    itself, and X invertible where det X > 0 is assumed."""
    out = []
    for a in assumptions:
        out.append((a.kind, a.expr))
        if a.kind == "positive" and a.expr.op == "det":
            out.append(("invertible", a.expr.args[0]))
    return out


@dataclass(frozen=True)
class Identification:
    """How a link `derivative = other` is proved (§5b, §6): as `start = goal` with only the
    variable varying, and, for a Hessian or a gradient in a symmetric matrix, with `other`
    symmetric too (the identification determines only its symmetric part)."""

    kind: str                # gradient, symmetric gradient, jacobian, hessian
    wrt: str                 # the variable's symbol
    start: S.Expr
    goal: S.Expr
    symmetric: S.Expr | None = None    # a term that must equal its transpose


def _direction(v: S.Expr) -> S.Expr:
    """dx for a vector x; vec(dX) for vec(X)."""
    if v.op == "vec":
        return S.func("vec", S.Expr(S.D, (v.args[0],)))
    return S.Expr(S.D, (v,))


def identify(derivative: S.Expr, other: S.Expr, symbols) -> Identification | str:
    """The identification of differentials that proves `derivative = other`, or why there is
    none: ∂f/∂X = G ⇔ d f = ⟨G, dX⟩ (G symmetric for a symmetric X, whose dX is symmetric);
    ∂f/∂xᵀ = J ⇔ d f = J dx, and (∂f/∂xᵀ)ᵀ = K ⇔ d f = Kᵀ dx (vec(dX) for vec(X));
    ∂²f/∂x∂xᵀ = H ⇔ d(d f) = dxᵀ H dx with dx constant, H symmetric."""
    transposed = derivative.op == S.T and derivative.args[0].op == S.JAC
    d = derivative.args[0] if transposed else derivative
    if d.op not in (S.GRAD, S.JAC, S.HESS):
        return "the link is not a derivative = its value"
    if other.op in (S.GRAD, S.JAC, S.HESS) or (other.op == S.T and other.args[0].op == S.JAC):
        return "both sides are derivatives"
    f, v = d.args
    x = v.args[0] if v.op == "vec" else v
    if x.op != S.SYM:
        return "the variable is not a symbol"
    if has_differential(f) or has_differential(other):
        # a differential in f or G is a direction of the theorem, which holding all but X
        # constant would wrongly make 0
        return "a derivative is identified through differentials only where f and its value hold none"
    dv = _direction(v)
    if d.op == S.GRAD:
        if "symmetric" in symbols[x.attr].props:     # on the symmetric matrices: G symmetric too
            return Identification("symmetric gradient", x.attr, S.Expr(S.D, (f,)),
                                  S.Expr(S.INNER, (other, dv)), other)
        return Identification("gradient", x.attr, S.Expr(S.D, (f,)), S.Expr(S.INNER, (other, dv)))
    if d.op == S.JAC:
        j = S.transpose(other) if transposed else other
        return Identification("jacobian", x.attr, S.Expr(S.D, (f,)), S.mul([j, dv]))
    return Identification("hessian", x.attr, S.Expr(S.D, (S.Expr(S.D, (f,)),)),
                          S.mul([S.transpose(dv), other, dv]), other)


def requirements(e: S.Expr, shape) -> list[tuple[str, S.Expr]]:
    """What `e` needs to be defined, as (kind, term) conditions: `invertible` (a matrix),
    `nonzero`, `positive` and `nonnegative` (entry by entry). Under a differential or a
    derivative the function must be differentiable too: a root there needs a positive
    argument and a norm a nonzero one (d√s = ds/(2√s), d‖x‖ = ⟨x, dx⟩/‖x‖). `shape` gives a
    subterm's shape."""
    out: list[tuple[str, S.Expr]] = []

    def need(kind: str, x: S.Expr) -> None:
        if (kind, x) not in out:
            out.append((kind, x))

    def walk(x: S.Expr, under_d: bool) -> None:
        op = x.op
        under_d = under_d or op in (S.D, S.GRAD, S.JAC, S.HESS)
        arg = x.args[0] if x.args else None
        if op == S.INV:
            need("nonzero" if shape(arg) == (1, 1) else "invertible", arg)
        elif op == S.POW:
            k = x.attr
            if shape(arg) != (1, 1):
                if k < 0:
                    need("invertible", arg)
            elif k.denominator != 1:
                need("positive" if k < 0 or (under_d and k < 1) else "nonnegative", arg)
            elif k < 0:
                need("nonzero", arg)
        elif op == "log":
            need("positive", arg)
        elif op == S.RECIP:
            need("nonzero", arg)      # every entry
        elif op == "logdet":
            need("positive", S.func("det", arg))
        elif op == "sqrt":
            need("positive" if under_d else "nonnegative", arg)
        elif op == S.NORM and under_d:
            need("nonzero", x)
        for a in x.args:
            walk(a, under_d)

    walk(e, False)
    return out


def invertible_because(e: S.Expr, shape) -> tuple[S.Expr, ...] | None:
    """Terms whose invertibility makes `e` invertible, derived from its structure (not
    assumed): Aᵀ, A⁻¹ and −A are invertible where A is, and a product of square factors of
    one size where each factor is. None where the structure says nothing."""
    if e.op in (S.T, S.INV, S.NEG):
        return (e.args[0],)
    if e.op == S.MUL:
        n = shape(e)[0]
        if all(shape(f) == (n, n) for f in e.args):
            return e.args
    return None


def positive_because(e: S.Expr) -> tuple[S.Expr, ...] | None:
    """Terms whose positivity (of every entry) makes `e` positive: an entrywise product, a
    transpose or an entrywise square root is positive where its parts are; exp and sigmoid
    always are, and so is a positive number. None where the structure says nothing."""
    if e.op in ("exp", "sigmoid", "softmax") or (e.op == S.NUM and e.attr > 0):
        return ()
    if e.op in (S.HAD, S.T, "sqrt", S.RECIP):
        return e.args
    return None


def symmetric_because(e: S.Expr, shape) -> tuple[S.Expr, ...] | None:
    """Terms whose symmetry makes `e` symmetric: Aᵀ, A⁻¹, −A, sums and entrywise products
    of symmetric terms, a symmetric term times scalars, and a product that reads the same
    transposed (`Xᵀ A X` with A symmetric, `X Xᵀ`); I always is. None where the structure
    says nothing."""
    if e.op == S.IDENT:
        return ()
    if e.op in (S.T, S.INV, S.NEG, S.ADD, S.HAD, S.D):   # dS moves within the symmetric matrices
        return e.args
    if e.op == S.MUL:
        chain = [f for f in e.args if shape(f) != (1, 1)]
        k = len(chain)
        if k == 0 or any(chain[i] != _transposed(chain[k - 1 - i]) for i in range(k // 2)):
            return None
        return (chain[k // 2],) if k % 2 else ()
    return None


def _transposed(a: S.Expr) -> S.Expr:
    return a.args[0] if a.op == S.T else S.Expr(S.T, (a,))


def derived(kind: str, e: S.Expr, shape) -> tuple[S.Expr, ...] | None:
    """The terms whose `kind` makes `e` of that kind by its structure, or None."""
    if kind == "invertible":
        return invertible_because(e, shape)
    if kind == "positive":
        return positive_because(e)
    if kind == "symmetric":
        return symmetric_because(e, shape)
    return None
