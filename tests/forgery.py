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


# ---- random forgeries: shipped rules applied, often backwards, to arbitrary instances ----

#: the symbols of a forged theorem, by shape over the dimensions n, m (1 for a column)
POOL_LETS = "let α, β: scalar\nlet x, y: n\nlet u, v: m\nlet A, B: n×n\nlet C, G: n×m\n" \
            "let E, H: m×n\nlet P, R: m×m\n"
_NAMES = {(1, 1): "αβ", ("n", 1): "xy", ("m", 1): "uv", ("n", "n"): "AB", ("n", "m"): "CG",
          ("m", "n"): "EH", ("m", "m"): "PR"}


def _instances(shape) -> tuple[list[str], list[str]]:
    """Terms of a shape: plain ones, and hostile ones — zeros plain and disguised, singular
    matrices, negative numbers (for roots and logs)."""
    r, c = shape
    if (r, c) == (1, 1):
        return ["1", "α", "xᵀ y", "β", "α β"], ["0", "−1", "−α", "α − α", "−α β", "−α α"]
    if r == 1:                     # a row: the transpose of a column
        plain, hostile = _instances((c, 1))
        return [f"{t}ᵀ" for t in plain], [f"{t}ᵀ" if t != "0" else "0" for t in hostile]
    a, b = _NAMES[(r, c)]
    plain, hostile = [a, b, f"{a} + {b}"], ["0", f"{a} − {a}", f"−{a}"]
    if r == c:
        x = _NAMES[(r, 1)][0]
        plain.append("I")
        hostile += [f"{x} {x}ᵀ", f"{a} − {a} + I", f"−{x} {x}ᵀ"]    # x xᵀ is singular beyond 1×1
    return plain, hostile


def _weight(rule) -> int:
    """How often a rule is drawn: more often where reading it backwards binds a variable
    freely (`1 -> α⁻¹ α`), or where it holds a partial function (⁻¹, log, √, powers)."""
    free = not rule.lhs.symbols() <= rule.rhs.symbols()
    partial = any(n.op in (S.INV, S.POW, "log", "sqrt", "logdet") for side in (rule.lhs, rule.rhs)
                  for n in side.walk())
    return 1 + 6 * free + 3 * partial


def random_forgery(rng, rules: list) -> tuple[dict, str] | None:
    """A certificate of one rule step (in a random direction, on random instances, in a random
    context) followed by a normal-form step, and the theorem's text; None where the draw
    does not type (a rule whose shapes these instances cannot fill)."""
    from checker.errors import MatproofError
    from checker.normalform import NoNormalForm, NormalForm
    from checker.parse import parse_expr
    from checker.printing import to_unicode
    from checker.typecheck import infer, type_rule

    rule = rng.choices(rules, weights=[_weight(r) for r in rules])[0]
    typed_rule = type_rule(rule)
    if any(not isinstance(d, (str, int)) for i in typed_rule.symbols.values() for d in i.shape):
        return None           # a product of dimensions (⊗, vec): not drawn here
    dims = {d: rng.choice(["n", "m", 1]) for d in typed_rule.dims}
    forward = rng.random() < 0.3
    source, target = (rule.lhs, rule.rhs) if forward else (rule.rhs, rule.lhs)
    table = {}
    for name, info in typed_rule.symbols.items():
        shape = tuple(dims.get(d, d) for d in info.shape)
        plain, hostile = _instances(shape)
        table[S.sym(name)] = parse_expr(rng.choice(hostile if rng.random() < 0.6 else plain))
    def sized(e: S.Expr) -> S.Expr:       # α^n at the size n was drawn (α¹ = α)
        if e.op == S.DIMPOW:
            size = dims.get(e.attr, e.attr)
            return sized(e.args[0]) if size == 1 else S.Expr(S.DIMPOW, (sized(e.args[0]),), size)
        return S.Expr(e.op, tuple(sized(a) for a in e.args), e.attr)
    site_from, site_to = (sized(S.substitute(p, table)) for p in (source, target))
    context = rng.choice(["none", "sum", "scale"])
    decls = parse_text(POOL_LETS + "theorem t: x = x").theorems[0].decls
    try:
        alone = infer([site_from], decls)
        shape = tuple(alone.shape(alone.exprs[0]))
        path: list[int] = []
        if context == "sum" and shape in _NAMES:
            other = S.sym(_NAMES[shape][1])
            site_from, site_to, path = S.Expr(S.ADD, (site_from, other)), S.Expr(S.ADD, (site_to, other)), [0]
        elif context == "scale":
            site_from, site_to, path = S.Expr(S.MUL, (S.num(3), site_from)), S.Expr(S.MUL, (S.num(3), site_to)), [1]
        typed = infer([site_from, site_to], decls)
    except MatproofError:
        return None
    f, t = typed.exprs
    sites = [_at(f, path), _at(t, path)]
    # the rule's variables as the instances they took, typed (found where each stands in a side)
    subst = {}
    try:
        for side, inst in zip((source, target), sites):
            for var, where in _positions(side).items():
                subst.setdefault(var, _at(inst, where))
    except IndexError:          # typing rewrote the shape of the term (a scalar's transpose)
        return None
    try:
        end = NormalForm(typed.symbols).of(t)
    except NoNormalForm:
        end = t
    text = POOL_LETS + f"theorem t: {to_unicode(f)} = {to_unicode(end)}"
    steps = [step(f, t, rule.name, "->" if forward else "<-", path=path, subst=subst)]
    if end != t:
        steps.append(step(t, end))
    return certificate(text, steps), text


def _positions(p: S.Expr, here=()) -> dict[str, tuple]:
    """Where each variable of a rule side first stands."""
    if p.op == S.SYM:
        return {p.attr: here}
    out: dict[str, tuple] = {}
    for i, a in enumerate(p.args):
        for k, v in _positions(a, here + (i,)).items():
            out.setdefault(k, v)
    return out


def _at(e: S.Expr, path) -> S.Expr:
    for i in path:
        e = e.args[i]
    return e
