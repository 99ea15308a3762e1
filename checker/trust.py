"""Which rule files a run may rely on: policy above the kernel, lint and the search.

The shipped rule files are trusted as they are (their rules are tested one by
one in tests/test_rules_files.py). Any other file — named by `use` in a
theorem file, or by `verify --trust-rules` — is linted first, and is refused
if lint finds a rule in it unsound *or cannot decide it* (the numeric test is
inconclusive, as for a second differential `d(d(A))`): inconclusive is not
sound. A rule its author has proved by hand is used all the same when its line
ends in `trusted`.

Linting costs a numeric test per rule, so a file's verdict is kept in memory
by the SHA-256 of its bytes, for the rest of the process.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .errors import MatproofError


class UntrustedRules(MatproofError):
    """A rule file a run was asked to rely on has a rule that is unsound or unverified."""


#: a linted file's verdict by the SHA-256 of its bytes: "" (fine) or why it is refused
_VERDICTS: dict[str, str] = {}


def refusal(path: Path) -> str:
    """Why `path` may not be relied on ("" if it may): its first unsound or unverified rule,
    with the counterexample or the reason the numeric test gave."""
    from .safefiles import read_bytes
    data = read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    if sha not in _VERDICTS:
        from .lint import lint_rules
        from .parse import parse_text
        try:
            rules = parse_text(data.decode("utf-8", errors="replace"), str(path)).rules
        except MatproofError as e:
            _VERDICTS[sha] = f"it does not parse: {e.message}"
            return _VERDICTS[sha]
        why = ""
        for f in lint_rules(rules, shipped=shipped_names()).findings:
            if f.kind == "unsound":
                cx = f.counterexample
                why = (f"rule {f.rule} ({f.file}:{f.line}) is unsound: " + (
                       f"its two sides differ on a random instance (sizes {cx.get('sizes')}, left "
                       f"{cx.get('lhs')}, right {cx.get('rhs')})" if cx else f.message))
                break
            if f.kind in ("unverified", "error"):
                what = "not known to be sound" if f.kind == "unverified" else "in error"
                why = f"rule {f.rule} ({f.file}:{f.line}) is {what}: {f.message}"
                break
        _VERDICTS[sha] = why
    return _VERDICTS[sha]


@functools.lru_cache(maxsize=1)
def shipped_names() -> dict[str, str]:
    """Every shipped rule's name and the file it is in (resolved); read once per process (the
    shipped files are part of the installed package). Callers must not change the dict."""
    from .parse import parse_file
    from .resources import shipped_rule_files
    return {r.name: str(p.resolve()) for p in shipped_rule_files() for r in parse_file(p).rules}


def require_sound(paths: list[Path], shipped: list[Path] | None = None) -> None:
    """UntrustedRules naming the first file (not shipped) that may not be relied on."""
    from .resources import shipped_rule_files
    shipped_set = {p.resolve() for p in (shipped if shipped is not None else shipped_rule_files())}
    for p in paths:
        if p.resolve() in shipped_set or not p.is_file():   # a missing file is reported where it is read
            continue
        why = refusal(p)
        if why:
            raise UntrustedRules(f"rule file {p} is not used: {why}", filename=str(p),
                                 hint="`matproof rules lint` shows every finding; end a rule's line with "
                                      "`trusted` only if you have proved it")
