"""What a file says: declarations, theorems, rules and `use` lines.

These are the parser's output, before typing. Each statement remembers its
file and line, and each theorem and rule carries the declarations in force on
its line (a `let` holds from its line to the end of the file, §2).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .syntax import Expr

ShapeSpec = tuple  # ("scalar",) | (dim,) | (rows, cols); dims are str or int


@dataclass(frozen=True)
class Decl:
    """`let NAME: SHAPE PROPS` for one name."""

    name: str
    shape: ShapeSpec
    props: frozenset[str]
    line: int = 0

    def shape_text(self) -> str:
        if self.shape == ("scalar",):
            return "scalar"
        return "×".join(str(d) for d in self.shape)


Declarations = dict[str, Decl]


@dataclass
class Theorem:
    """An identity or a chain `a = b = c` to settle."""

    name: str
    sides: tuple[Expr, ...]
    expect: str
    decls: Declarations
    line: int
    text: str
    filename: str = "<input>"
    side_columns: tuple[int, ...] = ()
    physical: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()          # rule files named by `use` lines above it
    layout: str = "numerator"           # what a bare ∂f/∂x of a vector f is (§5b): J, or its transpose

    def source_line(self, line: int) -> str | None:
        k = line - self.line
        return self.physical[k] if 0 <= k < len(self.physical) else None


@dataclass
class Rule:
    """`rule NAME: LHS -> RHS [if COND]` (or `<->`, both ways)."""

    name: str
    lhs: Expr
    rhs: Expr
    bidirectional: bool
    conditions: tuple[tuple[str, Expr], ...]
    decls: Declarations
    line: int
    text: str
    filename: str = "<input>"
    physical: tuple[str, ...] = ()
    #: the author vouches for it (`… trusted`): used even where the numeric test cannot decide
    trusted: bool = False

    def source_line(self, line: int) -> str | None:
        k = line - self.line
        return self.physical[k] if 0 <= k < len(self.physical) else None


@dataclass
class Use:
    path: str
    line: int
    filename: str = "<input>"


@dataclass
class Document:
    """A parsed file (or a one-line input)."""

    filename: str
    theorems: list[Theorem] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    decls: Declarations = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def decl_line(d: Decl) -> str:
    """The `let` line that declares `d` again (certificates and cache keys re-print them)."""
    from . import syntax as S
    from .printing import to_ascii
    props = " ".join(sorted(d.props))
    name = to_ascii(S.sym(d.name))       # as it reads back: w_hat is w_{hat}, W^(1) is W^{(1)}
    return f"let {name}: {d.shape_text()} {props}".rstrip()
