"""The rule database: rule files to rewrites.

Every `.rules` file in rules/ is loaded by default; a theorem file's `use`
lines add more. A `<->` rule gives two rewrites; a direction whose right side
has variables its left side does not bind is left out (it could not be
instantiated).
"""
from __future__ import annotations

import functools
from pathlib import Path

from . import syntax as S
from .egraph.rewrite import Rewrite
from .kernel import file_hash
from .parse import parse_file
from .resources import rules_dir
from .statements import Rule
from .typecheck import type_rule


def default_rule_files() -> list[Path]:
    return sorted(rules_dir().glob("*.rules"))


@functools.lru_cache(maxsize=32)
def _load(path: str, sha: str) -> tuple[Rule, ...]:
    return tuple(parse_file(path).rules)


def load_rules(paths: list[Path]) -> list[Rule]:
    out: list[Rule] = []
    for p in paths:
        out.extend(_load(str(p), file_hash(p)))
    return out


def rewrites_for(paths: list[Path]) -> list[Rewrite]:
    """The rewrites of these rule files, typed once per version of the files (every search
    needs them, and typing ~90 rules each time is work done again for nothing)."""
    return list(_rewrites(tuple((str(p), file_hash(p)) for p in paths)))


@functools.lru_cache(maxsize=16)
def _rewrites(files: tuple[tuple[str, str], ...], both_ways: bool = False) -> tuple[Rewrite, ...]:
    rules: list[Rule] = []
    for path, sha in files:
        rules.extend(_load(path, sha))
    return tuple(to_rewrites(rules, both_ways))


def to_rewrites(rules: list[Rule], both_ways: bool = False) -> list[Rewrite]:
    """Rewrites over the typed rule sides: the shapes of I, 0, 𝟏 in them are templates in the
    rule's own dimensions, filled in from what the variables match. With `both_ways`, a
    one-way rule is read backwards too (a proof may use an equation either way; the search
    does not, for the one-way rules are those that would blow it up)."""
    out: list[Rewrite] = []
    for r in rules:
        typed = type_rule(r)
        lhs, rhs = typed.exprs
        var_shapes = {n: i.shape for n, i in typed.symbols.items()}
        if r.rhs.symbols() <= r.lhs.symbols():
            out.append(Rewrite(r.name, lhs, rhs, tuple(r.conditions), "->", var_shapes))
        if (r.bidirectional or both_ways) and r.lhs.symbols() <= r.rhs.symbols():
            out.append(Rewrite(r.name, rhs, lhs, tuple(r.conditions), "<-", var_shapes))
    return out


def rewrites_both_ways(paths: list[Path]) -> list[Rewrite]:
    """Every rule of these files in each direction it can be applied, for shortening proofs;
    but not a direction whose left side is a lone variable (`A -> (Aᵀ)ᵀ`): it applies to
    every subterm, and measured on the corpus it shortened no proof."""
    files = tuple((str(p), file_hash(p)) for p in paths)
    return [rw for rw in _rewrites(files, both_ways=True) if rw.lhs.op != S.SYM]


def rule_file_records(paths: list[Path]) -> list[dict]:
    """How a certificate names the rule files it relies on."""
    return [{"path": str(p.resolve()), "sha256": file_hash(p)} for p in paths]
