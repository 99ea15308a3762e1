"""Pictures: the proof as a graph, and the e-graph around the two sides.

Both are networkx graphs first and written as Graphviz DOT text by this
module, so a `.dot` file needs no Graphviz install; an `.svg` is made by
Graphviz's `dot` program when it is installed.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import networkx as nx

from .errors import MatproofError

MAX_CLASSES = 120


def proof_graph(proof: list[dict]) -> nx.DiGraph:
    """Terms as nodes, one edge per step labelled with its rule."""
    g = nx.DiGraph()
    for k, step in enumerate(proof):
        g.add_node(k, label=step["term"])
        if k:
            g.add_edge(k - 1, k, label=step["rule"])
    return g


def egraph_graph(eg, roots: list[int], depth: int = 4) -> nx.DiGraph:
    """The classes reachable from `roots` (at most MAX_CLASSES), e-nodes grouped by class."""
    g = nx.DiGraph()
    seen: dict[int, int] = {}
    frontier = [(eg.find(r), 0) for r in roots]
    while frontier and len(seen) < MAX_CLASSES:
        cid, d = frontier.pop(0)
        if cid in seen:
            continue
        seen[cid] = d
        g.add_node(f"c{cid}", label="", cluster=cid, root=cid in {eg.find(r) for r in roots})
        for k, (op, attr, kids) in enumerate(eg.nodes(cid)):
            name = f"c{cid}n{k}"
            label = op if attr is None or isinstance(attr, tuple) else f"{op} {attr}"
            g.add_node(name, label=label, cluster=cid)
            for kid in kids:
                g.add_edge(name, f"c{eg.find(kid)}")
                if d + 1 <= depth:
                    frontier.append((eg.find(kid), d + 1))
    for node, data in g.nodes(data=True):
        if "label" not in data:   # a class beyond the depth or the size limit
            data["label"] = f"{node} …"
    return g


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(g: nx.DiGraph, title: str = "") -> str:
    """DOT text: nodes with a `cluster` attribute are drawn inside a box per cluster."""
    out = ["digraph matproof {", "  rankdir=TB;", "  compound=true;",
           '  node [shape=box, fontname="DejaVu Sans"];', '  edge [fontname="DejaVu Sans"];']
    if title:
        out.append(f"  label={_q(title)};")
    clusters: dict[int, list[str]] = {}
    for n, data in g.nodes(data=True):
        if "cluster" in data:
            clusters.setdefault(data["cluster"], []).append(n)
        else:
            out.append(f"  {_q(n)} [label={_q(data.get('label', n))}];")
    for cid, members in clusters.items():
        root = any(g.nodes[m].get("root") for m in members)
        out.append(f"  subgraph cluster_{cid} {{")
        out.append(f"    label={_q(f'class {cid}')}; style={'bold' if root else 'rounded'};")
        for m in members:
            label = g.nodes[m].get("label", "")
            shape = "point" if not label else "box"
            out.append(f"    {_q(m)} [label={_q(label)}, shape={shape}];")
        out.append("  }")
    for a, b, data in g.edges(data=True):
        attrs = f" [label={_q(data['label'])}]" if "label" in data else ""
        out.append(f"  {_q(a)} -> {_q(b)}{attrs};")
    out.append("}")
    return "\n".join(out) + "\n"


def write(g: nx.DiGraph, path: str, title: str = "") -> None:
    """Write `.dot` as text, `.svg` through Graphviz."""
    dot = to_dot(g, title)
    p = Path(path)
    if p.suffix == ".dot":
        try:
            p.write_text(dot, encoding="utf-8")
        except OSError as e:
            raise MatproofError(f"cannot write {path}: {e.strerror or e}", filename=path) from None
        return
    if p.suffix != ".svg":
        raise MatproofError(f"cannot draw {path}: write a .dot or .svg file")
    exe = shutil.which("dot")
    if exe is None:
        raise MatproofError(f"cannot draw {path}: Graphviz's dot program is not installed",
                            hint="write a .dot file instead (it needs no Graphviz), or install graphviz")
    done = subprocess.run([exe, "-Tsvg", "-o", str(p)], input=dot.encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        raise MatproofError(f"Graphviz failed on {path}: {done.stderr.decode(errors='replace')[:200]}")


def proof_title(sides: list[str]) -> str:
    return " = ".join(sides)

