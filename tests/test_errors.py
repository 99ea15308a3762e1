"""Syntax errors: located, with a caret, in words; and no input ever gives a traceback."""
from __future__ import annotations

import os
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import MatproofError, SyntaxProblem
from checker.parse import parse_text
from checker.typecheck import type_theorem

from conftest import DATA


def error_of(text: str) -> SyntaxProblem:
    with pytest.raises(SyntaxProblem) as info:
        parse_text(text)
    return info.value


def test_unclosed_bracket():
    e = error_of("tr(A B = tr(B A)")
    assert (e.line, e.column) == (1, 8)
    assert "expected ')'" in e.message
    assert "unexpected '='" in e.message


def test_end_of_line_mentions_what_is_missing():
    e = error_of("tr(A B")
    assert e.message.startswith("unexpected end of line; expected ')'")
    assert e.hint == "a bracket is opened and never closed"


def test_missing_equals():
    e = error_of("theorem t: tr(A B)")
    assert "'='" in e.message and e.hint == "an identity needs '=' between its two sides"


def test_caret_under_the_offending_text():
    e = error_of("let X: n×n\n\ntheorem t: X + ) = X")
    assert (e.line, e.column) == (3, 16)
    lines = e.render().splitlines()
    assert lines[0].startswith("<input>:3:16: error: unexpected ')'")
    assert lines[1] == "  theorem t: X + ) = X"
    assert lines[2] == "  " + " " * 15 + "^"


def test_unknown_latex_command():
    e = error_of(r"\foo X = X")
    assert e.message == "unknown LaTeX command '\\foo'"
    assert (e.column, e.end_column) == (1, 5)


def test_a_pasted_sum_sign_has_a_hint():
    e = error_of(r"\sum(\exp(X)) = 1")
    assert "\\sum" in e.message and "sum(E)" in e.hint


def test_bad_superscript_has_a_hint():
    e = error_of("X^Q = X")
    assert "superscript" in e.message and "^{-1}" in e.hint


def test_mixed_kron_and_hadamard_need_brackets():
    e = error_of("A ⊗ B ∘ C = A")
    assert "parentheses" in e.hint


def test_expected_tokens_are_words_not_terminal_names():
    e = error_of("A + = B")
    assert "an expression" in e.message
    assert "SYM" not in e.message and "LPAR" not in e.message


def test_bad_expectation_and_property():
    assert "proved, refuted or unknown" in error_of("A = A expect maybe").message
    assert error_of("let X: n×n invertable").message == "unknown property 'invertable'"


def test_continuation_line_positions():
    e = error_of("theorem t: A + \\\n   B + ) = A")
    assert (e.line, e.column) == (2, 8)


# ---- fuzzing: errors, never tracebacks, never hangs ------------------------------

ALPHABET = st.sampled_from(list("aAbXxdI0123 +-−*/^'ᵀ⁻¹²()[]{}⟨⟩<>,:=‖|∂∇𝟏⊗∘_\\$%#.~\"")
                           + ["\\frac", "\\partial", "\\left", "\\right", "\\|", "tr", "det", "log",
                              "exp", "^{-1}", "^T", "let ", "theorem t: ", "rule r: ", "->", " if ",
                              "expect ", "\\operatorname{tr}", "\\mathbf{1}", "\\nabla_", "sqrt",
                              "¹", "⁰", "₂", "^{", "\\frac{1}{0}", "^{1/0}", "_F", "\\sqrt{", "ᵀ⁻¹"])
#: more examples locally with FUZZ_EXAMPLES=5000; CI runs derandomized so its outcome is repeatable
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")), deadline=None,
                derandomize=bool(os.environ.get("CI")), suppress_health_check=[HealthCheck.too_slow])
CORPUS_LINES = [line for line in (DATA / "public.thm").read_text().splitlines()
                if line.strip() and not line.startswith("#")]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def run_all(text: str) -> None:
    """Parse and type every statement: only MatproofError may escape, within 10 s."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    try:
        try:
            doc = parse_text(text)
        except MatproofError as e:
            assert e.render()
            return
        for thm in doc.theorems:
            try:
                type_theorem(thm)
            except MatproofError as e:
                assert e.render()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@FUZZ
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_random_text_never_crashes(text):
    run_all(text)


@st.composite
def mutated_line(draw):
    line = draw(st.sampled_from(CORPUS_LINES))
    chars = list(line)
    for _ in range(draw(st.integers(1, 3))):
        if not chars:
            break
        i = draw(st.integers(0, len(chars) - 1))
        how = draw(st.sampled_from(["drop", "swap", "insert"]))
        if how == "drop":
            del chars[i]
        elif how == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars.insert(i, draw(ALPHABET))
    return "".join(chars)


@FUZZ
@given(mutated_line())
def test_mutated_corpus_lines_never_crash(text):
    run_all(text)
