"""From text to statements: logical lines, the Lark LALR parser, the tree builder.

A file is read one logical line at a time (comments removed, lines ending in
`\\` joined), because the declarations in force change from line to line and
the lexer needs them to split letter runs (§4). Each line's tokens go to one
shared LALR parser built from grammar/matproof.lark; `Build` turns Lark's
parse tree into `Expr`s and statements.
"""
from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from fractions import Fraction
import re
from pathlib import Path

from lark import Lark, Transformer, Token, v_args
from lark.exceptions import UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import Lexer as LarkLexer

from . import syntax as S
from .errors import SyntaxProblem
from .lexer import Lexer
from .meaning import with_implied
from .resources import grammar_file
from .statements import Decl, Declarations, Document, Rule, Theorem, Use


#: the tokens of a postfix operator (ᵀ ⁻¹ ⁻ᵀ ^k ^{∘k})
_POSTFIXES = ("TRANSPOSE", "INVERSE", "INVT", "POW", "HADPOW")


def hadamard_power(x: S.Expr, k: Fraction, span) -> S.Expr:
    """x^{∘k}: k copies of x multiplied entry by entry; ∘−1 is the entrywise reciprocal, ∘½
    the entrywise square root."""
    if k < 0:
        return S.func(S.RECIP, hadamard_power(x, -k, None) if k != -1 else x, span)
    if k == Fraction(1, 2):
        return S.func("sqrt", x, span)
    return x if k == 1 else S.had([x] * int(k), span)


class _Tokens(LarkLexer):
    """Lark's side of the hand-written lexer: the input *is* the token list."""

    def __init__(self, lexer_conf) -> None:  # noqa: D401 - Lark's signature
        pass

    def lex(self, data, *args):  # type: ignore[override]
        return iter(data)


GRAMMAR_OPTIONS = dict(parser="lalr", lexer=_Tokens, start=["start", "sum"],
                       propagate_positions=True, maybe_placeholders=False)


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    """The LALR parser. Building its tables takes about 60 ms, so Lark keeps them on disk —
    as a pickle, which runs code when it is loaded. So never in a shared folder (Lark's own
    `cache=True` uses a predictable name in $TMPDIR, where anyone can plant one): only in
    this user's private cache folder, and only a file there that no one else could have
    written (safefiles). Anything else: build the tables."""
    import hashlib

    import lark

    from .resources import cache_dir
    from .safefiles import owned_file, private_dir
    text = grammar_file().read_text(encoding="utf-8")
    folder = private_dir(cache_dir() / "parser")
    if folder is not None:
        key = hashlib.sha256(f"{lark.__version__}\n{sys.version}\n{text}".encode()).hexdigest()[:32]
        tables = folder / f"lark-{key}.pickle"
        if not os.path.lexists(tables) or owned_file(tables):
            try:
                return Lark(text, cache=str(tables), **GRAMMAR_OPTIONS)
            except Exception:      # noqa: BLE001 - unreadable or damaged tables: build them
                pass
    return Lark(text, **GRAMMAR_OPTIONS)


# ---- logical lines --------------------------------------------------------

def _strip_comment(line: str) -> str:
    in_string = False
    for i, c in enumerate(line):
        if c == '"':
            in_string = not in_string
        elif c in "#%" and not in_string and (i == 0 or line[i - 1] != "\\"):
            return line[:i]
    return line


def logical_lines(text: str):
    """Yield (first line number, logical text, [(line, col) per char], physical lines)."""
    physical = text.splitlines()
    i = 0
    while i < len(physical):
        first = i + 1
        pieces: list[str] = []
        where: list[tuple[int, int]] = []
        while True:
            raw = _strip_comment(physical[i])
            body = raw.rstrip()
            cont = body.endswith("\\") and not body.endswith("\\\\") and i + 1 < len(physical)
            if cont:
                body = body[:-1]
            pieces.append(body)
            where.extend((i + 1, c + 1) for c in range(len(body)))
            i += 1
            if not cont:
                break
            pieces.append(" ")
            where.append((i, len(body) + 1))
        yield first, "".join(pieces), where, physical


# ---- errors -----------------------------------------------------------------

DESCRIBE = {
    "SYM": "a symbol", "NUMBER": "a number", "LPAR": "'('", "RPAR": "')'",
    "LBRACK": "'['", "RBRACK": "']'", "LBRACE": "'{'", "RBRACE": "'}'",
    "EQ": "'='", "COLON": "':'", "COMMA": "','", "PLUS": "'+'", "MINUS": "'-'",
    "TIMES": "'*'", "SLASH": "'/'", "KRON": "'⊗'", "HAD": "'∘'", "ARROW": "'->'",
    "DARROW": "'<->'", "LANGLE": "'⟨'", "RANGLE": "'⟩'", "BAR": "'∣'",
    "NORM_OPEN": "'‖'", "NORM_CLOSE": "a closing '‖'", "NORM_SUB": "a norm subscript",
    "TRANSPOSE": "'ᵀ'", "INVERSE": "'⁻¹'", "INVT": "'⁻ᵀ'", "POW": "a power",
    "FUNC_CALL": "a function", "FUNC_BARE": "a function", "FUNC2": "a function",
    "D": "a differential", "PARTIAL": "'∂'", "NABLA": "'∇'", "NABLA2": "'∇²'", "DSLASH": "'/∂X'",
    "FRAC": "'\\frac'", "FRAC_PARTIAL": "'\\frac{\\partial'", "IDENT": "'I'",
    "ONES": "'𝟏'", "EXPECT": "'expect'", "TRUSTED": "'trusted'", "OSLASH": "'⊘'", "COMM": "K_{m,n}",
    "OUTCOME": "proved, refuted or unknown",
    "IF": "'if'", "AND": "'and'", "COND": "a condition", "LET": "'let'",
    "THEOREM": "'theorem'", "RULE": "'rule'", "USE": "'use'", "NAME": "a name",
    "STRING": "a quoted path", "SCALARKW": "'scalar'", "DIM": "a dimension",
    "PROP": "a property", "$END": "the end of the line", "LAYOUT": "'layout'",
    "LAYOUT_KIND": "numerator or denominator", "DF": "a differential", "HADPOW": "a Hadamard power",
    "DET_OPEN": "'|'", "DET_CLOSE": "a closing '|'",
}
_STARTS_EXPR = {"SYM", "NUMBER", "IDENT", "ONES", "COMM", "LPAR", "LBRACK", "LBRACE", "FUNC_CALL",
                "FUNC2", "LANGLE", "NORM_OPEN", "D", "FRAC", "FRAC_PARTIAL", "FUNC_BARE",
                "PARTIAL", "NABLA", "NABLA2", "MINUS", "DF", "DET_OPEN"}
_OPERATORS = {"PLUS", "MINUS", "TIMES", "SLASH", "COLON", "KRON", "HAD", "TRANSPOSE",
              "INVERSE", "INVT", "POW", "DSLASH", "SYM", "NUMBER", "LPAR"}


def describe_expected(expected: set[str]) -> str:
    exp = set(expected)
    words: list[str] = []
    if "SYM" in exp and len(exp & _STARTS_EXPR) >= 4 and not ({"EQ", "RPAR"} & exp):
        words.append("an expression")
        exp -= _STARTS_EXPR
    if len(exp & _OPERATORS) >= 4:
        words.append("an operator")
        exp -= _OPERATORS
    for t in sorted(exp, key=lambda t: (t != "RPAR", t)):
        d = DESCRIBE.get(t, t)
        if d not in words:
            words.append(d)
    if len(words) > 6:
        words = words[:6] + ["…"]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


class _BuildError(Exception):
    def __init__(self, message: str, meta_or_token, hint: str | None = None):
        super().__init__(message)
        self.where = meta_or_token
        self.hint = hint


def _span(meta) -> S.Span | None:
    if getattr(meta, "empty", True):
        return None
    return (meta.line, meta.column, meta.end_line, meta.end_column)


def _exprs(children) -> list[S.Expr]:
    return [c for c in children if isinstance(c, S.Expr)]


@dataclass(frozen=True)
class _Wrt:
    """A variable below a derivative's line: x or vec(X), transposed or not."""

    var: S.Expr
    transposed: bool


@dataclass(frozen=True)
class _Denominator:
    wrts: tuple[_Wrt, ...]


@dataclass(frozen=True)
class _Order:
    value: object


def _derivative(f: S.Expr, children, meta) -> S.Expr:
    """The derivative a line `∂ⁿf/∂…` writes (§5, §5b): ∂f/∂x (a gradient, or for a vector f
    a Jacobian in the theorem's layout: the typing decides), ∂f/∂xᵀ and ∂vec(F)/∂vec(X)ᵀ
    (the Jacobian, numerator layout), ∂²f/∂x∂xᵀ (the Hessian)."""
    order = next((c.value for c in children if isinstance(c, _Order)), None)
    (denom,) = [c for c in children if isinstance(c, _Denominator)]
    wrts = denom.wrts
    span = _span(meta)
    if order is None and len(wrts) == 1:
        w = wrts[0]
        return S.jacobian(f, w.var, span) if w.transposed else S.grad(f, w.var, span)
    if order == 2 and len(wrts) == 2 and wrts[0].var == wrts[1].var \
            and not wrts[0].transposed and wrts[1].transposed:
        return S.hess(f, wrts[0].var, span)
    raise _BuildError("a second derivative is written ∂²f/∂x∂xᵀ (a Hessian); other orders and "
                      "mixed variables are not in the language", meta,
                      "write ∂f/∂x, ∂f/∂xᵀ, ∂vec(F)/∂vec(X)ᵀ, ∂²f/∂x∂xᵀ or ∂²f/∂vec(X)∂vec(X)ᵀ")


@v_args(meta=True)
class Build(Transformer):
    """Lark tree → `Expr`s and statement tuples (finished by `parse_text`)."""

    # atoms
    def sym(self, meta, c):
        return S.sym(c[0].value, _span(meta))

    def number(self, meta, c):
        v = c[0].value
        return S.Expr(S.ZERO, (), None, _span(meta)) if v == 0 else S.num(v, _span(meta))

    def ident(self, meta, c):        # a span, so that a side `I` or `0` has its place
        size = c[0].value.partition("_")[2] or None     # I_n: the typer sizes it n if n is declared
        return S.Expr(S.IDENT, (), size, _span(meta))

    def ones(self, meta, c):
        return S.Expr(S.ONES, (), None, _span(meta))

    def commutation(self, meta, c):
        return S.Expr(S.COMM, (), c[0].value, _span(meta))

    def group(self, meta, c):
        return _exprs(c)[0]

    def call(self, meta, c):
        return self._apply(c[0], _exprs(c)[0], meta)

    def _apply(self, fn: Token, arg: S.Expr, meta) -> S.Expr:
        name, _, power = fn.value.partition("^")
        if power:            # \tanh^2(z): the value's square, entry by entry
            return hadamard_power(S.func(name, arg), Fraction(power), _span(meta))
        if name == "inv":
            return S.inverse(arg, _span(meta))
        if name == "norm":
            return S.norm(arg, None, _span(meta))
        return S.func(name, arg, _span(meta))

    def call2(self, meta, c):
        a, b = _exprs(c)
        name = c[0].value
        if name == "kron":
            return S.kron([a, b], _span(meta))
        if name == "hadamard":
            return S.had([a, b], _span(meta))
        if b.op != S.SYM and not (name == "hess" and b.op == "vec" and b.args[0].op == S.SYM):
            raise _BuildError(f"the variable of {name}(f, X) must be a symbol", meta,
                              f"write {name}(f, X) with X a single symbol")
        if name == "hess":
            return S.hess(a, b, _span(meta))
        return S.grad(a, b, _span(meta))

    def angle(self, meta, c):
        a, b = _exprs(c)
        return S.inner(a, b, _span(meta))

    def norm(self, meta, c):
        sub = [t.value for t in c if isinstance(t, Token) and t.type == "NORM_SUB"]
        return S.norm(_exprs(c)[0], sub[0] if sub else None, _span(meta))

    def dsym(self, meta, c):
        return S.diff(S.sym(c[1].value), _span(meta))

    def dgroup(self, meta, c):
        return S.diff(_exprs(c)[0], _span(meta))

    def frac(self, meta, c):
        p, q = _exprs(c)
        if p.op == S.NUM and q.op == S.NUM and q.attr != 0:
            return S.num(p.attr / q.attr, _span(meta))
        return S.mul([p, S.inverse(q)], _span(meta), flatten=False)

    def frac_deriv(self, meta, c):
        (f,) = _exprs(c)
        return _derivative(f, c, meta)

    # what stands below the line of a derivative (§5b)
    def order(self, meta, c):
        return _Order(c[0].value)

    def denom(self, meta, c):
        return _Denominator(tuple(w for w in c if isinstance(w, _Wrt)))

    def wrt(self, meta, c):
        return _Wrt(S.sym(c[0].value, _span(meta)), len(c) > 1)

    def wrt_vec(self, meta, c):
        if c[0].value != "vec":
            raise _BuildError(f"the variable of a derivative is a symbol or vec(X), not {c[0].value}(…)", meta,
                              "write ∂f/∂x, ∂f/∂xᵀ or ∂vec(F)/∂vec(X)ᵀ")
        return _Wrt(S.func("vec", S.sym(c[2].value), _span(meta)), c[-1].type == "TRANSPOSE")

    # postfix and unary
    def post(self, meta, c):
        return c[0]

    def postfix(self, meta, c):
        x = c[0]
        for tok in c[1:]:
            span = (x.span[0], x.span[1], tok.end_line, tok.end_column) if x.span else None
            if tok.type == "TRANSPOSE":
                x = S.transpose(x, span)
            elif tok.type == "INVERSE":
                x = S.inverse(x, span)
            elif tok.type == "INVT":
                x = S.transpose(S.inverse(x), span)
            elif tok.type == "HADPOW":
                x = hadamard_power(x, tok.value, span)
            else:
                x = S.power(x, tok.value, span)
        return x

    def neg(self, meta, c):
        return S.neg(c[1], _span(meta))

    def pos(self, meta, c):
        return c[1]

    # products
    def juxt(self, meta, c):
        return ("*", c[0])

    def times(self, meta, c):
        return ("*", c[1])

    def divide(self, meta, c):
        return ("/", c[1])

    def prod(self, meta, c):
        factors: list[S.Expr] = []
        for item in c:
            if isinstance(item, Token):
                continue
            if isinstance(item, S.Expr):
                factors.append(item)
                continue
            op, x = item
            if op == "/":
                if factors and factors[-1].op == S.NUM and x.op == S.NUM and x.attr != 0:
                    factors[-1] = S.num(factors[-1].attr / x.attr, factors[-1].span)
                    continue
                x = S.inverse(x, x.span)
            factors.append(x)
        return S.mul(factors, _span(meta), flatten=False)

    def neg_tail(self, meta, c):
        return S.neg(c[1], _span(meta))

    def bare_app(self, meta, c):
        return self._apply(c[0], c[1], meta)

    def bare_app_then(self, meta, c):
        """`\\det A \\det B`: det(A) times what follows."""
        first = self._apply(c[0], c[1], meta)
        return S.mul([first, c[-1]], _span(meta), flatten=False)

    def juxt_postfix(self, meta, c):
        return ("*", self.postfix(meta, c))

    def bare_app_then_call(self, meta, c):
        """`\\det A \\tr(B) C`: det(A) times the call, its postfixes, and what follows."""
        first = self._apply(c[0], c[1], meta)
        posts = [x for x in c[3:] if isinstance(x, Token) and x.type in _POSTFIXES]
        call = self.postfix(meta, [c[2], *posts])
        return self.prod(meta, [first, call, *(x for x in c[3:] if not isinstance(x, Token))])

    def d_bare_app(self, meta, c):
        """`d\\log\\det X`: the differential of the function's value."""
        return S.diff(self._apply(c[1], c[2], meta), _span(meta))

    def dcall(self, meta, c):
        """`d\\operatorname{tr}(A X)`: the differential of the call."""
        return S.diff(self._apply(c[1], _exprs(c)[0], meta), _span(meta))

    def bars_det(self, meta, c):
        """`|X|`: marked, so that the typer makes it det(X) of a matrix and abs(α) of a scalar."""
        return S.Expr("det", (_exprs(c)[0],), S.BARS, _span(meta))

    def partial_deriv(self, meta, c):
        (f,) = _exprs(c)
        return _derivative(f, c, meta)

    def nabla(self, meta, c):
        return S.grad(c[1], S.sym(c[0].value), _span(meta))

    def nabla2(self, meta, c):
        return S.hess(c[1], S.sym(c[0].value), _span(meta))

    def frac_op(self, meta, c):
        (f,) = _exprs(c)
        return _derivative(f, c, meta)

    def ddiv(self, meta, c):
        (num_,) = _exprs(c)
        if num_.op != S.D:
            raise _BuildError("a derivative written with '/dX' needs d(f) above the line", meta,
                              "write d(f)/dX or ∂f/∂X")
        return _derivative(num_.args[0], [_Denominator((next(w for w in c if isinstance(w, _Wrt)),))], meta)

    # sums, inner, kron, hadamard
    def add(self, meta, c):
        a, b = _exprs(c)
        return S.add([a, b], _span(meta))

    def sub(self, meta, c):
        a, b = _exprs(c)
        return S.add([a, S.neg(b, b.span)], _span(meta))

    def colon_inner(self, meta, c):
        a, b = _exprs(c)
        return S.inner(a, b, _span(meta))

    def kron(self, meta, c):
        return S.kron(_exprs(c), _span(meta))

    def had(self, meta, c):
        """x ∘ y ⊘ z: the factors after a ⊘ are reciprocals (`𝟏 ⊘ z` alone is recip(z))."""
        factors, divide, first_sep = [], False, None
        for x in c:
            if isinstance(x, Token):
                divide = x.type == "OSLASH"
                first_sep = x.type if first_sep is None else first_sep
            else:
                factors.append(S.Expr(S.RECIP, (x,), None, x.span) if divide else x)
        if factors[0].op == S.ONES and first_sep == "OSLASH":    # 𝟏 ⊘ y ∘ …: the 𝟏 is no factor
            factors = factors[1:]
        if len(factors) == 1:
            return S.Expr(S.RECIP, factors[0].args, None, _span(meta))
        return S.had(factors, _span(meta))

    # statements
    def chain(self, meta, c):
        return ("chain", _exprs(c), [e.span for e in _exprs(c)])

    def expect(self, meta, c):
        return ("expect", c[1].value)

    def theorem_stmt(self, meta, c):
        return ("theorem", c[1].value, c[3], c[4][1] if len(c) > 4 else "proved")

    def identity_stmt(self, meta, c):
        return ("theorem", None, c[0], c[1][1] if len(c) > 1 else "proved")

    def arrow(self, meta, c):
        return c[0].type

    def cond_atom(self, meta, c):
        return (c[0].value, _exprs(c)[0])

    def condition(self, meta, c):
        return tuple(x for x in c if isinstance(x, tuple))

    def rule_stmt(self, meta, c):
        lhs, rhs = _exprs(c)
        arrow = [x for x in c if x in ("ARROW", "DARROW")][0]
        conds = next((x for x in c[6:] if isinstance(x, tuple)), ())
        trusted = any(isinstance(x, Token) and x.type == "TRUSTED" for x in c)
        return ("rule", c[1].value, lhs, rhs, arrow == "DARROW", conds, trusted)

    def shape_scalar(self, meta, c):
        return ("scalar",)

    def shape_vector(self, meta, c):
        return (c[0].value,)

    def shape_matrix(self, meta, c):
        return (c[0].value, c[2].value)

    def let_stmt(self, meta, c):
        names = [t.value for t in c if isinstance(t, Token) and t.type == "NAME"]
        shape = [x for x in c if isinstance(x, tuple)][0]
        props = frozenset(t.value for t in c if isinstance(t, Token) and t.type == "PROP")
        return ("let", names, shape, props)

    def use_stmt(self, meta, c):
        return ("use", c[1].value)

    def layout_stmt(self, meta, c):
        return ("layout", c[1].value)

    def start(self, meta, c):
        return c[0] if c else None


class _Line:
    """One logical line: its text, where each character stands, and error making."""

    def __init__(self, text: str, where: list[tuple[int, int]], physical: list[str],
                 first: int, filename: str):
        self.text, self.where_list, self.physical = text, where, physical
        self.first, self.filename = first, filename

    def where(self, offset: int) -> tuple[int, int]:
        if not self.where_list:
            return (self.first, 1)
        if offset < len(self.where_list):
            return self.where_list[offset]
        line, col = self.where_list[-1]
        return (line, col + 1 + offset - len(self.where_list))

    def error(self, message: str, start: int, end: int | None = None,
              hint: str | None = None, cls=SyntaxProblem) -> SyntaxProblem:
        line, col = self.where(start)
        end_col = None
        if end is not None:
            eline, ecol = self.where(max(start, end - 1))
            end_col = ecol + 1 if eline == line else None
        return self.error_at(message, line, col, end_col, hint, cls)

    def error_at(self, message, line, col, end_col=None, hint=None, cls=SyntaxProblem):
        src = self.physical[line - 1] if 0 < line <= len(self.physical) else self.text
        return cls(message, line, col, end_col, src, self.filename, hint)


#: how deep a formula may nest (every later stage walks terms recursively)
MAX_DEPTH = 120


def _parse_line(line: _Line, declared: set[str], start: str = "start", dims: frozenset[str] = frozenset()):
    tokens = Lexer(line.text, line.where, declared, line.error, dims).tokens()
    try:
        tree = parser().parse(tokens, start=start)
        built = Build().transform(tree)
    except UnexpectedToken as e:
        raise _token_error(line, e, tokens) from None
    except UnexpectedInput as e:  # pragma: no cover - other Lark errors
        raise line.error(str(e).splitlines()[0], 0) from None
    except RecursionError:
        raise line.error("the formula is nested too deeply to read", 0, len(line.text)) from None
    except VisitError as e:
        inner = e.orig_exc
        if isinstance(inner, _BuildError):
            m = inner.where
            raise line.error_at(str(inner), m.line, m.column,
                                m.end_column if m.end_line == m.line else None,
                                inner.hint) from None
        if isinstance(inner, RecursionError):
            raise line.error("the formula is nested too deeply to read", 0, len(line.text)) from None
        raise
    if _depth(built) > MAX_DEPTH:
        raise line.error(f"the formula is nested more than {MAX_DEPTH} deep", 0, len(line.text))
    return built


def _depth(x) -> int:
    """How deep the terms in a statement nest (without recursion: that is what it guards)."""
    deepest = 0
    stack = [(x, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, S.Expr):
            deepest = max(deepest, d)
            stack.extend((a, d + 1) for a in node.args)
        elif isinstance(node, (tuple, list)):
            stack.extend((a, d) for a in node)
    return deepest


def _token_error(line: _Line, e: UnexpectedToken, tokens: list[Token]) -> SyntaxProblem:
    tok = e.token
    expected = describe_expected(set(e.expected))
    hint = None
    if tok.type == "$END":
        last = tokens[-1] if tokens else None
        col_line, col = (last.end_line, last.end_column) if last else line.where(len(line.text))
        opened = sum(t.type in ("LPAR", "LBRACK", "LBRACE") for t in tokens) - \
            sum(t.type in ("RPAR", "RBRACK", "RBRACE") for t in tokens)
        if opened > 0:
            hint = "a bracket is opened and never closed"
        elif "EQ" in e.expected and not any(t.type == "EQ" for t in tokens):
            hint = "an identity needs '=' between its two sides"
        return line.error_at(f"unexpected end of line; expected {expected}",
                             col_line, col, None, hint)
    text = tok.value if isinstance(tok.value, str) else str(tok.value)
    if tok.type in ("KRON", "HAD") and any(t.type in ("KRON", "HAD") for t in tokens[:tokens.index(tok)]
                                           if t is not tok):
        hint = "⊗ and ∘ need parentheses when mixed: (A ⊗ B) ∘ C"
    elif tok.type in ("RPAR", "RBRACK", "RBRACE") and "RPAR" not in e.expected:
        hint = "this bracket closes nothing"
    what = DESCRIBE.get(tok.type, tok.type)
    what = f"'{text}'" if what.startswith("'") else f"{what.split(' ', 1)[-1]} '{text}'"
    return line.error_at(f"unexpected {what}; expected {expected}",
                         tok.line, tok.column, tok.end_column if tok.end_line == tok.line else None, hint)


def _decl_from(names, shape, props, line_no) -> dict[str, Decl]:
    props = with_implied(props)    # spd ⇒ symmetric and invertible, … (meaning.py)
    return {n: Decl(n, shape, props, line_no) for n in names}


def parse_text(text: str, filename: str = "<input>", decls: Declarations | None = None,
               keep=None, layout: str = "numerator") -> Document:
    """Parse a whole file (or a one-line input) into a `Document`. With `keep` (a predicate
    on a statement's text), only the statements it keeps are parsed (the kernel reads just
    the rules a proof used)."""
    doc = Document(filename=filename, lines=text.splitlines())
    current: Declarations = dict(decls or {})
    uses: list[str] = []
    named: dict[str, int] = {}      # theorem names already used, and their lines
    base = Path(filename).parent if filename != "<input>" else Path.cwd()
    for first, logical, where, physical in logical_lines(text):
        if not logical.strip() or (keep is not None and not keep(logical)):
            continue
        line = _Line(logical, where, physical, first, filename)
        result = _parse_line(line, set(current), dims=_dimensions(current))
        if result is None:
            continue
        kind = result[0]
        source = physical[first - 1]
        last = where[-1][0] if where else first
        span_lines = tuple(physical[first - 1:last])
        if kind == "let":
            _, names, shape, props = result
            square_props = props & {"symmetric", "spd", "invertible", "orthogonal", "diagonal"}
            if square_props and shape != ("scalar",) and (len(shape) != 2 or shape[0] != shape[1]):
                prop = sorted(square_props)[0]
                glued = [str(d) for d in shape if re.fullmatch(r"\w+x\w+", str(d))]
                hint = (f"{glued[0]} reads as one dimension name; write "
                        f"{glued[0].replace('x', '×', 1)} or {glued[0].replace('x', ' x ', 1)}"
                        if len(shape) == 1 and glued else None)
                what = "a vector of dimension " if len(shape) == 1 else ""
                raise line.error(f"{'an' if prop[0] in 'aeiou' else 'a'} {prop} matrix must be square; "
                                 f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} {what}"
                                 f"{'×'.join(str(d) for d in shape)}", 0, len(logical), hint=hint)
            if {"positive", "orthogonal"} <= props and shape not in (("scalar",), ("1", "1"), (1, 1)):
                # Qᵀ Q = I makes the columns orthogonal: with every entry > 0 no two columns are
                raise line.error(f"no matrix larger than 1×1 is both positive (every entry > 0) and "
                                 f"orthogonal: {', '.join(names)} cannot be declared so", 0, len(logical))
            current = {**current, **_decl_from(names, shape, props, first)}
        elif kind == "theorem":
            _, name, chain, expect = result
            if name is not None and name in named:
                raise line.error(f"theorem {name} is named twice: on line {named[name]} and on "
                                 f"line {first}", 0, len(logical),
                                 hint="give each theorem its own name (CI reports are keyed by it)")
            named.setdefault(name, first)
            sides = tuple(chain[1])
            cols = tuple(sp[1] if sp else 0 for sp in chain[2])
            doc.theorems.append(Theorem(name or f"line {first}", sides, expect, current, first,
                                        source, filename, cols, span_lines, tuple(uses), layout))
        elif kind == "rule":
            _, name, lhs, rhs, both, conds, trusted = result
            doc.rules.append(Rule(name, lhs, rhs, both, conds, current, first, source, filename,
                                  span_lines, trusted))
            here = Path(filename)
            if filename != "<input>" and here.suffix in (".thm", ".rules") and here.is_file() \
                    and str(here.resolve()) not in uses:
                uses.append(str(here.resolve()))   # the file's own rules, for the theorems after them
        elif kind == "layout":
            layout = result[1]
        elif kind == "use":
            doc.uses.append(Use(result[1], first, filename))
            try:
                target = (base / result[1]).resolve()
                shipped = _shipped_rule_file(result[1])
                if not target.is_file() and shipped is not None:
                    target = shipped   # `use "rules/extra/vec.rules"` from anywhere: the installed one
                found = target.is_file()
            except (OSError, ValueError):     # a NUL byte, a name too long for the system
                raise line.error("no rule file can be named so", 0, len(logical)) from None
            if target.suffix != ".rules":
                raise line.error("a use line names a .rules file", 0, len(logical))
            if found and target != shipped and not _may_read_rules(target):
                raise line.error(f"{result[1]} is outside this project ({Path.cwd()})", 0, len(logical),
                                 hint="a use line reads rule files below the current folder, or "
                                      "matproof's own; name another folder with --allow-rules-from DIR")
            if not found:
                also = " and among matproof's own" if Path(result[1]).parts[:1] == ("rules",) else ""
                raise line.error(f"no rule file {result[1]} (looked for {target}{also})",
                                 0, len(logical))
            uses.append(str(target))
    doc.decls = current
    return doc


#: folders besides the current one that `use` may read rule files from (`--allow-rules-from`,
#: os.pathsep-separated; an environment variable, so that worker processes see it too)
ALLOW_RULES_ENV = "MATPROOF_ALLOW_RULES_FROM"


def _may_read_rules(target: Path) -> bool:
    """A rule file a `use` line may read: below the current folder (the project being
    checked), below matproof's own rules, or below a folder the user allowed."""
    from .resources import rules_dir
    roots = [Path.cwd(), rules_dir()] + [Path(d) for d in os.environ.get(ALLOW_RULES_ENV, "").split(os.pathsep) if d]
    for root in roots:
        try:
            target.relative_to(root.resolve())
            return True
        except (ValueError, OSError):
            continue
    return False


def _shipped_rule_file(path: str) -> Path | None:
    """For `rules/…`, the rule file of that name that ships with matproof, if there is one."""
    parts = Path(path).parts
    if len(parts) < 2 or parts[0] != "rules":
        return None
    from .resources import rules_dir
    candidate = rules_dir().joinpath(*parts[1:])
    return candidate if candidate.is_file() else None


def _dimensions(decls: Declarations) -> frozenset[str]:
    """The dimension names the declarations give (`let X: n×n` gives n)."""
    return frozenset(d for decl in decls.values() for d in decl.shape if isinstance(d, str) and d != "scalar")


def parse_expr(text: str, declared: set[str] | frozenset[str] = frozenset()) -> S.Expr:
    """Parse one expression (no statement around it)."""
    for first, logical, where, physical in logical_lines(text):
        if logical.strip():
            return _parse_line(_Line(logical, where, physical, first, "<input>"), set(declared), "sum")
    raise SyntaxProblem("empty expression", 1, 1, None, text)


def parse_file(path: str | Path) -> Document:
    from .safefiles import read_text
    p = Path(path)
    try:
        text = read_text(p)       # a regular file of bounded size: never a FIFO or /dev/zero
    except OSError as e:
        raise SyntaxProblem(f"cannot read {p}: {e.strerror or e}", filename=str(p)) from None
    except UnicodeDecodeError:
        raise SyntaxProblem(f"{p} is not UTF-8 text", filename=str(p)) from None
    return parse_text(text, str(p))


__all__ = ["parse_text", "parse_expr", "parse_file"]
