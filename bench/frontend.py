"""Figures for the front end and the numeric test, on the public corpus.

    python bench/frontend.py

Prints: parse time per line, typing time per theorem, numeric-test time per
theorem (median and worst); the CLI's cold start (Python start included) for
`--version`, `parse`, `prove <seed>`, `grad` and `check` of the public corpus
(cold, then with a warm proof cache), each the median of several whole-process
runs with the compiled rules already cached (as after the first run on a
machine); the first run, which compiles the rules; and the import time of each
dependency (`python -X importtime`).
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from common import CORPUS, REPO, SEED, best_of

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
    cold_starts()
    imports()


def wall(argv: list[str], env: dict | None = None) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "checker.cli", *argv], capture_output=True, cwd=REPO, env=env)
    return time.perf_counter() - t


def median_of(n: int, argv: list[str], env: dict | None = None) -> float:
    return statistics.median(wall(argv, env) for _ in range(n))


def cold_starts(n: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MATPROOF_CACHE_DIR": os.path.join(tmp, "rules")}
        first = wall(["prove", SEED], env)          # compiles the rule files into the cache
        cache = os.path.join(tmp, "proofs")
        rows = [("--version", ["--version"]), ("parse <seed>", ["parse", SEED]),
                ("prove <seed>", ["prove", SEED]), ("grad ‖A x − b‖² wrt x", ["grad", "‖A x − b‖²", "--wrt", "x"]),
                ("check public.thm -j 1, no cache", ["check", "--no-cache", "-j", "1", str(CORPUS)])]
        print(f"cold start (median of {n} whole-process runs, compiled rules cached):")
        for label, argv in rows:
            print(f"  {median_of(n, argv, env) * 1e3:8.0f} ms  matproof {label}")
        wall(["check", "--cache", cache, str(CORPUS)], env)                 # fills the proof cache
        warm = median_of(n, ["check", "--cache", cache, str(CORPUS)], env)
        print(f"  {warm * 1e3:8.0f} ms  matproof check public.thm, warm proof cache")
        print(f"  {first * 1e3:8.0f} ms  matproof prove <seed>, first run (compiles the rules)")


def imports() -> None:
    """Cumulative import time of each dependency in `matproof prove <seed>` (what importing
    it first took, with everything it imported; `checker` includes the rest)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker.cli", "prove", SEED],
                          capture_output=True, text=True, cwd=REPO)
    own: dict[str, int] = {}
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
        if m and m.group(2) in ("lark", "numpy", "networkx", "sympy", "platformdirs", "checker"):
            own[m.group(2)] = int(m.group(1))      # the package's first import, all it pulled in
    print("import time in matproof prove <seed> (cumulative, µs → ms):")
    for name, us in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f"  {us / 1e3:8.1f} ms  {name}")


if __name__ == "__main__":
    main()
