"""Printers: Unicode (the terminal default), ASCII and LaTeX, with minimal brackets.

Every printer's output parses back to an equal tree (tests/test_roundtrip.py
checks this on random expressions), so what matproof prints a user can paste
back. Brackets follow the grammar's levels: sum < Kronecker/Hadamard <
product < unary minus < postfix < atom. Derivatives written `∂f/∂X` take the
rest of a product, so they are bracketed unless they come last.
"""
from __future__ import annotations

import json
from fractions import Fraction

from . import syntax as S
from .lexer import GREEK_NAME

SUM, KH, PROD, NEG, POST, ATOM = 1, 3, 4, 5, 6, 7

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUP_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

LATEX_FUNCS = {"det": "\\det", "log": "\\log", "exp": "\\exp", "sin": "\\sin",
               "cos": "\\cos", "tanh": "\\tanh"}


def greek_as_command(text: str) -> str:
    """`λ_1` → `\\lambda_1`, for the notations that are ASCII only."""
    if text[0] in GREEK_NAME:
        return "\\" + GREEK_NAME[text[0]] + " " * (len(text) == 1) + text[1:]
    return text


def evidently_scalar(e: S.Expr) -> bool:
    """A scalar whatever the shapes of its symbols (so `/ e` may be printed without typing)."""
    op = e.op
    if op in (S.NUM, S.NORM, S.INNER, "tr", "det", "logdet", "sum", S.DIMPOW):
        return True
    if op == S.SYM:
        return e.attr[0].islower() and e.attr[0] in GREEK_NAME
    if op in (S.MUL, S.ADD, S.NEG, S.POW, S.INV, S.T) or op in S.ELEMENTWISE:
        return all(evidently_scalar(a) for a in e.args)
    return False


#: the derivatives, which print alike: ∂f/∂X, ∂f/∂xᵀ, ∂²f/∂x∂xᵀ
DERIVATIVES = (S.GRAD, S.JAC, S.HESS)


class Printer:
    """One notation; subclasses fill in the tokens."""

    minus = "−"

    def __init__(self) -> None:
        self.norm_depth = 0

    # -- leaves ----------------------------------------------------------------
    def symbol(self, name: str) -> str:
        name, _, layer = name.partition("^(")       # W^(1): W^{(1)}
        base, _, sub = name.partition("_")
        if sub and len(sub) > 1:
            sub = "{" + sub + "}"
        return base + ("_" + sub if sub else "") + (f"^{{({layer[:-1]})}}" if layer else "")

    def number(self, q: Fraction) -> str:
        a = abs(q)
        body = str(a.numerator) if a.denominator == 1 else f"{a.numerator}/{a.denominator}"
        return (self.minus if q < 0 else "") + body

    def ones(self) -> str:
        return "𝟏"

    # -- levels ----------------------------------------------------------------
    def prec(self, e: S.Expr) -> int:
        op = e.op
        if op == S.ADD:
            return SUM
        if op in (S.KRON, S.HAD, S.RECIP):      # recip(x) is written 𝟏 ⊘ x
            return KH
        if op == S.MUL:
            return NEG if e.args[0].op == S.NUM and e.args[0].attr < 0 else PROD
        if op == S.NEG:
            return NEG
        if op == S.NUM:
            if e.attr < 0:
                return NEG
            return ATOM if e.attr.denominator == 1 else PROD
        if op in (S.T, S.INV, S.POW, S.DIMPOW):
            return POST
        if op in DERIVATIVES:
            return PROD
        return ATOM

    def wrap(self, e: S.Expr, level: int) -> str:
        text = self.p(e)
        if self.prec(e) < level:
            return "(" + text + ")"
        return text

    def p(self, e: S.Expr) -> str:
        op = e.op
        if op == S.SYM:
            return self.symbol(e.attr)
        if op == S.NUM:
            return self.number(e.attr)
        if op == S.IDENT:
            return "I"
        if op == S.ZERO:
            return "0"
        if op == S.ONES:
            return self.ones()
        if op == S.COMM:
            return "K_{%s,%s}" % e.attr
        if op == S.ADD:
            out = [self.wrap(e.args[0], SUM + 1)]
            for t in e.args[1:]:
                if t.op == S.NEG:
                    out.append(f" {self.minus} " + self.wrap(t.args[0], SUM + 1))
                elif t.op == S.NUM and t.attr < 0:
                    out.append(f" {self.minus} " + self.number(-t.attr))
                elif t.op == S.MUL and t.args[0].op == S.NUM and t.args[0].attr < 0:
                    positive = S.mul([S.num(-t.args[0].attr), *t.args[1:]], flatten=False)
                    out.append(f" {self.minus} " + self.p(positive))
                else:
                    out.append(" + " + self.wrap(t, SUM + 1))
            return "".join(out)
        if op == S.NEG:
            x = e.args[0]
            body = self.p(x) if self.prec(x) >= PROD and x.op not in DERIVATIVES else self.wrap(x, NEG)
            if x.op in DERIVATIVES and not self.grad_in_product_ok():
                body = "(" + self.p(x) + ")"
            return self.minus + body
        if op == S.MUL:
            return self.product(e.args)
        if op in (S.KRON, S.HAD):
            return self.kh(e)
        if op == S.T:
            x = e.args[0]
            if x.op == S.INV:
                return self.postfix(x.args[0], self.inv_t())
            return self.postfix(x, self.transpose())
        if op == S.INV:
            return self.postfix(e.args[0], self.inverse())
        if op == S.POW:
            return self.postfix(e.args[0], self.power(e.attr))
        if op == S.DIMPOW:
            return self.postfix(e.args[0], self.dim_power(e.attr))
        if op == S.RECIP:
            return self.kh(S.Expr(S.HAD, (e,)))
        if op in S.UNARY_FUNCS:
            return self.call(op, e.args[0])
        if op == S.INNER:
            return self.inner(self.p(e.args[0]), self.p(e.args[1]))
        if op == S.NORM:
            self.norm_depth += 1
            try:
                body = self.p(e.args[0])
            finally:
                self.norm_depth -= 1
            text = self.norm(body, e.attr)
            return "(" + text + ")" if self.norm_depth > 0 else text
        if op == S.D:
            x = e.args[0]
            return self.differential(self.p(x), x.op == S.SYM)
        if op == S.GRAD:
            return self.derivative(e.args[0], self.p(e.args[1]))
        if op == S.JAC:
            return self.derivative(e.args[0], self.wrap(e.args[1], POST) + self.transpose())
        if op == S.HESS:
            return self.hessian(e.args[0], e.args[1])
        raise AssertionError(f"cannot print {op}")

    def product(self, factors: tuple[S.Expr, ...]) -> str:
        parts: list[str] = []
        for k, f in enumerate(factors):
            last = k == len(factors) - 1
            if k > 0 and f.op == S.INV and evidently_scalar(f.args[0]):
                parts.append(" / " + self.wrap(f.args[0], POST))   # x / ‖x‖ rather than x ‖x‖⁻¹
                continue
            if f.op in DERIVATIVES and not (last and self.grad_in_product_ok()):
                text = "(" + self.p(f) + ")"
            elif k == 0 and f.op == S.NUM:
                text = self.number(f.attr)
            elif f.op == S.NUM and f.attr < 0:
                text = "(" + self.number(f.attr) + ")"
            elif f.op == S.MUL:   # a bracketed product inside a product keeps its brackets
                text = "(" + self.p(f) + ")" if not isinstance(self, LatexPrinter) else \
                    "\\left(" + self.p(f) + "\\right)"
            else:
                text = self.wrap(f, POST if f.op == S.NUM else PROD + 1 if f.op not in DERIVATIVES else PROD)
            if parts:
                prev = factors[k - 1]
                parts.append(self.explicit_times() if prev.op == S.SYM and prev.attr == "d" else " ")
            parts.append(text)
        return "".join(parts)

    def grad_in_product_ok(self) -> bool:
        return True

    def kh(self, e: S.Expr) -> str:
        if e.op == S.KRON:
            return self.kron().join(self.wrap(a, PROD) for a in e.args)
        return self.hadamard_chain(e.args, self.hadamard(), self.oslash())

    def hadamard_chain(self, factors, times: str, divide: str) -> str:
        """a ∘ b ⊘ c: a reciprocal factor after ⊘ (a leading one as 𝟏 ⊘ c, which the parser
        reads back as the reciprocal alone)."""
        parts = []
        for k, a in enumerate(factors):
            if a.op == S.RECIP and k == 1 and factors[0].op == S.ONES:   # 𝟏 ∘ (𝟏 ⊘ y), not 𝟏 ⊘ y
                parts.append(times + "(" + self.ones() + divide + self.wrap(a.args[0], PROD) + ")")
            elif a.op == S.RECIP:
                parts.append((self.ones() if k == 0 else "") + divide + self.wrap(a.args[0], PROD))
            else:
                parts.append((times if k else "") + self.wrap(a, PROD))
        return "".join(parts)

    def oslash(self) -> str:
        return " ⊘ "

    def postfix(self, x: S.Expr, mark: str) -> str:
        if x.op == S.NUM and x.attr >= 0 and x.attr.denominator == 1:
            return self.p(x) + mark
        return self.wrap(x, ATOM if x.op in DERIVATIVES + (S.NUM,) else POST) + mark

    # -- notation-specific ------------------------------------------------------
    def transpose(self) -> str:
        return "ᵀ"

    def inverse(self) -> str:
        return "⁻¹"

    def inv_t(self) -> str:
        return "⁻ᵀ"

    def dim_power(self, name: str) -> str:
        """The power by a dimension: `α^n`."""
        return "^" + name if len(name) == 1 else "^{" + name + "}"

    def power(self, k: Fraction) -> str:
        if k.denominator == 1:
            return str(k.numerator).translate(_SUP)
        return "^{" + self.number(k).replace("−", "-") + "}"

    def call(self, name: str, x: S.Expr) -> str:
        return f"{name}({self.p(x)})"

    def inner(self, a: str, b: str) -> str:
        return f"⟨{a}, {b}⟩"

    def norm(self, body: str, kind: str | None) -> str:
        sub = {"2": "₂", "F": "_F"}.get(kind or "", "")
        return f"‖{body}‖{sub}"

    def kron(self) -> str:
        return " ⊗ "

    def hadamard(self) -> str:
        return " ∘ "

    def explicit_times(self) -> str:
        return " · "

    def differential(self, body: str, is_symbol: bool) -> str:
        return f"d{body}" if is_symbol else f"d({body})"

    def derivative(self, f: S.Expr, wrt: str) -> str:
        return f"∂{self._body(f)}/∂{wrt}"

    def _body(self, f: S.Expr) -> str:
        bare = f.op in (S.SYM, S.NORM, S.INNER) or (f.op in S.UNARY_FUNCS and f.op != S.RECIP)
        return self.p(f) if bare else "(" + self.p(f) + ")"

    def hessian(self, f: S.Expr, v: S.Expr) -> str:
        x = self.wrap(v, POST)
        return f"∂²{self._body(f)}/∂{x}∂{x}{self.transpose()}"


class UnicodePrinter(Printer):
    def postfix(self, x: S.Expr, mark: str) -> str:
        text = super().postfix(x, mark)
        body = text[: len(text) - len(mark)]
        if mark[:1] in _SUP_DIGITS and body[-1:] in _SUP_DIGITS:  # A⁻¹² would read as A^-12
            return "(" + body + ")" + mark
        return text


class AsciiPrinter(Printer):
    minus = "-"

    def symbol(self, name: str) -> str:
        return greek_as_command(super().symbol(name))

    def ones(self) -> str:
        return "ones"

    def transpose(self) -> str:
        return "'"

    def inverse(self) -> str:
        return "^-1"

    def inv_t(self) -> str:
        return "^-T"

    def dim_power(self, name: str) -> str:
        """The power by a dimension: `α^n`."""
        return "^" + name if len(name) == 1 else "^{" + name + "}"

    def power(self, k: Fraction) -> str:
        if k.denominator == 1 and k > 0:
            return f"^{k.numerator}"
        return "^{" + self.number(k) + "}"

    def inner(self, a: str, b: str) -> str:
        return f"<{a}, {b}>"

    def norm(self, body: str, kind: str | None) -> str:
        if kind is None:
            return f"norm({body})"
        return f"\\|{body}\\|_{kind}"

    def kh(self, e: S.Expr) -> str:
        if e.op == S.HAD:
            return self.hadamard_chain(e.args, " .* ", " ./ ")
        text = self.p(e.args[0])
        for a in e.args[1:]:
            text = f"kron({text}, {self.p(a)})"
        return text

    def prec(self, e: S.Expr) -> int:
        if e.op == S.KRON:
            return ATOM
        return super().prec(e)

    def explicit_times(self) -> str:
        return " * "

    def grad_in_product_ok(self) -> bool:
        return False

    def derivative(self, f: S.Expr, wrt: str) -> str:
        return f"d({self.p(f)})/d{wrt}"

    def hessian(self, f: S.Expr, v: S.Expr) -> str:
        return f"hess({self.p(f)}, {self.p(v)})"


class LatexPrinter(Printer):
    minus = "-"

    def symbol(self, name: str) -> str:
        if "^(" in name:                   # {W^{(1)}}: braced, so that a transpose may follow
            head, _, layer = name.partition("^(")
            return "{" + self.symbol(head) + "^{(" + layer[:-1] + ")}}"
        base, _, accent = name.partition("_")
        if accent in ("hat", "tilde", "bar", "check", "dot", "breve") and len(base) == 1:
            return f"\\{accent}{{{greek_as_command(base).strip()}}}"      # w_hat is \hat{w}
        if accent == "star" and len(base) == 1:
            return f"{{{greek_as_command(base).strip()}^{{\\star}}}}"        # x_star is {x^{\star}}
        if accent == "bold" and len(base) == 1:
            return f"\\boldsymbol{{{greek_as_command(base).strip()}}}"    # μ_bold is \boldsymbol{\mu}
        return greek_as_command(super().symbol(name))

    def number(self, q: Fraction) -> str:
        a = abs(q)
        body = str(a.numerator) if a.denominator == 1 else f"\\frac{{{a.numerator}}}{{{a.denominator}}}"
        return ("-" if q < 0 else "") + body

    def prec(self, e: S.Expr) -> int:
        if (e.op == S.NUM and e.attr >= 0) or e.op in DERIVATIVES:
            return ATOM
        return super().prec(e)

    def ones(self) -> str:
        return "\\mathbf{1}"

    def postfix(self, x: S.Expr, mark: str) -> str:
        if x.op in (S.T, S.INV, S.POW, S.DIMPOW):  # no double superscripts in LaTeX
            return "\\left(" + self.p(x) + "\\right)" + mark
        return super().postfix(x, mark)

    def wrap(self, e: S.Expr, level: int) -> str:
        text = self.p(e)
        if self.prec(e) < level:
            return "\\left(" + text + "\\right)"
        return text

    def transpose(self) -> str:
        return "^{T}"

    def inverse(self) -> str:
        return "^{-1}"

    def inv_t(self) -> str:
        return "^{-T}"

    def dim_power(self, name: str) -> str:
        """The power by a dimension: `α^n`."""
        return "^{" + name + "}"

    def power(self, k: Fraction) -> str:
        if k.denominator == 1:
            return "^{" + str(k.numerator) + "}"
        return "^{" + ("-" if k < 0 else "") + f"{abs(k.numerator)}/{k.denominator}" + "}"

    def call(self, name: str, x: S.Expr) -> str:
        if name == "sqrt":
            return "\\sqrt{" + self.p(x) + "}"
        cmd = LATEX_FUNCS.get(name, "\\operatorname{" + name + "}")
        return cmd + "\\left(" + self.p(x) + "\\right)"

    def inner(self, a: str, b: str) -> str:
        return f"\\langle {a}, {b} \\rangle"

    def norm(self, body: str, kind: str | None) -> str:
        return f"\\|{body}\\|" + (f"_{kind}" if kind else "")

    def kron(self) -> str:
        return " \\otimes "

    def hadamard(self) -> str:
        return " \\odot "

    def oslash(self) -> str:
        return " \\oslash "

    def explicit_times(self) -> str:
        return " \\cdot "

    def differential(self, body: str, is_symbol: bool) -> str:
        return f"\\mathrm{{d}}{body}" if is_symbol else f"\\mathrm{{d}}\\left({body}\\right)"

    def derivative(self, f: S.Expr, wrt: str) -> str:
        return f"\\frac{{\\partial {self.p(f)}}}{{\\partial {wrt}}}"

    def hessian(self, f: S.Expr, v: S.Expr) -> str:
        x = self.wrap(v, POST)
        return f"\\frac{{\\partial^2 {self.p(f)}}}{{\\partial {x} \\partial {x}{self.transpose()}}}"

    def grad_in_product_ok(self) -> bool:
        return True


def to_unicode(e: S.Expr) -> str:
    return UnicodePrinter().p(e)


def to_ascii(e: S.Expr) -> str:
    return AsciiPrinter().p(e)


def to_latex(e: S.Expr) -> str:
    return LatexPrinter().p(e)


PRINTERS = {"unicode": to_unicode, "ascii": to_ascii, "latex": to_latex}


def to_json(e: S.Expr) -> dict:
    """The tree as plain JSON data."""
    out: dict = {"op": e.op}
    if e.args:
        out["args"] = [to_json(a) for a in e.args]
    if e.attr is not None:
        out["attr"] = _jsonable(e.attr)
    return out


def _jsonable(x):
    if isinstance(x, Fraction):
        return str(x)
    if isinstance(x, tuple):
        return [_jsonable(y) for y in x]
    if isinstance(x, (int, str)) or x is None:
        return x
    return str(x)


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
