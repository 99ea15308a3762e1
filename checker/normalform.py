"""The normal form of the polynomial fragment: what needs no search (Coq's and Lean's
`ring`, for non-commuting matrices).

A term becomes a sum of monomials, each a rational coefficient times a
product of scalar atoms with rational exponents times an ordered chain of
matrix atoms. Getting there:

* products distribute over sums (and ∘, ⊗ over sums); numbers multiply out;
* transposes go down to the atoms: `(A B)ᵀ = Bᵀ Aᵀ`, `(A⁻¹)ᵀ = (Aᵀ)⁻¹`,
  `f(E)ᵀ = f(Eᵀ)` for an entrywise f, `(A ∘ B)ᵀ = Aᵀ ∘ Bᵀ`; a declared
  symmetric (or spd, or diagonal) S has `Sᵀ = S`, a declared orthogonal Q
  has `Qᵀ = Q⁻¹`;
* inverses: of a monomial whose chain is square factors of one size, the
  reversed chain of inverses (the product is invertible where the term is
  defined, so each factor is: det(AB) = det A det B); `X X⁻¹` cancels;
  the inverse of a sum is an atom;
* a scalar (1×1) factor anywhere in a product is a coefficient; a run of
  the chain whose product is 1×1 (`aᵀ X b`) is the trace of itself, and a
  trace (`tr`, `⟨A, B⟩ = tr(Aᵀ B)`) is linear and is written by one
  canonical representative of its rotations and of its transpose
  (`tr(M) = tr(Mᵀ)`);
* a norm is `tr(Eᵀ E)^(1/2)`, `sqrt` of a scalar is a power ½; powers of
  one scalar atom add up and multiply (`(s^(1/2))² = s`), but a fractional
  power of anything else (`(s²)^(1/2)`, `(2 s)^(1/2)`) stays an atom:
  `x^a x^b = x^(a+b)` holds wherever both sides are defined, `(x^a)^b =
  x^(ab)` only for an integer b or a = 1;
* a determinant of one monomial of square factors is multiplied out:
  `det(c A B⁻¹) = cⁿ det(A) det(B)⁻¹` for an n×n product (`det(2 X) =
  8 det X` for a 3×3 X; for a named size n, `cⁿ` is the power by a
  dimension, `(α β)ⁿ = αⁿ βⁿ`);
* everything else (entrywise functions, `log`, vec, diag, ∘ and ⊗ of
  chains, det of a sum) is an atom whose arguments are in normal form.

Each law holds wherever both sides are defined, which is where the numeric
test draws. The kernel decides a step "expand and collect (normal form)" by
computing this normal form of both sides itself (proof by reflection);
nothing here comes from the search.
"""
from __future__ import annotations

from fractions import Fraction

from . import syntax as S
from .meaning import declared_fact
from .typecheck import shape_of

#: the version of this normal form, named in certificates that rely on it
VERSION = "matproof-poly/2"
#: a term whose expansion passes this many monomials is not decided here
MAX_MONOMIALS = 4_000

Scalars = tuple          # ((atom, exponent), ...) sorted by repr of the atom
Chain = tuple            # (matrix atom, ...) in order
Monomial = tuple         # (Scalars, Chain)
Poly = dict              # Monomial → Fraction (no zero coefficients)

ONE: Monomial = ((), ())


class NoNormalForm(Exception):
    """This term is not decided here."""


class TooBig(NoNormalForm):
    """The expansion grew past MAX_MONOMIALS."""


class Undefined(NoNormalForm):
    """The term is defined nowhere (`0⁻¹`, the inverse of a zero matrix, a root of a
    negative number): it has no normal form, so no factor 0 may absorb it."""


class NormalForm:
    """The normal form of terms over one theorem's symbols (their shapes and properties).

    A declared property is a fact (`symmetric(S)`, `orthogonal(Q)`, see meaning.py) the
    normal form may use: all of them where `facts` is None (the search), only those listed
    otherwise (the kernel, replaying a step that names its facts). `used` collects the facts
    it relied on, so that a proof can name them."""

    def __init__(self, symbols: dict, facts: frozenset[str] | None = None):
        self.symbols = symbols
        self.facts = facts
        self.used: set[str] = set()
        self.shapes: dict = {}
        self.memo: dict[S.Expr, Poly | NoNormalForm] = {}
        #: monomials multiplied so far: what a caller with a work budget charges for
        self.work = 0
        self.sums: dict[S.Expr, Poly] = {}     # scalar sums kept as atoms, and their polynomials

    # -- entry points ----------------------------------------------------------------
    def of(self, e: S.Expr) -> S.Expr:
        """The normal form of a term, as a term (sorted sum of monomials)."""
        return self.to_expr(self.poly(e), self.shape(e))

    def equal(self, a: S.Expr, b: S.Expr) -> bool:
        """Whether two terms have one normal form (False if either is too big to expand).
        Where they differ only in scalar coefficients that hold roots or logs, sympy decides
        whether the coefficients are equal on the domain (see `coefficients_equal`)."""
        try:
            if self.shape(a) != self.shape(b):
                return False
            p, q = self.poly(a), self.poly(b)
        except NoNormalForm:
            return False
        return p == q or coefficients_equal(p, q)

    def shape(self, e: S.Expr):
        return shape_of(e, self.symbols, self.shapes)

    # -- multiplying through by a sum whose inverse stands at an end ---------------------
    def sum_inverse_atom(self, m: S.Expr) -> S.Expr:
        """The atom that stands for m⁻¹ in a chain, m a sum (as `inverse` makes it)."""
        return S.Expr(S.INV, (self.to_expr(self.poly(m), self.shape(m)),))

    def ends(self, e: S.Expr, left: bool) -> list[S.Expr]:
        """The sums whose inverse begins (`left`) or ends a chain of e's normal form: what
        multiplying through on that side would cancel (`(Aᵀ A + λ I)⁻¹ Aᵀ`: Aᵀ A + λ I)."""
        out: list[S.Expr] = []
        for (_, chain) in self.poly(e):
            atom = chain[0 if left else -1] if chain else None
            if atom is not None and atom.op == S.INV and atom.args[0].op == S.ADD and atom.args[0] not in out:
                out.append(atom.args[0])
        return out

    def through(self, p: Poly, m: S.Expr, left: bool) -> Poly:
        """m p (`left`) or p m, where a monomial beginning (ending) with m⁻¹ loses it and
        every other is multiplied by m: how a person clears an inverse of a sum."""
        atom, mp = self.sum_inverse_atom(m), self.poly(m)
        out: Poly = {}
        for (sp, cp), c in p.items():
            if cp and cp[0 if left else -1] == atom:
                scal, chain = self.chain(cp[1:] if left else cp[:-1])
                _add_into(out, {(_mul_scalars(sp, scal), chain): c})
            else:
                mono = {(sp, cp): c}
                _add_into(out, self.times(mp, mono) if left else self.times(mono, mp))
        return out

    def equal_through(self, a: S.Expr, b: S.Expr, left: S.Expr | None, right: S.Expr | None) -> bool:
        """Whether L a R and L b R have one normal form, for the sums L and R (either may be
        None): with L and R invertible, then a = b. (False if anything is too big.)"""
        try:
            if self.shape(a) != self.shape(b):
                return False
            p, q = self.poly(a), self.poly(b)
            for m, side in ((left, True), (right, False)):
                if m is not None:
                    p, q = self.through(p, m, side), self.through(q, m, side)
        except NoNormalForm:
            return False
        return p == q or coefficients_equal(p, q)

    # -- the polynomial of a term ------------------------------------------------------
    def poly(self, e: S.Expr) -> Poly:
        done = self.memo.get(e)
        if done is None:
            try:
                done = self.memo[e] = self._poly(e)
            except NoNormalForm as why:     # remembered: a term met again costs nothing
                self.memo[e] = why
                raise
        if isinstance(done, NoNormalForm):
            raise done
        return done

    def _poly(self, e: S.Expr) -> Poly:
        op = e.op
        if op == S.SYM and getattr(self.symbols.get(e.attr), "size", False):
            return self.trace({ONE: Fraction(1)}, (e.attr, e.attr))     # n, a dimension's size: tr(I_n)
        if op == S.NUM:
            return {ONE: Fraction(e.attr)} if e.attr != 0 else {}
        if op == S.ZERO:
            return {}
        if op == S.IDENT:
            return {ONE: Fraction(1)}
        if op == S.ADD:
            out: Poly = {}
            for a in e.args:
                _add_into(out, self.poly(a))
            return out
        if op == S.NEG:
            return {m: -c for m, c in self.poly(e.args[0]).items()}
        if op == S.MUL:
            out = {ONE: Fraction(1)}
            for a in e.args:
                out = self.times(out, self.poly(a))
            return out
        if op == S.T:
            return self.transpose(self.poly(e.args[0]))
        if op == S.INV:
            return self.inverse(e.args[0])
        if op == S.POW:
            return self.power(e.args[0], Fraction(e.attr))
        if op in (S.INNER, S.NORM):   # ⟨A, B⟩ = tr(Aᵀ B); every norm is sqrt(tr(Eᵀ E))
            a, b = (e.args[0], e.args[0]) if op == S.NORM else e.args
            cols = self.shape(a)[1]
            inner = self.trace(self.times(self.transpose(self.poly(a)), self.poly(b)), (cols, cols))
            return inner if op == S.INNER else self.scalar_power(inner, Fraction(1, 2))
        if op == "tr":
            return self.trace(self.poly(e.args[0]), self.shape(e.args[0]))
        if op == "det":
            return self.determinant(e.args[0])
        if op == S.DIMPOW:
            return self.dim_power(self.poly(e.args[0]), e.attr)
        if op == "sqrt" and self.shape(e) == (1, 1):
            return self.scalar_power(self.poly(e.args[0]), Fraction(1, 2))
        if op == S.ONES and e.attr == (1, 1):
            return {ONE: Fraction(1)}
        if op == S.HAD and self.shape(e) == (1, 1):     # ∘ of scalars is their product
            out = {ONE: Fraction(1)}
            for a in e.args:
                out = self.times(out, self.poly(a))
            return out
        if op in (S.HAD, S.KRON):
            return self.product_atom(op, e)
        if op in ("sum", "vec", "diag"):    # linear: the function of each monomial's chain
            return self.linear(op, e.args[0])
        return self.atom_poly(self.opaque(e))

    # -- monomials ----------------------------------------------------------------------
    def atom_poly(self, atom: S.Expr) -> Poly:
        if self.shape(atom) == (1, 1):
            return {(((atom, Fraction(1)),), ()): Fraction(1)}
        return {((), (atom,)): Fraction(1)}

    def times(self, p: Poly, q: Poly) -> Poly:
        return self.expand_sums(self._times(p, q))

    def _times(self, p: Poly, q: Poly) -> Poly:
        out: Poly = {}
        self.work += len(p) * len(q)
        for (sp, cp), a in p.items():
            for (sq, cq), b in q.items():
                scal, chain = self.chain(cp + cq)
                key = (_mul_scalars(_mul_scalars(sp, sq), scal), chain)
                out[key] = out.get(key, 0) + a * b
                if len(out) > MAX_MONOMIALS:
                    raise TooBig()
        return {m: c for m, c in out.items() if c != 0}

    def chain(self, atoms: tuple) -> tuple[Scalars, Chain]:
        """A chain with inverse pairs cancelled and its 1×1 runs taken out as traces."""
        atoms = list(atoms)
        scalars: Scalars = ()
        changed = True
        while changed:
            changed = False
            for i in range(len(atoms) - 1):
                if _cancels(atoms[i], atoms[i + 1]):
                    del atoms[i:i + 2]
                    changed = True
                    break
                run = _cancelled_run(atoms, i)
                if run:      # (Aᵀ A)⁻¹ Aᵀ A = I: the inverse of a product beside that product
                    del atoms[i:i + run]
                    changed = True
                    break
                merged = self.kron_pair(atoms[i], atoms[i + 1])
                if merged is not None:
                    more, replacement = merged
                    scalars = _mul_scalars(scalars, more)
                    atoms[i:i + 2] = list(replacement)
                    changed = True
                    break
        i = 0
        while i < len(atoms):
            n = self._scalar_run(atoms, i)
            if n:
                scalars = _mul_scalars(scalars, self.trace_scalars(tuple(atoms[i:i + n])))
                del atoms[i:i + n]
                i = 0
            else:
                i += 1
        return scalars, tuple(atoms)

    def kron_pair(self, a: S.Expr, b: S.Expr) -> tuple[Scalars, tuple] | None:
        """Two neighbouring factors that make one (Magnus & Neudecker, ch. 2):
        (A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D) where the shapes fit, (P ⊗ Q) vec(M) = vec(Q M Pᵀ),
        vec(A)ᵀ vec(B) = ⟨A, B⟩; or None. Each side is one monomial, so the result is (its
        scalars, its factors)."""
        if a.op == S.T and a.args[0].op == "vec" and b.op == "vec":     # vec(A)ᵀ vec(B) = ⟨A, B⟩
            x, y = a.args[0].args[0], b.args[0]
            if self.shape(x) != self.shape(y):
                return None
            return self._monomial(S.Expr(S.INNER, (x, y)))
        if a.op == S.COMM:
            return self.commutation_pair(a, b)
        if a.op != S.KRON or len(a.args) != 2:
            return None
        p, q = a.args
        if b.op == S.KRON and len(b.args) == 2:
            c, d = b.args
            if self.shape(p)[1] != self.shape(c)[0] or self.shape(q)[1] != self.shape(d)[0]:
                return None
            left, right = self._monomial(S.mul([p, c])), self._monomial(S.mul([q, d]))
            if left is None or right is None:
                return None
            atom = S.Expr(S.KRON, (self.to_expr({((), left[1]): Fraction(1)}, self.shape(S.mul([p, c]))),
                                   self.to_expr({((), right[1]): Fraction(1)}, self.shape(S.mul([q, d])))))
            return _mul_scalars(left[0], right[0]), (atom,)
        if b.op == "vec":
            m = b.args[0]
            if self.shape(q)[1] != self.shape(m)[0] or self.shape(p)[1] != self.shape(m)[1]:
                return None
            return self._monomial(S.func("vec", S.mul([q, m, S.transpose(p)])))
        return None

    def commutation_pair(self, k: S.Expr, b: S.Expr) -> tuple[Scalars, tuple] | None:
        """K_{m,n} vec(A) = vec(Aᵀ) for an m×n A, and K_{p,m} (A ⊗ B) = (B ⊗ A) K_{q,n} for A m×n
        and B p×q, so that commutation matrices travel right and cancel in pairs
        (Magnus & Neudecker §3.7, theorems 3.9 and 3.10)."""
        m, n = k.attr
        if b.op == "vec" and self.shape(b.args[0]) == (m, n):
            return self._monomial(S.func("vec", S.transpose(b.args[0])))
        if b.op == S.KRON and len(b.args) == 2:
            x, y = b.args
            (rx, cx), (ry, cy) = self.shape(x), self.shape(y)
            if (ry, rx) == (m, n):
                return (), (S.Expr(S.KRON, (y, x)), S.Expr(S.COMM, (), (cy, cx)))
        return None

    def _monomial(self, e: S.Expr) -> tuple[Scalars, Chain] | None:
        """(scalars, chain) of a term whose normal form is one monomial with coefficient 1."""
        p = self.poly(e)
        if len(p) != 1:
            return None
        ((sp, cp), c), = p.items()
        return (sp, cp) if c == 1 else None

    def _scalar_run(self, atoms: list, i: int) -> int:
        rows, cols = self.shape(atoms[i])
        if rows != 1:
            return 0
        for j in range(i, len(atoms)):
            r, c = self.shape(atoms[j])
            if j > i and r != cols:
                return 0
            cols = c
            if cols == 1:
                return j - i + 1
        return 0

    # -- traces -------------------------------------------------------------------------
    def trace(self, p: Poly, shape) -> Poly:
        """tr of a polynomial of square `shape`: linear; c I has trace c n."""
        out: Poly = {}
        for (sp, cp), c in p.items():
            while len(cp) >= 2 and _cancels(cp[-1], cp[0]):   # tr(X⁻¹ M X) = tr(M)
                scal, cp = self.chain(cp[1:-1])
                sp = _mul_scalars(sp, scal)
            if cp:
                more = self.trace_scalars(cp)
            elif shape == (1, 1):
                more = ()
            elif isinstance(shape[0], int):
                c = c * shape[0]
                more = ()
            else:     # the dimension n, as the trace of I
                more = ((dimension_atom(shape[0]), Fraction(1)),)
            key = (_mul_scalars(sp, more), ())
            out[key] = out.get(key, 0) + c
        return {m: c for m, c in out.items() if c != 0}

    def trace_scalars(self, chain: Chain) -> Scalars:
        """tr of a chain as scalar factors: 𝟏ᵀ (u ∘ v) = uᵀ v for columns u and v (the sum of
        an entrywise product is an inner product), else the trace atom."""
        if len(chain) == 2 and all(a.op == S.ONES for a in chain) and 1 in (chain[0].attr[0], chain[1].attr[0]):
            row = chain[0] if chain[0].attr[0] == 1 else chain[1]
            n = row.attr[1]                      # tr(𝟏ᵀ𝟏) = tr(𝟏𝟏ᵀ) = n, the dimension (as the trace of I)
            if isinstance(n, int):
                return ((S.num(n), Fraction(1)),) if n != 1 else ()
            return ((dimension_atom(n), Fraction(1)),)
        if len(chain) == 2:
            row, had = chain if chain[0].op == S.ONES else chain[::-1]
            if row.op == S.ONES and row.attr[0] == 1 and had.op == S.HAD and self.shape(had)[1] == 1:
                u, rest = had.args[0], had.args[1:]
                v = rest[0] if len(rest) == 1 else S.Expr(S.HAD, rest)
                m = self._monomial(S.mul([S.transpose(u), v]))
                if m is not None:
                    scal, ch = m
                    return _mul_scalars(scal, ((self.trace_atom(ch), Fraction(1)),)) if ch else scal
        return ((self.trace_atom(chain), Fraction(1)),)

    def trace_atom(self, chain: Chain) -> S.Expr:
        """tr of a chain, by the least (in repr order) of its rotations and of those of its
        transpose."""
        back = tuple(self.transpose_atom(a) for a in reversed(chain))
        best = None
        for seq in (chain, back):
            for k in range(len(seq)):
                cand = seq[k:] + seq[:k]
                if best is None or repr(cand) < repr(best):
                    best = cand
        body = best[0] if len(best) == 1 else S.Expr(S.MUL, best)
        return S.Expr("tr", (body,))

    def gram(self, atom: S.Expr) -> bool:
        """Whether a scalar atom is tr(Mᵀ M) = ‖M‖² ≥ 0 (a rotation of its chain is a chain
        followed by its own transpose, reversed), so that (sᵉ)ᵏ = s^(ek)."""
        if atom.op != "tr":
            return False
        body = atom.args[0]
        chain = body.args if body.op == S.MUL else (body,)
        if len(chain) % 2:
            return False
        half = len(chain) // 2
        for r in range(len(chain)):
            c = chain[r:] + chain[:r]
            if c[half:] == tuple(self.transpose_atom(a) for a in reversed(c[:half])):
                return True
        return False

    # -- declared facts ------------------------------------------------------------------
    def has(self, kind: str, name: str) -> bool:
        """Whether symbol `name` is `kind` by its declaration (and that fact may be used);
        the fact is then recorded under the property that was declared."""
        fact = declared_fact(kind, name, self.symbols[name].props)
        if fact is None or (self.facts is not None and fact not in self.facts):
            return False
        self.used.add(fact)
        return True

    # -- transposes and inverses --------------------------------------------------------
    def transpose(self, p: Poly) -> Poly:
        out: Poly = {}
        for (sp, cp), c in p.items():
            key = (sp, tuple(self.transpose_atom(a) for a in reversed(cp)))
            out[key] = out.get(key, 0) + c
        return {m: c for m, c in out.items() if c != 0}

    def transpose_atom(self, a: S.Expr) -> S.Expr:
        op = a.op
        if op == S.T:
            return a.args[0]
        if op == S.COMM:           # K_{m,n}ᵀ = K_{n,m} (a permutation: its transpose is its inverse)
            return _commuted(a)
        if op == S.SYM:
            if self.has("symmetric", a.attr):
                return a
            if self.has("orthogonal", a.attr):
                return S.Expr(S.INV, (a,))
            return S.Expr(S.T, (a,))
        if op == S.D and a.args[0].op == S.SYM and self.has("symmetric", a.args[0].attr):
            return a       # a symmetric S moves within the symmetric matrices: dSᵀ = dS
        if op == S.INV:   # (X⁻¹)ᵀ = (Xᵀ)⁻¹; of a sum or a product, in normal form
            x = a.args[0]
            if x.op in (S.SYM, S.T, S.D):
                return self.inverse_atom(self.transpose_atom(x))
            return S.Expr(S.INV, (self.of(S.Expr(S.T, (x,))),))
        if op in S.ELEMENTWISE:
            return self.opaque(S.Expr(op, (S.Expr(S.T, (a.args[0],)),)))
        if op == S.HAD:
            return _sorted_atom(S.HAD, tuple(self._transposed_arg(x) for x in a.args))
        if op == S.KRON:
            return S.Expr(S.KRON, tuple(self._transposed_arg(x) for x in a.args))
        if op == "diag" and self.shape(a)[1] != 1:     # a diagonal matrix
            return a
        if op == S.ONES:
            return S.Expr(S.ONES, (), (a.attr[1], a.attr[0]))
        return S.Expr(S.T, (a,))

    def _transposed_arg(self, x: S.Expr) -> S.Expr:
        return self.of(S.Expr(S.T, (x,)))

    def inverse_atom(self, a: S.Expr) -> S.Expr:
        """The inverse of an atom; that of a transposed symbol is written X⁻ᵀ, `(X⁻¹)ᵀ`."""
        if a.op == S.INV:
            return a.args[0]
        if a.op == S.COMM:         # K_{m,n}⁻¹ = K_{n,m}
            return _commuted(a)
        if a.op == S.T and a.args[0].op == S.INV:      # (X⁻ᵀ)⁻¹ = Xᵀ
            return S.Expr(S.T, (a.args[0].args[0],))
        if a.op == S.SYM and self.has("orthogonal", a.attr):
            return S.Expr(S.T, (a,))
        if a.op == S.T and a.args[0].op == S.SYM:
            if self.has("orthogonal", a.args[0].attr):
                return a.args[0]
            return S.Expr(S.T, (S.Expr(S.INV, (a.args[0],)),))
        return S.Expr(S.INV, (a,))

    def inverse(self, x: S.Expr) -> Poly:
        p = self.poly(x)
        if not p:
            raise Undefined("the inverse of 0")
        if self.shape(x) == (1, 1):
            return self.scalar_power(p, Fraction(-1))
        if len(p) == 1:
            ((sp, cp), c), = p.items()
            n = self.shape(x)[0]
            if all(self.shape(a) == (n, n) for a in cp):
                chain = tuple(self.inverse_atom(a) for a in reversed(cp))
                scal, chain = self.chain(chain)
                inv_sp = tuple((atom, -k) for atom, k in sp)
                return {(_mul_scalars(inv_sp, scal), chain): 1 / c}
        return self.atom_poly(S.Expr(S.INV, (self.to_expr(p, self.shape(x)),)))

    # -- determinants --------------------------------------------------------------------
    def determinant(self, x: S.Expr) -> Poly:
        """det of one monomial c s M₁…Mₖ of square factors of one size n: cⁿ sⁿ ∏ det Mᵢ
        (det is multiplicative, det(Aᵀ) = det A, det(A⁻¹) = det(A)⁻¹); with n a number
        only, unless c and s are 1 (`det(2 X)` is `8 det(X)` for a 3×3 X, and stays an
        atom for an n×n one). Anything else is an atom."""
        p = self.poly(x)
        n = self.shape(x)[0]
        if len(p) == 1:
            ((sp, cp), c), = p.items()
            if all(self.shape(a) == (n, n) for a in cp) and (isinstance(n, (int, str))):
                if isinstance(n, int):
                    out: Poly = {(tuple((atom, e * n) for atom, e in sp), ()): c ** n}
                else:     # a named size: (c s)ⁿ, split over the factors
                    out = self.dim_power({(sp, ()): c}, n)
                for a in cp:
                    out = self.times(out, self.det_atom(a))
                return out
        return self.atom_poly(self.opaque(S.Expr("det", (self.to_expr(p, self.shape(x)),))))

    def dim_power(self, p: Poly, n: str) -> Poly:
        """pⁿ for the size n of a dimension (a positive whole number): of a monomial c ∏ sᵢ^kᵢ
        with no matrix factor, cⁿ ∏ (sᵢⁿ)^kᵢ, each `sⁿ` an atom (`(α β)ⁿ = αⁿ βⁿ`; a number's
        power is an atom too, `2ⁿ`, with its sign taken out only where n is known); anything
        else is an atom."""
        if len(p) == 1:
            ((sp, cp), c), = p.items()
            if not cp:
                out: Poly = {ONE: Fraction(1)}
                if c != 1:
                    out = self.atom_poly(S.Expr(S.DIMPOW, (S.num(c),), n))
                for atom, k in sp:
                    out = self.times(out, self.scalar_power(self.atom_poly(S.Expr(S.DIMPOW, (atom,), n)), k))
                return out
        if not p:
            return {}       # 0ⁿ = 0: a size is at least 1
        return self.atom_poly(S.Expr(S.DIMPOW, (self.to_expr(p, (1, 1)),), n))

    def det_atom(self, a: S.Expr) -> Poly:
        if a.op == S.T:
            return self.det_atom(a.args[0])
        if a.op == S.INV:
            return self.scalar_power(self.det_atom(a.args[0]), Fraction(-1))
        return self.atom_poly(self.opaque(S.Expr("det", (a,))))

    # -- powers -------------------------------------------------------------------------
    def power(self, x: S.Expr, k: Fraction) -> Poly:
        if self.shape(x) == (1, 1):
            return self.scalar_power(self.poly(x), k)
        if k.denominator == 1:
            base = self.poly(x) if k >= 0 else self.inverse(x)
            out: Poly = {ONE: Fraction(1)}
            for _ in range(abs(k.numerator)):
                out = self.times(out, base)
            return out
        return self.atom_poly(S.Expr(S.POW, (self.of(x),), k))

    def expand_sums(self, p: Poly) -> Poly:
        """A sum kept as a scalar atom (under a fractional or negative power) whose exponent
        has become a positive integer (`(s^(1/2))²`) is a polynomial again."""
        if not self.sums or not any(a in self.sums and k.denominator == 1 and k > 0
                                    for (sp, _) in p for a, k in sp):
            return p
        out: Poly = {}
        for (sp, cp), c in p.items():
            term: Poly = {((tuple(x for x in sp if not (x[0] in self.sums and x[1].denominator == 1
                                                          and x[1] > 0))), cp): c}
            for a, k in sp:
                if a in self.sums and k.denominator == 1 and k > 0:
                    for _ in range(k.numerator):
                        term = self.times(term, self.sums[a])
            _add_into(out, term)
        return out

    def scalar_power(self, p: Poly, k: Fraction) -> Poly:
        return self.expand_sums(self._scalar_power(p, k))

    def _scalar_power(self, p: Poly, k: Fraction) -> Poly:
        if not p and k < 0:
            raise Undefined("a negative power of 0")
        if len(p) == 1 and ONE in p and k.denominator != 1 and p[ONE] < 0:
            raise Undefined("a root of a negative number")
        if k == 0:
            return {ONE: Fraction(1)}
        if len(p) == 1:
            ((sp, cp), c), = p.items()
            if k.denominator == 1:        # (c Π sᵉ)ᵏ = cᵏ Π s^(e k): any integer k
                return {(tuple((a, e * k) for a, e in sp), cp): c ** k.numerator}
            if c == 1 and len(sp) == 1 and sp[0][1] == 1:      # s^k for one atom s
                return {(((sp[0][0], k),), cp): Fraction(1)}
            if c == 1 and not cp and all(self.gram(a) for a, _ in sp):   # ((xᵀx)²)^½ = xᵀx: s ≥ 0
                return {(tuple((a, e * k) for a, e in sp), ()): Fraction(1)}
        if k.denominator == 1 and k > 0:
            out: Poly = {ONE: Fraction(1)}
            for _ in range(k.numerator):
                out = self.times(out, p)
            return out
        atom = self.to_expr(p, (1, 1))
        self.sums[atom] = p
        return {(((atom, k),), ()): Fraction(1)}

    # -- atoms ----------------------------------------------------------------------------
    def opaque(self, e: S.Expr) -> S.Expr:
        """An atom: the node with its arguments in normal form."""
        if e.op == S.SYM or not e.args:
            return e
        return S.Expr(e.op, tuple(self.of(a) for a in e.args), e.attr)

    def linear(self, op: str, x: S.Expr) -> Poly:
        """f(Σ cᵢ sᵢ Mᵢ) = Σ cᵢ sᵢ f(Mᵢ) for a linear f (sum of entries, vec, diag). The vec of
        a column is the column itself, and that of an outer product u vᵀ is v ⊗ u."""
        out: Poly = {}
        for (sp, cp), c in self.poly(x).items():
            if op == "vec":
                monomial = self.vec_monomial(cp, self.shape(x))
                if monomial is not None:
                    _add_into(out, {m: c * k for m, k in self.times({(sp, ()): Fraction(1)}, monomial).items()})
                    continue
            body = self.to_expr({((), cp): Fraction(1)}, self.shape(x))
            _add_into(out, {m: c * k for m, k in self.times({(sp, ()): Fraction(1)},
                                                           self.atom_poly(S.Expr(op, (body,)))).items()})
        return out

    def vec_monomial(self, chain: tuple, shape) -> Poly | None:
        """vec of a chain that needs no vec: a column (or 1×1) is its own vec; u vᵀ, split where
        the chain is a column times a row, is v ⊗ u. None otherwise."""
        if shape[1] == 1:
            return {((), chain): Fraction(1)}
        for k in range(1, len(chain)):
            u, v = S.mul(list(chain[:k])), S.mul(list(chain[k:]))
            shape_u, shape_v = self.shape(u), self.shape(v)
            if shape_u[1] == 1 and shape_v[0] == 1:
                ((sv, cv), c), = self.poly(S.transpose(v)).items()
                atom = S.Expr(S.KRON, (self.to_expr({((), cv): Fraction(1)}, (shape_v[1], 1)),
                                       self.to_expr({((), chain[:k]): Fraction(1)}, shape_u)))
                return {m: c * q for m, q in self.times({(sv, ()): Fraction(1)}, self.atom_poly(atom)).items()}
        return None

    def product_atom(self, op: str, e: S.Expr) -> Poly:
        """∘ and ⊗: multilinear, so they distribute over sums and scalars come out; what is
        left of each term is an atom (∘, which commutes, with its factors sorted; 𝟏 is its
        unit)."""
        shape = self.shape(e)
        args = list(e.args)
        if op == S.HAD and _holds_reciprocal(args):    # x ∘ (𝟏 ⊘ x) = 𝟏 before x is multiplied out
            negative, kept = self._reciprocals_cancelled(args)
            if len(kept) < len(args) + sum(a.op in (S.HAD, S.NEG) for a in args) or negative:
                if not kept:
                    kept = [S.Expr(S.ONES, (), shape)]
                body = self.product_atom(op, S.Expr(S.HAD, tuple(kept))) if len(kept) > 1 else self.poly(kept[0])
                return {m: -c for m, c in body.items()} if negative else body
        terms: list[tuple[Fraction, Scalars, tuple]] = [(Fraction(1), (), ())]
        for a in args:
            nxt = []
            for c, sp, parts in terms:
                for (sq, cq), d in self.poly(a).items():
                    part = self.to_expr({((), cq): Fraction(1)}, self.shape(a))
                    nxt.append((c * d, _mul_scalars(sp, sq), parts + (part,)))
                    if len(nxt) > MAX_MONOMIALS:
                        raise TooBig()
            terms = nxt
        out: Poly = {}
        for c, sp, parts in terms:
            if op == S.HAD:
                flat = []
                for p in parts:
                    flat.extend(p.args if p.op == S.HAD else (p,))
                flat = _without_reciprocal_pairs(flat)     # x ∘ (𝟏 ⊘ x) = 𝟏 where 1/x is defined
                parts = tuple(p for p in flat if p.op != S.ONES) or (S.Expr(S.ONES, (), shape),)
                atom = parts[0] if len(parts) == 1 else _sorted_atom(S.HAD, parts)
            elif all(p.op == S.IDENT for p in parts):     # I ⊗ I is the identity of the product size
                atom = S.Expr(S.IDENT, (), shape)
            else:
                atom = S.Expr(S.KRON, parts)
            if atom.op == S.IDENT:
                inner: Poly = {ONE: Fraction(1)}
            elif op == S.HAD and len(parts) == 1:    # 𝟏 ∘ M is M: a chain again, not an atom
                inner = self.poly(atom)
            else:
                inner = self.atom_poly(atom)
            m = self.times({(sp, ()): Fraction(1)}, inner)
            _add_into(out, {k: c * v for k, v in m.items()})
        return out

    def _reciprocals_cancelled(self, args: list) -> tuple[bool, list]:
        """The factors of a ∘ product (nested ∘ and negations taken apart: whether an odd
        number of them was negated) without the pairs x, 𝟏 ⊘ x, x compared by normal form:
        their product is 𝟏 wherever 𝟏 ⊘ x is defined."""
        flat: list[S.Expr] = []
        negative = False
        todo = list(args)
        while todo:
            a = todo.pop(0)
            if a.op == S.NEG:
                negative = not negative
                todo.insert(0, a.args[0])
            elif a.op == S.HAD:
                todo[0:0] = list(a.args)
            else:
                flat.append(a)
        keys = [self.of(a.args[0] if a.op == S.RECIP else a) for a in flat]
        out = list(range(len(flat)))
        for i, a in enumerate(flat):
            if a.op != S.RECIP or i not in out:
                continue
            j = next((j for j in out if j != i and flat[j].op != S.RECIP and keys[j] == keys[i]), None)
            if j is not None:
                out.remove(i)
                out.remove(j)
        return negative, [flat[k] for k in out]

    # -- back to a term -----------------------------------------------------------------
    def to_expr(self, p: Poly, shape) -> S.Expr:
        """A polynomial as a term: monomials sorted, each `c s₁^e₁ … A₁ A₂ …`."""
        if not p:
            return S.Expr(S.ZERO, (), shape)
        terms = []
        for (sp, cp), c in p.items():
            factors: list[S.Expr] = []
            number = abs(c) != 1 or (not sp and not cp and shape == (1, 1))
            if number:
                factors.append(S.Expr(S.NUM, (), c))
            for atom, k in sp:
                factors.append(atom if k == 1 else S.Expr(S.POW, (atom,), k))
            factors.extend(cp)
            if not cp and shape != (1, 1):
                factors.append(S.Expr(S.IDENT, (), shape))
            term = factors[0] if len(factors) == 1 else S.Expr(S.MUL, tuple(factors))
            terms.append(S.Expr(S.NEG, (term,)) if c == -1 and not number else term)
        terms.sort(key=repr)
        return terms[0] if len(terms) == 1 else S.Expr(S.ADD, tuple(terms))


def dimension_atom(n) -> S.Expr:
    """A named dimension n as a scalar of the normal form: the trace of the n×n identity (the
    form of tr(I_n), of 𝟏ᵀ𝟏 for an n-vector 𝟏, and of the size symbol n)."""
    return S.Expr("tr", (S.Expr(S.IDENT, (), (n, n)),))


def coefficients_equal(p: Poly, q: Poly) -> bool:
    """Whether two polynomials with the same matrix chains have equal coefficients, the
    scalar atoms read by sympy: Σ c Π sᵉ per chain, with `log` and `exp` as sympy's own.
    Only where a coefficient is more than a rational polynomial (a fractional or negative
    power, a log) is sympy imported. What sympy may assume comes from the terms' domain,
    which is where the identity is claimed: an atom under a fractional power is ≥ 0
    wherever that side is defined, one under a negative power ≠ 0, one under a log > 0."""
    chains = {m[1] for m in p} | {m[1] for m in q}
    if not _needs_sympy(p, q):    # a chain on one side only may still have a zero coefficient
        return False
    import sympy
    atoms: dict[S.Expr, object] = {}
    facts = _domain_facts(p, q)
    for chain in chains:
        lhs = sum((_sympy_monomial(sp, c, atoms, facts, sympy) for (sp, cp), c in p.items() if cp == chain),
                  sympy.Integer(0))
        rhs = sum((_sympy_monomial(sp, c, atoms, facts, sympy) for (sp, cp), c in q.items() if cp == chain),
                  sympy.Integer(0))
        if sympy.simplify(sympy.expand_log(lhs - rhs)) != 0:
            return False
    return True


def _needs_sympy(p: Poly, q: Poly) -> bool:
    """Whether a coefficient is more than a rational polynomial in opaque atoms: a scalar
    atom under a fractional or negative power, or a scalar log or exp (the only things
    sympy knows more about than the normal form does)."""
    for (sp, _) in list(p) + list(q):
        for atom, k in sp:
            if k.denominator != 1 or k < 0 or atom.op in ("log", "exp"):
                return True
    return False


def _domain_facts(p: Poly, q: Poly) -> dict[S.Expr, dict]:
    """For each atom, what the domain of either side makes of it (see coefficients_equal)."""
    facts: dict[S.Expr, dict] = {}

    def note(atom: S.Expr, k: Fraction) -> None:
        if k.denominator != 1:
            facts.setdefault(atom, {})["nonnegative"] = True
        if k < 0:
            facts.setdefault(atom, {})["nonzero"] = True

    def walk(e: S.Expr) -> None:
        if e.op == S.POW:
            note(e.args[0], Fraction(e.attr))
        if e.op == "log":
            facts.setdefault(e.args[0], {})["positive"] = True
        for a in e.args:
            walk(a)
    for (sp, _) in list(p) + list(q):
        for atom, k in sp:
            note(atom, k)
            walk(atom)
    return facts


def _sympy_monomial(scalars: Scalars, c: Fraction, atoms: dict, facts: dict, sympy):
    out = sympy.Rational(c.numerator, c.denominator)
    for atom, k in scalars:
        out *= _sympy_of(atom, atoms, facts, sympy) ** sympy.Rational(k.numerator, k.denominator)
    return out


def _sympy_of(e: S.Expr, atoms: dict, facts: dict, sympy):
    """A scalar term of the normal form in sympy: numbers, sums, products, powers, log and
    exp are sympy's; every other atom is a symbol, with what the domain says of it."""
    op = e.op
    if op == S.NUM:
        return sympy.Rational(e.attr.numerator, e.attr.denominator)
    if op == S.NEG:
        return -_sympy_of(e.args[0], atoms, facts, sympy)
    if op == S.ADD:
        return sympy.Add(*(_sympy_of(a, atoms, facts, sympy) for a in e.args))
    if op == S.MUL:
        return sympy.Mul(*(_sympy_of(a, atoms, facts, sympy) for a in e.args))
    if op == S.POW:
        k = Fraction(e.attr)
        return _sympy_of(e.args[0], atoms, facts, sympy) ** sympy.Rational(k.numerator, k.denominator)
    if op == "log":
        return sympy.log(_sympy_of(e.args[0], atoms, facts, sympy))
    if op == "exp":
        return sympy.exp(_sympy_of(e.args[0], atoms, facts, sympy))
    symbol = atoms.get(e)
    if symbol is None:
        known = facts.get(e, {})
        symbol = atoms[e] = sympy.Symbol(f"s{len(atoms)}", real=True,
                                         **{k: True for k in ("positive", "nonnegative", "nonzero") if known.get(k)})
    return symbol


def _add_into(out: Poly, p: Poly) -> None:
    for m, c in p.items():
        v = out.get(m, 0) + c
        if v:
            out[m] = v
        else:
            out.pop(m, None)


def _mul_scalars(a: Scalars, b: Scalars) -> Scalars:
    if not b:
        return a
    if not a:
        return b
    exps: dict = {}
    for atom, k in a + b:
        exps[atom] = exps.get(atom, 0) + k
    return tuple(sorted(((atom, k) for atom, k in exps.items() if k != 0), key=lambda x: repr(x[0])))


def _cancels(a: S.Expr, b: S.Expr) -> bool:
    """Whether the product a b is I: X X⁻¹, X⁻¹ X (X any atom), Xᵀ X⁻ᵀ or X⁻ᵀ Xᵀ, K_{m,n} K_{n,m}."""
    return (a.op == S.INV and a.args[0] == b) or (b.op == S.INV and b.args[0] == a) or \
        (a.op == S.T and b.op == S.T and _cancels(a.args[0], b.args[0])) or \
        (a.op == S.COMM and b == _commuted(a))


def _holds_reciprocal(args) -> bool:
    """Whether a ∘ product has a 𝟏 ⊘ x among its factors (through nested ∘ and negations)."""
    todo = list(args)
    while todo:
        a = todo.pop()
        if a.op == S.RECIP:
            return True
        if a.op in (S.HAD, S.NEG):
            todo.extend(a.args)
    return False


def _without_reciprocal_pairs(factors: list) -> list:
    """The factors of a ∘ product with each x beside its own 𝟏 ⊘ x taken out (their product
    is 𝟏 wherever 𝟏 ⊘ x is defined, which the term's domain says it is)."""
    out = list(factors)
    for f in factors:
        if f.op == S.RECIP and f in out and f.args[0] in out:
            out.remove(f)
            out.remove(f.args[0])
    return out


def _cancelled_run(atoms: list, i: int) -> int:
    """How many atoms from i make I: M⁻¹ followed by the factors of the product M, or those
    factors followed by M⁻¹ (M a product that is not split into inverses: Aᵀ A of a tall A);
    0 if none do."""
    a = atoms[i]
    if a.op == S.INV and a.args[0].op == S.MUL:
        body = list(a.args[0].args)
        if atoms[i + 1:i + 1 + len(body)] == body:
            return 1 + len(body)
    for k in range(2, len(atoms) - i):
        b = atoms[i + k]
        if b.op == S.INV and b.args[0].op == S.MUL and list(b.args[0].args) == atoms[i:i + k]:
            return k + 1
    return 0


def _commuted(k: S.Expr) -> S.Expr:
    """K_{n,m} for K_{m,n}."""
    return S.Expr(S.COMM, (), (k.attr[1], k.attr[0]))


def _sorted_atom(op: str, parts: tuple) -> S.Expr:
    return S.Expr(op, tuple(sorted(parts, key=repr)))


def same_normal_form(a: S.Expr, b: S.Expr, symbols: dict) -> bool:
    """Whether a and b have one normal form over `symbols` (the kernel's and the search's
    question)."""
    return NormalForm(symbols).equal(a, b)


def facts_used(a: S.Expr, b: S.Expr, symbols: dict) -> tuple[str, ...]:
    """The declared facts the normal form needs to find a and b equal, sorted: what a step
    names. The normal form consults a fact wherever it transposes a symbol (also to pick a
    trace's canonical rotation, where either answer would do), so each consulted fact is
    dropped again if the two terms are equal without it."""
    form = NormalForm(symbols)
    if not form.equal(a, b):
        return ()
    needed = set(form.used)
    for fact in sorted(form.used):
        if NormalForm(symbols, frozenset(needed - {fact})).equal(a, b):
            needed.discard(fact)
    return tuple(sorted(needed))
