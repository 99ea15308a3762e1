"""Where the grammar and the rule database live, installed or in a checkout.

`pip install .` copies grammar/ and rules/ into the package (as
`checker/grammar` and `checker/rules`, see pyproject.toml); in a source
checkout they sit beside `checker/`. Look in the package first.
"""
from __future__ import annotations

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
    """Every rule file matproof ships, opt-in ones (rules/extra/) included."""
    return sorted(rules_dir().rglob("*.rules"))
