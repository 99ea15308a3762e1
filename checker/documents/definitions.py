"""Definitions in a derivation: `f(X) = a^\\top X^{-1} b`, `\\ell(w) := …`, or by hand
`matproof: define ℓ(w) = …`.

A derivation names its function once and then differentiates the name: `\\mathrm{d}f =
…`, `\\nabla_w \\ell = …`. Read literally, f would be a symbol of its own, constant in
X, and every such step would be "refuted". So a chain whose first side is a name
applied to names (`f(X)`, `\\ell(w, b)`), or a name followed by a defining sign (`:=`,
`\\coloneqq`, `\\triangleq`), defines that name; the rest of the chain, if two sides
or more, is still an identity to check. In every later formula the name (`f`, or
`f(Y)` with its arguments put for the parameters) stands for its body in brackets.

A chain `s = BODY` with a bare name on the left *names* BODY (`bare_definition`): s
is no function of anything said, so BODY stands for s only where that cannot change
what varies — in formulas without differentials or derivatives (`algebraic`), and where
a formula differentiates s itself; a formula of calculus whose named values depend on
what varies there is not read (`named_in_calculus`). A name for a derivative
(`G = \\partial L/\\partial S`) is no theorem, and its value is never put for it.

Without a definition, a formula whose first side differentiates a bare name that
appears nowhere else (`df = 2x^\\top dx`, `\\nabla_w \\ell = …`) says nothing matproof
can check: it is "not read", with a hint, never refuted (`undefined_subject`).

Everything here works on the formula's text, keeping for each character the offset it
stands for, so that a problem in a substituted body is shown at the name's place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: signs that define the name on their left, written in place of the chain's first `=`
DEFINING_SIGNS = (":=", "\\coloneqq", "\\triangleq", "≔", "≜", "\\stackrel{\\text{def}}{=}",
                  "\\overset{\\text{def}}{=}", "\\stackrel{\\mathrm{def}}{=}", "\\overset{\\mathrm{def}}{=}")
MAX_BODY = 4000           # a body longer than this is not substituted (the formula grows without bound)
MAX_FORMULA = 20_000      # a formula the definitions make longer than this is not read


class Unreadable(ValueError):
    """A chain its definitions make unreadable; the message says why."""


class TooLarge(Unreadable):
    """Definitions that would make a formula longer than MAX_FORMULA characters."""


@dataclass(frozen=True)
class Definition:
    name: str                       # the symbol's name as the lexer reads it (ℓ, f, L)
    params: tuple[str, ...]
    body: str                       # LaTeX, ready to stand in brackets
    # a name for a derivative (G = ∂L/∂S, L defined nowhere): its value is never put for it,
    # since the derivative of an undefined name would read as that of a constant, 0
    opaque: bool = False
    # a name a `let` declares (K = P Hᵀ S⁻¹ with `let K: n×m`): a symbol the author typed, so
    # in a formula of calculus its value is not put for it where it does not vary (δ₂ is held
    # fixed in ∂(δ₂ᵀ W z)/∂W); where its value varies, the formula is ambiguous all the same
    declared: bool = False
    # why the value does not fit the name's declaration, as matproof reads it (Σ₀ = diag(σ²)
    # with σ read as a scalar, not the k-vector meant): a formula that uses it is not read
    misfit: str = ""


def _tokens(text: str, declared: set[str]):
    """The lexer's tokens of `text` (None if it cannot be read); each knows its offsets."""
    from ..errors import SyntaxProblem
    from ..lexer import Lexer

    def error(message, start, end=None, hint=None):
        return SyntaxProblem(message, 1, start + 1)
    try:
        lexer = Lexer(text, lambda o: (1, o + 1), declared, error)
        lexer.lex_expression()
        return lexer.out
    except Exception:            # noqa: BLE001 - unreadable here is unread later, with its message
        return None


def with_equals(chunk: str) -> tuple[str, bool]:
    """The chunk with its first defining sign written as `=` (padded, so that every other
    character keeps its offset), and whether it had one."""
    first = min(((chunk.find(s), s) for s in DEFINING_SIGNS if s in chunk), default=None)
    if first is None:
        return chunk, False
    at, sign = first
    eq = chunk.find("=")
    if 0 <= eq < at:             # an `=` before it: the sign does not define the first side
        return chunk, False
    return chunk[:at] + "=" + " " * (len(sign) - 1) + chunk[at + len(sign):], True


def sides(chunk: str) -> list[tuple[int, int]]:
    """The spans of a chain's sides: split at each `=` outside brackets."""
    out, depth, start = [], 0, 0
    i = 0
    while i < len(chunk):
        c = chunk[i]
        if c == "\\":
            i += 2
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "=" and depth <= 0:
            out.append((start, i))
            start = i + 1
        i += 1
    out.append((start, len(chunk)))
    return out


def head(text: str, declared: set[str]) -> tuple[str, tuple[str, ...]] | None:
    """`f`, `f(X)`, `\\ell(w, b)`: the name and its parameters, if `text` is only that."""
    toks = _tokens(text, declared)
    if not toks or toks[0].type != "SYM":
        return None
    rest = toks[1:]
    if not rest:
        return toks[0].value, ()
    if rest[0].type != "LPAR" or rest[-1].type != "RPAR":
        return None
    inner = rest[1:-1]
    names = inner[0::2]
    commas = inner[1::2]
    if not names or any(t.type != "SYM" for t in names) or any(t.type != "COMMA" for t in commas):
        return None
    return toks[0].value, tuple(t.value for t in names)


def definition_of(chunk: str, declared: set[str], signed: bool) -> tuple[Definition, int] | None:
    """The definition a chain makes (and where its body's side begins), if it makes one;
    `chunk` as `with_equals` gives it, `signed` whether it had a defining sign."""
    spans = sides(chunk)
    if len(spans) < 2:
        return None
    a, b = spans[0]
    got = head(chunk[a:b], declared)
    if got is None or not (signed or got[1]):
        return None
    name, params = got
    if name in declared or name in params:
        return None
    body = _second_side(chunk, spans)
    return (Definition(name, params, body), spans[1][0]) if body else None


def _second_side(chunk: str, spans: list[tuple[int, int]]) -> str:
    """The text of a chain's second side, on one line; "" if empty or too long to stand for a name."""
    c, d = spans[1]
    body = " ".join(chunk[c:d].split())
    return body if len(body) <= MAX_BODY else ""


def bare_definition(chunk: str, declared: set[str]) -> tuple[Definition, int] | None:
    """`s = v^\\top\\tanh(Wx)`: a chain whose first side is a bare name, not on its other
    sides, names that body (and where the body's side begins); see the module
    docstring for where a named body is put for its name."""
    spans = sides(chunk)
    if len(spans) < 2:
        return None
    a, b = spans[0]
    got = head(chunk[a:b], declared)      # (declared or not: `let K: n×m` types the gain K = …)
    if got is None or got[1]:
        return None
    rest = _tokens(chunk[b + 1:], declared)
    if rest is None or any(t.type in ("SYM", "NABLA", "NABLA2") and t.value == got[0] for t in rest):
        return None
    body = _second_side(chunk, spans)
    if not body:
        return None
    return Definition(got[0], (), body, opaque=not algebraic(body, declared),
                      declared=got[0] in declared), spans[1][0]


#: tokens that make a formula one of calculus: there a named body (s = …) would change what
#: varies, so it stands only for an undefined subject
CALCULUS = {"D", "DF", "PARTIAL", "NABLA", "NABLA2", "FRAC_PARTIAL", "DSLASH", "FUNC2"}


def algebraic(chunk: str, declared: set[str]) -> bool:
    """Whether a chain has no differential or derivative (where putting a named value for its
    name keeps every true identity true)."""
    toks = _tokens(chunk, declared)
    return toks is not None and not any(t.type in CALCULUS for t in toks)


def substitute(chunk: str, offsets: list[int], defs: dict[str, Definition], declared: set[str]
               ) -> tuple[str, list[int]]:
    """The chunk with each defined name (and its arguments, if it is called) replaced by its
    body in brackets; every character of a body stands at the name's offset."""
    defs = {n: d for n, d in defs.items() if not d.opaque}
    if not defs:
        return chunk, offsets
    toks = _tokens(chunk, declared)
    if toks is None:
        return chunk, offsets
    # a name with an occurrence whose place is not its own (inside e^{…}) is put for nowhere:
    # for some occurrences only, the formula would mix the name and its value
    defs = {n: d for n, d in defs.items()
            if all(_spells(chunk[t.start_pos:t.end_pos], n, declared) for t in toks
                   if t.type == "SYM" and t.value == n)}
    text, where, last = [], [], 0
    i = 0
    while i < len(toks):
        t = toks[i]
        d = defs.get(t.value) if t.type == "SYM" else None
        if d is None:
            i += 1
            continue
        end, args, j = t.end_pos, None, i + 1
        if d.params and j < len(toks) and toks[j].type == "LPAR":
            args, k, depth, start = [], j + 1, 0, toks[j].end_pos
            while k < len(toks):          # the arguments, split at commas outside brackets
                u = toks[k]
                if u.type in ("LPAR", "LBRACK", "LBRACE", "LANGLE"):
                    depth += 1
                elif u.type in ("RPAR", "RBRACK", "RBRACE", "RANGLE"):
                    if depth == 0:
                        args.append(chunk[start:u.start_pos])
                        break
                    depth -= 1
                elif u.type == "COMMA" and depth == 0:
                    args.append(chunk[start:u.start_pos])
                    start = u.end_pos
                k += 1
            if k >= len(toks) or len(args) != len(d.params):
                i += 1
                continue
            end, j = toks[k].end_pos, k + 1
        body = _with_arguments(d, args, declared)
        text.append(chunk[last:t.start_pos])
        where.extend(offsets[last:t.start_pos])
        piece = "(" + body + ")"
        text.append(piece)
        where.extend([offsets[t.start_pos]] * len(piece))
        last, i = end, j
    text.append(chunk[last:])
    where.extend(offsets[last:])
    if len(where) > MAX_FORMULA:
        raise TooLarge(f"the definitions make this formula longer than {MAX_FORMULA} characters")
    return "".join(text), where


NABLA_RE = re.compile(r"(\\nabla|∇)(\s*\^\s*(?:2|\{\s*2\s*\})|²)?(?!\s*[_^])")


def nabla_variables(chunk: str, offsets: list[int], defs: dict[str, Definition], declared: set[str]
                    ) -> tuple[str, list[int]]:
    """`\\nabla f(x)` with no subscript, where f was defined with one parameter: the gradient in
    that parameter, `\\nabla_{x} f(x)` (likewise `\\nabla^2`)."""
    from .. import syntax as S
    from ..printing import to_latex
    one = {n: d.params[0] for n, d in defs.items() if len(d.params) == 1}
    if not one or not NABLA_RE.search(chunk):
        return chunk, offsets
    text, where, last = [], [], 0
    for m in NABLA_RE.finditer(chunk):
        toks = _tokens(chunk[m.end():m.end() + 60].split("=")[0], declared) or []
        name = toks[0].value if toks and toks[0].type == "SYM" else None
        if name not in one:
            continue
        insert = "_{" + to_latex(S.sym(one[name])) + "}"
        text.append(chunk[last:m.end()])
        where.extend(offsets[last:m.end()])
        text.append(insert)
        where.extend([offsets[m.start()]] * len(insert))
        last = m.end()
    text.append(chunk[last:])
    where.extend(offsets[last:])
    return "".join(text), where


def _spells(text: str, name: str, declared: set[str]) -> bool:
    """Whether `text` is that name alone (its token's place is its own)."""
    toks = _tokens(text, declared)
    return toks is not None and len(toks) == 1 and toks[0].type == "SYM" and toks[0].value == name


def check_fits(chunk: str, named: dict[str, Definition], declared: set[str]) -> None:
    """Raise Unreadable where the chain uses a name whose value does not fit its declaration."""
    toks = _tokens(chunk, declared) or []
    for t in toks:
        d = named.get(t.value) if t.type == "SYM" else None
        if d is not None and d.misfit:
            raise Unreadable(f"{d.name} was said to be {d.body}, which does not fit its declaration: {d.misfit}")


def substitute_all(chunk: str, offsets: list[int], defs: dict[str, Definition], declared: set[str],
                   passes: int = 8) -> tuple[str, list[int]]:
    """`substitute` until nothing changes (a body may call what was defined before it), at most
    `passes` times."""
    for _ in range(passes):
        new, where = substitute(chunk, offsets, defs, declared)
        if new == chunk:
            break
        chunk, offsets = new, where
    return chunk, offsets


def _with_arguments(d: Definition, args: list[str] | None, declared: set[str]) -> str:
    """The body with each parameter replaced by its argument (bracketed), where they differ."""
    if not args or all(a.strip() == p for a, p in zip(args, d.params)):
        return d.body
    toks = _tokens(d.body, declared) or []
    table = dict(zip(d.params, args))
    out, last = [], 0
    for t in toks:
        if t.type == "SYM" and t.value in table:
            out.append(d.body[last:t.start_pos] + "(" + table[t.value].strip() + ")")
            last = t.end_pos
    return "".join(out) + d.body[last:]


def undefined_subject(thm) -> str | None:
    """The bare name a theorem's first side differentiates (`d f`, `∂f/∂x`, `∇_w ℓ`), if it
    appears nowhere else in the theorem: the function of a derivation never defined."""
    from .. import syntax as S
    first = thm.sides[0]
    subject = None
    if first.op == S.D and first.args[0].op == S.SYM:
        subject = first.args[0].attr
    elif first.op in (S.GRAD, S.JAC, S.HESS) and first.args[0].op == S.SYM:
        subject = first.args[0].attr
        if first.args[1].op == S.SYM and first.args[1].attr == subject:
            return None
    if subject is None:
        return None
    if any(subject in side.symbols() for side in thm.sides[1:]):
        return None
    return subject


def directive(text: str, declared: set[str]) -> Definition | None:
    """`define ℓ(w) = …` (the word `define` already taken off)."""
    normal, signed = with_equals(text)
    got = definition_of(normal, declared, signed)
    return got[0] if got else None


def varying(thm) -> set[str]:
    """The symbols a theorem lets vary (§6, as `meaning.varying_symbols` reads it from its
    differentials), and the variables of its derivatives."""
    from types import SimpleNamespace

    from .. import syntax as S
    from ..meaning import varying_symbols
    names = set().union(*(side.symbols() for side in thm.sides))
    props = {n: SimpleNamespace(props=thm.decls[n].props if n in thm.decls else frozenset()) for n in names}
    out = varying_symbols(list(thm.sides), props)
    for side in thm.sides:
        for n in side.walk():
            if n.op in (S.GRAD, S.JAC, S.HESS):
                v = n.args[1].args[0] if n.args[1].op == "vec" and n.args[1].args else n.args[1]
                if v.op == S.SYM:
                    out.add(v.attr)
    return out


def named_in_calculus(thm, named: dict[str, Definition], declared: set[str]) -> tuple[list[str], list[str]]:
    """The names (s = …) a formula of calculus uses, in two lists: those whose value depends
    on what varies there (whether the author means the name or its value cannot be told, and
    the two differ), and those that do not vary and whose value does not either (their value
    may stand for them: C = I − 𝟏𝟏ᵀ/n in ∇ₓ ½‖Cx‖² = Cx changes nothing that varies)."""
    from .. import syntax as S
    if not any(n.op in (S.D, S.GRAD, S.JAC, S.HESS) for side in thm.sides for n in side.walk()):
        return [], []
    vary = varying(thm)
    used = set().union(*(side.symbols() for side in thm.sides)) & {n for n, d in named.items() if not d.opaque}
    ambiguous, constant = [], []
    for name in sorted(used):
        toks = _tokens(named[name].body, declared) or []
        if {t.value for t in toks if t.type == "SYM"} & vary:
            ambiguous.append(name)
        elif name not in vary and not named[name].declared:
            constant.append(name)
    return ambiguous, constant
