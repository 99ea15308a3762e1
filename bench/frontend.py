"""Figures for the front end and the numeric test, on the public corpus.

    python bench/frontend.py

Prints: parse time per line, typing time per theorem, numeric-test time per
theorem (median and worst), and the CLI's cold start (Python start included).
"""
from __future__ import annotations

import statistics

from common import CORPUS, SEED, best_of, cold

from checker.numeric import numeric_test  # noqa: E402
from checker.parse import parse_text, parser  # noqa: E402
from checker.typecheck import type_theorem  # noqa: E402


def main() -> None:
    parser()
    text = CORPUS.read_text(encoding="utf-8")
    lines = [x for x in text.splitlines() if x.strip() and not x.lstrip().startswith("#")]
    t = best_of(5, lambda: parse_text(text))
    print(f"parse:          {t / len(lines) * 1e6:8.0f} µs per line ({len(lines)} lines)")
    doc = parse_text(text)
    t = best_of(5, lambda: [type_theorem(th) for th in doc.theorems])
    print(f"typing:         {t / len(doc.theorems) * 1e6:8.0f} µs per theorem")
    typed = [type_theorem(th) for th in doc.theorems]
    per = [best_of(3, lambda ty=ty: numeric_test(ty, seed=1)) for ty in typed]
    print(f"numeric test:   {statistics.median(per) * 1e3:8.2f} ms median, {max(per) * 1e3:.2f} ms worst "
          f"per theorem (6 draws, sizes 2–6)")
    print(f"cold start:     {cold(['parse', SEED], 5) * 1e3:8.0f} ms  matproof parse <seed>")
    print(f"                {cold(['prove', SEED], 5) * 1e3:8.0f} ms  matproof prove <seed>")
    print(f"                {cold(['--version'], 5) * 1e3:8.0f} ms  matproof --version (the floor)")


if __name__ == "__main__":
    main()
