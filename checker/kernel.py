"""The proof kernel: replays a certificate without the e-graph.

Trust rests here, so this module is small and uses nothing of the search:
only the parser and the typer (to read the theorem and the rules afresh),
and its own normal form for associativity and commutativity.

A certificate lists steps on whole terms. The kernel re-parses and re-types
the theorem, loads the rules it names from the rule files (checking their
hashes), and for each step checks that the subterm at the step's position is
an instance of the rule's left side, that the rule's conditions hold, and
that putting the right side there gives the next term — every comparison
modulo the normal form `matproof-ac/2`: products, sums, ⊗ and ∘ flattened,
sums and ∘ sorted, numbers gathered at the front of products, then the
scalars of a product (runs of factors whose product is 1×1: `α`, `aᵀ b`)
in sorted order, negation lifted and doubled negation removed.

Every term of every step must be defined wherever the theorem is (`_Facts.defined`):
a rule is an equation between partial functions, and read backwards `α⁻¹ α -> 1`
would otherwise turn `x` into `0⁻¹ 0 x`. A lemma is only ever a derivative's value
(`∂f/∂X = G`), which holds inside any term; an equation between differentials holds
only for what varied where it was proved.
"""
from __future__ import annotations

import functools
import hashlib
import re
from fractions import Fraction
from pathlib import Path

from . import syntax as S
from .lexer import is_greek
from .meaning import (Identification, assumed_facts, declared, derived, fact_holds, identify, is_constant, requirements,
                      varying_symbols)
from .shapes import Prod
from .shapes import bind_dims, fill_dims
from .typecheck import IllTyped, checked_shape, shape_of, type_rule

NORMAL_FORM = "matproof-ac/2"
#: the name of a step decided by the polynomial normal form (normalform.py), by reflection
NORMAL_FORM_STEP = "expand and collect (normal form)"
#: the name of the power rule for a scalar and any rational exponent, a law the kernel knows
#: (no rule file can hold it: its exponent is a number, not a pattern)
POWER_RULE = "power rule: d(xᵖ) = p xᵖ⁻¹ dx"


def d_power(x: S.Expr, p: Fraction) -> S.Expr:
    """p x^(p−1) dx, the differential of x^p for a scalar x (where both sides are defined)."""
    factors = [S.num(p)]
    if p - 1 == 1:
        factors.append(x)
    elif p != 1:
        factors.append(S.Expr(S.POW, (x,), Fraction(p - 1)))
    return S.Expr(S.MUL, tuple(factors) + (S.Expr(S.D, (x,)),))
FORMAT = "matproof-certificate/1"


class KernelError(Exception):
    """The certificate is not accepted; `step` is the 1-based step at fault (0: the whole)."""

    def __init__(self, message: str, step: int = 0):
        super().__init__(f"step {step}: {message}" if step else message)
        self.step = step


# ---- the normal form -------------------------------------------------------

def _neg(x: S.Expr) -> S.Expr:
    if x.op == S.NEG:
        return x.args[0]
    if x.op == S.NUM:
        return S.Expr(S.NUM, (), -x.attr)
    if x.op == S.MUL and x.args[0].op == S.NUM:
        return S.Expr(S.MUL, (S.Expr(S.NUM, (), -x.args[0].attr),) + x.args[1:])
    return S.Expr(S.NEG, (x,))


def nf(e: S.Expr, symbols: dict | None = None, memo: dict | None = None) -> S.Expr:
    """The AC normal form `matproof-ac/2`; with the theorem's `symbols`, scalars commute too.
    `memo` (a dict kept by the caller, for one set of symbols) saves normalizing a subterm twice."""
    return _nf(e, symbols, {}, {} if memo is None else memo)


def _nf(e: S.Expr, symbols: dict | None, shapes: dict, memo: dict) -> S.Expr:
    done = memo.get(e)
    if done is None:
        done = memo[e] = _nf_node(e, symbols, shapes, memo)
    return done


def _nf_node(e: S.Expr, symbols: dict | None, shapes: dict, memo: dict) -> S.Expr:
    args = [_nf(a, symbols, shapes, memo) for a in e.args]
    op = e.op
    if op == S.NEG:
        return _neg(args[0])
    if op not in (S.MUL, S.ADD, S.KRON, S.HAD):
        return S.Expr(op, tuple(args), e.attr)
    flat: list[S.Expr] = []
    sign = False
    for a in args:
        if op == S.MUL and a.op == S.NEG:
            sign, a = not sign, a.args[0]
        flat.extend(a.args if a.op == op else (a,))
    if op == S.MUL:
        coeff = Fraction(1)
        rest = []
        for f in flat:
            if f.op == S.NUM:
                coeff *= f.attr
            else:
                rest.append(f)
        if symbols is not None:
            rest = _sorted_scalars(rest, symbols, shapes)
        flat = ([S.Expr(S.NUM, (), coeff)] if coeff != 1 or not rest else []) + rest
    if op in (S.ADD, S.HAD):
        flat.sort(key=repr)
    out = flat[0] if len(flat) == 1 else S.Expr(op, tuple(flat))
    return _neg(out) if sign else out


def _sorted_scalars(factors: list[S.Expr], symbols: dict, shapes: dict) -> list[S.Expr]:
    """Scalars commute with every factor: the runs of factors whose product is 1×1 (`α`,
    `aᵀ b`, `aᵀ X b`; the leftmost shortest one, again and again) go to the front, sorted."""
    scalars: list[list[S.Expr]] = []
    rest = list(factors)
    i = 0
    while i < len(rest):
        n = _scalar_run(rest, i, symbols, shapes)
        if n:
            scalars.append(rest[i:i + n])
            del rest[i:i + n]
            i = 0   # taking a run out may join what was on either side into a new one
        else:
            i += 1
    scalars.sort(key=repr)
    return [f for run in scalars for f in run] + rest


def _scalar_run(factors: list[S.Expr], i: int, symbols: dict, shapes: dict) -> int:
    """The length of the shortest run from factor i whose product is 1×1, or 0."""
    rows, cols = shape_of(factors[i], symbols, shapes)
    if rows != 1:
        return 0
    if cols == 1:
        return 1
    for j in range(i + 1, len(factors)):
        r, c = shape_of(factors[j], symbols, shapes)
        if r != cols:
            return 0
        cols = c
        if cols == 1:
            return j - i + 1
    return 0


# ---- terms in JSON -------------------------------------------------------------

def encode_dim(d):
    if isinstance(d, Prod):
        return {"prod": [encode_dim(f) for f in d.factors]}
    return d


def decode_dim(d):
    if isinstance(d, dict):
        return Prod(tuple(decode_dim(f) for f in d["prod"]))
    return d


def encode(e: S.Expr) -> dict:
    out: dict = {"op": e.op}
    if e.args:
        out["args"] = [encode(a) for a in e.args]
    a = e.attr
    if isinstance(a, Fraction):
        out["q"] = str(a)
    elif isinstance(a, tuple):
        out["shape"] = [encode_dim(d) for d in a]
    elif a is not None:
        out["attr"] = a
    return out


#: a number in a certificate: what `str(Fraction)` writes, of bounded length (a certificate is
#: data from anywhere: "1e1000000000" would take forever to read, "1/0" cannot be read)
_NUMBER = re.compile(r"-?[0-9]{1,64}(/[1-9][0-9]{0,63})?")


def decode(d: dict) -> S.Expr:
    if not isinstance(d, dict) or "op" not in d:
        raise KernelError("a term is malformed")
    attr = d.get("attr")
    if "q" in d:
        if not isinstance(d["q"], str) or not _NUMBER.fullmatch(d["q"]):
            raise KernelError(f"a number is malformed: {str(d['q'])[:40]!r}")
        attr = Fraction(d["q"])
    elif "shape" in d:
        attr = tuple(decode_dim(x) for x in d["shape"])
    return S.Expr(d["op"], tuple(decode(a) for a in d.get("args", [])), attr)


# ---- positions and substitution ------------------------------------------------------

def _at(e: S.Expr, path) -> S.Expr:
    for i in path:
        if not 0 <= i < len(e.args):
            raise KeyError(i)
        e = e.args[i]
    return e


def _well_typed(terms: list[S.Expr], shape, symbols) -> bool:
    """Every term fits together at every node and has `shape`."""
    try:
        return all(checked_shape(t, symbols) == shape for t in terms)
    except IllTyped:
        return False


def _constant_keys(p: S.Expr, side: str) -> dict[int, str]:
    """`#L0`, `#L1`, … (or `#R…`): the constants of a rule side in pre-order. (The search
    names them the same way in egraph/pattern.py; the kernel keeps its own copy on purpose:
    it uses nothing of the search.)"""
    out: dict[int, str] = {}
    for node in p.walk():
        if node.op in (S.IDENT, S.ZERO, S.ONES):
            out[id(node)] = f"#{side}{len(out)}"
    return out


def _instance(p: S.Expr, subst: dict[str, S.Expr], shape, keys: dict[int, str] | None = None,
              dims: dict | None = None) -> S.Expr:
    """The rule side `p` under `subst`; constants take the shape recorded for them in `subst`
    (a matched side) or, at the root, `shape`."""
    keys = keys or {}
    if p.op == S.SYM:
        if p.attr not in subst:
            raise KeyError(p.attr)
        return subst[p.attr]
    if p.op in (S.IDENT, S.ZERO, S.ONES):
        recorded = subst.get(keys.get(id(p), ""))
        if recorded is not None:
            if recorded.op != p.op:
                raise KeyError(keys[id(p)])
            return recorded
        filled = fill_dims(p.attr, dims) if dims is not None and p.attr is not None else None
        if filled is not None:
            return S.Expr(p.op, (), filled)
        if shape is None:
            raise KeyError("the shape of a constant")
        return S.Expr(p.op, (), (shape[0], shape[0]) if p.op == S.IDENT else shape)
    if p.op == S.DIMPOW:      # α^n with n the size the rule's variables were matched at
        out = S.sized_power(_instance(p.args[0], subst, None, keys, dims), (dims or {}).get(p.attr))
        if out is None:
            raise KeyError(f"the size {p.attr}")
        return out
    return S.Expr(p.op, tuple(_instance(a, subst, None, keys, dims) for a in p.args), p.attr)


# ---- rules ---------------------------------------------------------------------

def file_hash(path: Path) -> str:
    """The hash a certificate names a rule file by: of its statements (text_hash)."""
    from .safefiles import read_bytes
    return bytes_hash(read_bytes(path))


def bytes_hash(data: bytes) -> str:
    """text_hash of a file's bytes, remembered by the bytes' own SHA-256 (every theorem asks
    for the hashes of every rule file; reading the statements again each time was most of
    the cost of a proof decided by the normal form)."""
    raw = hashlib.sha256(data).hexdigest()
    hit = _STATEMENT_HASHES.get(raw)
    if hit is None:
        hit = _STATEMENT_HASHES[raw] = text_hash(data.decode("utf-8", errors="replace"))
    return hit


_STATEMENT_HASHES: dict[str, str] = {}


def text_hash(text: str) -> str:
    """SHA-256 of a rule file's statements, one a line, each with its spaces collapsed:
    comments, blank lines and layout do not count, so editing a comment of a trusted file
    invalidates no certificate; any change to a rule, a `let` or a `use` does."""
    from .parse import logical_lines
    canonical = "\n".join(" ".join(logical.split()) for _, logical, _, _ in logical_lines(text) if logical.strip())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_rules(files: list[dict], names: set[str] | None = None) -> dict:
    """Rules by name from the files a certificate names, checking their hashes; read from
    the files' own text (never from a cache on disk), and with `names`, only those rules
    (and the files' `let` lines). A rule parsed once is kept in memory under its file's
    content hash, so the checks of one run parse each rule once."""
    from .parse import parse_text
    rules = {}
    for f in files:
        p = Path(f["path"])
        if not p.is_file():
            raise KernelError(f"rule file {p} is missing")
        from .safefiles import read_bytes
        data = read_bytes(p)
        sha = bytes_hash(data)
        if sha != f["sha256"]:
            raise KernelError(f"rule file {p} has changed since the certificate was made")
        if names is None:
            rules.update((r.name, r) for r in parse_text(data.decode("utf-8"), str(p)).rules)
            continue
        missing = {n for n in names if (sha, n) not in _PARSED}
        if missing:
            found = {r.name: r for r in parse_text(data.decode("utf-8"), str(p),
                                                   keep=functools.partial(_wanted, missing)).rules}
            for n in missing:
                _PARSED[(sha, n)] = found.get(n)
        rules.update((n, _PARSED[(sha, n)]) for n in names if _PARSED[(sha, n)] is not None)
    return rules


#: rules parsed from rule files in this process, by (the file's SHA-256, the rule's name);
#: None where the file has no such rule
_PARSED: dict[tuple[str, str], object] = {}


#: a statement's first word, and a rule's name
_STATEMENT = re.compile(r"\s*(let|rule)\b\s*([^\s:]*)")


def _wanted(names: set[str], statement: str) -> bool:
    """A `let`, or a rule named in `names`."""
    m = _STATEMENT.match(statement)
    return m is not None and (m.group(1) == "let" or m.group(2) in names)


# ---- facts -------------------------------------------------------------------------

class _Facts:
    """What the kernel knows of a link's terms: the declarations, and the domain of the
    theorem — the conditions its sides need to be defined (meaning.requirements), with
    what they imply (`α β ≠ 0` ⇒ `α ≠ 0`, `A B` invertible and square ⇒ A and B are).
    A step is accepted only where its terms are defined wherever the theorem is
    (`defined`): a rule read backwards cannot bring in `0⁻¹`, `log(−1)` or a singular
    inverse."""

    def __init__(self, typed, varying: set[str], sides: list[S.Expr]):
        from .normalform import NormalForm
        self.symbols = typed.symbols
        self.varying = varying
        self.form = NormalForm(typed.symbols)
        self.known: dict[str, set[S.Expr]] = {}
        for kind, e in assumed_facts(typed.assumptions):
            self._know(kind, e)
        for side in sides:
            for kind, e in requirements(side, self.shape):
                self._know(kind, e)
        for kind, terms in self.known.items():
            for e in terms:
                if _never(kind, e, self.symbols):
                    raise KernelError(f"the theorem is defined nowhere: it needs {_text(e)} {_KIND_TEXT[kind]}")

    def shape(self, e: S.Expr):
        return shape_of(e, self.symbols)

    def key(self, e: S.Expr) -> S.Expr:
        """A fact's term as it is looked up: its polynomial normal form (so that ‖X‖² > 0
        answers for tr(X Xᵀ)), or its AC normal form where it has none."""
        from .normalform import NoNormalForm
        try:
            return self.form.of(e)
        except NoNormalForm:
            return nf(e, self.symbols)

    def _know(self, kind: str, e: S.Expr) -> None:
        """Record a fact and what it implies about the parts of its term."""
        key = self.key(e)
        if key in self.known.setdefault(kind, set()):
            return
        self.known[kind].add(key)
        op = e.op
        if kind == "positive":
            self._know("nonzero", e)
            if op == "det":
                self._know("invertible", e.args[0])
        elif kind == "nonzero":       # of a scalar; of a matrix: of every entry
            if op in (S.NEG, S.INV, S.POW, S.DIMPOW, S.T, S.RECIP):
                self._know("nonzero", e.args[0])
            elif op == S.MUL and sum(self.shape(f) != (1, 1) for f in e.args) <= 1:
                for f in e.args:      # α A ≠ 0 entry by entry: α ≠ 0 and every entry of A
                    self._know("nonzero", f)
            elif op == "det":
                self._know("invertible", e.args[0])
            elif op == "abs":         # |α| ≠ 0 ⇒ α ≠ 0
                self._know("nonzero", e.args[0])
            elif op == S.NORM:      # ‖x‖ ≠ 0 ⇒ ‖x‖ > 0 and ‖x‖² = ⟨x, x⟩ > 0
                self._know("positive", e)
                self._know("positive", S.Expr(S.INNER, (e.args[0], e.args[0])))
        elif kind == "invertible":
            if op in (S.T, S.INV, S.NEG):
                self._know("invertible", e.args[0])
            elif op == "diag" and self.shape(e.args[0])[1] == 1:     # diag(a): every aᵢ ≠ 0
                self._know("nonzero", e.args[0])
            elif op == S.MUL:
                n = self.shape(e)[0]
                if all(self.shape(f) == (n, n) for f in e.args):
                    for f in e.args:
                        self._know("invertible", f)

    def holds(self, kind: str, e: S.Expr) -> bool:
        if kind == "constant":
            return is_constant(e, self.varying)
        shape = self.shape(e)
        if kind == "scalar":
            return shape == (1, 1)
        if kind == "square":
            return shape[0] == shape[1]
        if kind == "invertible" and shape == (1, 1):
            return False     # a scalar's inverse needs it nonzero (below), not `invertible`
        if e.op == S.SYM and kind in self.symbols[e.attr].props:   # declared, with what it implies
            return True
        if self.key(e) in self.known.get(kind, set()):      # assumed by the theorem
            return True
        if kind in _WEAKER and self.holds(_WEAKER[kind], e):
            return True
        if kind in ("nonzero", "positive", "nonnegative"):
            return self._sign(kind, e, shape)
        if kind == "invertible" and e.op in (S.IDENT, S.COMM):     # K_{m,n}⁻¹ = K_{n,m}
            return True
        if kind == "invertible" and e.op == "diag" and self.shape(e.args[0])[1] == 1:
            return self.holds("nonzero", e.args[0])
        parts = derived(kind, e, self.shape)
        return parts is not None and all(self.holds(kind, x) for x in parts)

    def _sign(self, kind: str, e: S.Expr, shape) -> bool:
        """`nonzero`, `positive` or `nonnegative` (entry by entry) from the term's structure."""
        op = e.op
        if op == S.NUM:
            return e.attr != 0 if kind == "nonzero" else e.attr > 0 if kind == "positive" else e.attr >= 0
        if op == S.ONES:
            return True
        if op == S.T or (shape == (1, 1) and op in (S.INV, S.DIMPOW)):
            return self.holds(kind, e.args[0])
        if op == S.POW and shape == (1, 1):
            return self.holds(kind, e.args[0]) or (kind == "nonnegative" and e.attr.numerator % 2 == 0)
        if op in (S.MUL, S.HAD):
            if kind == "nonzero" and any(self.shape(f) != (1, 1) for f in e.args):
                return False
            return all(self.holds(kind, f) for f in e.args)
        if op in (S.NEG, S.RECIP) and kind == "nonzero":
            return self.holds(kind, e.args[0])
        if op in (S.ADD, S.INNER, "sum", "tr") and kind != "nonzero":   # sums of positive entries
            return all(self.holds(kind, t) for t in e.args)
        if op == "det" and kind == "nonzero":
            return self.holds("invertible", e.args[0])
        if op == "det" and kind == "positive":
            return declared(kind, e, self.symbols)
        if op in (S.NORM, "sqrt") and kind == "nonnegative":
            return True
        parts = derived("positive", e, self.shape) if kind != "nonzero" else None
        return parts is not None and all(self.holds("positive", x) for x in parts)

    def defined(self, e: S.Expr, n: int) -> None:
        """KernelError unless `e` is defined wherever the theorem is."""
        for kind, x in requirements(e, self.shape):
            if not self.holds(kind, x):
                raise KernelError(f"{_text(e)} is not defined everywhere the theorem is: it needs "
                                  f"{_text(x)} {_KIND_TEXT[kind]}", n)


#: a condition that a stronger one gives: positive ⇒ nonzero, nonnegative
_WEAKER = {"nonzero": "positive", "nonnegative": "positive"}
_KIND_TEXT = {"nonzero": "≠ 0", "positive": "> 0", "nonnegative": "≥ 0", "invertible": "invertible"}


def _text(e: S.Expr) -> str:
    from .printing import to_unicode
    return to_unicode(e)


def _never(kind: str, e: S.Expr, symbols) -> bool:
    """Whether the condition can hold nowhere: its term is 0 (by the polynomial normal
    form), or a number of the wrong sign."""
    if kind not in _KIND_TEXT:
        return False
    if e.op == S.NUM:
        return not (e.attr != 0 if kind == "nonzero" else e.attr > 0 if kind == "positive" else e.attr >= 0)
    if kind == "nonnegative":
        return False
    from .normalform import NoNormalForm, NormalForm
    try:
        return NormalForm(symbols).poly(e) == {}
    except NoNormalForm:
        return False


def _typed_rule(rule) -> tuple:
    """The rule typed in its own dimensions, and the rule with its typed sides: kept for
    the rule objects `load_rules` keeps (the same object, so the same text)."""
    hit = _TYPED.get(id(rule))
    if hit is not None and hit[0] is rule:
        return hit[1]
    rt = type_rule(rule)
    out = (rt, type(rule)(rule.name, rt.exprs[0], rt.exprs[1], rule.bidirectional,
                          rule.conditions, rule.decls, rule.line, rule.text))
    _TYPED[id(rule)] = (rule, out)
    return out


_TYPED: dict[int, tuple] = {}


# ---- replay --------------------------------------------------------------------------

def check_steps(lhs: S.Expr, rhs: S.Expr, steps: list[dict], rules: dict, typed,
                varying: set[str]) -> None:
    """Raise KernelError unless `steps` rewrite lhs into rhs (modulo the normal form);
    `varying` are the symbols the condition constant(…) must avoid."""
    facts = _Facts(typed, varying, list(typed.exprs) + [lhs, rhs])
    facts.defined(lhs, 0)
    typed_rules: dict[str, tuple] = {}     # each rule typed once, however many steps use it
    current = nf(lhs, typed.symbols)
    side_shape = checked_shape(lhs, typed.symbols)
    for n, st in enumerate(steps, 1):
        try:
            before, after = decode(st["before"]), decode(st["after"])
            facts.defined(before, n)
            facts.defined(after, n)
            if "lemma" in st:
                _check_lemma(st, before, after, current, side_shape, typed, rules, n)
                current = nf(after, typed.symbols)
                continue
            if "reflection" in st:
                _check_reflection(st, before, after, current, side_shape, typed, facts, n)
                current = nf(after, typed.symbols)
                continue
            if st.get("rule") == POWER_RULE:
                _follows(before, after, current, side_shape, typed, n)
                site = _at(before, st["path"])
                if site.op != S.D or site.args[0].op != S.POW or shape_of(site, typed.symbols) != (1, 1):
                    raise KernelError("the power rule applies to d(xᵖ) of a scalar x", n)
                power = site.args[0]
                new = S.replace_at(before, st["path"], d_power(power.args[0], Fraction(power.attr)))
                if nf(new, typed.symbols) != nf(after, typed.symbols):
                    raise KernelError("the power rule does not give the step's result", n)
                current = nf(after, typed.symbols)
                continue
            rule = rules.get(st["rule"])
            if rule is None:
                raise KernelError(f"no rule named {st['rule']!r}", n)
            if rule.name not in typed_rules:   # shapes of constants as templates in the rule's dimensions
                typed_rules[rule.name] = _typed_rule(rule)
            rule_typed, rule = typed_rules[rule.name]
            # a rule is an equation: a proof of equality may use it either way
            if st["direction"] == "->":
                (pl, sl), (pr, sr) = (rule.lhs, "L"), (rule.rhs, "R")
            elif st["direction"] == "<-":
                (pl, sl), (pr, sr) = (rule.rhs, "R"), (rule.lhs, "L")
            else:
                raise KernelError(f"unknown direction {st['direction']!r}", n)
            _follows(before, after, current, side_shape, typed, n)
            subst = {k: decode(v) for k, v in st["subst"].items()}
            for var, value in subst.items():
                if var[0] != "#" and is_greek(var[0]) and var[0].islower() \
                        and shape_of(value, typed.symbols) != (1, 1):
                    raise KernelError(f"{var} must be a scalar", n)
            site = _at(before, st["path"])
            window = st.get("window")
            if window is not None:
                s, e = window
                if site.op != S.MUL or not 0 <= s < e <= len(site.args):
                    raise KernelError("the window is not a run of factors of a product", n)
                part = site.args[s] if e - s == 1 else S.Expr(S.MUL, site.args[s:e])
            else:
                part = site
            shape = shape_of(part, typed.symbols)
            dims: dict = {}
            for var, value in subst.items():
                if not var.startswith("#") and var in rule_typed.symbols:
                    if not bind_dims(rule_typed.symbols[var].shape, shape_of(value, typed.symbols), dims):
                        raise KernelError(f"{var} does not have the shape the rule gives it", n)
            want = _instance(pl, subst, shape, _constant_keys(pl, sl), dims)
            if nf(part, typed.symbols) != nf(want, typed.symbols):
                raise KernelError(f"the term at the position is not an instance of {rule.name}", n)
            for kind, arg in rule.conditions:
                if not facts.holds(kind, _instance(arg, subst, None)):
                    raise KernelError(f"condition {kind}(…) of {rule.name} does not hold", n)
            new = _instance(pr, subst, shape, _constant_keys(pr, sr), dims)
            if not _well_typed([want, new], shape, typed.symbols):
                raise KernelError("the rule instance is not well-typed", n)
            if window is not None:
                s, e = window
                new = S.Expr(S.MUL, site.args[:s] + (new,) + site.args[e:])
            result = S.replace_at(before, st["path"], new)
            if nf(result, typed.symbols) != nf(after, typed.symbols):
                raise KernelError(f"applying {rule.name} does not give the step's result", n)
            current = nf(after, typed.symbols)
        except KernelError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
            raise KernelError(f"malformed step ({type(err).__name__}: {err})", n) from None
    if current != nf(rhs, typed.symbols):
        raise KernelError("the last step does not end at the right side")


def _follows(before: S.Expr, after: S.Expr, current: S.Expr, shape, typed, n: int) -> None:
    """KernelError unless step n starts where the last one ended and both its terms are
    well-typed with the side's shape (asked of every kind of step)."""
    if nf(before, typed.symbols) != current:
        raise KernelError("does not start from the term the previous step ended with", n)
    if not _well_typed([before, after], shape, typed.symbols):
        raise KernelError("a term of the step is not well-typed", n)


#: how deep lemmas may nest (a derivative inside a derivative's value…); a certificate is data
#: from anywhere, and a deeper one is refused rather than followed
MAX_LEMMA_DEPTH = 8
_LEMMA_DEPTH = 0


def _check_lemma(st: dict, before: S.Expr, after: S.Expr, current: S.Expr, shape, typed, rules: dict,
                 n: int) -> None:
    """A derivative inside the link replaced by its value (or back): the step carries the
    certificate of `derivative = value`, which is verified in full, over the same symbols."""
    if st.get("rule") != "lemma" or not isinstance(st["lemma"], dict):
        raise KernelError("a lemma step without its certificate", n)
    _follows(before, after, current, shape, typed, n)
    global _LEMMA_DEPTH
    if _LEMMA_DEPTH >= MAX_LEMMA_DEPTH:
        raise KernelError(f"lemmas nested more than {MAX_LEMMA_DEPTH} deep", n)
    _LEMMA_DEPTH += 1
    try:
        lemma = verify(st["lemma"], rules)
    except KernelError as e:
        raise KernelError(f"its lemma is not proved: {e}", n) from None
    finally:
        _LEMMA_DEPTH -= 1
    for name, info in lemma.symbols.items():
        outer = typed.symbols.get(name)
        if outer is None or (outer.shape, outer.props) != (info.shape, info.props):
            raise KernelError(f"its lemma gives {name} another shape or other properties", n)
    if len(lemma.exprs) != 2:
        raise KernelError("a lemma is one equation", n)
    # only a derivative's value may be imported: ∂f/∂X = G holds as functions of every symbol,
    # so it holds inside any term; an equation between differentials (d(X Y) = X dY) holds only
    # for what varies where it was proved, and may not be carried elsewhere
    grad = st["lemma"].get("gradient")
    if not isinstance(grad, dict) or grad.get("side") not in (0, 1):
        raise KernelError("a lemma must be a derivative's value (∂f/∂X = G), proved by its identification", n)
    derivative = lemma.exprs[grad["side"]]
    if not isinstance(identify(derivative, lemma.exprs[1 - grad["side"]], lemma.symbols), Identification):
        raise KernelError("a lemma's side is not a derivative", n)
    old, new = lemma.exprs if st["direction"] == "->" else lemma.exprs[::-1]
    if nf(_at(before, st["path"]), typed.symbols) != nf(old, typed.symbols):
        raise KernelError("the term at the position is not the lemma's side", n)
    if nf(S.replace_at(before, st["path"], new), typed.symbols) != nf(after, typed.symbols):
        raise KernelError("replacing by the lemma does not give the step's result", n)


def _check_reflection(st: dict, before: S.Expr, after: S.Expr, current: S.Expr, shape, typed, known: "_Facts",
                      n: int) -> None:
    """A step decided by the polynomial normal form: the kernel computes it for both terms
    itself (proof by reflection) and accepts the step only if they are equal. A step may be
    multiplied through (its `subst` names `left` and `right`): then L before R and L after R
    must have one normal form, L and R sums that are invertible where the theorem is — so
    before = after."""
    from .normalform import VERSION, NormalForm
    if st["reflection"] != VERSION or st.get("rule") != NORMAL_FORM_STEP:
        raise KernelError(f"unknown normal form {st['reflection']!r}", n)
    _follows(before, after, current, shape, typed, n)
    facts = st.get("facts", [])
    if not isinstance(facts, list) or not all(isinstance(f, str) for f in facts):
        raise KernelError("the step's facts are not a list of facts", n)
    for fact in facts:
        if not fact_holds(fact, typed.symbols):
            raise KernelError(f"the fact {fact} is not declared", n)
    form = NormalForm(typed.symbols, frozenset(facts))
    through = {k: decode(v) for k, v in (st.get("subst") or {}).items()}
    if not through:
        if not form.equal(before, after):
            raise KernelError("the two terms do not have one normal form"
                              + (" (with the facts the step names)" if facts else ""), n)
        return
    if set(through) - {"left", "right"}:
        raise KernelError("a normal-form step is multiplied through on the left or the right only", n)
    rows, cols = shape
    for side, m in through.items():
        size = rows if side == "left" else cols
        if m.op != S.ADD or not _well_typed([m], (size, size), typed.symbols):
            raise KernelError(f"the {side} multiplier is not a square sum of the right size", n)
        known.defined(m, n)
        if not known.holds("invertible", m):
            raise KernelError(f"the {side} multiplier {_text(m)} is not known to be invertible", n)
    if not form.equal_through(before, after, through.get("left"), through.get("right")):
        raise KernelError("multiplied through, the two terms do not have one normal form", n)


def read_theorem(cert: dict):
    """The theorem a certificate claims, re-parsed and re-typed from its own text."""
    from .parse import parse_text
    from .typecheck import type_theorem
    if not isinstance(cert, dict) or cert.get("format") != FORMAT or cert.get("normal_form") != NORMAL_FORM:
        raise KernelError("not a matproof certificate of a known format")
    from .errors import MatproofError
    try:
        doc = parse_text(cert["theorem"]["text"], cert["theorem"].get("file", "<certificate>"))
        matching = [t for t in doc.theorems if t.name == cert["theorem"]["name"]]
        if not matching:
            raise KernelError("the certificate's theorem is not in its text")
        return type_theorem(matching[0])
    except MatproofError as e:
        raise KernelError(f"the certificate's theorem does not read: {e.message}") from None


def same_theorem(a, b) -> bool:
    """Whether two typed theorems say the same thing: the same symbols with the same shapes
    and properties, and sides equal modulo the normal form, in the same order."""
    if len(a.exprs) != len(b.exprs):
        return False
    if {n: (i.shape, i.props) for n, i in a.symbols.items()} != \
            {n: (i.shape, i.props) for n, i in b.symbols.items()}:
        return False
    return all(nf(x, a.symbols) == nf(y, b.symbols) for x, y in zip(a.exprs, b.exprs))


def verify(cert: dict, rules: dict | None = None):
    """Check a whole certificate; raise KernelError with the faulty step if it fails, else
    return the theorem it proves (typed), so that a caller can compare it with its own.
    `rules` (by name) replaces loading the files the certificate names, for a caller that
    has decided which rule files it trusts."""
    typed = read_theorem(cert)
    link = cert["theorem"].get("link", 0)
    if not isinstance(link, int) or not 0 <= link < len(typed.exprs) - 1:
        raise KernelError("the certificate's link is not in the chain")
    if rules is None:
        rules = load_rules(cert["rule_files"])
    lhs, rhs = typed.exprs[link], typed.exprs[link + 1]
    grad = cert.get("gradient")
    if grad is None:
        check_steps(lhs, rhs, cert["steps"], rules, typed, varying_symbols(typed.exprs, typed.symbols))
        return typed
    # ∂f/∂X = G is proved as d f = ⟨G, dX⟩ with only X varying (the identification of §6),
    # and so are Jacobians and Hessians by theirs (§5b; meaning.identify)
    derivative, value = (lhs, rhs) if grad["side"] == 0 else (rhs, lhs)
    ident = identify(derivative, value, typed.symbols)
    if isinstance(ident, str):
        raise KernelError(f"an identification certificate for a link where {ident}")
    if ident.kind != grad.get("kind", "gradient"):
        raise KernelError(f"the certificate identifies a {grad.get('kind', 'gradient')}, the link is a {ident.kind}")
    if ident.kind.endswith("gradient") and shape_of(derivative.args[0], typed.symbols) != (1, 1):
        raise KernelError("∂f/∂X is identified through d f = ⟨G, dX⟩ only for a scalar f")
    check_steps(ident.start, ident.goal, cert["steps"], rules, typed, {ident.wrt})
    if ident.symmetric is not None:
        from .normalform import NormalForm
        if not NormalForm(typed.symbols).equal(ident.symmetric, S.transpose(ident.symmetric)):
            raise KernelError(f"a {ident.kind} is identified only with a symmetric value, and the "
                              "normal form does not find this one symmetric")
    return typed
