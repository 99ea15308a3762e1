"""The command line never crashes: random bytes and well-formed-but-wrong inputs, as
arguments and as files, get an exit status of 0, 1, 2 or 3 and no "internal error".

200 examples per test in CI; a longer run before submitting:
`MATPROOF_FUZZ=5000 pytest tests/test_fuzz_cli.py`.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import main

EXAMPLES = int(os.environ.get("MATPROOF_FUZZ", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
#: a small search, so that an example costs milliseconds
SMALL = ["--max-work", "20000", "--max-iterations", "3", "--draws", "2"]

PIECES = ["A", "B", "X", "a", "b", "x", "α", "λ", "I", "0", "1", "2", "𝟏", " ", "(", ")", "[", "]",
          "{", "}", "=", "+", "-", "−", "*", "/", "^", "_", "'", "ᵀ", "⁻¹", "⁻ᵀ", "²", "∘", "⊗", "⟨",
          "⟩", ",", "|", "‖", "tr", "det", "logdet", "inv", "vec", "diag", "sum", "log", "exp",
          "sqrt", "tanh", "sigmoid", "d", "∂", "/∂X", "grad(", "\\frac{", "\\partial", "\\top",
          "\\|", "$", "\n", "\t", "\0", "let ", "theorem t: ", "rule r: ", "->", "<->", " if ",
          "invertible(", "expect ", "refuted", "use \"", ".rules\"", ":", "×", "n×n", " spd",
          "softmax", "\ud7ff", "é", "#"]

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.text(max_size=60),
)
OPTIONS = st.lists(st.sampled_from([
    [], ["--format", "ascii"], ["--format", "latex"], ["--json"], ["--let", "X: n×n invertible"],
    ["--let", "X: nxn spd"], ["--let", "Σ: 3×3 spd"], ["--seed", "7"], ["--timeout", "nan"],
    ["--max-nodes", "0"], ["--draws", "0"], ["--let", ""], ["--let", "q"],
]), max_size=2).map(lambda xs: [o for x in xs for o in x])


def _run(capsys, argv: list[str]) -> None:
    code = main(argv)
    _, err = capsys.readouterr()
    assert code in (0, 1, 2, 3), (argv, code, err)
    assert "internal error" not in err, (argv, err)


@FUZZ
@given(command=st.sampled_from(["prove", "parse"]), text=texts, options=OPTIONS)
def test_any_argument(capsys, command, text, options):
    _run(capsys, [command, *options, *([] if command == "parse" else SMALL), text])


@FUZZ
@given(text=texts, wrt=st.sampled_from(["X", "x", "q", "α"]), options=OPTIONS)
def test_any_function_to_grad(capsys, text, wrt, options):
    _run(capsys, ["grad", *options, "--wrt", wrt, "--max-work", "20000", "--max-iterations", "2", text])


@FUZZ
@given(data=st.one_of(texts.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=80)),
       kind=st.sampled_from(["thm", "rules", "json"]))
def test_any_file(capsys, tmp_path_factory, data, kind):
    path = tmp_path_factory.mktemp("fuzz") / f"input.{kind}"
    path.write_bytes(data)
    argv = {"thm": ["prove", *SMALL, str(path)], "rules": ["rules", "lint", str(path)],
            "json": ["verify", str(path)]}[kind]
    _run(capsys, argv)


@FUZZ
@given(data=st.one_of(texts, st.sampled_from(["theorem t: tr(A B) = tr(B A)\n" * 2, "let X\n"])))
def test_any_file_to_check(capsys, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "t.thm").write_text(data, encoding="utf-8", errors="surrogatepass")
    _run(capsys, ["check", "--no-cache", "--max-work", "20000", str(folder)])
