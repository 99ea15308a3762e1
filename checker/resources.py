"""Where the grammar and the rule database live, installed or in a checkout.

`pip install .` copies grammar/ and rules/ into the package (as
`checker/grammar` and `checker/rules`, see pyproject.toml); in a source
checkout they sit beside `checker/`. Look in the package first.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"matproof's {name}/ folder is missing from the installation")


def grammar_file() -> Path:
    return data_dir("grammar") / "matproof.lark"


def rules_dir() -> Path:
    return data_dir("rules")


def shipped_rule_files() -> list[Path]:
    """Every rule file matproof ships, opt-in ones (rules/extra/) included (looked up once
    per process: every theorem asks)."""
    return list(_shipped())


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[Path, ...]:
    return tuple(sorted(rules_dir().rglob("*.rules")))


def cache_dir() -> Path:
    """Where matproof keeps what it can compute again (compiled rule files, the parser's
    tables): $MATPROOF_CACHE_DIR, else the user's cache directory (platformdirs). Each use
    goes through safefiles.private_dir: a folder others can write into is not used."""
    env = os.environ.get("MATPROOF_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_cache_dir("matproof"))
