"""Extraction: the cheapest term of each e-class.

Cost is size first (a transpose of a symbol or of its inverse counting as
one symbol), then fewer inverses and transposes (a person prefers `X⁻ᵀ` to
`(Xᵀ)⁻¹ᵀᵀ`), then fewer sums. Costs are found by the usual fixed point over the
classes, as in egg's `Extractor`.
"""
from __future__ import annotations

from .. import syntax as S
from .egraph import EGraph, ENode

Cost = tuple[int, int, int]


def node_cost(node: ENode, child_costs: list[Cost]) -> Cost:
    """Size, then inverses and transposes, then sums (`2 X` reads better than `X + X`).
    The transpose of a symbol or of its inverse (`bᵀ`, `X⁻ᵀ`) counts as one symbol: a person
    writes `−X⁻ᵀ a bᵀ X⁻ᵀ`, not the smaller `−(X⁻¹ b aᵀ X⁻¹)ᵀ`."""
    op = node[0]
    size = (0 if op == S.T and child_costs[0][0] <= 2 else 1) + sum(c[0] for c in child_costs)
    heavy = (op in (S.INV, S.T)) + sum(c[1] for c in child_costs)
    sums = (op == S.ADD) + sum(c[2] for c in child_costs)
    return (size, heavy, sums)


class Extractor:
    """The cheapest term of each class, by `node_cost`, computed to a fixpoint once."""
    def __init__(self, eg: EGraph):
        self.eg = eg
        self.best: dict[int, tuple[Cost, ENode]] = {}
        self._fixpoint()

    def _fixpoint(self) -> None:
        eg = self.eg
        changed = True
        while changed:
            changed = False
            for i, cls in eg.classes.items():
                for node in cls.nodes:
                    kids = [eg.find(k) for k in node[2]]
                    if not all(k in self.best for k in kids):
                        continue
                    cost = node_cost(node, [self.best[k][0] for k in kids])
                    if i not in self.best or cost < self.best[i][0]:
                        self.best[i] = (cost, node)
                        changed = True

    def term(self, i: int) -> S.Expr:
        """The cheapest term of class `i`."""
        i = self.eg.find(i)
        _, node = self.best[i]
        op, attr, kids = node
        args = tuple(self.term(k) for k in kids)
        return S.make(op, args, attr)

    def cost(self, i: int) -> Cost:
        """The cost of the cheapest term of class `i`."""
        return self.best[self.eg.find(i)][0]
