"""Checking folders of theorems against their expectations, for CI.

The work is a list of jobs, one per theorem, in a fixed order (file, then
line), so the results and their order are the same whatever the number of
worker processes or shards. A worker re-reads its file and settles one
theorem. Proofs are cached: a proved theorem's certificates are stored under
a key made of the theorem's text, its declarations and the rule files'
hashes, and a later run replays them with the kernel instead of searching.
A cache entry that does not parse, does not match, or that the kernel
rejects is ignored and the theorem is searched again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

CACHE_VERSION = "matproof-cache/2"


@dataclass(frozen=True)
class Job:
    file: str
    index: int          # the theorem's position in its file
    name: str
    line: int
    layout: str = "numerator"   # what a bare ∂f/∂x of a vector f is, until a `layout` line


def theorem_files(paths: list[str], opted_in: bool = False) -> list[Path]:
    """The files named, and in folders the `.thm` files and the documents (`.tex`, `.md`,
    `.ipynb`) that hold a `matproof:` directive (a document opts in; a folder of notes
    whose formulas are not meant for matproof is not checked by accident). With
    `opted_in`, a document named is read only if it opts in too (the pre-commit hook: a
    commit's README.md is not a derivation)."""
    from .documents import is_document, mentions_matproof
    from .errors import MatproofError
    from .safefiles import is_regular
    files: list[Path] = []
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.suffix != ".thm" and not is_document(f):
                    continue
                if not is_regular(f):      # a FIFO would hang the read, /dev/zero fill the memory
                    if not f.is_dir():
                        print(f"warning: {f} is skipped: not a regular file", file=sys.stderr)
                    continue
                if f.suffix == ".thm" or _opts_in(f, mentions_matproof):
                    files.append(f)
        elif p.exists() and not p.is_file():
            raise MatproofError(f"{arg} is not a regular file", filename=arg)
        elif p.is_file():
            if not (opted_in and is_document(p) and not _opts_in(p, mentions_matproof)):
                files.append(p)
        else:
            raise MatproofError(f"no such file or folder: {arg}", filename=arg)
    return files


def _opts_in(f: Path, mentions) -> bool:
    from .safefiles import read_text
    try:
        return mentions(read_text(f))
    except (OSError, UnicodeDecodeError):
        return False


@functools.lru_cache(maxsize=64)
def _document(path: str, text: str, layout: str = "numerator"):
    from .documents import is_document, read_document
    from .parse import parse_text
    return read_document(path, text, layout) if is_document(path) else parse_text(text, path, layout=layout)


def document(path: str, layout: str = "numerator"):
    """A parsed file, parsed once per content in each process (a job per theorem would
    otherwise parse its whole file again): a `.thm` file's `Document`, or a document's
    `Reading` (its theorems, where each stands, and the formulas that could not be read)."""
    from .parse import parse_file
    from .safefiles import read_text
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError):
        return parse_file(path)          # reports the problem as parse_file does
    return _document(path, text, layout)


def collect(paths: list[str], opted_in: bool = False, layout: str = "numerator"
            ) -> tuple[list[Path], list[Job], list[dict]]:
    """Parse every file and list its theorems as jobs. Bad input in a `.thm` file raises
    here; a formula of a document that cannot be read is a result of its own (status
    "error", at its place), and checking goes on."""
    files = theorem_files(paths, opted_in)
    jobs, problems = [], []
    for f in files:
        doc = document(str(f), layout)
        jobs += [Job(str(f), i, t.name, t.line, layout) for i, t in enumerate(doc.theorems)]
        for status, found in (("error", getattr(doc, "problems", ())), ("unread", getattr(doc, "unread", ()))):
            for e in found:
                e.kind = "not read" if status == "unread" else e.kind
                problems.append({"name": f"line {e.line}", "line": e.line, "column": e.column, "file": str(f),
                                 "status": status, "expected": "proved", "seconds": 0.0, "document": True,
                                 "reason": e.message, "error": e.as_json(), "error_text": e.render()})
    return files, jobs, problems


#: what a document's formula may be without failing the check: matproof could not read it,
#: or could not decide it. The document is not shown wrong by either; both are said.
NOT_FAILURES = ("unread", "unknown")


def is_failure(r: dict) -> bool:
    """Whether a result fails the check: not as expected, and not a document's formula that
    matproof could not read or decide."""
    if r["status"] == r["expected"]:
        return False
    return not (r.get("document") and r["expected"] == "proved" and r["status"] in NOT_FAILURES)


def summary(results: list[dict], files: int) -> str:
    """The last line of `check`: with documents, what became of their formulas."""
    bad = sum(map(is_failure, results))
    if not any(r.get("document") for r in results):
        return f"{len(results)} theorems in {files} files: {len(results) - bad} as expected, {bad} not"
    count = {s: sum(r["status"] == s for r in results) for s in ("proved", "refuted", "unknown", "error", "unread")}
    errors = f", {count['error']} errors" if count["error"] else ""
    return (f"{len(results)} formulas in {files} files: {count['proved']} proved, {count['refuted']} refuted, "
            f"{count['unknown']} unknown{errors}, {count['unread']} not read; "
            f"{len(results) - bad} as expected, {bad} not")


def shard(jobs: list[Job], spec: str | None) -> list[Job]:
    """`K/N`: the K-th of N interleaved parts (1-based), the same on every machine."""
    if not spec:
        return jobs
    k, n = (int(x) for x in spec.split("/"))
    return [j for i, j in enumerate(jobs) if i % n == k - 1]


def worker_count(requested: int, jobs: int) -> int:
    """Processes worth starting: no more than the theorems, nor than the CPUs (more only
    pay the start-up of each, measured 46 s for -j 1000 on 3 theorems)."""
    return max(1, min(requested, jobs, os.cpu_count() or 1))


def cache_key(thm, rule_files: list[Path]) -> str:
    from .kernel import file_hash
    from .printing import to_ascii
    from .statements import decl_line
    text = "\n".join([decl_line(d) for d in sorted(thm.decls.values(), key=lambda d: d.name)]
                     + [" = ".join(to_ascii(e) for e in thm.sides)]
                     + ([f"layout {thm.layout}"] if getattr(thm, "layout", "numerator") != "numerator" else []))
    rules = [file_hash(p) for p in rule_files]
    return hashlib.sha256(json.dumps([CACHE_VERSION, text, rules]).encode()).hexdigest()


def _from_cache(path: Path, thm, rule_files: list[Path]) -> tuple[dict | None, str]:
    """(the cached result, "") if the entry's certificates prove *this* theorem with the rule
    files in use and its numeric test does not refute it; else (None, why not). An entry is
    data from anywhere (CI restores caches from shared storage): nothing in it is trusted
    but what the kernel re-checks here."""
    from .certificate import check_theorem
    from .kernel import KernelError
    from .numeric import numeric_test
    from .pipeline import from_certificates
    from .typecheck import type_theorem
    from .safefiles import read_text
    try:     # a regular file, not through a symlink, of bounded size
        entry = json.loads(read_text(path, follow=False))
        if not isinstance(entry, dict) or entry.get("version") != CACHE_VERSION:
            return None, "an entry of another version"
        typed = type_theorem(thm)
        check_theorem(entry["certificates"], typed, rule_files)
        numeric = numeric_test(typed)
        if numeric.status == "refuted":
            return None, "the theorem is refuted numerically"
        # shown: only what the kernel checked, made afresh (the entry's own text is not used)
        result = from_certificates(thm, typed, entry["certificates"], numeric).as_json()
    except KernelError as e:
        return None, f"the kernel rejected it: {e}"
    except Exception as e:   # unreadable, a folder, not JSON, the wrong structure: a miss
        return None, f"it is damaged ({type(e).__name__})"
    result.update(name=thm.name, line=thm.line, expected=thm.expect, cached=True)
    return result, ""


def _store(entry: Path, certs: list[dict], out: dict) -> str:
    """Write a cache entry atomically; "" or why it could not be written (the cache is an
    optimisation: a failure to write it is said, not fatal)."""
    from .safefiles import write_atomic
    try:     # through an exclusively created temporary: a planted one cannot redirect it
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, json.dumps({"version": CACHE_VERSION, "certificates": certs,
                                        "result": out}).encode("utf-8"))
    except OSError as e:
        return f"the proof was not cached ({e.strerror or e}: {entry})"
    return ""


def run_job(job: Job, limits, cache_dir: str | None, only_rules: tuple[str, ...] = (),
            paranoid: bool = False) -> dict:
    """Settle one theorem (in whatever process); a JSON-ready result. With `only_rules`, those
    rule files are the whole rule set (for coverage); else the database and `use` lines.
    Whatever goes wrong with one theorem — a bug of ours included — is that theorem's error,
    at its place: it never ends a run of many."""
    try:
        return _run_job(job, limits, cache_dir, only_rules, paranoid)
    except Exception as e:      # noqa: BLE001 - isolation is the point
        why = ("the formula is nested too deeply" if isinstance(e, RecursionError)
               else f"internal error: {type(e).__name__}: {str(e)[:200]} (please report it)")
        return {"name": job.name, "line": job.line, "status": "error", "expected": _expected(job),
                "seconds": 0.0, "sides": [], "assumptions": [], "reason": why, "file": job.file}


def _expected(job: Job) -> str:
    try:
        return document(job.file, job.layout).theorems[job.index].expect
    except Exception:           # noqa: BLE001 - the file itself is what failed
        return "proved"


def _run_job(job: Job, limits, cache_dir: str | None, only_rules: tuple[str, ...],
             paranoid: bool) -> dict:
    from .pipeline import prove_theorem
    from .rules import default_rule_files
    doc = document(job.file, job.layout)        # read once: the theorem and, in a document, its place
    thm = doc.theorems[job.index]
    origin = doc.origins[job.index] if hasattr(doc, "origins") else None
    rule_files = default_rule_files() + [Path(u) for u in thm.uses]
    if only_rules:
        rule_files = [Path(p).resolve() for p in only_rules]
    entry = None
    warning = ""
    if cache_dir and _usable(rule_files):
        entry = Path(cache_dir) / f"{cache_key(thm, rule_files)}.json"
        if os.path.lexists(entry):
            t0 = time.perf_counter()
            cached, why = _from_cache(entry, thm, rule_files)
            if cached is not None:
                cached["file"] = job.file
                cached["seconds"] = time.perf_counter() - t0   # the replay, not the first search
                return _placed(origin, cached, None, thm, limits, rule_files)
            warning = f"cache entry {entry} ignored: {why}"
    res = prove_theorem(thm, limits=limits, rule_files=rule_files, paranoid=paranoid)
    out = {**res.as_json(), "file": job.file}
    if res.counterexample is not None:
        out["counterexample_text"] = _counterexample_text(res)
    out = _placed(origin, out, res, thm, limits, rule_files)
    if entry is not None and res.status == "proved" and res.certificates:
        warning = "; ".join(w for w in (warning, _store(entry, res.certificates, out)) if w)
    if warning:
        out["warning"] = warning
    return out


def _usable(rule_files: list[Path]) -> bool:
    """Whether these rule files may be relied on (trust.py); where not, the cache is not
    read, and the theorem's result says why."""
    from .trust import UntrustedRules, require_sound
    try:
        require_sound(rule_files)
    except UntrustedRules:
        return False
    return True


def _placed(origin, out: dict, res, thm, limits, rule_files) -> dict:
    """A document's theorem (one with an `origin`): the result with its places in the
    document (documents/links.py)."""
    if origin is None:
        return out
    from .documents.links import placed
    return placed(out, res, thm, origin, limits, rule_files)


def _counterexample_text(res) -> str:
    from .report import render_result
    return render_result(res, "unicode")


def run_all(jobs: list[Job], workers: int, limits, cache_dir: str | None,
            only_rules: tuple[str, ...] = (), paranoid: bool = False):
    """Results, one by one in the order of `jobs`, with `workers` processes (1: this one)."""
    if workers <= 1 or len(jobs) <= 1:
        for j in jobs:
            yield run_job(j, limits, cache_dir, only_rules, paranoid)
        return
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=workers) as pool:
        n = len(jobs)
        yield from pool.map(run_job, jobs, [limits] * n, [cache_dir] * n, [only_rules] * n, [paranoid] * n)


def junit(results: list[dict]) -> str:
    """JUnit XML: one test case per theorem, its proof or counterexample in the output."""
    failures = sum(map(is_failure, results))
    seconds = sum(r["seconds"] for r in results)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuite name="matproof" tests="{len(results)}" failures="{failures}" '
           f'errors="0" time="{seconds:.3f}">']
    for r in results:
        name = quoteattr(_xml_text(f"{r['name']} (line {r['line']})"))
        out.append(f'  <testcase classname={quoteattr(_xml_text(r["file"]))} name={name} '
                   f'time="{r["seconds"]:.3f}">')
        detail = _xml_text(_detail(r))
        if is_failure(r):
            message = quoteattr(_xml_text(f"{r['status']}, expected {r['expected']}: {r.get('reason', '')}"))
            out.append(f"    <failure message={message}>{escape(detail)}</failure>")
        elif r["status"] != r["expected"]:      # a document's formula not read or not decided
            message = quoteattr(_xml_text(f"{'not read' if r['status'] == 'unread' else r['status']}: "
                                          f"{r.get('reason', '')}"))
            out.append(f"    <skipped message={message}/>")
        out.append(f"    <system-out>{escape(detail)}</system-out>")
        out.append("  </testcase>")
    out.append("</testsuite>")
    return "\n".join(out) + "\n"


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: control characters other than tab and newline (a label with a
    NUL or an escape in it) shown as their pictures (␀), as error messages show them; lone
    surrogates and non-characters as �."""
    from .errors import visible
    out = []
    for c in text:
        o = ord(c)
        if (o < 32 and c not in "\t\n") or o == 127:
            out.append(visible(c))
        elif 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append("\ufffd")
        else:
            out.append(c)
    return "".join(out)


def _detail(r: dict) -> str:
    lines = [" = ".join(r.get("sides", [])), f"{r['status']}: {r.get('reason', '')}"]
    for step in r.get("proof") or []:
        lines.append(f"  = {step['term']}    [{step['rule']}]")
    if r.get("counterexample_text"):
        lines.append(r["counterexample_text"])
    return "\n".join(lines)
