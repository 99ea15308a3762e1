"""E-matching modulo associativity (egraph/pattern.py) and preparing a match
(egraph/rewrite.py), unit by unit. Every expected match below is counted by hand from
the definitions in the modules' docs, not copied from a run."""
from __future__ import annotations

from checker import syntax as S
from checker.egraph import EGraph
from checker.egraph.pattern import Terms, match, match_root
from checker.egraph.rewrite import Facts, prepare
from checker.parse import parse_text
from checker.rules import to_rewrites


def rewrite(text: str):
    """The left-to-right rewrite of one rule."""
    (rule,) = parse_text(f"rule r: {text}").rules
    (rw,) = [rw for rw in to_rewrites([rule]) if rw.direction == "->"]
    return rw


def graph(text: str, lets: str = ""):
    """An e-graph holding one typed term; (the graph, the term's class, the typed theorem)."""
    from checker.typecheck import type_theorem
    (thm,) = parse_text(f"{lets}\ntheorem t: {text} = {text}").theorems
    typed = type_theorem(thm)
    eg = EGraph(typed.symbols)
    cid = eg.add(typed.exprs[0])
    eg.rebuild()
    return eg, cid, typed


def cls(eg: EGraph, text: str, typed) -> int:
    """The class of a subterm (one without constants, whose nodes carry no shapes)."""
    from checker.parse import parse_expr
    found = eg.lookup(parse_expr(text, set(typed.symbols)))
    assert found is not None, text
    return found


def find_all(eg, b):
    return tuple(eg.find(k) for k in b) if isinstance(b, tuple) else eg.find(b)


# ---- windows of a product ------------------------------------------------------------------

def test_a_root_product_pattern_matches_exactly_its_window():
    eg, cid, typed = graph("A X⁻¹ X B")
    rw = rewrite("X⁻¹ X -> I if invertible(X)")
    found = list(match_root(eg, rw.lhs, cid, "L"))
    # the only run of factors `X⁻¹ X` is factors 1..2 of the four
    assert len(found) == 1
    sub, window = found[0]
    assert (window.start, window.end) == (1, 3) and window.picks is None
    assert eg.find(sub["X"]) == cls(eg, "X", typed)


def test_A_B_inside_a_function_takes_every_split_of_a_product():
    eg, cid, typed = graph("tr(P Q R)")
    rw = rewrite("tr(A B) -> tr(B A)")
    found = [s for s, _ in match_root(eg, rw.lhs, cid, "L")]
    p, q, r = (cls(eg, x, typed) for x in "PQR")
    splits = {(find_all(eg, s["A"]), find_all(eg, s["B"])) for s in found}
    # P | Q R and P Q | R: the two ways to cut three factors in two non-empty runs
    assert splits == {(p, (q, r)), ((p, q), r)} and len(found) == 2


def test_a_root_pattern_A_B_matches_every_window_of_two_or_more_factors():
    eg, cid, _ = graph("P Q R")
    rw = rewrite("A B -> A B")
    found = list(match_root(eg, rw.lhs, cid, "L"))
    # windows [0,2) and [1,3) have one cut each, [0,3) has two
    assert sorted((w.start, w.end) for _, w in found) == [(0, 2), (0, 3), (0, 3), (1, 3)]


# ---- sums up to order, and Terms -------------------------------------------------------------

def test_a_variable_of_a_short_sum_may_take_any_two_of_three_terms():
    eg, cid, typed = graph("tr(P + Q + R)")
    rw = rewrite("tr(A + B) -> tr(A) + tr(B)")
    found = [s for s, _ in match_root(eg, rw.lhs, cid, "L")]
    terms = {cls(eg, x, typed) for x in "PQR"}
    # either variable takes one term (3 choices) and the other the remaining two: 2 × 3
    assert len(found) == 6
    for s in found:
        one, rest = (s["A"], s["B"]) if isinstance(s["B"], Terms) else (s["B"], s["A"])
        assert isinstance(rest, Terms) and len(rest) == 2 and not isinstance(one, Terms)
        assert {eg.find(one)} | {eg.find(k) for k in rest} == terms


def test_a_linearity_law_splits_only_the_first_term_off_a_long_sum():
    eg, cid, _ = graph("tr(P + Q + R + U + V)")
    rw = rewrite("tr(A + B) -> tr(A) + tr(B)")
    found = [s for s, _ in match_root(eg, rw.lhs, cid, "L")]
    # more than four terms, both variables plain: one choice for each variable as the rest
    assert len(found) == 2
    assert sorted(len(s["A"]) if isinstance(s["A"], Terms) else 1 for s in found) == [1, 4]


def test_a_sum_of_as_many_terms_as_the_pattern_matches_in_every_order():
    eg, cid, _ = graph("tr(P + Q)")
    rw = rewrite("tr(A + B) -> tr(A) + tr(B)")
    found = [s for s, _ in match_root(eg, rw.lhs, cid, "L")]
    assert len(found) == 2 and {eg.find(s["A"]) for s in found} == {eg.find(s["B"]) for s in found}


# ---- scalars ------------------------------------------------------------------------------

def test_a_product_of_scalars_is_matched_in_any_order():
    eg, cid, typed = graph("α β α⁻¹")
    rw = rewrite("α⁻¹ α -> 1")
    found = list(match_root(eg, rw.lhs, cid, "L"))
    alpha = cls(eg, "α", typed)
    assert found and all(eg.find(s["α"]) == alpha for s, _ in found)
    # α⁻¹ and α are not adjacent in `α β α⁻¹`: only picking them out of order finds them
    assert any(w.picks is not None for _, w in found)


def test_a_lowercase_greek_variable_never_binds_a_matrix():
    eg, cid, typed = graph("P Q")
    assert list(match(eg, S.sym("α"), cid)) == []
    assert len(list(match(eg, S.sym("A"), cid))) == 1


# ---- prepare: conditions and the shapes of constants --------------------------------------

def test_prepare_checks_the_rules_condition_against_the_facts():
    eg, cid, typed = graph("A X⁻¹ X B")
    rw = rewrite("X⁻¹ X -> I if invertible(X)")
    ((sub, window),) = match_root(eg, rw.lhs, cid, "L")
    assert prepare(eg, rw, cid, sub, window, Facts()) is None
    x = cls(eg, "X", typed)
    ready = prepare(eg, rw, cid, sub, window, Facts(classes={"invertible": {x}}))
    assert ready is not None
    # the window is replaced inside the whole product; I takes X's shape (n×n)
    a, ident, b = ready.whole_r.args
    assert ready.whole_r.op == S.MUL and ident.op == S.IDENT
    assert ident.attr == eg.classes[x].shape
    assert (a, b) == (S.sym("A"), S.sym("B"))


def test_a_constant_on_the_right_takes_the_matched_shape():
    eg, cid, _ = graph("P − P", lets="let P: 2×3")
    rw = rewrite("A − A -> 0")
    ((sub, window),) = [m for m in match_root(eg, rw.lhs, cid, "L")]
    ready = prepare(eg, rw, cid, sub, window, Facts())
    assert ready.whole_r == S.Expr(S.ZERO, (), (2, 3))


def test_a_constant_on_the_left_records_the_shape_it_matched():
    eg, cid, typed = graph("P I", lets="let P: 2×3")
    rw = rewrite("A I -> A")
    found = list(match_root(eg, rw.lhs, cid, "L"))
    assert len(found) == 1
    sub, _ = found[0]
    (key,) = [k for k in sub if k.startswith("#L")]
    assert sub[key] == S.Expr(S.IDENT, (), (3, 3))


def test_a_vector_variable_does_not_take_a_scalar():
    eg, cid, typed = graph("⟨α, β⟩")
    rw = rewrite("⟨a, b⟩ -> aᵀ b")
    found = list(match_root(eg, rw.lhs, cid, "L"))
    assert found      # the pattern fits (§7 lets a Latin variable match anything) …
    for sub, window in found:   # … but a vector stays a vector (§3)
        assert prepare(eg, rw, cid, sub, window, Facts()) is None


def test_a_variable_is_never_bound_to_an_empty_run_of_factors():
    """Issue 26: `pattern.binding_shape → typecheck._shape_rule` indexed an empty run of
    factors (IndexError, exit 70 for a whole check). A variable never stands for nothing."""
    from checker.egraph import EGraph
    from checker.egraph.pattern import Terms, _bind, binding_shape
    eg = EGraph({})
    assert _bind(eg, {}, "A", ()) is None
    assert binding_shape(eg, ()) is None and binding_shape(eg, Terms("add", ())) is None
