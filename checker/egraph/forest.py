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
from typing import Union

from .. import syntax as S

ENode = tuple  # (op, attr, tuple[int, ...])


@dataclass(frozen=True)
class RuleStep:
    """One rule application on concrete terms: `before` → `after`, the rule at the root
    (or, for a product, at factors `window_before` of `before` / `window_after` of `after`)."""

    rule: str
    direction: str
    subst: dict
    before: S.Expr
    after: S.Expr
    window_before: tuple[int, int] | None
    window_after: tuple[int, int] | None

    def reversed(self) -> "RuleStep":
        """The same step read from its result back to where it started."""
        flip = "<-" if self.direction == "->" else "->"
        return RuleStep(self.rule, flip, self.subst, self.after, self.before,
                        self.window_after, self.window_before)


@dataclass(frozen=True)
class ByRule:
    """A rule applied at the root of the two vertices' terms (or at a window of factors)."""

    step: RuleStep


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


class NoPath(Exception):
    """Two vertices are not connected (never for two terms of one class: a bug)."""


Adjacency = dict[int, dict[int, tuple[int, Justification]]]   # v → w → (src, why)


class ProofForest:
    """Forest vertices and their terms, and the edges that say why classes were merged.

    Plain Python data, as it sits in the search's hot loop; `path` finds the shortest path
    that an explanation walks. `graph` and `shortcuts` give the same edges as networkx
    graphs, for pictures and analyses (made on demand, so that proving imports no
    networkx)."""

    def __init__(self) -> None:
        self.terms: list[S.Expr] = []                 # vertex → the term it was created for
        self.vertex_of: dict[ENode, int] = {}         # canonical e-node → its oldest vertex
        self.vertex_of_term: dict[S.Expr, int] = {}   # a term added → its root's vertex then
        self.class_of_term: dict[S.Expr, int] = {}    # … and its class then
        self.term_of_class: dict[int, S.Expr] = {}    # a class → the term it was created for
        self.forest: Adjacency = {}                   # one edge per union
        self.age: dict[tuple[int, int], int] = {}     # a forest edge (low, high) → its union's number
        # every rule application, merging or not (the last reason given for a pair wins)
        self.shortcut_edges: Adjacency = {}

    def new_vertex(self, node: ENode, term: S.Expr, cid: int) -> int:
        """A new vertex for an e-node just created for `term` in class `cid`."""
        v = len(self.terms)
        self.terms.append(term)
        self.vertex_of[node] = v
        self.term_of_class[cid] = term
        return v

    def merge(self, a: int, b: int, why: Justification) -> None:
        """The union of the classes of vertices a and b, for this reason."""
        _link(self.forest, a, b, (a, why))
        self.age[(a, b) if a < b else (b, a)] = len(self.age)
        _link(self.shortcut_edges, a, b, (a, why))

    def newest(self, a: int, b: int) -> int:
        """The number of the newest union on the forest path between two vertices (-1 if
        they are one vertex): the time from which they have been known equal."""
        path = self.path(self.forest, a, b, every_vertex=True)
        return max((self.age[(v, w) if v < w else (w, v)] for v, w in zip(path, path[1:])), default=-1)

    def shortcut(self, a: int, b: int, why: ByRule) -> None:
        """A rule application between two vertices already in one class."""
        if a != b and b not in self.shortcut_edges.get(a, ()):
            _link(self.shortcut_edges, a, b, (a, why))

    @staticmethod
    def path(adj: Adjacency, source: int, target: int, every_vertex: bool = True) -> list[int]:
        """A shortest path, by breadth-first search from both ends (networkx's
        bidirectional_shortest_path, step for step, so that proofs read the same). Unless
        `every_vertex` (the forest), a vertex without edges is not in the graph at all."""
        if not every_vertex and (source not in adj or target not in adj):
            raise NoPath(f"vertex {source if source not in adj else target} has no edge here")
        if source == target:
            return [source]
        pred: dict[int, int | None] = {source: None}
        succ: dict[int, int | None] = {target: None}
        forward, reverse = [source], [target]
        meet = None
        while forward and reverse and meet is None:
            if len(forward) <= len(reverse):
                level, forward = forward, []
                for v in level:
                    for w in adj.get(v, ()):
                        if w not in pred:
                            forward.append(w)
                            pred[w] = v
                        if w in succ:
                            meet = w
                            break
                    if meet is not None:
                        break
            else:
                level, reverse = reverse, []
                for v in level:
                    for w in adj.get(v, ()):
                        if w not in succ:
                            succ[w] = v
                            reverse.append(w)
                        if w in pred:
                            meet = w
                            break
                    if meet is not None:
                        break
        if meet is None:
            raise NoPath(f"no path between vertices {source} and {target}")
        out: list[int] = []
        w: int | None = meet
        while w is not None:
            out.append(w)
            w = pred[w]
        out.reverse()
        w = succ[out[-1]]
        while w is not None:
            out.append(w)
            w = succ[w]
        return out

    @property
    def graph(self):
        """The forest as a networkx graph (edge data: `why`, and `src`, the vertex the
        reason reads from), for pictures."""
        return self._networkx(self.forest, range(len(self.terms)))

    @property
    def shortcuts(self):
        """Every rule application as a networkx graph, merging or not."""
        return self._networkx(self.shortcut_edges, ())

    @staticmethod
    def _networkx(adj: Adjacency, vertices):
        import networkx as nx
        g = nx.Graph()
        g.add_nodes_from(vertices)
        for v, ws in adj.items():
            for w, (src, why) in ws.items():
                g.add_edge(v, w, why=why, src=src)
        return g


def _link(adj: Adjacency, a: int, b: int, data: tuple[int, Justification]) -> None:
    """An undirected edge; an edge already there keeps its place and takes the new data."""
    adj.setdefault(a, {})[b] = data
    adj.setdefault(b, {})[a] = data
