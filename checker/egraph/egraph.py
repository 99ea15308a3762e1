"""The e-graph: hash-consed e-nodes in e-classes, congruence closure by deferred rebuild.

Modelled on egg (Willsey et al., POPL 2021): `add` hash-conses, `union`
merges two classes and queues them, `rebuild` restores the congruence
invariant (equal children ⇒ equal parents) in one pass over the queue.

An e-node is a plain tuple `(op, attr, children)`. Associativity and
commutativity are not rewrite rules here (they blow up): products,
Kronecker products and sums are n-ary nodes; the children of the
commutative ones (sums, Hadamard products) are kept sorted by class id, so
a reordered sum is the same e-node; the scalar factors of a product (which
commute with every factor) are kept sorted at its front; `flatten` adds the
flat form of a product whose factor is itself a product, and
`fold_numbers` multiplies out its numbers. Every class has one shape (an
e-class analysis); a union of classes of different shapes is a bug in a rule
or in the matcher and raises `ShapeClash` at once.

For explanations every e-node, when created, gets a forest vertex (`nid`)
and the concrete term it was created for; every union adds one edge between
two vertices, labelled with a typed justification. Both live in
`ProofForest` (forest.py), beside the classes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .. import syntax as S
from ..shapes import SCALAR, Shape
from ..typecheck import IllTyped, SymbolInfo, checked_shape, shape_rule
from .forest import ByCongruence, ByFlattening, ByFolding, Justification, ProofForest
from .unionfind import UnionFind

ENode = tuple  # (op, attr, tuple[int, ...])
COMMUTATIVE = {S.ADD, S.HAD}
ASSOCIATIVE = {S.MUL, S.ADD, S.KRON, S.HAD}
#: products are flattened up to this many scalar factors: every way of writing a scalar
#: as a product of scalars (2 = 2 α⁻¹ α = …) is an e-node, and longer ones explode
MAX_SCALARS = 3
#: the work of adding one flattened node, in units of one e-node visited by matching
FLATTEN_WORK = 15


class ShapeClash(Exception):
    """Two classes of different shapes were declared equal: an internal error."""


@dataclass
class EClass:
    """An e-class: its e-nodes, the parents that point into it, and its shape."""
    id: int
    nodes: list[ENode] = field(default_factory=list)
    parents: list[tuple[ENode, int, int]] = field(default_factory=list)   # (node, class, nid)
    shape: Shape | None = None
    _by_op: dict[str, list[ENode]] | None = field(default=None, repr=False)

    def with_op(self, op: str) -> list[ENode]:
        """The nodes of this class with operator `op` (indexed on first use; the e-graph
        drops the index whenever the class's nodes change)."""
        if self._by_op is None:
            index: dict[str, list[ENode]] = {}
            for node in self.nodes:
                index.setdefault(node[0], []).append(node)
            self._by_op = index
        return self._by_op.get(op, [])


class EGraph:
    """Hash-consed e-nodes in classes, with congruence restored by `rebuild` (see the module doc)."""
    def __init__(self, symbols: dict[str, SymbolInfo]):
        self.symbols = symbols
        self.work = 0
        self.uf = UnionFind()
        self.memo: dict[ENode, int] = {}
        self.classes: dict[int, EClass] = {}
        self.pending: list[int] = []
        self.scalar_ids: set[int] = set()           # classes of shape 1×1 (ids, root or not)
        self.op_classes: dict[str, set[int]] = {}   # operator → classes with it (ids may be stale)
        self.proofs = ProofForest()                 # why each union was made (explanations)
        self.shape_cache: dict = {}                 # checked shapes of terms (see typecheck)
        self.flattened: set[tuple] = set()          # (node, child, inner node) already flattened
        self.folded: set[int] = set()               # forest vertices whose numbers were folded

    # -- nodes ------------------------------------------------------------------
    def find(self, i: int) -> int:
        """The canonical id of class `i`."""
        return self.uf.find(i)

    def canonical(self, node: ENode) -> ENode:
        """The node with canonical children (sums sorted, a product's scalars sorted at its front)."""
        op, attr, kids = node
        find = self.uf.find
        kids = tuple([find(k) for k in kids])
        if op in COMMUTATIVE:
            kids = tuple(sorted(kids))
        elif op == S.MUL:   # scalars commute with every factor: sorted, at the front
            scalar = self.scalar_ids
            if not scalar.isdisjoint(kids):
                kids = tuple(sorted([k for k in kids if k in scalar]) + [k for k in kids if k not in scalar])
        return (op, attr, kids)

    def scalar_product(self, kids: tuple[int, ...]) -> bool:
        """Whether a product of these classes is a product of scalars only."""
        return all(k in self.scalar_ids for k in kids)

    def reorders(self, node: ENode) -> bool:
        """Whether terms of this canonical e-node may have its children in another order
        (a sum, a Hadamard product, a product with a scalar factor)."""
        if node[0] in COMMUTATIVE:
            return True
        return node[0] == S.MUL and not self.scalar_ids.isdisjoint(node[2])

    def _shape(self, node: ENode) -> Shape:
        op, attr, kids = node
        if op == S.SYM:
            return self.symbols[attr].shape
        if op == S.NUM:
            return (1, 1)
        if op in (S.IDENT, S.ZERO, S.ONES):
            return attr
        return shape_rule(S.Expr(op, (), attr), [self.classes[self.find(k)].shape for k in kids])

    def _add_node(self, node: ENode, term: S.Expr) -> tuple[int, int]:
        """Add an e-node whose children are classes, `term` a concrete term it stands for;
        its class and its forest vertex."""
        node = self.canonical(node)
        hit = self.memo.get(node)
        if hit is not None:
            return self.find(hit), self.proofs.vertex_of[node]
        i = self.uf.make()
        self.classes[i] = EClass(i, [node], [], self._shape(node))
        if self.classes[i].shape == SCALAR:
            self.scalar_ids.add(i)
        self.op_classes.setdefault(node[0], set()).add(i)
        nid = self.proofs.new_vertex(node, term, i)
        for k in set(node[2]):
            self.classes[k].parents.append((node, i, nid))
        self.memo[node] = i
        return i, nid

    def add(self, e: S.Expr) -> int:
        """Add a typed term; equal subterms share their class."""
        return self.add_with_nid(e)[0]

    def add_with_nid(self, e: S.Expr) -> tuple[int, int]:
        """Add a term; its class and the number of its root e-node (for the proof forest).

        Works between rebuilds too: a node missed under a stale key is added again and
        merged with its twin by the next rebuild (a congruence)."""
        seen = self.proofs.vertex_of_term.get(e)
        if seen is not None:   # added before: its class is where it went then (up to find)
            return self.find(self.proofs.class_of_term[e]), seen
        kids = tuple(self.add(a) for a in e.args)
        cid, nid = self._add_node((e.op, e.attr, kids), e)
        self.proofs.vertex_of_term[e] = nid
        self.proofs.class_of_term[e] = cid
        return cid, nid

    def vertex(self, e: S.Expr) -> int:
        """The forest vertex of a term: the e-node its root was when the term was first added."""
        v = self.proofs.vertex_of_term.get(e)
        return v if v is not None else self.proofs.vertex_of[self.node_of(e)]

    def lookup(self, e: S.Expr) -> int | None:
        """The class of a term already in the graph, or None."""
        if self.pending:
            self.rebuild()
        known = self.proofs.class_of_term.get(e)
        if known is not None:
            return self.find(known)
        kids = []
        for a in e.args:
            k = self.lookup(a)
            if k is None:
                return None
            kids.append(k)
        hit = self.memo.get(self.canonical((e.op, e.attr, tuple(kids))))
        return None if hit is None else self.find(hit)

    def node_of(self, e: S.Expr) -> ENode:
        """The canonical e-node of a term already in the graph; KeyError if it is not."""
        if self.pending:
            self.rebuild()
        kids = tuple(self.lookup(a) for a in e.args)
        if any(k is None for k in kids):
            raise KeyError(f"term not in the e-graph: {e!r}")
        return self.canonical((e.op, e.attr, kids))

    def term(self, i: int) -> S.Expr:
        """A concrete term of class `i` (the one it was created for)."""
        return self.proofs.term_of_class[self.find(i)]

    # -- equality ---------------------------------------------------------------
    def union(self, a: int, b: int, why: tuple[int, int, Justification] | None = None) -> bool:
        """Merge two classes. `why` = (vertex_a, vertex_b, justification) goes into the proof
        forest."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ca, cb = self.classes[ra], self.classes[rb]
        if ca.shape != cb.shape:
            raise ShapeClash(f"class {ra} has shape {ca.shape}, class {rb} has {cb.shape}")
        if why is not None:
            self.proofs.merge(*why)
        if len(ca.parents) < len(cb.parents):  # keep the larger class as the root
            ra, rb, ca, cb = rb, ra, cb, ca
        self.uf.union(ra, rb)
        ca.nodes.extend(cb.nodes)
        ca._by_op = None
        ca.parents.extend(cb.parents)
        del self.classes[rb]
        self.pending.append(ra)
        return True

    def equivalent(self, a: int, b: int) -> bool:
        """Whether two classes have been merged."""
        return self.find(a) == self.find(b)

    def rebuild(self) -> None:
        """Restore congruence: re-canonicalize the parents of merged classes."""
        dirty: set[int] = set()
        while self.pending:
            todo = {self.find(i) for i in self.pending}
            self.pending = []
            dirty |= todo
            for i in todo:
                if self.find(i) in self.classes:
                    dirty |= self._repair(self.find(i))
        for i in {self.find(d) for d in dirty}:
            cls = self.classes[i]
            cls.nodes = list(dict.fromkeys(self.canonical(n) for n in cls.nodes))
            cls._by_op = None

    def _repair(self, i: int) -> set[int]:
        """Re-canonicalize the parents of class i; returns the classes whose nodes changed."""
        cls = self.classes[i]
        for node, _, _ in cls.parents:
            self.memo.pop(node, None)
            self.proofs.vertex_of.pop(node, None)
        seen: dict[ENode, tuple[int, int]] = {}
        for node, parent, nid in cls.parents:
            new = self.canonical(node)
            if new in seen:
                self.union(seen[new][0], parent, (seen[new][1], nid, ByCongruence()))
            else:
                existing = self.memo.get(new)
                if existing is not None and self.find(existing) != self.find(parent):
                    self.union(existing, parent, (self.proofs.vertex_of[new], nid, ByCongruence()))
                seen[new] = (parent, min(self.proofs.vertex_of.get(new, nid), nid))
            self.memo[new] = self.find(parent)
            # the oldest forest vertex of a node stands for it: explanations through it use
            # older edges, so explaining a congruence never needs the congruence itself
            self.proofs.vertex_of[new] = min(self.proofs.vertex_of.get(new, nid), nid)
        root = self.find(i)
        self.classes[root].parents = [(n, self.find(p), nid) for n, (p, nid) in seen.items()]
        return {self.find(p) for p, _ in seen.values()}

    # -- associativity ------------------------------------------------------------
    def flatten(self, limit: int, deadline: float | None = None) -> int:
        """For every n-ary node with a child class holding the same operator, add the flat node.

        `(A B) C` and `A (B C)` become one e-node `A B C`, and a negation inside a product is
        lifted out of it (`A (−B) C` is `−(A B C)`); returns how many unions were made.
        """
        import time
        if self.pending:
            self.rebuild()
        work = []
        checked = 0
        trivial: dict[int, bool] = {}
        for cid, cls in list(self.classes.items()):
            for node in cls.nodes:
                op, attr, kids = node
                if op not in ASSOCIATIVE or node not in self.proofs.vertex_of:
                    continue
                checked += 1
                self.work += 1
                if deadline is not None and checked % 128 == 0 and time.perf_counter() > deadline:
                    return 0
                outer_term = self.proofs.terms[self.proofs.vertex_of[node]]
                where: dict[int, int] | None = None   # child class → the term's argument for it
                for j, k in enumerate(kids):
                    k = self.find(k)
                    if k not in trivial:
                        trivial[k] = self._trivial(k)
                    if trivial[k]:
                        continue
                    for inner in self.classes[k].nodes:
                        self.work += 1          # every inner node looked at is work, as in matching
                        lifts = inner[0] == op or (op == S.MUL and inner[0] == S.NEG)
                        if not lifts or inner not in self.proofs.vertex_of or (node, j, inner) in self.flattened:
                            continue
                        if inner[0] == op and self._padding(k, inner, trivial):
                            continue
                        self.flattened.add((node, j, inner))
                        if inner[0] == op:
                            flat = self.canonical((op, attr, kids[:j] + inner[2] + kids[j + 1:]))
                            if op == S.MUL and self._scalars(flat[2]) > MAX_SCALARS:
                                continue
                            target = self.memo.get(flat)
                            if target is not None and self.find(target) == self.find(cid):
                                continue
                        if where is None:   # sums keep children sorted, terms do not
                            where = {}
                            for i, a in enumerate(outer_term.args):
                                where.setdefault(self.lookup(a), i)
                        jt = where.get(self.find(k))
                        if jt is not None:
                            vertex = self.proofs.vertex_of
                            work.append((cid, vertex[node], outer_term, jt, vertex[inner]))
        made = 0
        for n, (cid, outer_nid, outer_term, jt, inner_nid) in enumerate(work):
            if deadline is not None and n % 64 == 0 and time.perf_counter() > deadline:
                break
            self.work += FLATTEN_WORK
            args = list(outer_term.args)
            args[jt] = self.proofs.terms[inner_nid]
            flat_term = S.make(outer_term.op, tuple(args), outer_term.attr)
            try:  # A (rᵀ r) is a scaled A; A rᵀ r is not a product at all
                if checked_shape(flat_term, self.symbols, self.shape_cache) != self.classes[self.find(cid)].shape:
                    continue
            except IllTyped:
                continue
            new, new_nid = self.add_with_nid(flat_term)
            if self.union(cid, new, (outer_nid, new_nid, ByFlattening(jt, inner_nid))):
                made += 1
            if self.n_nodes > limit:
                break
        self.rebuild()
        return made + self.fold_numbers()

    def fold_numbers(self) -> int:
        """Multiply out the numbers of a product: `2 (3 A)`, once flat, is `6 A` (the kernel's
        normal form gathers them too, so the union needs no rule). Returns the unions made."""
        made = 0
        for node, nid in list(self.proofs.vertex_of.items()):
            if node[0] != S.MUL or nid in self.folded:
                continue
            self.folded.add(nid)   # a vertex's term never changes: fold it once
            term = self.proofs.terms[nid]
            nums = [a.attr for a in term.args if a.op == S.NUM]
            if len(nums) < 2:
                continue
            coeff = Fraction(1)
            for q in nums:
                coeff *= q
            rest = tuple(a for a in term.args if a.op != S.NUM)
            if coeff == 0 or not rest:
                continue
            folded = rest if coeff == 1 else (S.num(coeff),) + rest
            new_term = folded[0] if len(folded) == 1 else S.Expr(S.MUL, folded)
            cid = self.memo.get(node)
            if cid is None:
                continue
            new, new_nid = self.add_with_nid(new_term)
            if self.union(cid, new, (nid, new_nid, ByFolding(new_term))):
                made += 1
        self.rebuild()
        return made

    def _padding(self, k: int, inner: ENode, trivial: dict[int, bool]) -> bool:
        """Whether `inner`, a node of class k, only pads: it has k itself or a 0 or 1 among
        its children (`A` = `1 A` = `α⁻¹ α A`); flattening it would pad without end.
        `trivial` remembers which classes hold a 0 or 1."""
        for c in inner[2]:
            c = self.find(c)
            if c == k:
                return True
            t = trivial.get(c)
            if t is None:
                t = trivial[c] = self._trivial(c)
            if t:
                return True
        return False

    def _scalars(self, kids: tuple[int, ...]) -> int:
        scalar = self.scalar_ids
        return sum(1 for k in kids if k in scalar)

    def classes_with(self, op: str) -> list[int]:
        """The classes that have an e-node with operator `op`, each once."""
        find = self.uf.find
        roots = {find(c) for c in self.op_classes.get(op, ())}
        self.op_classes[op] = roots
        return sorted(roots)

    def _trivial(self, k: int) -> bool:
        """Whether class k holds 0 or 1: flattening its products into a product would only pad
        it (`A` = `1 A` = `α⁻¹ α A` = …); the rules that drop a 1 or a 0 do the real work."""
        cls = self.classes[self.find(k)]
        return any(n[1] in (0, 1) for n in cls.with_op(S.NUM)) or bool(cls.with_op(S.ZERO))

    # -- sizes ------------------------------------------------------------------
    @property
    def n_classes(self) -> int:
        """How many classes there are."""
        return len(self.classes)

    @property
    def n_nodes(self) -> int:
        """How many e-nodes there are, in all classes."""
        return len(self.memo)

    def nodes(self, i: int) -> list[ENode]:
        """The e-nodes of class `i`."""
        return self.classes[self.find(i)].nodes
