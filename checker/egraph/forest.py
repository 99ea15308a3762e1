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
    """Forest vertices and their terms, and the edges that say why classes were merged.

    The search records edges in plain Python data (this sits in its hot loop); the networkx
    graphs that explanations walk are made from them when a proof is explained, so that a
    search that proves nothing never imports networkx."""

    def __init__(self) -> None:
        self.terms: list[S.Expr] = []                 # vertex → the term it was created for
        self.vertex_of: dict[ENode, int] = {}         # canonical e-node → its oldest vertex
        self.vertex_of_term: dict[S.Expr, int] = {}   # a term added → its root's vertex then
        self.class_of_term: dict[S.Expr, int] = {}    # … and its class then
        self.term_of_class: dict[int, S.Expr] = {}    # a class → the term it was created for
        self._merges: list[tuple[int, int, Justification]] = []
        # every rule application, merging or not (the last reason given for a pair wins)
        self._shortcuts: dict[frozenset, tuple[int, int, Justification]] = {}
        self._graphs: dict[str, tuple[int, object]] = {}

    def new_vertex(self, node: ENode, term: S.Expr, cid: int) -> int:
        """A new vertex for an e-node just created for `term` in class `cid`."""
        v = len(self.terms)
        self.terms.append(term)
        self.vertex_of[node] = v
        self.term_of_class[cid] = term
        return v

    def merge(self, a: int, b: int, why: Justification) -> None:
        """The union of the classes of vertices a and b, for this reason."""
        self._merges.append((a, b, why))
        self._shortcuts[frozenset((a, b))] = (a, b, why)

    def shortcut(self, a: int, b: int, why: ByRule) -> None:
        """A rule application between two vertices already in one class."""
        key = frozenset((a, b))
        if a != b and key not in self._shortcuts:
            self._shortcuts[key] = (a, b, why)

    @property
    def graph(self):
        """The forest as a networkx graph: every vertex, one edge per union (edge data: `why`,
        and `src`, the vertex the reason reads from)."""
        return self._graph("forest", self._merges, with_vertices=True)

    @property
    def shortcuts(self):
        """Every rule application as an edge, merging or not: shortest paths here are
        shorter proofs."""
        return self._graph("shortcuts", list(self._shortcuts.values()), with_vertices=False)

    def _graph(self, name: str, edges: list, with_vertices: bool):
        size = (len(self.terms), len(edges))
        made = self._graphs.get(name)
        if made is not None and made[0] == size:
            return made[1]
        import networkx as nx
        g = nx.Graph()
        if with_vertices:
            g.add_nodes_from(range(len(self.terms)))
        for a, b, why in edges:
            g.add_edge(a, b, why=why, src=a)
        self._graphs[name] = (size, g)
        return g
