"""The lexer: one logical line of ASCII, Unicode or LaTeX to Lark tokens.

Why a hand-written lexer in front of the Lark grammar: three things in the
language depend on more than a regular expression can see.

* A run of letters is a product of one-letter symbols, except for names that a
  `let` declared and for reserved words (§4). Which names are declared
  changes from line to line.
* `d` followed by a symbol is a differential, `/∂X` and `/dX` close a
  derivative, and `‖` opens or closes a norm depending on what precedes it.
* LaTeX superscripts (`^{-T}`, `^{1/2}`, `^\\top`) and commands
  (`\\operatorname{tr}`, `\\mathbf{1}`, spacing) are normalised here, so the
  grammar sees one token per notion whatever the notation.

The tokens are ordinary `lark.Token`s carrying file line and column, and the
grammar (grammar/matproof.lark) declares their types with `%declare`.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Callable

from lark import Token

from .errors import SyntaxProblem, visible

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
    "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "ϕ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ",
}
#: accents on a name: `\hat{w}` is the symbol w_hat (a vector, as w is), `\tilde X` is X_tilde
DECORATIONS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
               "overline": "bar", "check": "check", "dot": "dot", "breve": "breve"}
GREEK_NAME = {v: k for k, v in GREEK.items() if not k.startswith("var")}
GREEK_NAME.update({"ϑ": "vartheta", "ϖ": "varpi", "ϱ": "varrho", "ς": "varsigma", "ϕ": "varphi"})


def is_greek(ch: str) -> bool:
    return len(ch) == 1 and ("\u0391" <= ch <= "\u03a9" or "\u03b1" <= ch <= "\u03c9"
            or ch in "ϑϖϱςϕϵℓ")     # ℓ (a loss) is a lowercase letter like the Greek ones


def is_letter(ch: str) -> bool:
    return len(ch) == 1 and ("a" <= ch <= "z") or ("A" <= ch <= "Z") or is_greek(ch)


#: function words and their canonical names
FUNCS = {"tr": "tr", "Tr": "tr", "det": "det", "logdet": "logdet", "inv": "inv",
         "vec": "vec", "diag": "diag", "sum": "sum", "log": "log", "ln": "log",
         "exp": "exp", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tanh": "tanh",
         "sigmoid": "sigmoid", "norm": "norm", "softmax": "softmax", "logsumexp": "logsumexp",
         "abs": "abs"}
FUNCS2 = {"kron": "kron", "hadamard": "hadamard", "grad": "grad", "hess": "hess"}
RESERVED = set(FUNCS) | set(FUNCS2) | {"ones", "expect"}
OUTCOMES = ("proved", "refuted", "unknown")
CONDITIONS = ("symmetric", "invertible", "spd", "orthogonal", "diagonal",
              "scalar", "square", "constant", "positive")
PROPERTIES = ("symmetric", "spd", "invertible", "orthogonal", "diagonal", "constant", "positive")

IGNORED_COMMANDS = {
    ",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle",
    "left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "bigg", "Bigg",
    "biggl", "biggr", "Biggl", "Biggr", "middle", "limits", "[", "]", "(", ")",
}
STYLE_COMMANDS = {"mathbf", "boldsymbol", "bm", "mathbb", "mathit", "mathsf", "mathcal", "mathnormal", "vec",
                  "pmb", "mathbfit", "bold"}
#: styles that make bold lowercase Greek a vector (μ_bold), as bold Latin is by default
BOLD_STYLES = {"mathbf", "boldsymbol", "bm", "pmb", "mathbfit", "bold", "vec"}
WORD_COMMANDS = {"operatorname", "mathrm", "text", "textrm", "rm", "textnormal"}
SIMPLE_COMMANDS = {
    "frac": "FRAC", "dfrac": "FRAC", "tfrac": "FRAC", "partial": "PARTIAL",
    "cdot": "TIMES", "times": "TIMES", "ast": "TIMES", "otimes": "KRON",
    "circ": "HAD", "odot": "HAD", "oslash": "OSLASH", "langle": "LANGLE", "rangle": "RANGLE",
    "mid": "BAR", "to": "ARROW", "rightarrow": "ARROW", "leftrightarrow": "DARROW",
    "{": "LBRACE", "}": "RBRACE", "prime": "TRANSPOSE",
}
#: functions whose power (\tanh^2 z) is that of their value, entry by entry
ELEMENTWISE_FUNCS = {"log", "exp", "sin", "cos", "tanh", "sigmoid"}
FUNC_COMMANDS = {"sqrt", "log", "ln", "exp", "det", "sin", "cos", "tanh", "tr", "Tr"}

SUPERSCRIPT_DIGITS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5",
                      "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
SUBSCRIPT_DIGITS = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5",
                    "₆": "6", "₇": "7", "₈": "8", "₉": "9"}
TRANSPOSE_MARKS = {"T", "t", "⊤", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}",
                   "\\mathsf{t}", "\\mathrm{t}", "'", "\\prime", "ᵀ"}

SINGLE = {
    "+": "PLUS", "-": "MINUS", "−": "MINUS", "–": "MINUS", "*": "TIMES", "·": "TIMES",
    "⋅": "TIMES", "×": "TIMES", ":": "COLON", "=": "EQ", ",": "COMMA", "(": "LPAR",
    ")": "RPAR", "[": "LBRACK", "]": "RBRACK", "{": "LBRACE", "}": "RBRACE",
    "⟨": "LANGLE", "⟩": "RANGLE", "〈": "LANGLE", "〉": "RANGLE", "<": "LANGLE",
    ">": "RANGLE", "∣": "BAR", "⊗": "KRON", "∘": "HAD", "⊙": "HAD", "⊘": "OSLASH",
    "'": "TRANSPOSE", "′": "TRANSPOSE", "ᵀ": "TRANSPOSE", "→": "ARROW", "↔": "DARROW",
    "∂": "PARTIAL", "𝟏": "ONES", "𝟙": "ONES",
}

#: tokens after which a `‖` closes a norm rather than opening one
ENDS_OPERAND = {"SYM", "NUMBER", "RPAR", "RBRACK", "RBRACE", "RANGLE", "NORM_CLOSE",
                "TRANSPOSE", "INVERSE", "INVT", "POW", "ONES", "IDENT", "NORM_SUB", "COMM", "HADPOW",
                "DET_CLOSE"}
#: a superscript in brackets, `W^{(1)}`, `x^{(k)}`: a layer's or an iterate's own name
LAYER_RE = re.compile(r"\^\s*\{\s*\(\s*([0-9A-Za-z+\-]+)\s*\)\s*"
                      r"(T|\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\}|⊤)?\s*\}")
#: a star superscript, `^\star` (group 1) or `^*`: the optimum, x⋆, a name of its own
STAR_RE = re.compile(r"\^\s*(?:(\\star(?![A-Za-z]))|\*|\{\s*(?:(\\star)|\*)\s*\})")
#: the commutation matrix K_{m,n} (two dimensions, a comma between them)
COMMUTATION_RE = re.compile(r"K_\{\s*([A-Za-z][A-Za-z0-9]*|[0-9]+)\s*,\s*([A-Za-z][A-Za-z0-9]*|[0-9]+)\s*\}")

DIGITS = "0123456789"
NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
#: bounds on what a formula may say, so that nothing it says can exhaust the machine:
#: a number's digits, a literal exponent's numerator and denominator, a declared size
MAX_DIGITS = 30
MAX_EXPONENT = 100
MAX_SIZE = 1000
RATIONAL_RE = re.compile(r"^(-?)([0-9]+(?:\.[0-9]+)?)(?:/([0-9]+))?$")
NAME_RE = re.compile(r"[^\s:]+")
WORD_RE = re.compile(r"[A-Za-z]+")



#: what to write instead of LaTeX commands people paste that the language does not have
LATEX_HINTS = {
    "sum": "write sum(E) for the sum of all entries of E (there is no Σ with limits)",
    "prod": "the language has no product over an index; write the factors out",
}

COMMAND_RE = re.compile(r"\\([A-Za-z]+|.)", re.S)


def command_at(text: str, at: int) -> tuple[str, int] | None:
    """The name of the LaTeX command at `at` (a backslash: a run of letters, or the one
    character after it) and the offset after it; None if no command stands there."""
    m = COMMAND_RE.match(text, at)
    return (m.group(1), m.end()) if m else None


def balanced_group(text: str, at: int, opening: str = "{", closing: str = "}") -> tuple[str, int] | None:
    """The text inside the group that opens at `at` and the offset after it; braces nest
    inside (escaped ones, `\\{`, do not count), so `[{]}]` is one optional argument. None if
    `at` holds no `opening` or the group is never closed."""
    if at >= len(text) or text[at] != opening:
        return None
    depth, j = 0, at + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == closing and depth == 0:
            return text[at + 1:j], j + 1
        depth += (c == "{") - (c == "}")
        j += 1
    return None


class Lexer:
    """Tokenizes one logical line.

    `text` is the logical line (continuations joined, comments removed);
    `where(offset)` maps an offset in it to a (line, column) of the file;
    `declared` holds the multi-letter names that a `let` made whole; `dims` the
    dimension names the `let`s gave, which may stand as an exponent (`α^n`).
    """

    def __init__(self, text: str, where: Callable[[int], tuple[int, int]],
                 declared: set[str], error: Callable[..., SyntaxProblem], dims: frozenset[str] = frozenset()):
        self.s = text
        self.where = where
        self.dims = dims
        self.declared = sorted((n for n in declared if len(n) > 1), key=len, reverse=True)
        self.declared_set = set(declared)
        self.error = error
        self.i = 0
        self.out: list[Token] = []
        self.norm_depth = 0
        self.det_depth = 0      # |X| bars open
        self.angle_depth = 0    # ⟨ open, where | separates the two sides
        self.statement = ""

    # -- helpers -----------------------------------------------------------
    def emit(self, type_: str, value, start: int, end: int | None = None) -> None:
        end = self.i if end is None else end
        line, col = self.where(start)
        eline, ecol = self.where(max(start, end - 1))
        tok = Token(type_, value, start_pos=start, line=line, column=col,
                    end_line=eline, end_column=ecol + 1, end_pos=end)
        self.out.append(tok)
        if type_ in ("LANGLE", "RANGLE"):
            self.angle_depth += 1 if type_ == "LANGLE" else -1

    def number(self, text: str, start: int) -> Fraction:
        """A number's value, refusing more than MAX_DIGITS digits (a formula is not a place
        for them, and their arithmetic would be unbounded)."""
        if sum(c.isdigit() for c in text) > MAX_DIGITS:
            self.fail(f"a number of more than {MAX_DIGITS} digits", start, start + len(text))
        return Fraction(text)

    def exponent(self, value: Fraction, start: int) -> Fraction:
        """An exponent, refusing a numerator or denominator above MAX_EXPONENT (X^10000
        would be expanded into ten thousand factors)."""
        if abs(value.numerator) > MAX_EXPONENT or value.denominator > MAX_EXPONENT:
            self.fail(f"an exponent beyond {MAX_EXPONENT} (or with a denominator beyond it) is "
                      "not supported", start, self.i)
        return value

    def fail(self, message: str, start: int, end: int | None = None, hint: str | None = None):
        raise self.error(message, start, end if end is not None else start + 1, hint)

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def skip_space(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def read_command(self, at: int) -> tuple[str, int]:
        """The name of the LaTeX command at `at` (which holds a backslash)."""
        got = command_at(self.s, at)
        if got is None:
            self.fail("a lone backslash", at)
        return got

    def read_group(self, at: int) -> tuple[str, int]:
        """The text inside a balanced `{...}` starting at `at`."""
        got = balanced_group(self.s, at)
        if got is None:
            self.fail("this '{' is never closed", at, hint="add the matching '}'")
        return got

    def significant_at(self, j: int) -> int:
        """Where the next thing from `j` stands that is not space or LaTeX spacing."""
        while j < len(self.s):
            c = self.s[j]
            if c.isspace() or c == "~":
                j += 1
                continue
            if c == "\\":
                name, k = self.read_command(j)
                if name in IGNORED_COMMANDS and name not in "[]()":
                    j = k
                    continue
            return j
        return j

    def next_significant(self, j: int) -> str:
        """The next character from `j` that is not space or LaTeX spacing (`\\log` for a command)."""
        j = self.significant_at(j)
        if j >= len(self.s):
            return ""
        return "\\" + self.read_command(j)[0] if self.s[j] == "\\" else self.s[j]

    # -- entry ---------------------------------------------------------------
    def tokens(self) -> list[Token]:
        self.skip_space()
        m = WORD_RE.match(self.s, self.i)
        word = m.group(0) if m else ""
        if word == "let":
            self.emit("LET", word, self.i, m.end())
            self.i = m.end()
            self.lex_let()
            return self.out
        if word in ("theorem", "rule", "example"):
            # `example NAME: identity` in a rule file is a theorem its own rules must prove
            self.statement = "theorem" if word == "example" else word
            self.emit("THEOREM" if word == "example" else word.upper(), word, self.i, m.end())
            self.i = m.end()
            self.skip_space()
            n = NAME_RE.match(self.s, self.i)
            if n:
                self.emit("NAME", n.group(0), self.i, n.end())
                self.i = n.end()
        elif word == "layout" and re.match(r"layout\s+\w+\s*$", self.s[self.i:]):
            self.emit("LAYOUT", word, self.i, m.end())
            self.i = m.end()
            self.skip_space()
            k = WORD_RE.match(self.s, self.i)
            kind = k.group(0) if k else ""
            if kind not in ("numerator", "denominator"):
                self.fail(f"unknown layout '{kind}'", self.i, k.end() if k else None,
                          hint="write layout numerator (∂f/∂x is the Jacobian J) or layout denominator (its transpose)")
            self.emit("LAYOUT_KIND", kind, self.i, k.end())
            self.i = k.end()
            return self.out
        elif word == "use":
            self.emit("USE", word, self.i, m.end())
            self.i = m.end()
            self.skip_space()
            start = self.i
            if self.peek() == '"':
                end = self.s.find('"', start + 1)
                if end < 0:
                    self.fail("this string is never closed", start, hint='write use "path/to/file.rules"')
                self.i = end + 1
                self.emit("STRING", self.s[start + 1:end], start)
            else:
                rest = self.s[start:].strip()
                if rest:
                    self.i = len(self.s)
                    self.emit("STRING", rest, start)
            self.lex_expression()
            return self.out
        self.lex_expression()
        return self.out

    # -- declarations -----------------------------------------------------------
    def read_name(self) -> str:
        """A declared name: `Sigma`, `\\Sigma`, `W_{in}`, `x_1`, `λ`."""
        start = self.i
        c = self.peek()
        if c == "\\":
            name, k = self.read_command(self.i)
            styled = self.styled_name(name, k) if name in STYLE_COMMANDS | set(DECORATIONS) else None
            if styled is not None:
                base, self.i = styled
            elif name not in GREEK:
                self.fail(f"'\\{name}' cannot be a name", start, k)
            else:
                self.i = k
                base = GREEK[name]
        elif is_greek(c):
            self.i += 1
            base = c
        else:
            m = re.compile(r"[A-Za-z][A-Za-z0-9]*").match(self.s, self.i)
            if not m:
                self.fail("expected a name", start)
            self.i = m.end()
            base = m.group(0)
        name = base + self.read_subscript()
        suffix, transposed = self.layer()
        if transposed:
            self.fail("a declared name takes no transpose", start, self.i)
        return name + suffix

    def layer(self) -> tuple[str, bool]:
        """`^{(1)}` after a name: `^(1)`, part of the name (W^{(1)} is layer 1's W, x^{(k+1)} the
        next iterate, not powers); and whether a transpose follows inside (`^{(2)\\top}`)."""
        m = LAYER_RE.match(self.s, self.i)
        if not m:
            return "", False
        self.i = m.end()
        return f"^({m.group(1)})", m.group(2) is not None

    def read_subscript(self) -> str:
        """An optional subscript: `_1`, `_{in}`, `₁`; returned as `_1`, `_in`."""
        if self.peek() == "_":
            if self.peek(1) == "{":
                inside, k = self.read_group(self.i + 1)
                sub = re.sub(r"\s+", "", inside)
                if not re.fullmatch(r"[A-Za-z0-9]+", sub):
                    self.fail("a subscript must be letters and digits", self.i, k)
                self.i = k
                return "_" + sub
            c = self.peek(1)
            if c and (c.isalnum() and c.isascii()):
                self.i += 2
                return "_" + c
            self.fail("expected a subscript after '_'", self.i, hint="write x_1 or W_{in}")
        digits = ""
        while self.peek() in SUBSCRIPT_DIGITS and self.peek():
            digits += SUBSCRIPT_DIGITS[self.peek()]
            self.i += 1
        return "_" + digits if digits else ""

    def lex_let(self) -> None:
        seen_colon = False
        while True:
            self.skip_space()
            if self.i >= len(self.s):
                return
            c, start = self.peek(), self.i
            if c == ",":
                self.i += 1
                self.emit("COMMA", ",", start)
            elif c == ":":
                self.i += 1
                self.emit("COLON", ":", start)
                seen_colon = True
            elif not seen_colon:
                name = self.read_name()
                self.emit("NAME", name, start)
            elif c in "×*" or self.s.startswith("\\times", self.i):
                self.i += 6 if c == "\\" else 1
                self.emit("TIMES", c, start)
            else:
                m = re.compile(r"[A-Za-z0-9_]+").match(self.s, self.i)
                if not m:
                    self.fail(f"unexpected '{c}' in a declaration", start,
                              hint="write: let X: m×n [properties]")
                word = m.group(0)
                self.i = m.end()
                if word == "scalar":
                    self.emit("SCALARKW", word, start)
                elif word in PROPERTIES:
                    self.emit("PROP", word, start)
                elif word == "x" and self.out and self.out[-1].type == "DIM" and \
                        re.compile(r"\s*[A-Za-z0-9]").match(self.s, self.i):
                    self.emit("TIMES", word, start)
                elif self.out and self.out[-1].type in ("DIM", "SCALARKW", "PROP"):
                    self.fail(f"unknown property '{word}'", start, self.i,
                              hint="properties: " + ", ".join(PROPERTIES))
                elif word.isdigit() or re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", word):
                    if word.isdigit() and (len(word) > 4 or int(word) > MAX_SIZE):
                        self.fail(f"a size above {MAX_SIZE} is not supported", start, self.i,
                                  hint="name the dimension instead (let X: n×n)")
                    if word.isdigit() and int(word) == 0:
                        self.fail("a dimension must be positive", start, self.i)
                    self.emit("DIM", int(word) if word.isdigit() else word, start)
                else:
                    self.fail(f"'{word}' is not a dimension or property", start, self.i,
                              hint="properties: " + ", ".join(PROPERTIES))

    # -- expressions -------------------------------------------------------------
    def lex_expression(self) -> None:
        s = self.s
        while True:
            self.skip_space()
            if self.i >= len(s):
                return
            c, start = s[self.i], self.i
            if c in "$~":
                self.i += 1
            elif c == "\\":
                self.lex_command()
            elif c == "^":
                self.lex_superscript()
            elif c in "⁻" or c in SUPERSCRIPT_DIGITS:
                self.lex_unicode_superscript()
            elif c == "‖":
                self.i += 1
                self.norm_bar(start)
            elif c == "|":
                self.i += 1
                self.det_bar(start)
            elif c == "/":
                self.lex_slash()
            elif c == "∇":
                self.i += 1
                self.lex_nabla(start)
            elif c in DIGITS or (c == "." and self.peek(1) and self.peek(1) in DIGITS):
                m = NUMBER_RE.match(s, self.i)
                self.i = m.end()
                self.emit("NUMBER", self.number(m.group(0), start), start)
            elif s.startswith("<->", self.i):
                self.i += 3
                self.emit("DARROW", "<->", start)
            elif s.startswith("->", self.i):
                self.i += 2
                self.emit("ARROW", "->", start)
            elif s.startswith(".*", self.i):
                self.i += 2
                self.emit("HAD", ".*", start)
            elif s.startswith("./", self.i):
                self.i += 2
                self.emit("OSLASH", "./", start)
            elif is_letter(c):
                self.lex_letters()
            elif c == "_":
                self.fail("a subscript needs something before it", start,
                          hint="subscripts belong to symbols (x_1) and norms (‖x‖_2)")
            elif c in SINGLE:
                self.i += 1
                self.emit(SINGLE[c], c, start)
            else:
                shown = f"'{c}'" if c.isprintable() else f"U+{ord(c):04X} ({visible(c)})"
                self.fail(f"unexpected character {shown}", start)

    def norm_bar(self, start: int) -> None:
        prev = self.out[-1].type if self.out else None
        if self.norm_depth > 0 and prev in ENDS_OPERAND:
            self.norm_depth -= 1
            self.emit("NORM_CLOSE", "‖", start)
            self.norm_subscript()
        else:
            self.norm_depth += 1
            self.emit("NORM_OPEN", "‖", start)

    def det_bar(self, start: int, side: str = "") -> None:
        """`|X|` (`\\left|X\\right|`, `\\lvert X\\rvert`) is det(X) of a matrix; inside ⟨a | b⟩ a
        bar after an operand separates the two sides."""
        prev = self.out[-1].type if self.out else None
        if side == "close" or (side != "open" and self.det_depth > 0 and prev in ENDS_OPERAND):
            if self.det_depth == 0:
                self.fail("this '|' closes nothing", start)
            self.det_depth -= 1
            self.emit("DET_CLOSE", "|", start)
        elif side != "open" and self.angle_depth > 0 and prev in ENDS_OPERAND:
            self.emit("BAR", "|", start)
        else:
            self.det_depth += 1
            self.emit("DET_OPEN", "|", start)

    def norm_subscript(self) -> None:
        start = self.i
        if self.peek() in ("₂",):
            self.i += 1
            self.emit("NORM_SUB", "2", start)
            return
        if self.peek() != "_":
            return
        if self.peek(1) == "{":
            inside, k = self.read_group(self.i + 1)
        else:
            inside, k = self.peek(1), self.i + 2
            if inside == "\\":
                name, k = self.read_command(self.i + 1)
                inside = "\\" + name
        inside = re.sub(r"\\math(rm|sf|bf)\{(\w)\}|\\text\{(\w)\}", lambda m: m.group(2) or m.group(3), inside)
        inside = inside.strip()
        if inside in ("2", "F"):
            self.i = k
            self.emit("NORM_SUB", inside, start)
        else:
            self.fail(f"unknown norm subscript '{inside}'", start, k,
                      hint="use _2 for a vector's Euclidean norm or _F for a matrix's Frobenius norm")

    def lex_slash(self) -> None:
        start = self.i
        self.i += 1
        j = self.i
        while j < len(self.s) and self.s[j].isspace():
            j += 1
        rest = self.s[j:]
        if rest.startswith("∂"):
            self.i = j + 1
            self.emit("DSLASH", "/∂", start)
            return
        if rest.startswith("\\partial"):
            self.i = j + len("\\partial")
            self.emit("DSLASH", "/∂", start)
            return
        if rest.startswith("\\mathrm{d}"):
            self.i = j + len("\\mathrm{d}")
            self.emit("DSLASH", "/d", start)
            return
        if rest[:1] == "d" and len(rest) > 1 and (is_letter(rest[1]) or rest[1] == "\\"):
            if not self.reserved_at(j):
                self.i = j + 1
                self.emit("DSLASH", "/d", start)
                return
        self.emit("SLASH", "/", start)

    def lex_nabla(self, start: int) -> None:
        second = False       # ∇²_x f, \nabla^2_x f: the Hessian
        if self.peek() == "²":
            second, self.i = True, self.i + 1
        elif self.s.startswith("^2", self.i) or self.s.startswith("^{2}", self.i):
            second = True
            self.i += 2 if self.s.startswith("^2", self.i) else 4
        if self.peek() != "_":
            self.fail("∇ needs a subscript naming the variable", start, self.i,
                      hint="write \\nabla_X f")
        if self.peek(1) == "{":
            inside, k = self.read_group(self.i + 1)
            sub = Lexer(inside.strip(), lambda o: (0, 0), self.declared_set, self.error)
            name = sub.read_name()
            self.i = k
        else:
            self.i += 1
            if self.peek() == "\\":
                cmd, k = self.read_command(self.i)
                if cmd not in GREEK:
                    self.fail("expected the variable after ∇_", self.i)
                name, self.i = GREEK[cmd], k
            elif is_letter(self.peek()):
                name = self.peek()
                self.i += 1
            else:
                self.fail("expected the variable after ∇_", self.i)
        self.emit("NABLA2" if second else "NABLA", name, start)

    def lex_command(self) -> None:
        start = self.i
        name, k = self.read_command(start)
        self.i = k
        if name in IGNORED_COMMANDS:
            if name in ("left", "right") and self.peek() == ".":
                self.i += 1
            return
        if name in ("|", "Vert"):
            self.norm_bar(start)
            return
        if name in ("vert", "lvert", "rvert"):
            self.det_bar(start, {"lvert": "open", "rvert": "close"}.get(name, ""))
            return
        if name == "lVert":
            self.norm_depth += 1
            self.emit("NORM_OPEN", "‖", start)
            return
        if name == "rVert":
            self.norm_depth = max(0, self.norm_depth - 1)
            self.emit("NORM_CLOSE", "‖", start)
            self.norm_subscript()
            return
        if name in GREEK:
            self.symbol(GREEK[name], start)
            return
        if name in DECORATIONS:
            self.decorated(name, start)
            return
        if name in STYLE_COMMANDS:
            self.skip_space()
            if self.peek() == "{":
                inside, k2 = self.read_group(self.i)
                if inside.strip() == "1":
                    self.i = k2
                    self.emit("ONES", "𝟏", start)
                    return
            styled = self.styled_name(name, self.i)
            if styled is not None and name == "mathbb" and styled[0] in ("E", "P"):
                self.fail(f"\\mathbb{{{styled[0]}}}, an expectation or a probability, is not in the language",
                          start, styled[1])
            if styled is not None:       # \mathbf{x}_i, \bm{\mu}: a name, with its subscript
                base, self.i = styled
                self.symbol(base, start)
            return
        if name in WORD_COMMANDS:
            self.skip_space()
            if self.peek() != "{":
                return
            inside, k2 = self.read_group(self.i)
            word = inside.strip()
            self.i = k2
            if word == "d":
                self.differential_or_symbol(start, self.i)
            elif word in FUNCS or word in FUNCS2:
                self.function(word, start)
            elif word == "T":
                self.emit("TRANSPOSE", "ᵀ", start)
            elif name == "operatorname" or (WORD_RE.fullmatch(word) and len(word) > 1 and name != "text"):
                # \operatorname{Var}(x), \mathrm{KL}: an operator the language does not have, not V·a·r
                self.fail(f"unknown operator {word}", start, self.i,
                          hint="the functions are " + ", ".join(sorted(set(FUNCS.values()) | set(FUNCS2.values()))))
            else:
                sub = Lexer(word, lambda o: self.where(start), self.declared_set, self.error)
                sub.lex_expression()
                for t in sub.out:
                    self.emit(t.type, t.value, start)
            return
        if name in FUNC_COMMANDS:
            self.function(name, start)
            return
        if name == "nabla":
            self.lex_nabla(start)
            return
        if name in ("frac", "dfrac", "tfrac"):
            m = re.compile(r"\s*\{\s*(\\partial(?![A-Za-z])|∂)").match(self.s, self.i)
            if m:
                self.i = m.end()
                self.emit("FRAC_PARTIAL", "\\frac{\\partial", start)
                return
            m = re.compile(r"\s*([0-9A-Za-z])\s*([0-9A-Za-z])").match(self.s, self.i)
            if m:        # \frac12, \tfrac1d, \frac ab: two one-character arguments without braces
                self.i = m.end()
                self.emit("FRAC", "\\frac", start)
                for g in (1, 2):
                    self.emit("LBRACE", "{", m.start(g))
                    c = m.group(g)
                    if c.isdigit():
                        self.emit("NUMBER", self.number(c, m.start(g)), m.start(g), m.end(g))
                    else:
                        self.emit("IDENT" if c == "I" and "I" not in self.declared_set else "SYM", c,
                                  m.start(g), m.end(g))
                    self.emit("RBRACE", "}", m.end(g))
                return
        if name in SIMPLE_COMMANDS:
            self.emit(SIMPLE_COMMANDS[name], "\\" + name, start)
            return
        self.fail(f"unknown LaTeX command '\\{name}'", start, k, LATEX_HINTS.get(name))

    def exponential(self, start: int) -> bool:
        """`e^{z}` (or `e^{-\\mathbf{z}}`, `e^x`) is exp(z), unless `e` is declared or the
        superscript is a transpose, an inverse or a number (then e is a symbol like any)."""
        s = self.s
        if s[start] != "e" or "e" in self.declared_set or not s.startswith("^", start + 1):
            return False
        j = start + 2
        if j < len(s) and s[j] == "{":
            body, k = self.read_group(j)
            at = j + 1
        elif j < len(s) and is_letter(s[j]):
            body, k, at = s[j], j + 1, j
        else:
            return False
        plain = re.sub(r"\s+", "", body)
        if plain in TRANSPOSE_MARKS or RATIONAL_RE.match(plain) or plain.lstrip("-") in TRANSPOSE_MARKS \
                or plain in ("-1", "{-1}"):
            return False
        self.emit("FUNC_CALL", "exp", start)
        self.emit("LPAR", "(", start)
        sub = Lexer(body, lambda o: self.where(at + o), self.declared_set,
                    lambda message, a, b, hint=None: self.error(message, at + a, at + b, hint))
        sub.lex_expression()
        for t in sub.out:         # each token at its own place in this line
            self.emit(t.type, t.value, at + t.start_pos, at + t.end_pos)
        self.i = k
        self.emit("RPAR", ")", start)
        return True

    def styled_name(self, style: str, at: int) -> tuple[str, int] | None:
        """The name a style or an accent at `at` (just after the command) makes, and where it
        ends; None when its argument is not one letter. `\\mathbf{x}` is x; bold lowercase
        Greek (`\\bm{\\mu}`, `\\boldsymbol\\delta`) is a vector, so it is a name of its own,
        μ_bold; `\\hat{w}` is w_hat."""
        j = at
        while j < len(self.s) and self.s[j].isspace():
            j += 1
        if j >= len(self.s):
            return None
        if self.s[j] == "{":
            inside, k = self.read_group(j)
        elif self.s[j] == "\\":
            name, k = self.read_command(j)
            inside = "\\" + name
        else:
            inside, k = self.s[j], j + 1
        base = inside.strip()
        if style in DECORATIONS:
            for inner in STYLE_COMMANDS:          # \hat{\mathbf{w}}
                m = re.fullmatch(r"\\" + inner + r"\s*\{(.*)\}", base)
                if m:
                    base = m.group(1).strip()
        else:
            m = re.fullmatch(r"\\([A-Za-z]+)\s*(\{.*\}|\\?[A-Za-z]+)", base)
            if m and m.group(1) in DECORATIONS:   # \mathbf{\hat{x}}: the accent's name
                sub = Lexer(base, lambda o: (0, 0), self.declared_set, self.error)
                got = sub.styled_name(m.group(1), len(m.group(1)) + 1)
                return (got[0], k) if got is not None and got[1] == len(base) else None
        if base.startswith("\\") and base[1:] in GREEK:
            base = GREEK[base[1:]]
        if len(base) != 1 or not is_letter(base):
            return None
        if style in DECORATIONS:
            return f"{base}_{DECORATIONS[style]}", k
        if style in BOLD_STYLES and is_greek(base) and base.islower():
            return f"{base}_bold", k
        return base, k

    def decorated(self, command: str, start: int) -> None:
        """`\\hat{w}`, `\\hat w`, `\\tilde{\\Sigma}`: the symbol named for the letter and its
        accent (w_hat), so that ŵ and w are two symbols of one kind."""
        got = self.styled_name(command, self.i)
        if got is None:
            self.fail(f"an accent (\\{command}) on a single letter is read as a name; here it is on "
                      f"something else", start, self.i + 1)
        name, self.i = got
        self.emit("SYM", name, start)

    def primed(self, j: int) -> int | None:
        """Where a prime (`'`, `′`, `^\\prime`, `^{\\prime}`) at `j` ends, if one stands there."""
        m = re.compile(r"'|′|\^\s*\\prime(?![A-Za-z])|\^\s*\{\s*\\prime\s*\}|\\prime(?![A-Za-z])").match(self.s, j)
        return m.end() if m else None

    def refuse_prime(self, name: str, start: int) -> None:
        """`σ'(z)`, `\\tanh'(x)`: the derivative of a function of one variable, which a prime
        cannot say of vectors; refused rather than read as a transpose."""
        end = self.primed(self.i)
        if end is not None:
            self.fail(f"{name}′, a derivative written with a prime, is not read", start, end,
                      hint=f"write it as a differential, d({name}(z)), or a derivative, ∂{name}(z)/∂z")

    def function(self, word: str, start: int) -> None:
        if word in FUNCS:
            self.refuse_prime(FUNCS[word], start)
        nxt = self.next_significant(self.i)
        if word in FUNCS2:
            self.emit("FUNC2", FUNCS2[word], start)
            return
        canonical = FUNCS[word]
        power = ""
        m = re.compile(r"\^\s*(?:([0-9])|\{\s*([0-9])\s*\})").match(self.s, self.i)
        if m and canonical in ELEMENTWISE_FUNCS:    # \tanh^2(z): the square of tanh, entry by entry
            power, self.i = "^" + (m.group(1) or m.group(2)), m.end()
            nxt = self.next_significant(self.i)
        call = nxt in ("(", "\\left", "[") or (canonical == "sqrt" and nxt == "{")
        self.emit("FUNC_CALL" if call else "FUNC_BARE", canonical + power, start)

    def reserved_at(self, j: int) -> str | None:
        """The longest reserved word that starts the letter run at `j`."""
        m = WORD_RE.match(self.s, j)
        if not m:
            return None
        word = m.group(0)
        best = None
        for r in RESERVED:
            if word.startswith(r) and (best is None or len(r) > len(best)):
                best = r
        return best

    def lex_letters(self) -> None:
        """A run of letters: declared names, reserved words, one-letter symbols."""
        start = self.i
        s = self.s
        if self.exponential(start):
            return
        m = COMMUTATION_RE.match(s, start)
        if m:
            dims = []
            for d in m.groups():
                if d.isdigit() and (len(d) > 4 or not 0 < int(d) <= MAX_SIZE):
                    self.fail(f"a size of K_{{m,n}} is a dimension name or 1 … {MAX_SIZE}", start, m.end())
                dims.append(int(d) if d.isdigit() else d)
            self.i = m.end()
            self.emit("COMM", tuple(dims), start)
            return
        for name in self.declared:
            if s.startswith(name, start):
                end = start + len(name)
                if end >= len(s) or not (s[end] in DIGITS or s[end] == "_"):
                    self.i = end
                    self.emit("SYM", name, start)
                    return
        word = self.reserved_at(start) if s[start].isascii() else None
        if self.statement == "rule":
            m = WORD_RE.match(s, start)
            w = m.group(0) if m else ""
            prev = self.out[-1].type if self.out else None
            if w == "if":
                self.i = m.end()
                self.emit("IF", w, start)
                return
            if w == "and" and prev == "RPAR":
                self.i = m.end()
                self.emit("AND", w, start)
                return
            if w == "trusted" and not s[m.end():].strip():
                self.i = m.end()
                self.emit("TRUSTED", w, start)
                return
            if prev in ("IF", "AND") and w in CONDITIONS:
                self.i = m.end()
                self.emit("COND", w, start)
                return
        if word is not None:
            self.i = start + len(word)
            if word == "expect":
                self.emit("EXPECT", word, start)
                self.skip_space()
                m = WORD_RE.match(s, self.i)
                if not m or m.group(0) not in OUTCOMES:
                    self.fail("expect must be followed by proved, refuted or unknown", self.i,
                              m.end() if m else None)
                self.emit("OUTCOME", m.group(0), self.i, m.end())
                self.i = m.end()
            elif word == "ones":
                self.emit("ONES", "𝟏", start)
            else:
                self.function(word, start)
            return
        if word is None:      # in a rule too: softplus(A) is not s·o·f·t·p·l·u·s·A
            self.refuse_unknown_function(start)
        c = s[start]
        self.i += 1
        if c == "d" and not (self.peek() != "" and self.peek() in DIGITS + "_"):
            self.differential_or_symbol(start, self.i)
            return
        self.symbol(c, start)

    def refuse_unknown_function(self, start: int) -> None:
        """`softmax(x)`, `relu(X)`: by §4 a product of one-letter symbols, which nobody means;
        a run of three or more letters right before `(`, holding no reserved word or declared
        name, is reported as the unknown function it was meant to be."""
        if start > 0 and is_letter(self.s[start - 1]):
            return                                  # not the start of the run
        m = WORD_RE.match(self.s, start)
        word = m.group(0) if m else ""
        if len(word) < 3 or self.s[m.end():m.end() + 1] != "(" or \
                any(r in word for r in RESERVED) or any(n in word for n in self.declared):
            return
        known = ", ".join(sorted(set(FUNCS.values()) | set(FUNCS2.values())))
        self.fail(f"unknown function {word}", start, m.end(),
                  hint=f"the functions are {known}; a product of one-letter symbols is written "
                       f"with spaces ({' '.join(word)} (…))")

    def differential_or_symbol(self, start: int, after: int) -> None:
        """`d` before a symbol or a bracket is the differential; else the symbol d."""
        nxt = self.next_significant(after)
        greek_cmd = nxt.startswith("\\") and nxt[1:] in GREEK
        # d\log\det X, \mathrm{d}\operatorname{tr}(AX): the differential of the function
        style_cmd = nxt.startswith("\\") and nxt[1:] in STYLE_COMMANDS | set(DECORATIONS) | FUNC_COMMANDS | {
            "left", "operatorname"}
        if nxt and (is_letter(nxt[0]) or nxt == "(" or greek_cmd or style_cmd):
            self.emit("DF" if self.function_follows(after) else "D", "d", start)
        else:
            self.symbol("d", start)

    def function_follows(self, j: int) -> bool:
        """Whether a function name (`\\log`, `\\operatorname{tr}`, `tr`) comes next, after
        spacing: then `d` is the differential of its value (a token of its own, DF, so that
        the grammar needs no second token of lookahead)."""
        j = self.significant_at(j)
        if self.s.startswith("\\", j):
            name, k = self.read_command(j)
            if name in FUNC_COMMANDS:
                return True
            m = re.compile(r"\s*\{\s*([A-Za-z]+)\s*\}").match(self.s, k)
            return name in WORD_COMMANDS and m is not None and m.group(1) in FUNCS
        word = self.reserved_at(j) if j < len(self.s) else None
        return word in FUNCS and not any(self.s.startswith(n, j) for n in self.declared)

    def symbol(self, letter: str, start: int) -> None:
        digits = ""
        while self.peek() and self.peek() in DIGITS:
            digits += self.peek()
            self.i += 1
        name = letter + digits + self.read_subscript()
        m = STAR_RE.match(self.s, self.i)
        if m and (m.group(1) or m.group(2) or letter.islower() or is_greek(letter)):
            name, self.i = name + "_star", m.end()   # x^\star, x^*: the optimum, a name of its own
        suffix, transposed = self.layer()
        name += suffix
        if name not in self.declared_set and re.fullmatch(r"I(_[A-Za-z]+)?", name):
            self.emit("IDENT", name, start)     # I, and I_n, I_d: an identity (of size n, if n is declared)
        elif name == "σ" and "σ" not in self.declared_set and self.primed(self.i) is not None:
            self.refuse_prime("σ", start)
        elif name == "σ" and "σ" not in self.declared_set and self.next_significant(self.i) in ("(", "\\left"):
            self.function("sigmoid", start)     # σ(Wx): the logistic sigmoid, unless σ is declared
        else:
            self.emit("SYM", name, start)
        if transposed:                          # W^{(2)\top}: layer 2's W, transposed
            self.emit("TRANSPOSE", "ᵀ", start)

    # -- superscripts -------------------------------------------------------------
    def lex_superscript(self) -> None:
        start = self.i
        self.i += 1
        self.skip_space()
        c = self.peek()
        if c == "{":
            content, self.i = self.read_group(self.i)
        elif c == "\\":
            name, self.i = self.read_command(self.i)
            content = "\\" + name
            if name in STYLE_COMMANDS | {"mathrm", "text"} and self.next_significant(self.i) == "{":
                self.skip_space()            # ^\mathsf{T}: the style's argument is the superscript
                group, self.i = self.read_group(self.i)
                content += "{" + group + "}"
        elif c == "-":
            j = self.i + 1
            if self.peek(1) == "\\":
                name, j = self.read_command(j)
                content = "-\\" + name
            else:
                m = re.compile(r"[0-9]+|.").match(self.s, j)
                if not m:
                    self.fail("expected a superscript after '^-'", start)
                j = m.end()
                content = "-" + m.group(0)
            self.i = j
        elif c != "" and c in DIGITS:
            m = re.compile(r"[0-9]+").match(self.s, self.i)
            content, self.i = m.group(0), m.end()
        elif c:
            content = c
            self.i += 1
        else:
            self.fail("expected a superscript after '^'", start,
                      hint="write ^T, ^{-1}, ^{-T} or a number like ^2 or ^{1/2}")
        self.classify_superscript(content, start)

    def classify_superscript(self, content: str, start: int) -> None:
        text = re.sub(r"\\[!,;:](?![A-Za-z])", "", content)             # ^{\!\top}: spacing
        text = re.sub(r"\\(?:mathsf|mathrm|text|mathit)\s*\{?\s*([A-Za-z])\s*\}?", r"\1", text)   # ^{\mathsf T}
        text = re.sub(r"\s+", "", text)
        text = text.replace("−", "-")
        if text in TRANSPOSE_MARKS:
            self.emit("TRANSPOSE", "ᵀ", start)
            return
        if text.startswith("-") and text[1:] in TRANSPOSE_MARKS:
            self.emit("INVT", "⁻ᵀ", start)
            return
        if text in ("-1", "{-1}"):
            self.emit("INVERSE", "⁻¹", start)
            return
        m = re.fullmatch(r"(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}", text)
        if m:
            num, den = self.number(m.group(2), start), self.number(m.group(3), start)
            if den == 0:
                self.fail("division by zero in an exponent", start, self.i)
            value = self.exponent(num / den, start)
            self.emit("POW", -value if m.group(1) else value, start)
            return
        m = RATIONAL_RE.match(text)
        if m:
            value = self.number(m.group(2), start)
            if m.group(3):
                den = self.number(m.group(3), start)
                if den == 0:
                    self.fail("division by zero in an exponent", start, self.i)
                value /= den
            value = self.exponent(value, start)
            self.emit("POW", -value if m.group(1) else value, start)
            return
        m = re.fullmatch(r"(?:\\circ|∘|\\odot)\{?(-?[0-9]+(?:/[0-9]+)?)\}?", text)
        if m:                         # x^{\circ 2}: a Hadamard power
            value = self.exponent(Fraction(m.group(1)), start)
            if value not in (Fraction(1, 2), Fraction(-1, 2)) and (value.denominator != 1 or value == 0):
                self.fail("a Hadamard power is an integer other than 0, or ±1/2", start, self.i)
            self.emit("HADPOW", value, start)
            return
        if text in self.dims:         # the size of a declared dimension: det(α X) = α^n det(X)
            self.emit("POW", text, start)
            return
        self.fail(f"cannot read the superscript '{content}'", start, self.i,
                  hint="write ^T, ^{-1}, ^{-T}, a number like ^2 or ^{1/2}, or the name of a "
                       "dimension a let declares (α^n)")

    def lex_unicode_superscript(self) -> None:
        start = self.i
        neg = False
        if self.peek() == "⁻":
            neg = True
            self.i += 1
            if self.peek() == "ᵀ":
                self.i += 1
                self.emit("INVT", "⁻ᵀ", start)
                return
        digits = ""
        while self.peek() and self.peek() in SUPERSCRIPT_DIGITS:
            digits += SUPERSCRIPT_DIGITS[self.peek()]
            self.i += 1
        if not digits:
            self.fail("expected ¹, ᵀ or digits after '⁻'", start, self.i + 1)
        value = self.exponent(self.number(digits, start), start)
        if neg and value == 1:
            self.emit("INVERSE", "⁻¹", start)
        else:
            self.emit("POW", -value if neg else value, start)
