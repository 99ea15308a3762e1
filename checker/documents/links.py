"""The result of a theorem read from a document, told at its places: the formula's line
and column, and each link of its chain (`a &= b \\\\ &= c` has two) with its own status
and the place of the step it makes, so that a wrong step is pointed at, not its formula."""
from __future__ import annotations

from dataclasses import replace

from ..errors import ShapeProblem, Unsupported
from .formulas import Origin


def placed(out: dict, res, thm, origin: Origin, limits, rule_files) -> dict:
    """`out` (a result as JSON) with `column`, `links` and the sides' LaTeX; a problem the
    pipeline found (a shape error) moved to its place in the document."""
    from ..printing import to_latex
    out = {**out, "column": origin.column, "document": True,
           "sides_latex": [to_latex(e) for e in thm.sides]}
    if res is not None and res.error is not None:
        out.update(_problem(res.error, thm, origin))
        if out["status"] == "unread":
            return out
    statuses = _conditions(thm, _link_statuses(out, thm, limits, rule_files))
    if statuses and all(st in ("proved", "unread") for st, _, _ in statuses) and any(
            st == "unread" for st, _, _ in statuses):
        out.update(status="unread", reason=next(r for st, r, _ in statuses if st == "unread"))
        out.pop("counterexample_text", None)
    n = len(thm.sides) - 1
    links = []
    for k, (status, reason, cx) in enumerate(statuses):
        cols = thm.side_columns
        line, col = origin.place(cols[k + 1]) if len(cols) > k + 1 else (origin.line, origin.column)
        link = {"link": k + 1, "status": status, "line": line, "column": col, "reason": reason}
        if cx:
            link["counterexample_text"] = cx
        if len(out.get("sides", ())) == n + 1:
            link["sides"] = out["sides"][k:k + 2]
        links.append(link)
    out["links"] = links
    return out


def _problem(error, thm, origin: Origin) -> dict:
    """The fields of a result for a problem the pipeline found, at its place. A shape error
    among shapes matproof guessed (x a vector, N a matrix) is a misreading more likely than a
    mistake, and notation the language does not have (|α|) is not the document's fault:
    both are "not read", the first with a hint to declare."""
    e = origin.relocate(error)
    guessed = sorted(n for n in set().union(*(side.symbols() for side in thm.sides)) if n not in thm.decls)
    fields: dict = {}
    if isinstance(error, Unsupported) or (isinstance(error, ShapeProblem) and guessed):
        e.kind = "not read"
        if guessed and not isinstance(error, Unsupported):
            e.hint = ((e.hint + "; ") if e.hint else "") + (
                f"matproof guessed the shapes of {', '.join(guessed)}; declare them in a comment "
                f"(matproof: let {guessed[0]}: …)")
        fields["status"] = "unread"
    return {**fields, "error": e.as_json(), "error_text": e.render(), "reason": e.message}


def _link_statuses(out: dict, thm, limits, rule_files) -> list[tuple]:
    """(status, reason, counterexample) of each link: the whole chain's, if it is proved or
    has one link; else each link settled on its own, with what varies in the whole chain."""
    from ..pipeline import prove_theorem
    n = len(thm.sides) - 1
    if out["status"] == "proved" or n == 1:
        return [(out["status"], out.get("reason", ""), out.get("counterexample_text"))] * n
    statuses = []
    decls = _chain_constants(thm)
    for k in range(n):
        one = replace(thm, sides=thm.sides[k:k + 2], side_columns=thm.side_columns[k:k + 2],
                      expect="proved", name=f"{thm.name}, step {k + 1}", decls=decls)
        r = prove_theorem(one, limits=limits, rule_files=rule_files)
        statuses.append((r.status, r.reason, _counterexample(r)))
    return statuses


#: why a refuted `E = 0` in a document is not read: derivations write the equation they solve
CONDITION = ("reads as a condition to solve (as in setting a gradient to zero), not as an identity; "
             "matproof checks identities")


def _conditions(thm, statuses: list[tuple]) -> list[tuple]:
    """The links' statuses, with a refuted link to a literal 0 (`∇_u H = 2Ru + 2BᵀPx = 0`, the
    Riccati equation `AᵀP + PA − … = 0`) not read: a derivation's condition, not its claim."""
    from .. import syntax as S

    def zero(e) -> bool:
        return (e.op == S.NUM and e.attr == 0) or e.op == S.ZERO
    out = []
    for k, (status, reason, cx) in enumerate(statuses):
        if status == "refuted" and (zero(thm.sides[k]) or zero(thm.sides[k + 1])):
            status, reason, cx = "unread", f"the equation = 0 {CONDITION}", None
        out.append((status, reason, cx))
    return out


def _chain_constants(thm):
    """The chain's declarations, with every symbol that does not vary in the whole chain
    declared constant: `d(f) = … d(Σ⁻¹) … = … dΣ …` varies Σ alone (§6), and so must each of
    its links, though the first names no differential of its own."""
    from ..meaning import varying_symbols
    from ..typecheck import declarations_of, type_theorem
    try:
        typed = type_theorem(thm)
    except Exception:      # the link's own check will say what is wrong
        return thm.decls
    if not any(n.op == "d" for e in typed.exprs for n in e.walk()):
        return thm.decls
    varying = varying_symbols(typed.exprs, typed.symbols)
    constant = {n: frozenset({"constant"}) for n in typed.symbols if n not in varying}
    return {**declarations_of(typed, constant), **{n: d for n, d in thm.decls.items() if n in varying}}


def _counterexample(res) -> str | None:
    from ..report import render_result
    return render_result(res, "unicode") if res.counterexample is not None else None


def counterexample_only(text: str | None) -> str:
    """A rendered result's counterexample block (from its `counterexample` line), without the
    heading and sides a step's message already shows; dedented."""
    import textwrap
    if not text:
        return ""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("counterexample")), len(lines))
    return textwrap.dedent("\n".join(lines[start:]))


def failing(result: dict) -> list[dict]:
    """The links of a document's result that are not as expected: for a theorem expected
    proved, those not proved; else none singled out."""
    if result.get("expected", "proved") != "proved":
        return []
    return [k for k in result.get("links", []) if k["status"] != "proved"]
