"""`matproof check --html report.html`: one self-contained page of every formula checked,
its ✓/✗/? per link, and the proof or the counterexample folded under each.

Formulas are MathML (latex2mathml, from the printers' LaTeX), which browsers render
natively: the page needs no network and no script."""
from __future__ import annotations

from html import escape
from urllib.parse import quote

from .report import MARK

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.formula { margin: 1em 0; padding: .5em 1em; border-left: 4px solid #2a2; }
.formula.wrong { border-left-color: #c22; background: #fff5f5; }
.formula.unread, .formula.unknown { border-left-color: #b80; background: #fffbf0; }
.where { color: #666; font-size: .9em; font-family: monospace; }
.link { margin: .3em 0 .3em 1em; } .mark { font-weight: bold; margin-right: .5em; }
.proved { color: #2a2; } .refuted, .error { color: #c22; } .unknown, .unread { color: #b80; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; }
math { font-size: 1.1em; }
"""


#: the presentation MathML that the page may hold, and the attributes of it; anything else
#: in a converter's output (latex2mathml passes `</math><script>` through) is not written
MATHML_TAGS = frozenset("""math semantics mrow mi mn mo ms mtext mspace msup msub msubsup mfrac
    msqrt mroot mover munder munderover mtable mtr mtd mstyle mpadded mphantom menclose
    merror mfenced mlabeledtr""".split())
MATHML_ATTRS = frozenset("""xmlns display mathvariant mathsize stretchy fence separator lspace
    rspace form accent accentunder linethickness columnalign rowalign rowspacing columnspacing
    columnlines rowlines frame width height depth minsize maxsize movablelimits largeop
    symmetric notation align scriptlevel displaystyle open close separators""".split())


def mathml(latex: str) -> str:
    """MathML for a formula (latex2mathml, then only the MathML elements and attributes above,
    every text and value escaped); the LaTeX itself, escaped, where that cannot be had."""
    from latex2mathml.converter import convert
    try:
        safe = _sanitized(convert(latex))
    except Exception:            # noqa: BLE001 - the converter's own failures
        safe = None
    return safe if safe is not None else f"<code>{escape(latex)}</code>"


def _sanitized(markup: str) -> str | None:
    """`markup` rebuilt from its parse, if every element is MathML; else None."""
    import xml.etree.ElementTree as ET
    try:
        root = ET.fromstring(markup)
    except ET.ParseError:
        return None
    out: list[str] = []

    def emit(el) -> bool:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag not in MATHML_TAGS:
            return False
        attrs = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in el.attrib.items()
                        if k in MATHML_ATTRS and "script:" not in v.lower())
        out.append(f"<{tag}{attrs}>{escape(el.text or '')}")
        for child in el:
            if not emit(child):
                return False
            out.append(escape(child.tail or ""))
        out.append(f"</{tag}>")
        return True
    return "".join(out) if emit(root) else None


#: the groups of the page, in order: what fails first, then what was said, then what holds
GROUPS = (("wrong", "Wrong"), ("unknown", "Not decided"), ("unread", "Not read"), ("right", "As expected"))


def _group(r: dict) -> str:
    from .check import is_failure
    if is_failure(r):
        return "wrong"
    if r["status"] == r["expected"]:
        return "right"
    return "unread" if r["status"] == "unread" else "unknown"


def page(results: list[dict], title: str = "matproof check") -> str:
    """The whole page for the results of one run: wrong, not decided, not read and as
    expected, each group by file, in document order; each card names its file:line:col."""
    from .check import summary
    files = list(dict.fromkeys(r["file"] for r in results))
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1>",
             f"<p>{escape(summary(results, len(files)))}.</p>"]
    groups = [(key, heading, [r for r in results if _group(r) == key]) for key, heading in GROUPS]
    parts.append("<p>" + " · ".join(f'<a href="#{key}">{escape(heading)} ({len(rs)})</a>'
                                     for key, heading, rs in groups if rs) + "</p>")
    for key, heading, group in groups:
        if not group:
            continue
        parts.append(f'<h2 id="{key}">{escape(heading)} ({len(group)})</h2>')
        for file in files:
            rs = [r for r in group if r["file"] == file]
            if rs:
                parts.append(f"<h3>{escape(file)}</h3>")
                parts += [_formula(r) for r in rs]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _formula(r: dict) -> str:
    group = _group(r)
    where = f"{r['file']}:{r.get('line', 0)}:{r.get('column', 0)}"   # escaped below, every part
    shown = "not read" if r["status"] == "unread" else r["status"]
    # the card's place: a link into the file (#L12, as code hosts number lines), and an anchor
    link = f"{quote(str(r['file']))}#L{int(r.get('line', 0) or 0)}"
    head = (f'<div class="formula {group}" id="{escape(where, quote=True)}" data-status="{escape(r["status"])}">'
            f'<div class="where"><a href="{escape(link, quote=True)}">{escape(where)}</a> · '
            f'{escape(str(r["name"]))} · '
            f'<span class="{escape(r["status"])}">{escape(shown)}</span>'
            + ("" if r["expected"] == "proved" else f" (expected {escape(r['expected'])})") + "</div>")
    out = [head]
    if r["status"] in ("error", "unread") and not r.get("sides_latex"):
        out.append(f"<pre>{escape(r.get('error_text') or r.get('reason', ''))}</pre></div>")
        return "\n".join(out)
    sides = r.get("sides_latex") or []
    links = r.get("links") or [{"link": 1, "status": r["status"], "line": r.get("line", 0),
                                "column": r.get("column", 0)}]
    if sides:
        out.append(f'<div class="chain">{mathml(sides[0])}</div>')
    for k, link in enumerate(links):
        side = sides[k + 1] if k + 1 < len(sides) else ""
        status = link["status"]
        out.append(f'<div class="link" data-status="{escape(status)}"><span class="mark {escape(status)}">'
                   f'{MARK.get(status, "?")}</span>{mathml("= " + side) if side else ""}'
                   f' <span class="where">{escape(str(r["file"]))}:{escape(str(link["line"]))}:'
                   f'{escape(str(link["column"]))}</span></div>')
    detail = _detail(r, links)
    if detail:
            out.append(f"<details><summary>{'proof' if r['status'] == 'proved' else 'why'}</summary>{detail}</details>")
    out.append("</div>")
    return "\n".join(out)


def _detail(r: dict, links: list[dict]) -> str:
    if r.get("proof"):
        rows = []
        for step in r["proof"]:
            term = mathml(step["latex"]) if step.get("latex") else escape(step["term"])
            rule = "" if step["rule"] in ("start", "link") else escape(step["rule"])
            rows.append(f"<tr><td>{'' if step['rule'] == 'start' else '='}</td><td>{term}</td>"
                        f"<td class=\"where\">{rule}</td></tr>")
        return "<table>" + "".join(rows) + "</table>"
    texts = [k["counterexample_text"] for k in links if k.get("counterexample_text")]
    texts = texts or [r.get("counterexample_text") or r.get("error_text") or r.get("reason", "")]
    return "".join(f"<pre>{escape(t)}</pre>" for t in texts if t)
