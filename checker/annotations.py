"""GitHub Actions annotations for `matproof check --format github`: one workflow command
per theorem not as expected (and per formula that could not be read), at the failing
step's file, line and column, so that a pull request shows the wrong step inline.

The syntax is GitHub's `::error file=F,line=L,col=C,title=T::MESSAGE`; a property value
escapes `%`, CR, LF, `:` and `,`, a message `%`, CR and LF."""
from __future__ import annotations


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(r: dict, quiet_unread: bool = False) -> list[str]:
    """The workflow commands for one result (none if it is as expected): an error where it
    fails; for a document's formula matproof could not read a warning (none if
    `quiet_unread`), and for one it could not decide a notice."""
    from .check import is_failure
    from .documents.links import counterexample_only, failing
    if r["status"] == r["expected"] or (quiet_unread and r["status"] == "unread"):
        return []
    level = "error" if is_failure(r) else "warning" if r["status"] == "unread" else "notice"
    title = f"matproof: {r['name']}"
    where = [(r.get("line", 0), r.get("column", 0), r.get("error_text") or r.get("reason", ""))]
    if r["status"] == "unread" and not r.get("links"):     # the place is the annotation's: say what, and how
        hint = (r.get("error") or {}).get("hint")
        where = [(r.get("line", 0), r.get("column", 0),
                  f"not read: {r.get('reason', '')}" + (f"\nhint: {hint}" if hint else ""))]
    if r["status"] not in ("error", "unread"):
        bad = failing(r)
        if bad:
            where = [(k["line"], k["column"],
                      f"step {k['link']} is {'not read' if k['status'] == 'unread' else k['status']}: "
                      f"{' = '.join(k.get('sides', []))}"
                      + (f" ({k['reason']})" if k.get("reason") else "")
                      + ("\n" + counterexample_only(k.get("counterexample_text"))
                         if k.get("counterexample_text") else ""))
                     for k in bad]
        else:
            where = [(r.get("line", 0), r.get("column", 0),
                      f"{r['status']}, expected {r['expected']}: {' = '.join(r.get('sides', []))}"
                      + (f" ({r['reason']})" if r.get("reason") else ""))]
    out = []
    for line, col, message in where:
        props = [f"file={_prop(r['file'])}"]
        if line:
            props.append(f"line={line}")
        if col:
            props.append(f"col={col}")
        props.append(f"title={_prop(title)}")
        out.append(f"::{level} {','.join(props)}::{_data(message)}")
    return out
