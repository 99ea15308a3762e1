"""Shared helpers for the tests."""
from __future__ import annotations

import pathlib

import pytest

DATA = pathlib.Path(__file__).resolve().parent / "data"


@pytest.fixture
def public_corpus() -> pathlib.Path:
    return DATA / "public.thm"

# CI runs every property test derandomized, so a run's outcome can be repeated;
# locally each run explores new examples.
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# compiled rule files go to a cache of the test run's own, not the user's
import tempfile  # noqa: E402

os.environ.setdefault("MATPROOF_CACHE_DIR", tempfile.mkdtemp(prefix="matproof-cache-"))


@pytest.fixture(autouse=True)
def _rule_files_in_temporary_folders(monkeypatch, tmp_path_factory):
    """Tests write rule files into pytest's temporary folders and `use` them by absolute
    path: allow those folders, as a user would with --allow-rules-from. (The tests of that
    restriction take the variable away again.)"""
    monkeypatch.setenv("MATPROOF_ALLOW_RULES_FROM", str(tmp_path_factory.getbasetemp()))
