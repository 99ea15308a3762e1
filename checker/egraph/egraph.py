"""The e-graph: hash-consed e-nodes in e-classes, congruence closure by deferred rebuild.

Modelled on egg (Willsey et al., POPL 2021): `add` hash-conses, `union`
merges two classes and queues them, `rebuild` restores the congruence
invariant (equal children ⇒ equal parents) in one pass over the queue.

An e-node is a plain tuple `(op, attr, children)`. Associativity and
commutativity are not rewrite rules here (they blow up, see the design
notes): products, Kronecker products and sums are n-ary nodes, and the
children of the commutative ones (sums, Hadamard products) are kept sorted
by class id, so a reordered sum is the same e-node. Every class has one
shape (an e-class analysis); a union of classes of different shapes is a
bug in a rule or in the matcher and raises `ShapeClash` at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from .. import syntax as S
from ..shapes import Shape
from ..typecheck import SymbolInfo, _shape_rule
from .unionfind import UnionFind

ENode = tuple  # (op, attr, tuple[int, ...])
COMMUTATIVE = {S.ADD, S.HAD}


class ShapeClash(Exception):
    """Two classes of different shapes were declared equal: an internal error."""


@dataclass
class EClass:
    id: int
    nodes: list[ENode] = field(default_factory=list)
    parents: list[tuple[ENode, int]] = field(default_factory=list)
    shape: Shape | None = None


class EGraph:
    def __init__(self, symbols: dict[str, SymbolInfo]):
        self.symbols = symbols
        self.uf = UnionFind()
        self.memo: dict[ENode, int] = {}
        self.classes: dict[int, EClass] = {}
        self.pending: list[int] = []

    # -- nodes ------------------------------------------------------------------
    def find(self, i: int) -> int:
        return self.uf.find(i)

    def canonical(self, node: ENode) -> ENode:
        op, attr, kids = node
        kids = tuple(self.uf.find(k) for k in kids)
        if op in COMMUTATIVE:
            kids = tuple(sorted(kids))
        return (op, attr, kids)

    def _shape(self, node: ENode) -> Shape:
        op, attr, kids = node
        if op == S.SYM:
            return self.symbols[attr].shape
        if op == S.NUM:
            return (1, 1)
        if op in (S.IDENT, S.ZERO, S.ONES):
            return attr
        return _shape_rule(S.Expr(op, (), attr), [self.classes[self.find(k)].shape for k in kids])

    def add_node(self, node: ENode) -> int:
        node = self.canonical(node)
        hit = self.memo.get(node)
        if hit is not None:
            return self.find(hit)
        i = self.uf.make()
        cls = EClass(i, [node], [], self._shape(node))
        self.classes[i] = cls
        for k in set(node[2]):
            self.classes[k].parents.append((node, i))
        self.memo[node] = i
        return i

    def add(self, e: S.Expr) -> int:
        """Add a typed term; equal subterms share their class."""
        kids = tuple(self.add(a) for a in e.args)
        return self.add_node((e.op, e.attr, kids))

    # -- equality ---------------------------------------------------------------
    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ca, cb = self.classes[ra], self.classes[rb]
        if ca.shape != cb.shape:
            raise ShapeClash(f"class {ra} has shape {ca.shape}, class {rb} has {cb.shape}")
        if len(ca.parents) < len(cb.parents):  # keep the larger class as the root
            ra, rb, ca, cb = rb, ra, cb, ca
        self.uf.parent[rb] = ra
        ca.nodes.extend(cb.nodes)
        ca.parents.extend(cb.parents)
        del self.classes[rb]
        self.pending.append(ra)
        return True

    def equivalent(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)

    def rebuild(self) -> None:
        """Restore congruence: re-canonicalize the parents of merged classes."""
        while self.pending:
            todo = {self.find(i) for i in self.pending}
            self.pending = []
            for i in todo:
                self._repair(self.find(i))
        for cls in self.classes.values():
            cls.nodes = list(dict.fromkeys(self.canonical(n) for n in cls.nodes))

    def _repair(self, i: int) -> None:
        cls = self.classes[i]
        for node, _ in cls.parents:
            self.memo.pop(node, None)
        seen: dict[ENode, int] = {}
        for node, parent in cls.parents:
            node = self.canonical(node)
            if node in seen:
                self.union(seen[node], parent)
            other = self.memo.get(node)
            if other is not None and self.find(other) != self.find(parent):
                self.union(other, parent)
            parent = self.find(parent)
            self.memo[node] = parent
            seen[node] = parent
        self.classes[self.find(i)].parents = [(n, self.find(p)) for n, p in seen.items()]

    # -- sizes ------------------------------------------------------------------
    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def n_nodes(self) -> int:
        return len(self.memo)

    def nodes(self, i: int) -> list[ENode]:
        return self.classes[self.find(i)].nodes
