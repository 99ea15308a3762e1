"""Reading a derivative off a differential, as a worked answer does: d f = ⟨G, dX⟩
for a gradient, d f = J dx for a Jacobian (and a Hessian as the Jacobian of the gradient).

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
from .normalform import NoNormalForm, NormalForm


def read_off(df: S.Expr, x: str, form: NormalForm) -> S.Expr | None:
    """G with d f = ⟨G, dX⟩ (d f worked inward, only X varying), in normal form; or None."""
    setup = _differential(df, x, form)
    if setup is None:
        return None
    dx, dxt, shape, p = setup
    terms: list[S.Expr] = []
    for (scalars, chain), c in p.items():
        holding = [(a, k) for a, k in scalars if _holds(a, dx)]
        if chain or len(holding) != 1 or holding[0][1] != 1:
            return None
        g = _pairing(holding[0][0], dx, dxt, shape)
        if g is None:
            return None
        terms.append(_term(c, [x for x in scalars if x != holding[0]], [g]))
    if not terms:
        return S.Expr(S.ZERO, (), shape)
    return _sum(terms, form)


def _term(c: Fraction, scalars, factors: list[S.Expr]) -> S.Expr:
    """The monomial c · Π sᵏ · factors, as a term."""
    body = ([S.Expr(S.NUM, (), Fraction(c))] if c != 1 else []) \
        + [a if k == 1 else S.Expr(S.POW, (a,), k) for a, k in scalars] + factors
    return body[0] if len(body) == 1 else S.Expr(S.MUL, tuple(body))


def _sum(terms: list[S.Expr], form: NormalForm) -> S.Expr:
    """The sum of the terms read off, in normal form."""
    return form.of(terms[0] if len(terms) == 1 else S.Expr(S.ADD, tuple(terms)))


def _pairing(atom: S.Expr, dx: S.Expr, dxt: S.Expr, shape) -> S.Expr | None:
    """G with `atom` = ⟨G, dX⟩, for a trace holding dX once: tr(P dX Q) = tr(Q P dX), then
    dX (or dXᵀ) at the end, or inside an entrywise product there; None otherwise."""
    if atom.op != "tr":
        return None
    body = atom.args[0]
    factors = body.args if body.op == S.MUL else (body,)
    where = [i for i, f in enumerate(factors) if _holds(f, dx)]
    if len(where) != 1:
        return None
    j = where[0]
    rest = factors[j + 1:] + factors[:j]          # tr(P dX Q) = tr(Q P dX)
    if factors[j] in (dx, dxt):
        return _cotangent(rest, shape, transposed=factors[j] == dx)
    return _through_hadamard(factors[j], rest, dx, dxt, shape)


def _differential(df: S.Expr, x: str, form: NormalForm):
    """(dX, dXᵀ, X's shape, the polynomial of d f), or None for a scalar X or a d f too big."""
    dx = S.Expr(S.D, (S.sym(x),))
    shape = form.symbols[x].shape
    if shape == (1, 1):
        return None
    try:
        return dx, S.Expr(S.T, (dx,)), shape, form.poly(df)
    except NoNormalForm:
        return None


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


def read_off_jacobian(df: S.Expr, x: str, form: NormalForm) -> S.Expr | None:
    """J with d f = J dx for a vector (or scalar) f and a vector x (d f worked inward, only x
    varying), in normal form; or None. A monomial holds dx once: last in its chain
    (`P dx`), in an entrywise product there (`P (g ∘ dx) = P diag(g) dx`), or in a scalar
    factor (`a tr(R dx)`: a row R times dx), read as for a gradient."""
    setup = _differential(df, x, form)
    if setup is None or setup[2][1] != 1:
        return None
    dx, dxt, shape, p = setup
    terms: list[S.Expr] = []
    for (scalars, chain), c in p.items():
        holding = [(a, k) for a, k in scalars if _holds(a, dx)]
        in_chain = [i for i, a in enumerate(chain) if _holds(a, dx)]
        if len(holding) + len(in_chain) != 1:
            return None
        if in_chain:
            i = in_chain[0]
            if i != len(chain) - 1:
                return None
            last = chain[i]
            if last == dx:
                factors = list(chain[:i])
            elif last.op == S.HAD and sum(_holds(a, dx) for a in last.args) == 1:
                # P (g ∘ (Q dx)) = P diag(g) Q dx
                inner = next(a for a in last.args if _holds(a, dx))
                q = inner.args if inner.op == S.MUL else (inner,)
                if q[-1] != dx or any(_holds(a, dx) for a in q[:-1]):
                    return None
                rest = tuple(a for a in last.args if a is not inner)
                g = rest[0] if len(rest) == 1 else S.Expr(S.HAD, rest)
                factors = list(chain[:i]) + [S.func("diag", g)] + list(q[:-1])
            else:
                return None
        else:
            (atom, k), = holding
            g = _pairing(atom, dx, dxt, shape) if k == 1 else None
            if g is None:
                return None
            factors = list(chain) + [S.Expr(S.T, (g,))]     # ⟨g, dx⟩ = gᵀ dx: a row times dx
        terms.append(_term(c, [x for x in scalars if x not in holding],
                           factors or [S.Expr(S.IDENT, (), (shape[0], shape[0]))]))
    if not terms:
        return None
    return _sum(terms, form)


def collect_diagonals(e: S.Expr) -> S.Expr:
    """A sum whose terms differ only in one diag(…) factor, written once with the diagonals
    added (`P diag(a) Q − P diag(b) Q = P diag(a − b) Q`), and a factor common to every
    entrywise product inside taken out (`diag(σ − σ ∘ σ) = diag(σ ∘ (𝟏 − σ))`): the
    Jacobian or Hessian as a textbook writes it. Only rewriting for reading; the result is
    proved like any claim."""
    if e.op != S.ADD:
        return e
    groups: dict[tuple, list[tuple[S.Expr, S.Expr]]] = {}
    order: list[tuple] = []
    rest: list[S.Expr] = []
    for t in e.args:
        sign, factors = _signed_factors(t)
        coef = S.num(sign)
        if factors and factors[0].op == S.NUM:
            coef = S.num(sign * factors[0].attr)
            factors = factors[1:]
        where = [i for i, f in enumerate(factors) if f.op == "diag"]
        if len(where) != 1:
            rest.append(t)
            continue
        i = where[0]
        key = (tuple(factors[:i]), tuple(factors[i + 1:]))
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((coef, factors[i].args[0]))
    for t in list(rest):     # P Q beside P diag(a) Q is P diag(𝟏) Q: `W − diag(t ∘ t) W`
        sign, factors = _signed_factors(t)
        if any(f.op == S.NUM for f in factors):
            continue
        key = next(((tuple(factors[:k]), tuple(factors[k:])) for k in range(len(factors) + 1)
                    if (tuple(factors[:k]), tuple(factors[k:])) in groups), None)
        if key is not None:
            groups[key].append((S.num(sign), S.Expr(S.ONES, (), None)))
            rest.remove(t)
    if all(len(v) < 2 for v in groups.values()):
        return e
    out = list(rest)
    for key in order:
        parts = groups[key]
        if len(parts) == 1:
            inner = S.mul([parts[0][0], parts[0][1]]) if parts[0][0].attr != 1 else parts[0][1]
        else:
            inner = _common_hadamard(parts)
        out.append(S.mul(list(key[0]) + [S.func("diag", inner)] + list(key[1])))
    return out[0] if len(out) == 1 else S.add(out)


def _signed_factors(t: S.Expr) -> tuple[int, list[S.Expr]]:
    """A term of a sum as its sign and its factors."""
    body = t.args[0] if t.op == S.NEG else t
    return (-1 if t.op == S.NEG else 1), (list(body.args) if body.op == S.MUL else [body])


def _common_hadamard(parts: list[tuple[S.Expr, S.Expr]]) -> S.Expr:
    """Σ cᵢ gᵢ, with a factor common to every gᵢ (an entrywise product or the factor
    itself) taken out: h ∘ Σ cᵢ rᵢ, where rᵢ is 𝟏 for gᵢ = h."""
    def factors(g: S.Expr) -> list[S.Expr]:
        return list(g.args) if g.op == S.HAD else [g]
    parts = sorted(parts, key=lambda p: p[0].attr < 0)      # 𝟏 − t ∘ t, not −(t ∘ t) + 𝟏
    common = [f for f in factors(parts[0][1]) if all(f in factors(g) for _, g in parts[1:])]
    def scaled(c: S.Expr, g: S.Expr) -> S.Expr:
        return g if c.attr == 1 else S.neg(g) if c.attr == -1 else S.mul([c, g])
    if not common:
        return S.add([scaled(c, g) for c, g in parts])
    h = common[0]
    terms = []
    for c, g in parts:
        fs = factors(g)
        fs.remove(h)
        r = fs[0] if len(fs) == 1 else S.Expr(S.HAD, tuple(fs)) if fs else S.Expr(S.ONES, (), None)
        terms.append(scaled(c, r))
    return S.Expr(S.HAD, (h, S.add(terms)))


def read_off_vec_jacobian(df: S.Expr, x: str, form: NormalForm) -> S.Expr | None:
    """J with d vec(F) = J vec(dX), from the normal form of d vec(F) (only X varying): each
    monomial is c s vec(P dX Q), whose J is c s (Qᵀ ⊗ P) (Magnus & Neudecker ch. 2, thm 2.2),
    or c s vec(P dXᵀ Q), whose J is c s (Qᵀ ⊗ P) K_{m,n} for an m×n X (vec(dXᵀ) = K vec(dX));
    or None."""
    setup = _differential(df, x, form)
    if setup is None:
        return None
    dx, _, shape, p = setup
    terms: list[S.Expr] = []
    for (scalars, chain), c in p.items():
        if any(_holds(a, dx) for a, _ in scalars) or len(chain) != 1 or chain[0].op != "vec":
            return None
        body = chain[0].args[0]
        factors = body.args if body.op == S.MUL else (body,)
        where = [i for i, f in enumerate(factors) if _holds(f, dx)]
        transposed = len(where) == 1 and factors[where[0]] == S.Expr(S.T, (dx,))
        if len(where) != 1 or (factors[where[0]] != dx and not transposed):
            return None
        i = where[0]
        rows, cols = (shape[1], shape[0]) if transposed else shape
        left = S.mul(list(factors[:i])) if i else S.Expr(S.IDENT, (), (rows, rows))
        right = S.mul(list(factors[i + 1:])) if i + 1 < len(factors) else S.Expr(S.IDENT, (), (cols, cols))
        commute = [S.Expr(S.COMM, (), tuple(shape))] if transposed else []
        terms.append(_term(c, scalars, [S.Expr(S.KRON, (S.transpose(right), left))] + commute))
    if not terms:     # d vec(F) = 0: F does not depend on X
        return S.Expr(S.ZERO, (), None)
    return _sum(terms, form)


def symmetric_part(g: S.Expr, symbols) -> S.Expr:
    """sym(G) = (G + Gᵀ)/2, the gradient in a symmetric variable from the unconstrained one
    (LANGUAGE.md §5b); G itself where it is symmetric already (S⁻¹ for log det S)."""
    form = NormalForm(symbols)
    try:
        gt = form.of(S.transpose(g))
        if form.equal(g, gt):
            return g
    except NoNormalForm:
        gt = S.transpose(g)
    return S.mul([S.num(Fraction(1, 2)), S.add([g, gt])])
