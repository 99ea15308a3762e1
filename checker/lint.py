"""`matproof rules lint`: what a rule author wants to know before the search uses a rule.

For every rule: it parses and its two sides have one shape; it is sound on
random instances (an unsound rule is shown with its counterexample, and one
the numeric test cannot decide is *unverified*, not sound, unless its author
marks it `trusted`); each
direction it claims can be instantiated; its conditions can hold; it is not
a duplicate of another rule up to renaming of variables; and no pair of
one-way rules only undoes each other.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import syntax as S
from .errors import MatproofError
from .statements import Rule

SQUARE_CONDITIONS = {"invertible", "symmetric", "spd", "orthogonal", "diagonal"}


@dataclass
class Finding:
    rule: str
    line: int
    file: str
    kind: str            # error, unsound, unverified, warning
    message: str
    counterexample: dict | None = None
    column: int = 0         # where a shape error is, when there is a place to point at

    def text(self) -> str:
        where = f"{self.line}:{self.column}" if self.column else f"{self.line}"
        what = self.rule if self.rule.startswith("example ") else f"rule {self.rule}"
        return f"{self.file}:{where}: {self.kind}: {what}: {self.message}"


@dataclass
class LintReport:
    rules: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.kind in ("error", "unsound", "unverified") for f in self.findings)


def _renamed(e: S.Expr, names: dict[str, str]) -> S.Expr:
    """Variables renamed in order of appearance, keeping what they may match (scalars only)."""
    if e.op == S.SYM:
        from .egraph.pattern import is_scalar_var
        names.setdefault(e.attr, f"{'σ' if is_scalar_var(e.attr) else 'v'}{len(names)}")
        return S.sym(names[e.attr])
    return S.Expr(e.op, tuple(_renamed(a, names) for a in e.args), e.attr)


def shape_key(rule: Rule) -> tuple:
    """The rule up to renaming of its variables (in order of first appearance)."""
    names: dict[str, str] = {}
    lhs, rhs = _renamed(rule.lhs, names), _renamed(rule.rhs, names)
    conds = tuple(sorted((k, repr(_renamed(a, names))) for k, a in rule.conditions))
    return (lhs, rhs, rule.bidirectional, conds)


def lint_rules(rules: list[Rule], seeds: int = 5, shipped: dict[str, str] | None = None) -> LintReport:
    """The findings for `rules`; `shipped` (a rule name → its file) are the names a rule of
    another file may not take: the kernel finds a proof's rules by name."""
    from .egraph.pattern import is_scalar_var
    from .numeric import numeric_test
    from .typecheck import type_rule
    report = LintReport(rules=len(rules))
    seen: dict[tuple, Rule] = {}
    named: dict[str, Rule] = {}
    one_way: dict[str, Rule] = {}
    for r in rules:
        def find(kind: str, message: str, cx=None, r=r, line: int = 0, column: int = 0) -> None:
            report.findings.append(Finding(r.name, line or r.line, r.filename, kind, message, cx, column))
        if r.name in named:
            find("error", f"the name is used twice (line {named[r.name].line} of {named[r.name].filename} "
                 "too): a proof names its rules, and the second would shadow the first")
        named.setdefault(r.name, r)
        if shipped and r.name in shipped and str(Path(r.filename).resolve()) != shipped[r.name]:
            find("error", f"the name is that of a rule matproof ships ({Path(shipped[r.name]).name}): "
                 "choose another")
        try:
            typed = type_rule(r)
        except MatproofError as e:
            find("error", e.message, line=e.line, column=e.column)
            continue
        for name, info in typed.symbols.items():
            if info.shape == (1, 1) and not is_scalar_var(name) and not info.declared:
                find("warning", f"{name} is typed 1×1 here, so the rule applies to scalars only; "
                     f"if {name} is meant for vectors or matrices, declare its shape (let {name}: n)")
        if not r.rhs.symbols() <= r.lhs.symbols() and not (r.bidirectional and r.lhs.symbols() <= r.rhs.symbols()):
            find("error", "its right side has variables its left side does not bind; it can never be applied")
        elif r.bidirectional and not r.lhs.symbols() <= r.rhs.symbols():
            find("warning", "only the left-to-right direction can be applied (the left side has more variables)")
        if r.lhs.op == S.SYM and not r.conditions:
            find("warning", "its left side is a bare variable: it matches every class of the e-graph")
        impossible = False
        sides = r.lhs.symbols() | r.rhs.symbols()
        for kind, arg in r.conditions:
            strangers = sorted(arg.symbols() - sides)
            if strangers:
                find("error", f"its condition {kind}(…) names {', '.join(strangers)}, which neither side has: "
                     "it can never be checked")
                impossible = True
            if kind in SQUARE_CONDITIONS and arg.op == S.SYM and arg.attr in typed.symbols:
                rows, cols = typed.symbols[arg.attr].shape
                if rows != cols:
                    find("error", f"{kind}({arg.attr}) cannot hold: {arg.attr} is not square in this rule")
                    impossible = True
        key = shape_key(r)
        if key in seen:
            find("warning", f"duplicate of rule {seen[key].name} (line {seen[key].line}) up to renaming")
        else:
            seen[key] = r
        if not r.bidirectional:
            one_way[r.name] = r
        for kind, arg in r.conditions:
            if arg.op == S.SYM and arg.attr in typed.symbols and kind in SQUARE_CONDITIONS | {"constant", "positive"}:
                typed.symbols[arg.attr].props = typed.symbols[arg.attr].props | {kind}
        undecided, decided = "", False
        tests = [typed] + ([_compound(typed, r)] if _differentiates(r) else [])
        for seed in range(0 if impossible else seeds):   # no instance can meet its conditions
            result = next((x for x in (numeric_test(t, seed=seed) for t in tests)
                           if x.status != "consistent"), None)
            if result is None:
                decided = True
                continue
            if result.status == "refuted" and not _meets_conditions(r, typed, result.counterexample):
                # a condition on a term (orthogonal(A B)) is not drawn: this draw does not count
                undecided = undecided or "no random instance met the conditions of the rule"
                continue
            if result.status == "refuted":
                find("unsound", "the two sides differ on a random instance", result.counterexample.as_json())
                break
            undecided = undecided or result.reason
        else:
            undecided = "" if decided else undecided
            missing = None if impossible else _domain_gap(typed, r)
            if missing is not None:
                cond = " and ".join(f"positive({v})" for v in missing)
                find("unsound", f"its right side is not defined where its left side is (with "
                     f"{', '.join(missing)} < 0); if it holds for positive values, add `if {cond}`")
            elif undecided and r.trusted:
                find("warning", f"the numeric test cannot decide it ({undecided}); used because it is "
                     "marked trusted")
            elif undecided:     # inconclusive is not sound
                find("unverified", f"the numeric test cannot decide it ({undecided}), so it is not "
                     "known to be sound; end its line with `trusted` if you have proved it")
    for cycle in _loops(list(one_way.values())):
        first = one_way[cycle[0]]
        names = " → ".join(cycle + [cycle[0]])
        report.findings.append(Finding(first.name, first.line, first.filename, "warning",
                                       f"the one-way rules {names} only loop back to where they "
                                       "started; write one rule with <->"))
    return report


def _meets_conditions(rule: Rule, typed, cx) -> bool:
    """Whether a counterexample's values meet the rule's conditions on terms (a condition on
    a variable is drawn already): orthogonal(A B) is checked on the product's value."""
    import numpy as np

    from .numeric.evaluate import Env, Evaluator
    env = Env(cx.sizes, cx.values, cx.directions)
    for kind, arg in rule.conditions:
        if arg.op == S.SYM or kind in ("constant", "scalar", "square"):
            continue
        try:
            m = np.real(Evaluator(env).value(arg))
        except Exception:         # noqa: BLE001 - a term the draw cannot evaluate meets nothing
            return False
        square = m.shape[0] == m.shape[1]
        ok = {"orthogonal": lambda: square and np.allclose(m.T @ m, np.eye(len(m)), atol=1e-8),
              "symmetric": lambda: square and np.allclose(m, m.T, atol=1e-8),
              "spd": lambda: square and np.allclose(m, m.T, atol=1e-8) and np.all(np.linalg.eigvalsh(m) > 0),
              "invertible": lambda: square and np.linalg.cond(m) < 1e8,
              "diagonal": lambda: square and np.allclose(m, np.diag(np.diag(m)), atol=1e-8),
              "positive": lambda: bool(np.all(m > 0))}.get(kind, lambda: True)()
        if not ok:
            return False
    return True


def _domain_gap(typed, rule: Rule) -> list[str] | None:
    """Variables whose negative values leave the rule's right side undefined where its left
    side is defined (`sqrt(A ∘ B) -> sqrt(A) ∘ sqrt(B)` with A, B < 0): the numeric test only
    draws where both sides are defined, so it cannot see this. Tries each sign pattern of the
    variables under a log, a root or a fractional power (at most 4 of them); None if no
    pattern shows a gap. (A rule read backwards is checked the same way, sides swapped.)"""
    import itertools

    import numpy as np

    from .numeric.evaluate import Domain, Evaluator, Unsupported
    from .numeric.instances import draw_instance
    partial = sorted({m.attr for side in typed.exprs for n in side.walk()
                      if n.op in ("log", "sqrt", "logdet") or (n.op == S.POW and n.attr.denominator != 1)
                      for m in n.walk() if m.op == S.SYM and m.attr in typed.symbols
                      and "positive" not in typed.symbols[m.attr].props})
    if not partial or len(partial) > 4:
        return None
    pairs = [(0, 1)] + ([(1, 0)] if rule.bidirectional else [])
    for negative in itertools.chain.from_iterable(itertools.combinations(partial, k)
                                                  for k in range(1, len(partial) + 1)):
        for seed in range(3):
            env = draw_instance(typed.symbols, typed.dims, set(), np.random.default_rng([seed, 7]),
                                positive=frozenset(partial))
            for v in negative:
                env.values[v] = -env.values[v]
            for a, b in pairs:
                try:
                    with np.errstate(all="ignore"):
                        Evaluator(env).value(typed.exprs[a])
                except (Domain, Unsupported):
                    continue
                try:
                    with np.errstate(all="ignore"):
                        Evaluator(env).value(typed.exprs[b])
                except Domain:
                    return list(negative)
                except Unsupported:
                    continue
    return None


def _differentiates(rule: Rule) -> bool:
    return any(n.op in (S.D, S.GRAD, S.JAC, S.HESS) for side in (rule.lhs, rule.rhs) for n in side.walk())


def _compound(typed, rule: Rule):
    """The rule with each variable replaced by a product `V′ ∘ V″` of two fresh ones.

    A variable matches any term, but the numeric test draws symbols, and a differential
    tells them apart: d(dA) = 0 for a symbol A (its differential is a fixed direction),
    not for A := X Y. A rule about differentials is tested on terms that vary nonlinearly
    too. Variables under `constant(…)` or `orthogonal(…)` stay symbols (a product of two
    of them is neither)."""
    from dataclasses import replace
    from .typecheck import SymbolInfo
    keep = {a.attr for kind, a in rule.conditions if a.op == S.SYM and kind in ("constant", "orthogonal")}
    symbols = dict(typed.symbols)
    table = {}
    for name, info in typed.symbols.items():
        if name in keep:
            continue
        parts = []
        for mark in ("′", "″"):
            fresh = name + mark
            symbols[fresh] = SymbolInfo(fresh, info.shape, info.props, info.declared)
            parts.append(S.sym(fresh))
        del symbols[name]
        table[S.sym(name)] = S.Expr(S.HAD, tuple(parts))
    return replace(typed, exprs=[S.substitute(e, table) for e in typed.exprs], symbols=symbols)


def _loops(rules: list[Rule]) -> list[list[str]]:
    """Cycles of one-way rules, each rewriting exactly what the previous one produced
    (up to renaming of variables): networkx on the rule graph."""
    import networkx as nx
    g = nx.DiGraph()
    sides = {}
    for r in rules:
        lhs_names: dict[str, str] = {}
        rhs_names: dict[str, str] = {}
        sides[r.name] = (_renamed(r.lhs, lhs_names), _renamed(r.rhs, rhs_names))
        g.add_node(r.name)
    for a in rules:
        for b in rules:
            if sides[a.name][1] == sides[b.name][0]:
                g.add_edge(a.name, b.name)
    return [sorted(c, key=list(sides).index) for c in nx.simple_cycles(g)]
