"""Equality saturation: the e-graph and what works on it.

One concept per module, after egg: `unionfind`, `egraph` (hash-consing,
union, congruence by rebuild, the shape analysis), `extract` (cheapest
terms). Pattern matching modulo associativity, rewriting, the run loop with
its limits and explanations come next (see the open issue on proof search).
"""
from .egraph import EGraph, ShapeClash
from .extract import Extractor
from .unionfind import UnionFind

__all__ = ["EGraph", "ShapeClash", "Extractor", "UnionFind"]
