"""Shape inference: every node gets a shape, every symbol a type, by unification.

The conventions of §3 for undeclared symbols (lowercase Latin: column vector;
uppercase Latin or Greek: matrix; lowercase Greek: scalar), rigid dimensions
from `let`, flexible shapes for `I`, `0` and `𝟏`. A product is typed left to
right, a 1×1 factor scaling whatever it multiplies. Along the way it records
the assumptions an expression makes (X⁻¹ ⇒ X invertible, log s ⇒ s > 0), which
are reported with every result and respected by the numeric checker.

The output, `Typed`, holds the tree with the shapes of `I`, `0`, `𝟏` written
into their nodes, so that equal nodes always have equal shapes and
`shape_of` can recompute any node's shape without unification.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from . import syntax as S
from .errors import ShapeProblem, Unsupported
from .lexer import is_greek
from .shapes import (SCALAR, Mismatch, Namer, Prod, Shape, Unifier, Var, dim_text, kron_shape,
                     make_prod, shape_text)
from .statements import Declarations

#: assumption kinds and how they read
ASSUMPTION_TEXT = {
    "invertible": "{} is invertible",
    "square": "{} is square",
    "positive": "{} > 0",
    "nonnegative": "{} ≥ 0",
    "nonzero": "{} ≠ 0",
}

#: why `(A ⊗ B) (C ⊗ D)` with undeclared shapes is an error: p·q = k·r has many solutions
_PRODUCT_HINT = ("a product of dimensions (from ⊗ or vec) is not split into its factors; "
                 "declare the shapes with `let` (e.g. `--let 'A: m×n'`)")


@dataclass(frozen=True)
class Assumption:
    kind: str
    expr: S.Expr

    def text(self, printer=None) -> str:
        from .printing import to_unicode
        return ASSUMPTION_TEXT[self.kind].format((printer or to_unicode)(self.expr))


@dataclass
class SymbolInfo:
    name: str
    shape: Shape
    props: frozenset[str]
    declared: bool
    # an undeclared symbol named for a declared dimension (`n` where `let X: n×n`) is that
    # dimension's size: a positive constant scalar, drawn equal to the size
    size: bool = False


@dataclass
class Typed:
    """A typed group of expressions (a theorem's sides, or a rule's)."""

    exprs: list[S.Expr]
    symbols: dict[str, SymbolInfo]
    assumptions: list[Assumption] = field(default_factory=list)
    dims: list[str] = field(default_factory=list)

    def shape(self, e: S.Expr) -> Shape:
        return shape_of(e, self.symbols)


def default_kind(name: str) -> str:
    """'vector', 'matrix' or 'scalar' for an undeclared symbol, by its first letter."""
    c = name[0]
    if is_greek(c):          # bold lowercase Greek (\bm{\mu}, μ_bold) is a vector, as bold x is
        return ("vector" if name.endswith("_bold") else "scalar") if c.islower() else "matrix"
    return "vector" if c.islower() else "matrix"


class _Inference:
    def __init__(self, decls: Declarations, pattern: bool, printer, columns: bool = False,
                 layout: str = "numerator"):
        self.columns = columns  # second try: an open 𝟏 or 0 is a column from the start
        self.layout = layout    # what a bare ∂f/∂x of a vector f is (§5b)
        self.u = Unifier()
        self.decls = decls
        self.pattern = pattern  # rule files: shapes of pattern variables are flexible
        self.symbols: dict[str, tuple[Shape, frozenset[str], bool]] = {}
        self.order: list[str] = []
        self.assumptions: list[Assumption] = []
        self.bars: list[tuple[S.Expr, Shape]] = []     # dets written |X|: X must not be a scalar
        #: the dimensions the declarations name: a symbol so named, undeclared, is that size
        self.dim_names = {d for decl in decls.values() for d in decl.shape if isinstance(d, str) and d != "scalar"}
        self.sizes: set[str] = set()
        self.print = printer

    # -- errors ------------------------------------------------------------------
    def fail(self, message: str, e: S.Expr, hint: str | None = None, kind: type = ShapeProblem):
        line, col, end_col = 0, 0, None
        if e.span:
            line, col = e.span[0], e.span[1]
            if e.span[2] == e.span[0]:
                end_col = e.span[3]
        raise kind(message, line, col, end_col, None, "<input>", hint)

    def show(self, s: Shape) -> str:
        s = self.u.shape(s)
        return shape_text((self.namer_dim(s[0]), self.namer_dim(s[1])))

    def namer_dim(self, d):
        return self._namer.final(d)

    # -- symbols -----------------------------------------------------------------
    def symbol(self, name: str) -> Shape:
        if name in self.symbols:
            return self.symbols[name][0]
        self.order.append(name)
        decl = self.decls.get(name)
        flexible = self.pattern
        if decl is not None:
            spec = decl.shape
            if spec == ("scalar",):
                shape: Shape = SCALAR
            elif len(spec) == 1:
                shape = (spec[0], 1)
            else:
                shape = (spec[0], spec[1])
            props, declared = decl.props, True
        elif name in self.dim_names and not self.pattern:     # `n`, where `let X: n×n`: the size
            shape, props, declared = SCALAR, frozenset({"constant", "positive"}), False
            self.sizes.add(name)
        else:
            kind = default_kind(name)
            if kind == "scalar":
                shape = SCALAR
            elif kind == "vector":
                shape = (Var.fresh(flexible), 1)
            else:
                shape = (Var.fresh(flexible), Var.fresh(flexible))
            props, declared = frozenset(), False
        if {"symmetric", "spd", "invertible", "orthogonal", "diagonal"} & props:
            self.u.unify(shape[0], shape[1])
        self.symbols[name] = (shape, props, declared)
        return shape

    def assume(self, kind: str, e: S.Expr) -> None:
        a = Assumption(kind, e)
        if a not in self.assumptions:
            self.assumptions.append(a)

    def scalar(self, s: Shape) -> bool:
        return self.u.is_scalar(s)

    def force_scalar(self, s: Shape) -> bool:
        """Make `s` a scalar if it can be one (flexible variables); say whether it is."""
        if self.scalar(s):
            return True
        if self.u.can_be_one(s[0]) and self.u.can_be_one(s[1]):
            self.u.unify(s[0], 1)
            self.u.unify(s[1], 1)
            return True
        return False

    def unify(self, a: Shape, b: Shape, message, e: S.Expr, hint=None) -> None:
        try:
            self.u.context = (message, e)
            self.u.unify_shapes(a, b)
        except Mismatch as m:
            text = message() if callable(message) else message
            self.fail(f"{text}: {self.unequal(m)}", e, hint or self.product_hint(m))

    def unequal(self, m: Mismatch) -> str:
        """`n ≠ m`, `p·q ≠ k·r`: the two dimensions that would not unify, by their names."""
        return f"{dim_text(self._namer.final(m.a))} ≠ {dim_text(self._namer.final(m.b))}"

    @staticmethod
    def product_hint(m: Mismatch) -> str | None:
        return _PRODUCT_HINT if isinstance(m.a, Prod) or isinstance(m.b, Prod) else None

    def square(self, s: Shape, e: S.Expr, what: str) -> None:
        try:
            self.u.context = (lambda: f"{what} needs a square matrix; {self.print(e)} is {self.show(s)}", e)
            self.u.unify(s[0], s[1])
        except Mismatch as m:
            self.fail(f"{what} needs a square matrix; {self.print(e)} is {self.show(s)}", e,
                      self.product_hint(m))

    # -- the walk ------------------------------------------------------------------
    def infer(self, e: S.Expr) -> tuple[S.Expr, Shape]:
        op = e.op
        if op == S.SYM:
            return e, self.symbol(e.attr)
        if op == S.NUM:
            return e, SCALAR
        if op in (S.IDENT, S.ZERO, S.ONES):
            if op == S.IDENT and isinstance(e.attr, str) and e.attr in self.dim_names:
                shape: Shape = (e.attr, e.attr)          # I_n, where n is a declared dimension
            elif op == S.IDENT:
                v = Var.fresh(True)
                shape = (v, v)
            else:
                shape = (Var.fresh(True), 1 if self.columns else Var.fresh(True))
            return S.replace_attr(e, shape), shape
        if op == S.COMM:       # K_{m,n}: mn×mn
            side = make_prod(list(e.attr))
            return e, (side, side)
        kids = [self.infer(a) for a in e.args]
        args = tuple(k[0] for k in kids)
        shapes = [k[1] for k in kids]
        node = S.Expr(e.op, args, e.attr, e.span)
        if op == "det" and e.attr == S.BARS:
            if self.u.resolve(shapes[0][0]) == 1 and self.u.resolve(shapes[0][1]) == 1:
                node = S.Expr("abs", args, None, e.span)     # |aᵀb|: the absolute value of a scalar
                return node, self.rule(node, shapes)
            node = S.Expr(op, args, None, e.span)
            self.bars.append((node, shapes[0]))
        if op in (S.GRAD, S.JAC, S.HESS):
            return self.derivative(node, shapes)
        return node, self.rule(node, shapes)

    def derivative(self, e: S.Expr, shapes: list[Shape]) -> tuple[S.Expr, Shape]:
        """What a derivative means, by the shapes of f and of its variable (§5, §5b): a
        gradient (scalar f, same shape as X); a Jacobian J = ∂f/∂xᵀ (m×n), its transpose
        for ∂fᵀ/∂x, and for a bare ∂f/∂x of a vector f whichever the layout says; a Hessian
        (n×n). The variable is a symbol, or vec(X) for a matrix X."""
        f, v = e.args
        sf, sv = shapes
        span = e.span
        if not (v.op == S.SYM or (v.op == "vec" and v.args[0].op == S.SYM)):
            self.fail("the variable of a derivative must be a symbol or vec(X)", v)
        vector = v.op == "vec" or self._is_column(sv)
        if e.op == S.HESS:
            if not vector:
                self.fail(f"a Hessian is taken in a vector or in vec(X); {self.print(v)} is {self.show(sv)}", v,
                          f"write ∂²f/∂vec({self.print(v)})∂vec({self.print(v)})ᵀ")
            if not self.force_scalar(sf):
                self.fail(f"a Hessian is that of a scalar f; {self.print(f)} is {self.show(sf)}", f)
            return e, (sv[0], sv[0])
        if e.op == S.GRAD and self.force_scalar(sf):
            if v.op == "vec":        # ∂f/∂vec(X): the column of partial derivatives
                return S.transpose(S.jacobian(f, v, span), span), sv
            return e, sv
        if not vector:
            self.fail(f"∂F/∂{self.print(v)} of a non-scalar F by a matrix has no layout everyone shares; "
                      f"{self.print(f)} is {self.show(sf)}", e,
                      f"write it in vec form: ∂vec(F)/∂vec({self.print(v)})ᵀ")
        if e.op == S.JAC:
            if not (self.scalar(sf) or self._is_column(sf)):
                self.fail(f"∂f/∂{self.print(v)}ᵀ is the Jacobian of a vector f; {self.print(f)} is "
                          f"{self.show(sf)}", f, "write ∂vec(F)/∂vec(X)ᵀ for a matrix F")
            return e, (1 if self.scalar(sf) else sf[0], sv[0])
        # ∂f/∂x of a non-scalar f by a vector x
        if self._is_row(sf):             # ∂fᵀ/∂x: the transpose of the Jacobian of f
            g = f.args[0] if f.op == S.T else S.transpose(f)
            return S.transpose(S.jacobian(g, v, span), span), (sv[0], sf[1])
        if self._is_column(sf):
            jac = S.jacobian(f, v, span)
            if self.layout == "denominator":
                return S.transpose(jac, span), (sv[0], sf[0])
            return jac, (sf[0], sv[0])
        self.fail(f"∂F/∂{self.print(v)} of a matrix F has no layout everyone shares; {self.print(f)} is "
                  f"{self.show(sf)}", e, f"write it in vec form: ∂vec(F)/∂{self.print(v)}ᵀ")

    def _is_column(self, s: Shape) -> bool:
        """A vector (n×1, n not 1) as far as the unifier knows."""
        return self.u.resolve(s[1]) == 1 and self.u.resolve(s[0]) != 1

    def _is_row(self, s: Shape) -> bool:
        return self.u.resolve(s[0]) == 1 and self.u.resolve(s[1]) != 1

    def rule(self, e: S.Expr, shapes: list[Shape]) -> Shape:
        op = e.op
        if op in (S.ADD, S.HAD):
            first = shapes[0]
            for arg, s in zip(e.args[1:], shapes[1:]):
                verb = "add" if op == S.ADD else "take the Hadamard product of"
                hint = None
                if op == S.ADD and (self.scalar(first) != self.scalar(s)):
                    hint = "to add a scalar to every entry, multiply it by 𝟏 (the all-ones vector or matrix): s𝟏"
                self.unify(first, s, lambda: f"cannot {verb} {self.print(e.args[0])} ({self.show(first)}) "
                           f"and {self.print(arg)} ({self.show(s)})", arg, hint)
            return first
        if op == S.NEG:
            return shapes[0]
        if op == S.MUL:
            acc = shapes[0]
            for k in range(1, len(shapes)):
                s = shapes[k]
                if self.scalar(s):
                    continue
                if self.scalar(acc):
                    acc = s
                    continue
                left = S.mul(list(e.args[:k]))
                right = e.args[k]
                acc_now = acc
                try:
                    self.u.context = (lambda left=left, right=right, a=acc_now, s=s:
                                      f"cannot multiply {self.print(left)} ({self.show(a)}) by "
                                      f"{self.print(right)} ({self.show(s)})", right)
                    self.u.unify(acc[1], s[0])
                except Mismatch as m:
                    # 𝟏ᵀ I a a: a factor of open shape may turn out to be a scalar
                    if self.force_scalar(acc):
                        acc = s
                        continue
                    if self.force_scalar(s):
                        continue
                    self.fail(f"cannot multiply {self.print(left)} ({self.show(acc_now)}) by "
                              f"{self.print(right)} ({self.show(s)}): {self.unequal(m)}", right,
                              self.product_hint(m))
                acc = (acc[0], s[1])
            return acc
        x = e.args[0] if e.args else None
        s = shapes[0] if shapes else SCALAR
        if op == S.T:
            return (s[1], s[0])
        if op == S.INV:
            if self.scalar(s):
                if x.op != S.NUM:
                    self.assume("nonzero", x)
                return s
            self.square(s, x, "an inverse")
            self.assume("invertible", x)
            return s
        if op == S.DIMPOW:
            declared = {str(d) for dd in self.decls.values() for d in dd.shape if isinstance(d, str)}
            if e.attr not in declared:
                self.fail(f"{e.attr} in {self.print(e)} is not the name of a dimension", e,
                          f"declare a matrix of that size, e.g. let X: {e.attr}×{e.attr}; "
                          "a power is otherwise a number (^2, ^{1/2})")
            if not self.scalar(s) and not self.force_scalar(s):
                self.fail(f"only a scalar can be raised to the power {e.attr}; {self.print(x)} is {self.show(s)}", e)
            return SCALAR
        if op == S.POW:
            k: Fraction = e.attr
            if self.scalar(s):
                if k.denominator != 1:
                    self.assume("positive" if k < 0 else "nonnegative", x)
                elif k < 0:
                    self.assume("nonzero", x)
                return s
            if k.denominator != 1:
                self.fail(f"only a scalar can be raised to the power {k}; {self.print(x)} is {self.show(s)}", e)
            self.square(s, x, f"the power {k}")
            if k < 0:
                self.assume("invertible", x)
            return s
        if op == "tr":
            self.square(s, x, "the trace")
            return SCALAR
        if op in ("det", "logdet"):
            self.square(s, x, "the determinant")
            if op == "logdet":
                self.assume("positive", S.func("det", x))
            return SCALAR
        if op == "vec":
            return (make_prod([s[0], s[1]]), 1)
        if op == "diag":
            # diag(a) of a column, diag(X) of a square matrix; where the shape is open, the
            # name decides as the matcher does (§3): an uppercase X, or an argument known
            # square (diag(diag(a))), is a matrix
            square = (x.op == S.SYM and not is_greek(x.attr[0]) and x.attr[0].isupper()) or \
                self.u.resolve(s[0]) is self.u.resolve(s[1])
            if self.u.is_one(s[1]) or (not square and isinstance(self.u.resolve(s[1]), Var)
                                       and self.u.resolve(s[1]).flexible):
                self.u.unify(s[1], 1)
                return (s[0], s[0])
            self.square(s, x, "diag of a matrix")
            return (s[0], 1)
        if op == "sum":
            return SCALAR
        if op in ("softmax", "logsumexp"):     # of a vector (a column)
            try:
                self.u.unify(s[1], 1)
            except Mismatch:
                self.fail(f"{op} takes a vector; {self.print(x)} is {self.show(s)}", x)
            return s if op == "softmax" else SCALAR
        if op in S.ELEMENTWISE:
            if op == "log":
                self.assume("positive", x)
            elif op == "sqrt":
                self.assume("nonnegative", x)
            elif op == S.RECIP:
                self.assume("nonzero", x)
            return s
        if op == S.INNER:
            a, b = shapes
            self.unify(a, b, lambda: f"the inner product needs equal shapes; {self.print(e.args[0])} is "
                       f"{self.show(a)} and {self.print(e.args[1])} is {self.show(b)}", e.args[1])
            return SCALAR
        if op == S.KRON:
            return kron_shape(shapes)
        if op == S.NORM:
            if e.attr == "2" and not self.u.is_one(s[1]):
                try:
                    self.u.unify(s[1], 1)
                except Mismatch:
                    self.fail(f"‖·‖₂ is the norm of a vector; {self.print(x)} is {self.show(s)}", e,
                              "use ‖·‖_F for the Frobenius norm of a matrix")
            return SCALAR
        if op == S.D:
            return s
        if op == S.GRAD:
            f, wrt = e.args
            if wrt.op != S.SYM:
                self.fail("the variable of a derivative must be a symbol", wrt)
            if not self.force_scalar(s):
                self.fail(f"∂f/∂{self.print(wrt)} is defined for a scalar f; {self.print(f)} is {self.show(s)}", f)
            return shapes[1]
        raise AssertionError(f"no shape rule for {op}")

    def settle_flexible(self, exprs: list[S.Expr]) -> None:
        """Fix what the context left open in the shapes of `I`, `0` and `𝟏`.

        An undetermined `𝟏` or `0` is a column (its width becomes 1), and all
        other open dimensions of these constants are one and the same, so that
        `tr(I) = tr(I)` compares like with like; where the theorem names one
        dimension's size (`n`), that is their size.
        """
        nodes = [n for e in exprs for n in e.walk() if n.op in (S.IDENT, S.ZERO, S.ONES)]
        for n in nodes:
            if n.op != S.IDENT:
                width = self.u.resolve(n.attr[1])
                if isinstance(width, Var) and width.flexible:
                    self.u.unify(width, 1)
        shared = None
        for n in nodes:
            for d in n.attr:
                d = self.u.resolve(d)
                if isinstance(d, Var) and d.flexible:
                    if shared is None:
                        shared = d
                    else:
                        self.u.unify(d, shared)
        if shared is not None and len(self.sizes) == 1:
            # C = I − 𝟏𝟏ᵀ/n: where the only size named is n, an open I, 0 or 𝟏 is of that size
            self.u.unify(shared, next(iter(self.sizes)))

    def run(self, exprs: list[S.Expr], same_shape: bool) -> Typed:
        taken = {str(d) for dd in self.decls.values() for d in dd.shape if isinstance(d, str)}
        self._namer = Namer(self.u, taken)
        typed: list[tuple[S.Expr, Shape]] = [self.infer(e) for e in exprs]
        if same_shape:
            first = typed[0]
            for k, (e, s) in enumerate(typed[1:], 1):
                self.unify(first[1], s, lambda: f"the two sides differ in shape: "
                           f"{self.print(exprs[k - 1] if k == 1 else exprs[0])} is {self.show(first[1])}, "
                           f"{self.print(exprs[k])} is {self.show(s)}", exprs[k])
        try:
            self.u.settle()
        except Mismatch as m:
            message, where = self.u.context
            text = message() if callable(message) else message
            self.fail(f"{text}: {self.unequal(m)}", where, self.product_hint(m))
        for node, s in self.bars:
            if self.u.resolve(s[0]) == 1 and self.u.resolve(s[1]) == 1:
                self.fail(f"|{self.print(node.args[0])}| is 1×1 only as its sizes were inferred: whether it is "
                          "an absolute value or a determinant cannot be told", node, kind=Unsupported,
                          hint="write abs(…) for an absolute value, det(…) for a determinant")
        if not self.pattern:   # in a rule, an open shape stays open: it matches any size
            self.settle_flexible([e for e, _ in typed])
        # Final, readable shapes: name dimensions in the order symbols appear.
        namer = Namer(self.u, taken)
        symbols: dict[str, SymbolInfo] = {}
        for name in self.order:
            shape, props, declared = self.symbols[name]
            symbols[name] = SymbolInfo(name, namer.final_shape(shape), props, declared, name in self.sizes)
        final = [_finalize(e, namer) for e, _ in typed]
        assumptions = [Assumption(a.kind, _finalize(a.expr, namer)) for a in self.assumptions]
        # every named dimension, symbols' first, in order (the numeric test sizes them)
        shapes = [info.shape for info in symbols.values()]
        shapes += [node.attr for e in final for node in e.walk() if node.op in (S.IDENT, S.ZERO, S.ONES)]
        shapes += [(node.attr,) for e in final for node in e.walk() if node.op == S.DIMPOW]   # α^m
        shapes += [node.attr for e in final for node in e.walk() if node.op == S.COMM]       # K_{m,n}
        shapes += [(name,) for name in symbols if name in self.sizes]                          # `n` itself
        dims: list[str] = []
        for shape in shapes:
            for d in shape:
                for f in (d.factors if isinstance(d, Prod) else (d,)):
                    if isinstance(f, str) and f not in dims:
                        dims.append(f)
        return Typed(final, symbols, assumptions, dims)


def _finalize(e: S.Expr, namer: Namer) -> S.Expr:
    if e.op in (S.IDENT, S.ZERO, S.ONES):
        return S.replace_attr(e, namer.final_shape(e.attr))
    if not e.args:
        return e
    return S.Expr(e.op, tuple(_finalize(a, namer) for a in e.args), e.attr, e.span)


def infer(exprs: list[S.Expr], decls: Declarations | None = None, *, same_shape: bool = True,
          pattern: bool = False, layout: str = "numerator") -> Typed:
    """Type a group of expressions that share their symbols (a theorem's sides)."""
    from .printing import to_unicode
    try:
        return _Inference(decls or {}, pattern, to_unicode, layout=layout).run(list(exprs), same_shape)
    except ShapeProblem as first:
        # (aᵀ A 𝟏) 𝟏: left to right, nothing said the first 𝟏 is a column; try that reading
        if not any(n.op in (S.ONES, S.ZERO) for e in exprs for n in e.walk()):
            raise
        try:
            return _Inference(decls or {}, pattern, to_unicode, columns=True, layout=layout).run(list(exprs),
                                                                                           same_shape)
        except ShapeProblem:
            raise first from None


# ---- shapes of typed trees, without unification ----------------------------

def shape_of(e: S.Expr, symbols: dict[str, SymbolInfo], cache: dict | None = None) -> Shape:
    """The shape of a node of a typed tree (its symbols typed in `symbols`)."""
    if cache is not None and e in cache:
        return cache[e]
    op = e.op
    if op == S.SYM:
        s = symbols[e.attr].shape
    elif op == S.NUM:
        s = SCALAR
    elif op in (S.IDENT, S.ZERO, S.ONES):
        s = e.attr
    elif op == S.COMM:
        s = (make_prod(list(e.attr)), make_prod(list(e.attr)))
    else:
        shapes = [shape_of(a, symbols, cache) for a in e.args]
        s = shape_rule(e, shapes)
    if cache is not None:
        cache[e] = s
    return s


def shape_rule(e: S.Expr, shapes: list[Shape]) -> Shape:
    """The shape of a node from its children's (already checked): the rule the e-graph and
    the pattern matcher use for nodes they build."""
    op = e.op
    if not shapes and e.args is not None and op in (S.MUL, S.ADD, S.HAD, S.KRON):
        raise IllTyped(f"{op} of nothing")
    if op in (S.ADD, S.HAD, S.NEG, S.INV, S.POW, S.D, "softmax") or op in S.ELEMENTWISE:
        return shapes[0]
    if op == S.DIMPOW:
        return SCALAR
    if op == S.COMM:
        side = make_prod(list(e.attr))
        return (side, side)
    if op == S.MUL:
        acc = shapes[0]
        for s in shapes[1:]:
            if s == SCALAR:
                continue
            acc = s if acc == SCALAR else (acc[0], s[1])
        return acc
    if op == S.T:
        return (shapes[0][1], shapes[0][0])
    if op in ("tr", "det", "logdet", "sum", "logsumexp", S.INNER, S.NORM):
        return SCALAR
    if op == "vec":
        return (make_prod([shapes[0][0], shapes[0][1]]), 1)
    if op == "diag":
        s = shapes[0]
        return (s[0], s[0]) if s[1] == 1 else (s[0], 1)
    if op == S.KRON:
        return kron_shape(shapes)
    if op == S.GRAD:
        return shapes[1]
    if op == S.JAC:
        return (shapes[0][0], shapes[1][0])
    if op == S.HESS:
        return (shapes[1][0], shapes[1][0])
    raise AssertionError(f"no shape rule for {op}")


def declarations_of(typed: Typed, extra_props: dict[str, frozenset[str]] | None = None) -> Declarations:
    """`let`s that give the typed symbols their shapes and properties again (to type a term
    built from them, or a part of the theorem on its own), with `extra_props` added."""
    from .statements import Decl
    out: Declarations = {}
    for name, info in typed.symbols.items():
        if info.size:         # a dimension's size: the declaration of its dimension makes it again
            continue
        rows, cols = info.shape
        spec = ("scalar",) if (rows, cols) == (1, 1) else (rows,) if cols == 1 else (rows, cols)
        out[name] = Decl(name, spec, info.props | (extra_props or {}).get(name, frozenset()))
    return out


def type_theorem(thm) -> Typed:
    """Type a theorem's sides together; shape errors point into its file."""
    try:
        return infer(list(thm.sides), thm.decls, layout=getattr(thm, "layout", "numerator"))
    except ShapeProblem as e:
        e.filename = thm.filename
        e.source_line = thm.source_line(e.line) if e.line else None
        raise


def type_rule(rule) -> Typed:
    """Type a rule's two sides together; its symbols are pattern variables."""
    try:
        return infer([rule.lhs, rule.rhs], rule.decls, pattern=True)
    except ShapeProblem as e:
        e.filename = rule.filename
        e.source_line = rule.source_line(e.line) if e.line else None
        raise


class IllTyped(Exception):
    """A term whose shapes do not fit (e.g. a rule instance that only looks right)."""


def checked_shape(e: S.Expr, symbols: dict[str, SymbolInfo], cache: dict | None = None) -> Shape:
    """Like `shape_of`, but verifies that the shapes fit at every node; raises IllTyped."""
    cache = {} if cache is None else cache
    if e in cache:
        return cache[e]
    shapes = [checked_shape(a, symbols, cache) for a in e.args]
    op = e.op
    if op in (S.ADD, S.HAD, S.INNER) and any(s != shapes[0] for s in shapes[1:]):
        raise IllTyped(f"{op} of different shapes")
    if op == S.MUL:
        acc = shapes[0]
        for s in shapes[1:]:
            if s == SCALAR or acc == SCALAR:
                acc = acc if s == SCALAR else s
            elif acc[1] != s[0]:
                raise IllTyped("product of shapes that do not fit")
            else:
                acc = (acc[0], s[1])
    if op in ("tr", "det", "logdet") and shapes[0][0] != shapes[0][1]:
        raise IllTyped(f"{op} of a non-square matrix")
    if op == S.INV and shapes[0][0] != shapes[0][1]:
        raise IllTyped("inverse of a non-square matrix")
    if op == S.GRAD and shapes[0] != SCALAR:
        raise IllTyped("derivative of a non-scalar")
    out = shape_rule(e, shapes) if e.args else shape_of(e, symbols)   # children already known
    cache[e] = out
    return out
