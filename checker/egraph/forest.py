"""The proof forest: why the e-graph holds each equality (egg's `Explain` store).

Kept beside the e-graph, not inside its classes: the e-graph decides *what*
is equal, this records *why*, and `explain` reads proofs off it.

Every e-node, when created, gets a forest vertex (a number) and the concrete
term it was created for. Every union adds one edge between the two vertices
it joined, labelled with a `Justification`, one of four kinds:

* `ByRule` — a rule applied to concrete terms (the step, both sides);
* `ByCongruence` — the two e-nodes became the same once their children were
  merged;
* `ByFlattening` — a nested product (or sum) and its flat form;
* `ByFolding` — a product and the same product with its numbers multiplied.

Components of the forest are exactly the e-classes. A second graph,
`shortcuts`, also keeps the rule applications that merged nothing; shortest
paths there give shorter proofs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

import networkx as nx

from .. import syntax as S

if TYPE_CHECKING:
    from .rewrite import RuleStep

ENode = tuple  # (op, attr, tuple[int, ...])


@dataclass(frozen=True)
class ByRule:
    """A rule applied at the root of the two vertices' terms (or at a window of factors)."""

    step: "RuleStep"


@dataclass(frozen=True)
class ByCongruence:
    """The two e-nodes became one after their children's classes were merged."""


@dataclass(frozen=True)
class ByFlattening:
    """The outer vertex's term with argument `arg` replaced by the factors (or terms) of the
    inner vertex's term is the other vertex's term."""

    arg: int
    inner: int


@dataclass(frozen=True)
class ByFolding:
    """The product with its numbers multiplied out (`term`); the kernel's normal form does
    the same, so no rule is named."""

    term: S.Expr


Justification = Union[ByRule, ByCongruence, ByFlattening, ByFolding]


class ProofForest:
    """Forest vertices and their terms, and the edges that say why classes were merged."""

    def __init__(self) -> None:
        self.terms: list[S.Expr] = []                 # vertex → the term it was created for
        self.vertex_of: dict[ENode, int] = {}         # canonical e-node → its oldest vertex
        self.vertex_of_term: dict[S.Expr, int] = {}   # a term added → its root's vertex then
        self.class_of_term: dict[S.Expr, int] = {}    # … and its class then
        self.term_of_class: dict[int, S.Expr] = {}    # a class → the term it was created for
        self.graph = nx.Graph()
        self.shortcuts = nx.Graph()

    def new_vertex(self, node: ENode, term: S.Expr, cid: int) -> int:
        """A new vertex for an e-node just created for `term` in class `cid`."""
        v = len(self.terms)
        self.terms.append(term)
        self.vertex_of[node] = v
        self.term_of_class[cid] = term
        self.graph.add_node(v)
        return v

    def merge(self, a: int, b: int, why: Justification) -> None:
        """The union of the classes of vertices a and b, for this reason."""
        self.graph.add_edge(a, b, why=why, src=a)
        self.shortcuts.add_edge(a, b, why=why, src=a)

    def shortcut(self, a: int, b: int, why: ByRule) -> None:
        """A rule application between two vertices already in one class."""
        if a != b and not self.shortcuts.has_edge(a, b):
            self.shortcuts.add_edge(a, b, why=why, src=a)
