"""The expression tree: immutable, hashable nodes with canonical constructors.

Every expression is an `Expr(op, args, attr)`. One generic node type (rather
than a class per operator) is deliberate: the e-graph, the pattern matcher,
the printers and the evaluator all dispatch on `op` and walk `args`, and an
e-node is just `(op, attr, child classes)`.

Equality and hashing use `op`, `args` and `attr` only; the source span in
`span` is kept aside so that the same term typed twice is one key.

The constructors below (`mul`, `add`, `neg`, ...) keep trees in a canonical
shape that all three notations share: products and sums are n-ary and flat,
a negation never stands inside a product (it is lifted out, or absorbed into
a leading number), and numbers are exact `Fraction`s.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Hashable, Iterator

# Operators -----------------------------------------------------------------
SYM = "sym"          # attr: name
NUM = "num"          # attr: Fraction
IDENT = "I"          # identity; attr: Shape once typed, else None
ZERO = "0"           # zero of a shape; attr as for IDENT
ONES = "ones"        # the all-ones 𝟏; attr as for IDENT
ADD = "add"          # n-ary sum
NEG = "neg"          # negation
MUL = "mul"          # n-ary matrix product (scalar factors scale)
T = "T"              # transpose
INV = "inv"          # inverse (of a scalar: reciprocal)
POW = "pow"          # attr: Fraction exponent
DIMPOW = "dimpow"    # a scalar to the power of a dimension (`α^n`); attr: the dimension's name
INNER = "inner"      # Frobenius product ⟨A, B⟩
KRON = "kron"        # n-ary Kronecker product
HAD = "had"          # n-ary Hadamard product
NORM = "norm"        # attr: None, "2" or "F"
D = "d"              # differential
GRAD = "grad"        # args (f, X): ∂f/∂X
JAC = "jac"          # args (f, v): ∂f/∂vᵀ, the Jacobian (numerator layout); v a vector x or vec(X)
HESS = "hess"        # args (f, v): ∂²f/∂v∂vᵀ, the Hessian of a scalar f; v a vector x or vec(X)

#: functions of one argument, written name(arg)
UNARY_FUNCS = ("tr", "det", "logdet", "vec", "diag", "sum", "softmax", "logsumexp",
               "log", "exp", "sqrt", "sin", "cos", "tanh", "sigmoid", "recip", "abs")
#: the functions that act entry by entry on vectors and matrices; `recip` is the entrywise
#: reciprocal, written `𝟏 ⊘ x` (and `x ⊘ y` is `x ∘ recip(y)`)
ELEMENTWISE = ("log", "exp", "sqrt", "sin", "cos", "tanh", "sigmoid", "recip", "abs")
RECIP = "recip"
#: the commutation matrix K_{m,n}: the mn×mn permutation with K_{m,n} vec(A) = vec(Aᵀ) for an
#: m×n A (Magnus & Neudecker §3.7); attr: (m, n), the two dimensions
COMM = "K"
#: the attribute of a det written |X|, until the typer knows the shape inside: det(X) of a
#: matrix, abs(α) of a scalar
BARS = "bars"

Span = tuple[int, int, int, int]  # line, column, end line, end column (1-based)


@dataclass(frozen=True, slots=True)
class Expr:
    """A node of the expression tree."""

    op: str
    args: tuple["Expr", ...] = ()
    attr: Hashable = None
    span: Span | None = field(default=None, compare=False, hash=False, repr=False)
    _hash: int | None = field(default=None, compare=False, hash=False, repr=False)
    _repr: str | None = field(default=None, compare=False, hash=False, repr=False)

    def __hash__(self) -> int:
        # terms are dictionary keys all through the search: hash each node once
        h = self._hash
        if h is None:
            h = hash((self.op, self.args, self.attr))
            object.__setattr__(self, "_hash", h)
        return h

    def __repr__(self) -> str:
        # also the sort key of sums in the normal form: made once per node
        r = self._repr
        if r is None:
            if self.op == SYM:
                r = f"Sym({self.attr!r})"
            elif self.op == NUM:
                r = f"Num({self.attr})"
            else:
                inner = ", ".join(repr(a) for a in self.args)
                extra = f"; {self.attr}" if self.attr is not None else ""
                r = f"{self.op}({inner}{extra})"
            object.__setattr__(self, "_repr", r)
        return r

    def walk(self) -> Iterator["Expr"]:
        """Every node, pre-order."""
        yield self
        for a in self.args:
            yield from a.walk()

    def symbols(self) -> set[str]:
        return {e.attr for e in self.walk() if e.op == SYM}


# Leaves ----------------------------------------------------------------------

def sym(name: str, span: Span | None = None) -> Expr:
    return Expr(SYM, (), name, span)


def num(value: Any, span: Span | None = None) -> Expr:
    return Expr(NUM, (), Fraction(value), span)


def identity(shape: Any = None) -> Expr:
    return Expr(IDENT, (), shape)


def zero(shape: Any = None) -> Expr:
    return Expr(ZERO, (), shape)


def ones(shape: Any = None) -> Expr:
    return Expr(ONES, (), shape)


# Canonical constructors -------------------------------------------------------

def neg(x: Expr, span: Span | None = None) -> Expr:
    """−x: folded into a number, or into a product's leading number; −(−x) is x."""
    if x.op == NEG:
        return x.args[0]
    if x.op == NUM:
        return Expr(NUM, (), -x.attr, span or x.span)
    if x.op == MUL and _leads_with_number(x.args[0]):
        return Expr(MUL, (neg(x.args[0]),) + x.args[1:], None, span or x.span)
    return Expr(NEG, (x,), None, span)


def _leads_with_number(e: Expr) -> bool:
    return e.op == NUM or (e.op == MUL and _leads_with_number(e.args[0]))


def mul(factors: list[Expr] | tuple[Expr, ...], span: Span | None = None, flatten: bool = True) -> Expr:
    """An n-ary product with negations lifted out of it; nested products flattened unless
    `flatten` is false (the parser keeps the user's brackets: in `A (xᵀy) b` the bracket
    makes a scalar that scales, and `A xᵀ y b` would not even be a product)."""
    flat: list[Expr] = []
    sign = False
    for f in factors:
        while f.op == NEG:
            sign = not sign
            f = f.args[0]
        if f.op == MUL and flatten:
            flat.extend(f.args)
        else:
            flat.append(f)
    if len(flat) == 1:
        body = flat[0]
    else:
        body = Expr(MUL, tuple(flat), None, span)
    return neg(body, span) if sign else body


def add(terms: list[Expr] | tuple[Expr, ...], span: Span | None = None) -> Expr:
    """An n-ary sum, flattened."""
    flat: list[Expr] = []
    for t in terms:
        flat.extend(t.args if t.op == ADD else (t,))
    if len(flat) == 1:
        return flat[0]
    return Expr(ADD, tuple(flat), None, span)


def _flat(op: str, items: list[Expr], span: Span | None) -> Expr:
    flat: list[Expr] = []
    for t in items:
        flat.extend(t.args if t.op == op else (t,))
    return Expr(op, tuple(flat), None, span)


def kron(items: list[Expr], span: Span | None = None) -> Expr:
    return _flat(KRON, items, span)


def had(items: list[Expr], span: Span | None = None) -> Expr:
    return _flat(HAD, items, span)


def transpose(x: Expr, span: Span | None = None) -> Expr:
    return Expr(T, (x,), None, span)


def inverse(x: Expr, span: Span | None = None) -> Expr:
    """x⁻¹; of a number, its reciprocal (a number)."""
    if x.op == NUM and x.attr != 0:
        return Expr(NUM, (), 1 / x.attr, span or x.span)
    return Expr(INV, (x,), None, span)


def power(x: Expr, k: Fraction | str, span: Span | None = None) -> Expr:
    """x^k for a rational k, or x^n for the name n of a dimension (`det(α X) = αⁿ det X`)."""
    if isinstance(k, str):
        return Expr(DIMPOW, (x,), k, span)
    return Expr(POW, (x,), Fraction(k), span)


def func(name: str, x: Expr, span: Span | None = None) -> Expr:
    assert name in UNARY_FUNCS, name
    return Expr(name, (x,), None, span)


def inner(a: Expr, b: Expr, span: Span | None = None) -> Expr:
    return Expr(INNER, (a, b), None, span)


def norm(x: Expr, kind: str | None = None, span: Span | None = None) -> Expr:
    return Expr(NORM, (x,), kind, span)


def diff(x: Expr, span: Span | None = None) -> Expr:
    return Expr(D, (x,), None, span)


def grad(f: Expr, wrt: Expr, span: Span | None = None) -> Expr:
    return Expr(GRAD, (f, wrt), None, span)


def sized_power(x: Expr, size) -> Expr | None:
    """x to the power of a dimension's size: a number folds (`α^3` for a 3×3 matrix), a name
    stays a power by that dimension (`α^n`); None for anything else (a product of sizes)."""
    if isinstance(size, int):
        return power(x, Fraction(size))
    if isinstance(size, str):
        return Expr(DIMPOW, (x,), size)
    return None


def jacobian(f: Expr, wrt: Expr, span: Span | None = None) -> Expr:
    return Expr(JAC, (f, wrt), None, span)


def hess(f: Expr, wrt: Expr, span: Span | None = None) -> Expr:
    return Expr(HESS, (f, wrt), None, span)


def replace_attr(e: Expr, attr: Hashable) -> Expr:
    return Expr(e.op, e.args, attr, e.span)


def make(op: str, args: tuple[Expr, ...], attr: Hashable = None) -> Expr:
    """A node from its parts, through the canonical constructors."""
    return rebuild(Expr(op, (), attr), tuple(args))


def canonical(e: Expr) -> Expr:
    """The same term rebuilt bottom-up through the canonical constructors."""
    if not e.args:
        return e
    return make(e.op, tuple(canonical(a) for a in e.args), e.attr)


def rebuild(e: Expr, args: tuple[Expr, ...]) -> Expr:
    """The node `e` with new children, through the canonical constructors."""
    if args == e.args:
        return e
    if e.op == MUL:
        return mul(args, e.span)
    if e.op == ADD:
        return add(args, e.span)
    if e.op == NEG:
        return neg(args[0], e.span)
    if e.op in (KRON, HAD):
        return _flat(e.op, list(args), e.span)
    return Expr(e.op, args, e.attr, e.span)


def numbers_first(e: Expr) -> Expr:
    """The term rebuilt canonically with the numbers of each product in front (`2 λ x`, not
    `λ 2 x`; a number scales, wherever it stands); nothing else moves."""
    if not e.args:
        return e
    out = make(e.op, tuple(numbers_first(a) for a in e.args), e.attr)
    if out.op == MUL:   # flat now: the numbers of nested products are among the factors
        args = out.args
        out = Expr(MUL, tuple(a for a in args if a.op == NUM) + tuple(a for a in args if a.op != NUM))
    return out


def substitute(e: Expr, table: dict) -> Expr:
    """`e` with every subterm found in `table` replaced by its value (outermost first);
    nothing else re-canonicalized."""
    if e in table:
        return table[e]
    if not e.args:
        return e
    return Expr(e.op, tuple(substitute(a, table) for a in e.args), e.attr, e.span)


def replace_at(e: Expr, path: tuple[int, ...] | list[int], x: Expr) -> Expr:
    """`e` with the subterm at `path` (child indexes) replaced by `x`, nothing re-canonicalized."""
    if not path:
        return x
    args = list(e.args)
    args[path[0]] = replace_at(args[path[0]], path[1:], x)
    return Expr(e.op, tuple(args), e.attr)

