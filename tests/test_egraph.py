"""The e-graph core: hash-consing, congruence closure, n-ary commutative nodes, shapes."""
from __future__ import annotations

import pytest

from checker.egraph import EGraph, Extractor, ShapeClash, UnionFind
from checker.parse import parse_expr
from checker.typecheck import infer


def graph(*texts: str, decls=None):
    exprs = [parse_expr(t) for t in texts]
    typed = infer(exprs, decls, same_shape=False)
    eg = EGraph(typed.symbols)
    ids = [eg.add(e) for e in typed.exprs]
    return eg, ids


def test_unionfind():
    uf = UnionFind()
    a, b, c = uf.make(), uf.make(), uf.make()
    assert uf.find(b) == b
    uf.union(a, b)
    uf.union(b, c)
    assert uf.find(c) == uf.find(a) == a


def test_hash_consing_shares_equal_subterms():
    eg, (x, y) = graph("tr(A B) + tr(A B)", "tr(A B)")
    # A, B, A B, tr(A B), the sum: five nodes, and tr(A B) added twice is one class
    assert eg.n_nodes == 5
    assert eg.nodes(x)[0][2] == (y, y)


def test_reordered_sums_are_one_node():
    eg, (p, q) = graph("A + B + C + D", "D + B + A + C")
    assert p == q


def test_congruence_after_union_and_rebuild():
    eg, (fa, fb, a, b) = graph("tr(A X) + α", "tr(B X) + α", "A", "B")
    assert not eg.equivalent(fa, fb)
    eg.union(a, b)
    eg.rebuild()
    assert eg.equivalent(fa, fb)


def test_products_keep_their_order():
    eg, (ab, ba) = graph("A B", "B A")
    assert not eg.equivalent(ab, ba)


def test_scalar_factors_commute_in_one_node():
    eg, (p, q, r) = graph("α β γ", "γ α β", "β A α")
    assert p == q
    eg2, (s, t) = graph("α A B", "A α B")
    assert s == t
    eg3, (u, v) = graph("x yᵀ", "yᵀ x")      # neither factor is a scalar: no reordering
    assert u != v


def test_flattening_does_not_pad_with_units():
    eg, (a, one, prod, inv) = graph("A", "1", "1 A", "α⁻¹ α")
    eg.union(a, prod)
    eg.union(one, inv)
    eg.rebuild()
    for _ in range(3):
        eg.flatten(10_000)
    assert len([n for n in eg.nodes(a) if n[0] == "mul"]) == 1   # only `1 A`, not `α⁻¹ α A`, …


def test_union_of_different_shapes_is_an_internal_error():
    eg, (s, m) = graph("tr(A)", "A")
    with pytest.raises(ShapeClash):
        eg.union(s, m)


def test_extraction_prefers_the_smaller_term():
    eg, (tt, a) = graph("(Aᵀ)ᵀ", "A")
    eg.union(tt, a)
    eg.rebuild()
    assert Extractor(eg).term(tt) == parse_expr("A")
