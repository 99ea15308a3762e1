"""Numeric meaning of expressions: forward-mode evaluation with exact tangents.

Every value is a 2-D numpy array (a scalar is 1×1, a vector n×1). Each node
evaluates to a pair (value, tangent), the tangent being the directional
derivative along the directions given for the varying symbols (`dX` *is* the
direction of X). That gives `d(E)` exactly, with no finite differences, and
`∂f/∂X` as the matrix of directional derivatives along the basis directions.

Values outside an expression's domain (log of a non-positive number, the
inverse of a singular matrix) raise `Domain`: the caller draws again.

An evaluator also keeps the *magnitude* of what it computed: the largest entry
of any sum's terms and of |A| |B| for every product (values and tangents).
Round-off is relative to that, not to the result: `tr(A B) − tr(B A)` is a tiny
number computed from large ones, while `1e-8 x` is a small number computed
exactly, and the numeric test must tell the two apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import syntax as S
from ..shapes import Prod

#: condition number above which a matrix counts as singular for our purposes
MAX_COND = 1e6


class Domain(Exception):
    """The draw is outside the expression's domain; draw again. `term` is the subterm whose
    domain it missed (`log(X)`), so that the next draws can aim at it."""

    term: "S.Expr | None" = None


class Unsupported(Exception):
    """The evaluator cannot give this expression a value (e.g. d(d(E)))."""


class _Unknown:
    """The tangent of a tangent: second order, which we do not compute."""


UNKNOWN = _Unknown()


@dataclass
class Env:
    sizes: dict[str, int]
    values: dict[str, np.ndarray]
    directions: dict[str, np.ndarray] = field(default_factory=dict)
    #: symbols declared symmetric: ∂f/∂S is the gradient on symmetric matrices (§5b)
    symmetric: frozenset[str] = frozenset()
    #: read ∂f/∂S as the Matrix Cookbook's §2.8 form instead (to say why a claim fails)
    cookbook: bool = False

    def size(self, d) -> int:
        if isinstance(d, int):
            return d
        if isinstance(d, Prod):
            out = 1
            for f in d.factors:
                out *= self.size(f)
            return out
        return self.sizes[d]


def _scalar(x) -> np.ndarray:
    """A 1×1 value; complex where the evaluation is (a Hessian's complex step, below)."""
    return np.array([[x]], dtype=complex if np.iscomplexobj(x) else float)


def _is_scalar(a: np.ndarray) -> bool:
    return a.shape == (1, 1)


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if _is_scalar(a) or _is_scalar(b):
        return a * b
    return a @ b


def _add_t(a, b):
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _inv(v: np.ndarray) -> np.ndarray:
    if _is_scalar(v):
        if abs(v[0, 0]) < 1e-12:
            raise Domain("division by zero")
        return 1.0 / v
    if not np.all(np.isfinite(v)) or np.linalg.cond(v) > MAX_COND:
        raise Domain("singular matrix")
    return np.linalg.inv(v)


class Evaluator:
    """Evaluates typed trees in one environment, caching equal subtrees."""

    def __init__(self, env: Env, parent: "Evaluator | None" = None):
        self.env = env
        self.cache: dict[S.Expr, tuple] = {}
        self.parent = parent
        self.magnitude = 0.0

    def saw(self, *arrays) -> None:
        """Note the size of terms that were summed (or bounds of products): the scale of
        the round-off in what this evaluator computes (and its parent's)."""
        for a in arrays:
            if a is None or a is UNKNOWN or a.size == 0:
                continue
            m = float(np.max(np.abs(a)))
            if m > self.magnitude and np.isfinite(m):
                self.magnitude = m
                if self.parent is not None:
                    self.parent.saw(a)

    def value(self, e: S.Expr) -> np.ndarray:
        v, _ = self.ev(e)
        return v

    def ev(self, e: S.Expr):
        hit = self.cache.get(e)
        if hit is None:
            hit = self._ev(e)
            self.cache[e] = hit
        return hit

    def _ev(self, e: S.Expr):
        op = e.op
        env = self.env
        if op == S.SYM:
            return env.values[e.attr], env.directions.get(e.attr)
        if op == S.NUM:
            return _scalar(float(e.attr)), None
        if op == S.COMM:             # K_{m,n} vec(A) = vec(Aᵀ): entry (i n + j, j m + i) is 1
            m, n = (env.size(d) for d in e.attr)
            k = np.zeros((m * n, m * n))
            for i in range(m):
                for j in range(n):
                    k[i * n + j, j * m + i] = 1.0
            return k, None
        if op in (S.IDENT, S.ZERO, S.ONES):
            r, c = env.size(e.attr[0]), env.size(e.attr[1])
            if op == S.IDENT:
                return np.eye(r), None
            return (np.zeros((r, c)) if op == S.ZERO else np.ones((r, c))), None
        if op == S.D:
            v, t = self.ev(e.args[0])
            if t is UNKNOWN:
                raise Unsupported("a differential of a differential")
            # dX is a fixed direction, so d(dX) = 0; higher differentials we do not compute
            second = None if e.args[0].op == S.SYM else UNKNOWN
            return (np.zeros_like(v) if t is None else t), second
        if op == S.GRAD:
            return self.gradient(e.args[0], e.args[1].attr), UNKNOWN
        if op == S.JAC:
            return self.jacobian(e.args[0], e.args[1]), UNKNOWN
        if op == S.HESS:
            return self.hessian(e.args[0], e.args[1]), UNKNOWN
        pairs = [self.ev(a) for a in e.args]
        vals = [p[0] for p in pairs]
        tans = [p[1] for p in pairs]
        method = getattr(self, "op_" + op, None)
        if method is None:
            raise Unsupported(f"no numeric meaning for {op}")
        try:
            return method(e, vals, tans)
        except Domain as d:
            if d.term is None:
                d.term = e
            raise

    # -- derivatives ----------------------------------------------------------------
    def _along(self, f: S.Expr, name: str, direction: np.ndarray, values=None):
        """f and its derivative in `direction` of the symbol `name` (forward mode)."""
        sub = Evaluator(Env(self.env.sizes, values or self.env.values, {name: direction}, self.env.symmetric,
                            self.env.cookbook), parent=self)
        v, t = sub.ev(f)
        if t is UNKNOWN:
            raise Unsupported("a derivative of an expression with differentials")
        return v, (np.zeros_like(v) if t is None else t)

    def gradient(self, f: S.Expr, name: str, values=None) -> np.ndarray:
        """∂f/∂X, entry by entry; for a symmetric X, the gradient on symmetric matrices: the
        symmetric G with df = ⟨G, dX⟩ for every symmetric dX, sym(G₀) of the unconstrained G₀."""
        x = (values or self.env.values)[name]
        G = np.zeros(x.shape, dtype=complex if values is not None else float)
        for idx in np.ndindex(x.shape):
            direction = np.zeros(x.shape)
            direction[idx] = 1.0
            v, t = self._along(f, name, direction, values)
            if v.shape != (1, 1):
                raise Unsupported("∂f/∂X of a non-scalar f")
            G[idx] = t[0, 0]
        if name in self.env.symmetric:
            # the Cookbook's G₀ + G₀ᵀ − G₀ ∘ I counts each off-diagonal entry once: not a gradient
            G = G + G.T - G * np.eye(G.shape[0]) if self.env.cookbook else (G + G.T) / 2
        return G

    @staticmethod
    def _variable(v: S.Expr) -> tuple[str, bool]:
        """The symbol a derivative is taken in, and whether through vec."""
        return (v.args[0].attr, True) if v.op == "vec" else (v.attr, False)

    def _basis(self, name: str):
        """The unit directions of a symbol, in the order of vec (columns stacked)."""
        x = self.env.values[name]
        rows, cols = x.shape
        for j in range(rows * cols):
            d = np.zeros(x.shape)
            d[j % rows, j // rows] = 1.0
            yield d

    def jacobian(self, f: S.Expr, v: S.Expr) -> np.ndarray:
        """∂f/∂vᵀ (numerator layout): column j is the derivative of f along the j-th unit
        direction of v (of vec(X), columns stacked), by forward mode."""
        name, _ = self._variable(v)
        cols = []
        for d in self._basis(name):
            value, t = self._along(f, name, d)
            if value.shape[1] != 1:
                raise Unsupported("a Jacobian of a matrix f (write vec(F))")
            cols.append(t[:, 0])
        return np.stack(cols, axis=1)

    def hessian(self, f: S.Expr, v: S.Expr) -> np.ndarray:
        """∂²f/∂v∂vᵀ: row i is the derivative of the gradient along the i-th unit direction,
        taken by the complex step: the gradient (forward mode) at x + i·h·eᵢ has imaginary part
        h ∂(∇f)/∂xᵢ up to O(h²); with h = 1e-30 there is no subtraction and no rounding loss."""
        name, _ = self._variable(v)
        x = self.env.values[name]
        h = 1e-30
        rows = []
        for d in self._basis(name):
            values = {**self.env.values, name: x + 1j * h * d}
            g = self.gradient(f, name, values)
            rows.append(g.reshape(-1, order="F").imag / h)
        return np.array(rows)

    # -- operators ------------------------------------------------------------------
    def op_add(self, e, vals, tans):
        self.saw(*vals, *tans)
        v = vals[0]
        t = tans[0]
        for vi, ti in zip(vals[1:], tans[1:]):
            v = v + vi
            t = _add_t(t, ti)
        return v, t

    def op_neg(self, e, vals, tans):
        t = tans[0]
        return -vals[0], (t if t is None or t is UNKNOWN else -t)

    def op_mul(self, e, vals, tans):
        return self._nary(_matmul, vals, tans)

    def op_T(self, e, vals, tans):
        t = tans[0]
        return vals[0].T, (t if t is None or t is UNKNOWN else t.T)

    def op_inv(self, e, vals, tans):
        vi = _inv(vals[0])
        t = tans[0]
        if t is None or t is UNKNOWN:
            return vi, t
        return vi, -_matmul(_matmul(vi, t), vi)

    def op_dimpow(self, e, vals, tans):
        """x^n with n the size of a dimension (a positive whole number): d(xⁿ) = n xⁿ⁻¹ dx."""
        n = self.env.size(e.attr)
        x, t = vals[0][0, 0], tans[0]
        value = _scalar(x ** n)
        if t is None or t is UNKNOWN:
            return value, t
        return value, n * x ** (n - 1) * t

    def op_pow(self, e, vals, tans):
        k: Fraction = e.attr
        v, t = vals[0], tans[0]
        if _is_scalar(v):
            x = v[0, 0]
            if k.denominator != 1 and x.real < 0:
                raise Domain("fractional power of a negative number")
            if k < 0 and abs(x) < 1e-12:
                raise Domain("negative power of zero")
            if k.denominator != 1 and k < 1 and x == 0 and t is not None:
                raise Domain("derivative of a root at zero")
            value = _scalar(x ** float(k))
            if t is None or t is UNKNOWN:
                return value, t
            return value, float(k) * x ** float(k - 1) * t
        base = _inv(v) if k < 0 else v
        tb = t
        if k < 0 and t is not None and t is not UNKNOWN:
            tb = -base @ t @ base
        n = abs(int(k))
        factors = [base] * n
        out = np.eye(v.shape[0])
        bound = np.eye(v.shape[0])
        for f in factors:
            out = out @ f
            bound = bound @ np.abs(f)
        self.saw(bound)
        if tb is None or tb is UNKNOWN:
            return out, tb
        tan = np.zeros_like(out)
        for i in range(n):
            term = np.eye(v.shape[0])
            for j in range(n):
                term = term @ (tb if i == j else base)
            tan = tan + term
        return out, tan

    def op_tr(self, e, vals, tans):
        t = tans[0]
        self.saw(vals[0], t)
        return _scalar(np.trace(vals[0])), (t if t is None or t is UNKNOWN else _scalar(np.trace(t)))

    def op_det(self, e, vals, tans):
        v, t = vals[0], tans[0]
        d = np.linalg.det(v)
        if t is None or t is UNKNOWN:
            return _scalar(d), t
        return _scalar(d), _scalar(d * np.trace(_inv(v) @ t))

    def op_logdet(self, e, vals, tans):
        v, t = vals[0], tans[0]
        d = np.linalg.det(v)
        if d.real <= 0:
            raise Domain("log of a non-positive determinant")
        if t is None or t is UNKNOWN:
            return _scalar(np.log(d)), t
        return _scalar(np.log(d)), _scalar(np.trace(_inv(v) @ t))

    def op_vec(self, e, vals, tans):
        t = tans[0]
        f = lambda a: a.reshape(-1, 1, order="F")  # noqa: E731
        return f(vals[0]), (t if t is None or t is UNKNOWN else f(t))

    def op_diag(self, e, vals, tans):
        v, t = vals[0], tans[0]
        if v.shape[1] == 1:
            f = lambda a: np.diagflat(a)  # noqa: E731
        else:
            f = lambda a: np.diag(a).reshape(-1, 1).copy()  # noqa: E731
        return f(v), (t if t is None or t is UNKNOWN else f(t))

    def op_sum(self, e, vals, tans):
        t = tans[0]
        self.saw(vals[0], t)
        return _scalar(vals[0].sum()), (t if t is None or t is UNKNOWN else _scalar(t.sum()))

    def _elementwise(self, value, deriv, v, t):
        out = value(v)
        if t is None or t is UNKNOWN:
            return out, t
        return out, deriv(v, out) * t

    def op_log(self, e, vals, tans):
        if np.any(np.real(vals[0]) <= 0):
            raise Domain("log of a non-positive number")
        return self._elementwise(np.log, lambda v, o: 1 / v, vals[0], tans[0])

    def op_exp(self, e, vals, tans):
        return self._elementwise(np.exp, lambda v, o: o, vals[0], tans[0])

    def op_sqrt(self, e, vals, tans):
        v, t = vals[0], tans[0]
        if np.any(np.real(v) < 0) or (t is not None and np.any(v == 0)):
            raise Domain("square root of a negative number")
        return self._elementwise(np.sqrt, lambda v, o: 0.5 / o, v, t)

    def op_recip(self, e, vals, tans):
        if np.any(np.abs(vals[0]) < 1e-12):
            raise Domain("division by zero")
        return self._elementwise(lambda v: 1 / v, lambda v, o: -o * o, vals[0], tans[0])

    def op_softmax(self, e, vals, tans):
        """s = exp(z) / Σ exp(z), shifted by max z (no overflow); ds = s ∘ dz − s (sᵀ dz)."""
        z, t = vals[0], tans[0]
        w = np.exp(z - np.max(z.real))
        s = w / np.sum(w)
        if t is None or t is UNKNOWN:
            return s, t
        return s, s * t - s * np.sum(s * t)

    def op_logsumexp(self, e, vals, tans):
        """log Σ exp(z) (shifted by max z); its differential is softmax(z)ᵀ dz."""
        z, t = vals[0], tans[0]
        m = np.max(z.real)
        w = np.exp(z - m)
        value = _scalar(m + np.log(np.sum(w)))
        if t is None or t is UNKNOWN:
            return value, t
        return value, _scalar(np.sum(w / np.sum(w) * t))

    def op_sin(self, e, vals, tans):
        return self._elementwise(np.sin, lambda v, o: np.cos(v), vals[0], tans[0])

    def op_cos(self, e, vals, tans):
        return self._elementwise(np.cos, lambda v, o: -np.sin(v), vals[0], tans[0])

    def op_abs(self, e, vals, tans):
        return self._elementwise(np.abs, lambda v, o: np.sign(v), vals[0], tans[0])

    def op_tanh(self, e, vals, tans):
        return self._elementwise(np.tanh, lambda v, o: 1 - o * o, vals[0], tans[0])

    def op_sigmoid(self, e, vals, tans):
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        return self._elementwise(sig, lambda v, o: o * (1 - o), vals[0], tans[0])

    def op_inner(self, e, vals, tans):
        a, b = vals
        ta, tb = tans
        self.saw(*(x * y for x, y in ((a, b), (ta, b), (a, tb)) if isinstance(x, np.ndarray)
                   and isinstance(y, np.ndarray)))
        v = _scalar(np.sum(a * b))
        if ta is UNKNOWN or tb is UNKNOWN:
            return v, UNKNOWN
        t = None
        if ta is not None:
            t = _scalar(np.sum(ta * b))
        if tb is not None:
            t = _add_t(t, _scalar(np.sum(a * tb)))
        return v, t

    def _nary(self, combine, vals, tans):
        v = vals[0]
        bound = np.abs(vals[0])
        for vi in vals[1:]:
            v = combine(v, vi)
            bound = combine(bound, np.abs(vi))
        self.saw(bound)
        t = None
        for k, tk in enumerate(tans):
            if tk is None:
                continue
            if tk is UNKNOWN:
                return v, UNKNOWN
            term = bound = None
            for j, vj in enumerate(vals):
                x = tk if j == k else vj
                term = x if term is None else combine(term, x)
                bound = np.abs(x) if bound is None else combine(bound, np.abs(x))
            self.saw(bound)
            t = _add_t(t, term)
        return v, t

    def op_kron(self, e, vals, tans):
        return self._nary(np.kron, vals, tans)

    def op_had(self, e, vals, tans):
        return self._nary(lambda a, b: a * b, vals, tans)

    def op_norm(self, e, vals, tans):
        v, t = vals[0], tans[0]
        n = np.sqrt(np.sum(v * v))      # analytic (no conjugate): the complex step goes through
        if t is None or t is UNKNOWN:
            return _scalar(n), t
        if abs(n) < 1e-12:
            raise Domain("derivative of a norm at zero")
        return _scalar(n), _scalar(np.sum(v * t) / n)


def evaluate(e: S.Expr, env: Env) -> np.ndarray:
    """The value of a typed expression in `env`."""
    return Evaluator(env).value(e)
