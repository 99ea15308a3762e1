"""Forged certificates: what a hostile user writes by hand to get a false theorem past
`matproof verify`, the cache or `check` (issue 22). Each builds a certificate from whole
terms typed in one theorem's symbols, so that a test names its chain as text."""
from __future__ import annotations

from checker import syntax as S
from checker.kernel import FORMAT, NORMAL_FORM, NORMAL_FORM_STEP, encode, file_hash
from checker.normalform import VERSION
from checker.parse import parse_text
from checker.rules import default_rule_files
from checker.typecheck import type_theorem


def members(text: str) -> list[S.Expr]:
    """The typed members of the first theorem of `text` (a chain `a = b = …`)."""
    return type_theorem(parse_text(text).theorems[0]).exprs


def step(before: S.Expr, after: S.Expr, rule: str = NORMAL_FORM_STEP, direction: str = "->",
         path=(), subst: dict | None = None, window=None) -> dict:
    out = {"rule": rule, "direction": direction, "path": list(path), "window": window,
           "subst": {k: encode(v) for k, v in (subst or {}).items()},
           "before": encode(before), "after": encode(after)}
    if rule == NORMAL_FORM_STEP:
        out["reflection"] = VERSION
        out["facts"] = []
    return out


def certificate(text: str, steps: list[dict], link: int = 0, **extra) -> dict:
    """A certificate of link `link` of the theorem `text`, relying on the shipped rules."""
    cert = {"format": FORMAT, "normal_form": NORMAL_FORM,
            "theorem": {"name": parse_text(text).theorems[0].name, "text": text, "link": link},
            "rule_files": [{"path": str(p), "sha256": file_hash(p)} for p in default_rule_files()],
            "steps": steps}
    cert.update(extra)
    return cert


def one_equals_zero() -> dict:
    """x → 1 x (one-left, backwards) → 0⁻¹ 0 x (scalar-cancel, backwards, α := 0) → 0."""
    x, one_x, zero = members("theorem t: x = 1 x = 0")
    nought = S.num(0)
    absurd = S.Expr(S.MUL, (S.Expr(S.INV, (nought,)), nought, x))
    return certificate("theorem t: x = 0", [
        step(x, one_x, "one-left", "<-", subst={"A": x}),
        step(one_x, absurd, "scalar-cancel", "<-", path=[0], subst={"α": nought}),
        step(absurd, zero)])


def tiny_equals_zero(text: str = "theorem t: 0.00000001 x = 0") -> dict:
    """The same trick inside a product: 1e-8 x → 1e-8 (1 x) → 1e-8 ((0⁻¹ 0) x) → 0, for a
    theorem that a numeric test with an absolute tolerance cannot refute."""
    tiny_x, zero = members(text)
    eps, x = tiny_x.args
    nought = S.num(0)
    one_x = S.Expr(S.MUL, (eps, S.Expr(S.MUL, (S.num(1), x))))
    absurd = S.Expr(S.MUL, (eps, S.Expr(S.MUL, (S.Expr(S.MUL, (S.Expr(S.INV, (nought,)), nought)), x))))
    return certificate(text, [
        step(tiny_x, one_x, "one-left", "<-", path=[1], subst={"A": x}),
        step(one_x, absurd, "scalar-cancel", "<-", path=[1, 0], subst={"α": nought}),
        step(absurd, zero)])
