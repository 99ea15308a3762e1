"""Proof certificates: the one format that `prove`, the cache and `verify` share.

A certificate proves one link `lhs = rhs` of one theorem: the theorem's text
(declarations and sides, re-parsed by the kernel), the link, the rule files
it relies on (path and SHA-256) and the steps. A file holds a *bundle* of
them — every link of every theorem a command proved — in one format whether
it holds one certificate or many:

    {"format": "matproof-certificates/1", "certificates": [cert, cert, …]}

What a certificate may be trusted for is decided here, not by whoever
wrote it (a certificate is data from anywhere: a cache restored from shared
storage, a file attached to a pull request):

* the rule files it names are used only if they are among those the caller
  trusts (matched by hash): the shipped rule files, and those a user names;
* it proves *the theorem at hand* only if the theorem it carries is the same
  theorem (same symbols, sides equal modulo the kernel's normal form) and its
  links cover every link of the chain.
"""
from __future__ import annotations

import json
from pathlib import Path

from .kernel import (FORMAT, NORMAL_FORM, NORMAL_FORM_STEP, POWER_RULE, KernelError, encode, file_hash, load_rules,
                     same_theorem, verify)
from .normalform import VERSION as POLY_VERSION

BUNDLE_FORMAT = "matproof-certificates/1"


def for_link(text: str, link: int, rule_records: list[dict], steps: list, gradient: dict | None) -> dict:
    """The certificate of one link, from its theorem's text and the explained steps."""
    cert = {"format": FORMAT, "normal_form": NORMAL_FORM,
            "theorem": {"name": "link", "text": text, "link": link},
            "rule_files": rule_records,
            "steps": [_step(s) for s in steps]}
    if gradient is not None:
        cert["gradient"] = gradient
    return cert


def _step(s) -> dict:
    out = {"rule": s.rule, "direction": s.direction, "path": list(s.path),
           "window": list(s.window) if s.window else None,
           "subst": {k: encode(v) for k, v in s.subst.items()},
           "before": encode(s.before), "after": encode(s.after)}
    if s.rule == NORMAL_FORM_STEP:     # decided by the kernel's own normal form (reflection)
        out["reflection"] = POLY_VERSION
        out["facts"] = list(s.facts)
    if s.lemma is not None:            # a derivative inside the link, replaced by its proved value
        out["lemma"] = s.lemma
    return out


def rules_named(steps: list[dict]) -> set[str]:
    """The rules a certificate's steps name, those of its lemmas' certificates included."""
    out: set[str] = set()
    for st in steps:
        if "lemma" in st and isinstance(st["lemma"], dict):
            out |= rules_named(st["lemma"].get("steps", []))
        elif "reflection" not in st and st.get("rule") != POWER_RULE:    # laws the kernel knows
            out.add(st["rule"])
    return out


def bundle(certs: list[dict]) -> dict:
    return {"format": BUNDLE_FORMAT, "certificates": list(certs)}


def unbundle(data) -> list[dict]:
    """The link certificates in what a file held: a bundle, or one bare certificate (as
    matproof 0.1 wrote for a single link)."""
    if isinstance(data, dict) and data.get("format") == BUNDLE_FORMAT:
        certs = data.get("certificates")
        if isinstance(certs, list) and all(isinstance(c, dict) for c in certs):
            return certs
        raise KernelError("the bundle's certificates are not a list of certificates")
    if isinstance(data, dict) and data.get("format") == FORMAT:
        return [data]
    raise KernelError("not a matproof certificate file of a known format")


def write(path: str | Path, certs: list[dict]) -> None:
    from .printing import dumps
    Path(path).write_text(dumps(bundle(certs)), encoding="utf-8")


def read(path: str | Path) -> list[dict]:
    """The certificates of a file; OSError or ValueError if it cannot be read as JSON,
    KernelError if it is JSON of another kind. Read as any untrusted file is (a regular
    file, size-capped: a FIFO or /dev/zero named as a certificate must not hang `verify`)."""
    from .safefiles import read_text
    return unbundle(json.loads(read_text(path)))


# ---- which rule files a certificate may rely on ---------------------------------------

class UntrustedRules(KernelError):
    """The certificate relies on a rule file that this check does not trust."""


def rule_paths(records: list[dict], allowed: list[Path]) -> list[Path]:
    """The file among `allowed` for each record (by content hash, wherever the certificate
    was made); KernelError naming the first record no allowed file matches."""
    by_hash = {}
    for p in allowed:
        by_hash.setdefault(file_hash(p), p)
    out = []
    for rec in records:
        if not isinstance(rec, dict) or not isinstance(rec.get("sha256"), str):
            raise KernelError("a rule-file record is malformed")
        p = by_hash.get(rec["sha256"])
        if p is None:
            raise UntrustedRules(f"it relies on rule file {rec.get('path')} (sha256 {rec['sha256'][:12]}…), "
                              "which is not one this check trusts")
        out.append(p)
    return out


def check(cert: dict, allowed: list[Path]) -> tuple[object, list[Path]]:
    """Replay one certificate with rules from `allowed` only: (its typed theorem, the rule
    files it relied on), or KernelError."""
    if not isinstance(cert, dict) or not isinstance(cert.get("rule_files"), list):
        raise KernelError("not a matproof certificate of a known format")
    paths = rule_paths(cert["rule_files"], allowed)
    records = [{"path": str(p), "sha256": r["sha256"]} for p, r in zip(paths, cert["rule_files"])]
    used = rules_named(cert["steps"])   # the kernel parses only these
    return verify(cert, load_rules(records, used)), paths


def check_theorem(certs: list[dict], typed, allowed: list[Path]) -> None:
    """KernelError unless `certs` prove the theorem `typed`, every link of it, with rules
    from `allowed` only."""
    links = set()
    for cert in certs:
        proved, _ = check(cert, allowed)
        if not same_theorem(proved, typed):
            raise KernelError("the certificate proves another theorem")
        links.add(cert["theorem"]["link"])
    if links != set(range(len(typed.exprs) - 1)):
        raise KernelError("the certificates do not cover every link of the chain")
