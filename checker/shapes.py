"""Symbolic dimensions, shapes and their unification.

A dimension is a positive integer, a rigid name written in a `let` (`"n"`),
an inference variable (`Var`), or a product of these (`Prod`, from Kronecker
products and `vec`). A shape is a pair `(rows, cols)`; `(1, 1)` is a scalar
and `(n, 1)` a column vector.

Two kinds of variables: the dimensions of undeclared symbols never unify with
the number 1 (a vector stays a vector, §3 of the spec), while the shapes of
`I`, `0` and `𝟏` are *flexible*: they take whatever the context needs,
scalars included.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Union

_ids = count()


@dataclass(frozen=True, slots=True)
class Var:
    """An unknown dimension; `flexible` ones may become 1."""

    id: int
    flexible: bool = False

    @staticmethod
    def fresh(flexible: bool = False) -> "Var":
        return Var(next(_ids), flexible)


@dataclass(frozen=True, slots=True)
class Prod:
    """A product of two or more dimensions, kept sorted so equal products are equal."""

    factors: tuple["Dim", ...]


Dim = Union[int, str, Var, Prod]
Shape = tuple[Dim, Dim]
SCALAR: Shape = (1, 1)


def _key(d: Dim) -> tuple:
    if isinstance(d, int):
        return (0, d, "")
    if isinstance(d, str):
        return (1, 0, d)
    if isinstance(d, Var):
        return (2, d.id, "")
    return (3, 0, repr(d))


def make_prod(factors: list[Dim]) -> Dim:
    """The product of `factors`, flattened, integers multiplied, sorted."""
    flat: list[Dim] = []
    k = 1
    for f in factors:
        parts = f.factors if isinstance(f, Prod) else (f,)
        for p in parts:
            if isinstance(p, int):
                k *= p
            else:
                flat.append(p)
    if k != 1 or not flat:
        flat.append(k)
    flat.sort(key=_key)
    return flat[0] if len(flat) == 1 else Prod(tuple(flat))


def kron_shape(shapes: list["Shape"]) -> "Shape":
    """(a×b) ⊗ (c×d) is (ac)×(bd)."""
    acc = shapes[0]
    for t in shapes[1:]:
        acc = (make_prod([acc[0], t[0]]), make_prod([acc[1], t[1]]))
    return acc


class Mismatch(Exception):
    """Two dimensions that cannot be made equal."""

    def __init__(self, a: Dim, b: Dim):
        super().__init__(f"{a} ≠ {b}")
        self.a, self.b = a, b


class Unifier:
    """Substitution of variables, with union-find style resolution."""

    def __init__(self) -> None:
        self.binding: dict[Var, Dim] = {}
        # p·q = k·r with every factor unknown: decided later, when other equations have
        # told what the factors are ((A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D)); with what it came from
        self.deferred: list[tuple[Dim, Dim, object]] = []
        self.context: object = None

    def resolve(self, d: Dim) -> Dim:
        while isinstance(d, Var) and d in self.binding:
            d = self.binding[d]
        if isinstance(d, Prod):
            return make_prod([self.resolve(f) for f in d.factors])
        return d

    def shape(self, s: Shape) -> Shape:
        return (self.resolve(s[0]), self.resolve(s[1]))

    def is_one(self, d: Dim) -> bool:
        return self.resolve(d) == 1

    def is_scalar(self, s: Shape) -> bool:
        """Concretely 1×1 now (a flexible variable is not yet a scalar)."""
        return self.is_one(s[0]) and self.is_one(s[1])

    def can_be_one(self, d: Dim) -> bool:
        d = self.resolve(d)
        return d == 1 or (isinstance(d, Var) and d.flexible)

    def _occurs(self, v: Var, d: Dim) -> bool:
        return d == v or (isinstance(d, Prod) and v in d.factors)

    def _bind(self, v: Var, d: Dim, a: Dim, b: Dim) -> None:
        if d == 1 and not v.flexible:
            raise Mismatch(a, b)
        if isinstance(d, Var) and d.flexible and not v.flexible:
            self.binding[d] = v  # keep the stricter variable as the representative
            return
        if self._occurs(v, d):
            raise Mismatch(a, b)
        self.binding[v] = d

    def unify(self, a: Dim, b: Dim) -> None:
        a, b = self.resolve(a), self.resolve(b)
        if a == b:
            return
        if isinstance(a, Var):
            return self._bind(a, b, a, b)
        if isinstance(b, Var):
            return self._bind(b, a, a, b)
        if isinstance(a, Prod) or isinstance(b, Prod):
            fa = list(a.factors) if isinstance(a, Prod) else [a]
            fb = list(b.factors) if isinstance(b, Prod) else [b]
            for f in list(fa):
                if f in fb:
                    fa.remove(f)
                    fb.remove(f)
            ra, rb = make_prod(fa), make_prod(fb)
            if isinstance(ra, Var):
                return self._bind(ra, rb, a, b)
            if isinstance(rb, Var):
                return self._bind(rb, ra, a, b)
            if len(fa) == len(fb) and len(set(fa)) == len(set(fb)) == 1:   # pᵏ = qᵏ ⇒ p = q
                return self.unify(fa[0], fb[0])
            if all(isinstance(f, Var) for f in fa + fb):
                self.deferred.append((a, b, self.context))
                return
        raise Mismatch(a, b)

    def settle(self) -> None:
        """Decide the deferred products of dimensions, now that more is known. Mismatch for
        one that still cannot be decided (`context` then says where it came from)."""
        while self.deferred:
            pending, self.deferred = self.deferred, []
            before = [(self.resolve(a), self.resolve(b)) for a, b, _ in pending]
            for a, b, where in pending:
                self.context = where
                self.unify(a, b)
            after = [(self.resolve(a), self.resolve(b)) for a, b, _ in self.deferred]
            if after == before:       # nothing learnt: it stays open
                a, b, self.context = self.deferred[0]
                raise Mismatch(self.resolve(a), self.resolve(b))

    def unify_shapes(self, s: Shape, t: Shape) -> None:
        self.unify(s[0], t[0])
        self.unify(s[1], t[1])


_NAMES = "nmpqrklstuvwjabcdefgh"


class Namer:
    """Gives inferred dimensions readable names that no rigid name uses."""

    def __init__(self, unifier: Unifier, taken: set[str]):
        self.u = unifier
        self.taken = set(taken)
        self.names: dict[Var, str] = {}

    def _name(self, v: Var) -> str:
        if v not in self.names:
            for base in _NAMES:
                if base not in self.taken:
                    break
            else:
                base = f"d{len(self.names)}"
            i = 1
            name = base
            while name in self.taken:
                i += 1
                name = f"{base}{i}"
            self.taken.add(name)
            self.names[v] = name
        return self.names[v]

    def final(self, d: Dim) -> Dim:
        """The dimension with every variable replaced by its name."""
        d = self.u.resolve(d)
        if isinstance(d, Var):
            return self._name(d)
        if isinstance(d, Prod):
            return make_prod([self.final(f) for f in d.factors])
        return d

    def final_shape(self, s: Shape) -> Shape:
        return (self.final(s[0]), self.final(s[1]))


def dim_text(d: Dim, ascii_only: bool = False) -> str:
    if isinstance(d, Prod):
        return ("*" if ascii_only else "·").join(dim_text(f, ascii_only) for f in d.factors)
    if isinstance(d, Var):
        return f"?{d.id}"
    return str(d)


def shape_text(s: Shape, ascii_only: bool = False) -> str:
    """`scalar`, `n` is shown as `n×1` (a column vector), `m×n`."""
    if s == SCALAR:
        return "scalar"
    x = "x" if ascii_only else "×"
    return f"{dim_text(s[0], ascii_only)}{x}{dim_text(s[1], ascii_only)}"


def bind_dims(template: Shape, actual: Shape, mapping: dict[str, Dim]) -> bool:
    """Extend `mapping` (a rule's dimension names → a term's dimensions) so that `template`
    becomes `actual`; False if it cannot."""
    for t, a in zip(template, actual):
        if isinstance(t, str):
            if mapping.setdefault(t, a) != a:
                return False
        elif t != a:
            return False
    return True


def fill_dims(template: Shape, mapping: dict[str, Dim]) -> Shape | None:
    out = []
    for t in template:
        if isinstance(t, str):
            if t not in mapping:
                return None
            out.append(mapping[t])
        elif isinstance(t, Prod):
            parts = [mapping.get(f, f) if isinstance(f, str) else f for f in t.factors]
            if any(isinstance(f, str) and f not in mapping for f in t.factors):
                return None
            out.append(make_prod(parts))
        else:
            out.append(t)
    return (out[0], out[1])
