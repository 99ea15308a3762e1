"""Equality saturation: the e-graph and what works on it.

One concept per module, after egg: `unionfind`, `egraph` (hash-consing,
union, congruence by rebuild, the shape analysis), `pattern` (e-matching
modulo associativity), `rewrite` (rules as rewrites, their conditions and
application), `run` (the saturation loop and its limits), `explain` (proofs
read off the proof forest), `extract` (cheapest terms).
"""
from .egraph import EGraph, ShapeClash
from .extract import Extractor
from .unionfind import UnionFind

__all__ = ["EGraph", "ShapeClash", "Extractor", "UnionFind"]
