"""The rule author's tools that need the prover, above both `lint` (which checks rules
on their own) and the pipeline: which rules the shipped ones already derive, the `example`
lines of a rule file, and which theorems of a corpus use which rules. (Kept apart from
lint.py so that lint, which trust.py runs before any rule file is used, imports nothing of
the search: one direction of dependency.)"""
from __future__ import annotations

from pathlib import Path

from . import syntax as S
from .lint import SQUARE_CONDITIONS, Finding
from .statements import Rule


def derivable(rules: list[Rule]) -> list[Finding]:
    """A warning for each rule that the shipped rules and the normal form already prove (as
    Lean's simpNF linter and Enumo's `minimize` tell their authors): its two sides, its
    variables as symbols of their shapes and its conditions as their properties, proved
    with a small search; the finding says how."""
    from .errors import MatproofError
    from .limits import Limits
    from .parse import parse_text
    from .pipeline import prove_theorem
    from .printing import to_unicode
    from .rules import default_rule_files
    from .statements import decl_line
    from .typecheck import declarations_of, type_rule
    out = []
    small = Limits(work=50_000, iterations=8, nodes=5_000)
    for r in rules:
        try:
            typed = type_rule(r)
        except MatproofError:
            continue
        props = {a.attr: frozenset({k}) for k, a in r.conditions
                 if a.op == S.SYM and k in SQUARE_CONDITIONS | {"positive", "constant"}}
        if any(a.op != S.SYM for _, a in r.conditions):
            continue      # a condition on a term is no declaration
        decls = declarations_of(typed, props)
        text = "\n".join([decl_line(d) for d in decls.values()]
                         + [f"theorem {r.name}: {to_unicode(typed.exprs[0])} = {to_unicode(typed.exprs[1])}"])
        try:
            (thm,) = parse_text(text, r.filename).theorems
        except (MatproofError, ValueError):
            continue
        res = prove_theorem(thm, limits=small, rule_files=default_rule_files(), draws=2)
        if res.status == "proved":
            how = ", ".join(dict.fromkeys(p["rule"] for p in res.proof or [] if p["rule"] != "start")) or "—"
            out.append(Finding(r.name, r.line, r.filename, "warning",
                               f"derivable from the shipped rules and the normal form (by {how}): it adds nothing"))
    return out


def check_examples(examples: list) -> list[Finding]:
    """`example NAME: identity` lines of rule files, each settled with the rules of its file
    (and those before it): a finding for each that does not end as it expects."""
    from .pipeline import prove_theorem
    out = []
    for ex in examples:
        res = prove_theorem(ex)
        if res.status != ex.expect:
            out.append(Finding(f"example {ex.name}", ex.line, ex.filename, "error",
                               f"the example is {res.status}, expected {ex.expect}: {res.reason}"))
    return out


def coverage(rules: list[Rule], files: list[Path], corpus: list[str]) -> dict[str, list[str]]:
    """Which theorems of `corpus`, proved with the rule `files` alone, use which of `rules`
    (a rule no proof uses maps to [])."""
    from .check import collect, run_all
    from .limits import Limits
    from .pipeline import rule_name
    _, jobs, _ = collect(corpus)
    used: dict[str, list[str]] = {r.name: [] for r in rules}
    for result in run_all(jobs, 1, Limits(), None, tuple(str(f) for f in files)):
        for step in result.get("proof") or []:
            name = rule_name(step["rule"])
            if name in used and result["name"] not in used[name]:
                used[name].append(result["name"])
    return used
