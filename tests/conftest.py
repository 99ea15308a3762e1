"""Shared helpers for the tests."""
from __future__ import annotations

import pathlib

import pytest

DATA = pathlib.Path(__file__).resolve().parent / "data"


@pytest.fixture
def public_corpus() -> pathlib.Path:
    return DATA / "public.thm"
