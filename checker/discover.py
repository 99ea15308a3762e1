"""`matproof rules discover --ops '∘,diag,ᵀ' [--size K]`: candidate rules, found by values.

As egg's Ruler does: enumerate the well-typed terms over a few variables (vectors a, b
and a square matrix X, of one size n) and the given operators (the matrix product
always among them), smallest first; fingerprint each by its values on random instances
(its "characteristic vector"); terms with one fingerprint are equal with overwhelming
probability. New terms are built only from one representative per fingerprint, which
keeps the enumeration small. Each equality that the normal form and the known rules (the
shipped ones, unless `known` is empty) do not already prove becomes a candidate rule,
linted, smallest first.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import syntax as S
from .numeric.evaluate import Domain, Env, Evaluator

#: operators by the names the option takes
UNARY = {"ᵀ": "T", "T": "T", "diag": "diag", "tr": "tr", "sum": "sum", "−": "neg", "-": "neg",
         "⁻¹": "inv", "exp": "exp", "log": "log", "tanh": "tanh", "sigmoid": "sigmoid", "sqrt": "sqrt"}
BINARY = {"∘": "had", "+": "add", "·": "mul", "*": "mul"}
#: the variables: shapes over one dimension n
VARIABLES = {"a": ("n", 1), "b": ("n", 1), "X": ("n", "n")}
SIZES = (3, 4, 5)


@dataclass
class Candidate:
    lhs: S.Expr
    rhs: S.Expr
    size: int
    text: str = ""
    lint: str = ""


@dataclass
class _Class:
    term: S.Expr
    shape: tuple
    size: int
    values: list


def _shape(op: str, shapes: list[tuple]) -> tuple | None:
    """The shape of op over these shapes (dimensions 'n' and 1), or None if ill-typed."""
    if op in ("had", "add"):
        return shapes[0] if shapes[0] == shapes[1] else None
    if op == "mul":
        (r, c), (r2, c2) = shapes
        if (r, c) == (1, 1):
            return (r2, c2)
        if (r2, c2) == (1, 1):
            return (r, c)
        return (r, c2) if c == r2 else None
    s = shapes[0]
    if op == "T":
        return (s[1], s[0])
    if op == "diag":
        return (s[0], s[0]) if s[1] == 1 and s[0] != 1 else (s[0], 1) if s[0] == s[1] != 1 else None
    if op in ("tr", "inv"):
        return ((1, 1) if op == "tr" else s) if s[0] == s[1] else None
    if op == "sum":
        return (1, 1)
    return s       # neg and the entrywise functions


def _value(op: str, vals: list):
    """op over these values, by the numeric evaluator's own operators (one semantics for
    what discovery proposes and what the numeric test then checks); None off the domain."""
    try:
        value, _ = getattr(Evaluator(Env({}, {})), f"op_{op}")(None, vals, [None] * len(vals))
    except (Domain, np.linalg.LinAlgError):
        return None
    return value


def _term(op: str, kids: list[S.Expr]) -> S.Expr:
    if op == "T":
        return S.Expr(S.T, (kids[0],))
    if op == "inv":
        return S.Expr(S.INV, (kids[0],))
    if op == "neg":
        return S.Expr(S.NEG, (kids[0],))
    if op in ("had", "add", "mul"):
        return S.Expr({"had": S.HAD, "add": S.ADD, "mul": S.MUL}[op], tuple(kids))
    return S.Expr(op, (kids[0],))


def _fingerprint(shape: tuple, values: list) -> tuple | None:
    """The values to 10 significant digits each (exact for whole numbers; for exp and the
    like, equal terms computed two ways agree far beyond that)."""
    if any(v is None for v in values):
        return None
    flat = np.concatenate([v.ravel() for v in values])
    if not np.all(np.isfinite(flat)) or np.any(np.abs(flat) > 1e12):
        return None
    return (shape, tuple(f"{x:.9e}" for x in flat + 0.0))


def enumerate_laws(ops: list[str], size: int, seed: int = 0) -> list[Candidate]:
    """Every equality between terms of at most `size` nodes over `ops` that the values show:
    each a new term whose fingerprint an earlier (smaller) term has."""
    unary = [UNARY[o] for o in ops if o in UNARY]
    binary = sorted({BINARY[o] for o in ops if o in BINARY} | {"mul"})
    rng = np.random.default_rng(seed)
    # whole numbers: products, sums, transposes and diag stay exact, so equal terms have
    # equal fingerprints (no rounding boundary between them)
    envs = [{name: rng.integers(-3, 4, (n if shape[0] == "n" else 1, n if shape[1] == "n" else 1)).astype(float)
             for name, shape in VARIABLES.items()} for n in SIZES]
    classes: dict[tuple, _Class] = {}
    by_size: dict[int, list[_Class]] = {}
    found: list[Candidate] = []

    def offer(term: S.Expr, shape: tuple, k: int, values: list) -> None:
        key = _fingerprint(shape, values)
        if key is None:
            return
        old = classes.get(key)
        if old is None:
            classes[key] = c = _Class(term, shape, k, values)
            by_size.setdefault(k, []).append(c)
        elif old.term != term:
            found.append(Candidate(term, old.term, k))
    for name, shape in VARIABLES.items():
        offer(S.sym(name), shape, 1, [env[name] for env in envs])
    for k in range(2, size + 1):
        for op in unary:
            for c in by_size.get(k - 1, []):
                shape = _shape(op, [c.shape])
                if shape is None:
                    continue
                with np.errstate(all="ignore"):
                    values = [_value(op, [v]) for v in c.values]
                offer(_term(op, [c.term]), shape, k, values)
        for op in binary:
            for i in range(1, k - 1):
                for c1 in by_size.get(i, []):
                    for c2 in by_size.get(k - 1 - i, []):
                        if op in ("had", "add") and repr(c1.term) > repr(c2.term):
                            continue      # commutative: one order
                        shape = _shape(op, [c1.shape, c2.shape])
                        if shape is None:
                            continue
                        with np.errstate(all="ignore"):
                            values = [_value(op, [u, v]) for u, v in zip(c1.values, c2.values)]
                        offer(_term(op, [c1.term, c2.term]), shape, k, values)
    return found


def discover(ops: list[str], size: int, known: list | None = None, most: int = 20,
             budget: int = 5000) -> list[Candidate]:
    """The candidate rules: equalities the values show that neither the normal form nor a
    short search with the `known` rule files proves; each linted; smallest first."""
    from .errors import MatproofError
    from .limits import Limits
    from .lint import lint_rules, shape_key
    from .normalform import NormalForm
    from .parse import parse_text
    from .pipeline import prove_theorem
    from .printing import to_unicode
    from .typecheck import infer
    lets = "let a, b: n\nlet X: n×n\n"
    decls = parse_text(lets + "theorem t: a = a").theorems[0].decls
    out: list[Candidate] = []
    seen: set[str] = set()   # laws up to renaming
    for cand in sorted(enumerate_laws(ops, size), key=lambda c: c.size)[:budget]:
        try:
            typed = infer([cand.lhs, cand.rhs], decls)
        except MatproofError:
            continue
        if NormalForm(typed.symbols).equal(*typed.exprs):
            continue
        lhs, rhs = (to_unicode(e) for e in typed.exprs)
        text = f"{lhs} = {rhs}"
        (as_rule,) = parse_text(f"rule r: {lhs} -> {rhs}").rules
        key = repr(shape_key(as_rule))      # the same law with a and b swapped is one law
        if key in seen:
            continue
        seen.add(key)
        if known:
            (thm,) = parse_text(lets + f"theorem t: {text}").theorems
            res = prove_theorem(thm, limits=Limits(work=20_000, iterations=5, nodes=3_000),
                                rule_files=known, draws=2)
            if res.status == "proved":
                continue
        cand.text = f"rule discovered-{len(out) + 1}: {lhs} -> {rhs}"
        findings = lint_rules(parse_text(lets + cand.text, "<discovered>").rules).findings
        if any(f.kind in ("error", "unsound") for f in findings):
            continue      # equal values by chance (a collision), or a rule that cannot apply
        cand.lint = "; ".join(f"{f.kind}: {f.message}" for f in findings) or "sound on random instances"
        out.append(cand)
        if len(out) >= most:
            break
    return out

