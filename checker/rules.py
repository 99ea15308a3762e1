"""The rule database: rule files to rewrites.

Every `.rules` file in rules/ is loaded by default; a theorem file's `use`
lines add more. A `<->` rule gives two rewrites; a direction whose right side
has variables its left side does not bind is left out (it could not be
instantiated).
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .version import __version__
from . import syntax as S
from .egraph.rewrite import Rewrite
from .kernel import decode, decode_dim, encode, encode_dim, file_hash
from .parse import parse_file
from .resources import cache_dir, rules_dir
from .safefiles import private_dir, read_text, write_atomic
from .statements import Rule
from .typecheck import type_rule


def default_rule_files() -> list[Path]:
    return sorted(rules_dir().glob("*.rules"))


#: the format of a compiled rule file in the cache (bump it when CompiledRule changes)
COMPILED_FORMAT = "matproof-compiled-rules/1"


@dataclass(frozen=True)
class CompiledRule:
    """A rule parsed and typed: its sides typed in the rule's own dimensions (the shapes of
    I, 0 and 𝟏 in them are templates), as the search needs it."""

    name: str
    lhs: S.Expr
    rhs: S.Expr
    bidirectional: bool
    conditions: tuple[tuple[str, S.Expr], ...]
    var_shapes: dict = field(hash=False, compare=False)


def compile_rule(r: Rule) -> CompiledRule:
    typed = type_rule(r)
    lhs, rhs = typed.exprs
    return CompiledRule(r.name, lhs, rhs, r.bidirectional, tuple(r.conditions),
                        {n: i.shape for n, i in typed.symbols.items()})


@functools.lru_cache(maxsize=32)
def compiled(path: str, sha: str) -> tuple[CompiledRule, ...]:
    """The compiled rules of a rule file whose content has hash `sha`: parsing and typing
    ~100 rules is most of a cold start, so they are kept on disk, one JSON file per content
    and matproof version. JSON of plain data cannot run code when loaded; an entry that is
    damaged, of another format or for other content is compiled again and rewritten. (The
    kernel never reads this cache: it parses the rules a proof used from the file itself.)"""
    key = hashlib.sha256(f"{COMPILED_FORMAT}\n{__version__}\n{sha}".encode()).hexdigest()
    folder = private_dir(cache_dir() / "rules")      # None: a folder others could write into
    entry = folder / f"{key}.json" if folder is not None else None
    try:
        data = json.loads(read_text(entry, follow=False)) if entry is not None else None
        if data["format"] == COMPILED_FORMAT and data["sha256"] == sha:
            return tuple(_decode_rule(r) for r in data["rules"])
    except Exception:   # missing, unreadable, damaged, not a regular file: compile it again
        pass
    rules = tuple(compile_rule(r) for r in parse_file(path).rules)
    if entry is not None:
        try:
            write_atomic(entry, json.dumps({"format": COMPILED_FORMAT, "sha256": sha,
                                            "rules": [_encode_rule(r) for r in rules]}).encode("utf-8"))
        except OSError:     # a read-only home: compile every time, as before the cache
            pass
    return rules


def _encode_rule(r: CompiledRule) -> dict:
    return {"name": r.name, "lhs": encode(r.lhs), "rhs": encode(r.rhs), "bidirectional": r.bidirectional,
            "conditions": [[k, encode(a)] for k, a in r.conditions],
            "var_shapes": {n: [encode_dim(d) for d in shape] for n, shape in r.var_shapes.items()}}


def _decode_rule(d: dict) -> CompiledRule:
    if not isinstance(d["name"], str) or not isinstance(d["bidirectional"], bool):
        raise ValueError("a compiled rule is malformed")
    return CompiledRule(d["name"], decode(d["lhs"]), decode(d["rhs"]), d["bidirectional"],
                        tuple((str(k), decode(a)) for k, a in d["conditions"]),
                        {str(n): tuple(decode_dim(x) for x in shape) for n, shape in d["var_shapes"].items()})


def compiled_rules(paths: list[Path]) -> list[CompiledRule]:
    """The compiled rules of these files, in order."""
    return [r for p in paths for r in compiled(str(p), file_hash(p))]


def rewrites_for(paths: list[Path]) -> list[Rewrite]:
    """The rewrites of these rule files, compiled once per version of the files (every
    search needs them, and typing ~100 rules each time is work done again for nothing)."""
    return list(_rewrites(tuple((str(p), file_hash(p)) for p in paths)))


@functools.lru_cache(maxsize=16)
def _rewrites(files: tuple[tuple[str, str], ...], both_ways: bool = False) -> tuple[Rewrite, ...]:
    rules = [r for path, sha in files for r in compiled(path, sha)]
    return tuple(to_rewrites(rules, both_ways))


def to_rewrites(rules: list[Rule | CompiledRule], both_ways: bool = False) -> list[Rewrite]:
    """Rewrites over the typed rule sides: the shapes of I, 0, 𝟏 in them are templates in the
    rule's own dimensions, filled in from what the variables match. With `both_ways`, a
    one-way rule is read backwards too (a proof may use an equation either way; the search
    does not, for the one-way rules are those that would blow it up)."""
    out: list[Rewrite] = []
    for r in rules:
        c = r if isinstance(r, CompiledRule) else compile_rule(r)
        lhs, rhs = c.lhs, c.rhs
        if rhs.symbols() <= lhs.symbols():
            out.append(Rewrite(c.name, lhs, rhs, c.conditions, "->", c.var_shapes))
        # a power by a size (`α^n`) is made, never matched: the name in a term need not be
        # the size of what the rule matched
        if (c.bidirectional or both_ways) and lhs.symbols() <= rhs.symbols() \
                and not any(n.op == S.DIMPOW for n in rhs.walk()):
            out.append(Rewrite(c.name, rhs, lhs, c.conditions, "<-", c.var_shapes))
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
