"""Union-find over dense integer ids, with path halving.

Plain Python lists on purpose: this sits in the e-graph's hot loop.
"""
from __future__ import annotations


class UnionFind:
    """Disjoint sets of dense integer ids."""
    def __init__(self) -> None:
        self.parent: list[int] = []

    def make(self) -> int:
        """A new singleton set; its id."""
        i = len(self.parent)
        self.parent.append(i)
        return i

    def find(self, i: int) -> int:
        """The root of i's set, halving the path on the way."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> int:
        """Merge the sets of a and b; the root of a's set stays the root."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra

    def __len__(self) -> int:
        return len(self.parent)
