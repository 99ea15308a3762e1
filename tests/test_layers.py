"""The package's layers (issue 27): no import circle and no import running up a floor,
counting the imports inside functions too (they are kept there for start-up time, and
hid the circles before). Each module's imports are read from its source."""
from __future__ import annotations

import ast
import pathlib

import networkx as nx

ROOT = pathlib.Path(__file__).resolve().parents[1] / "checker"

#: modules that must not reach these others, directly or through any chain of imports:
#: the trusted base never sees the search; lint (run on every used rule file) never the prover
FORBIDDEN = {
    "checker.kernel": {"checker.search", "checker.pipeline", "checker.egraph.egraph", "checker.check"},
    "checker.normalform": {"checker.search", "checker.pipeline", "checker.egraph.egraph"},
    "checker.numeric.test": {"checker.search", "checker.pipeline", "checker.kernel"},
    "checker.lint": {"checker.pipeline", "checker.search", "checker.check"},
    "checker.egraph.egraph": {"checker.search", "checker.pipeline", "checker.kernel"},
    "checker.typecheck": {"checker.search", "checker.pipeline", "checker.kernel", "checker.numeric.test"},
    "checker.parse": {"checker.search", "checker.pipeline", "checker.kernel"},
    # the e-graph search for one link knows nothing of how links are approached
    "checker.search": {"checker.strategy", "checker.pipeline", "checker.differentiate", "checker.readoff"},
}


def import_graph() -> nx.DiGraph:
    mods = {}
    for p in ROOT.rglob("*.py"):
        parts = p.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = p
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, p in mods.items():
        pkg = name if p.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = pkg.split(".")[:len(pkg.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    t = f"{target}.{alias.name}" if f"{target}.{alias.name}" in mods else target
                    if t in mods and t != name:
                        g.add_edge(name, t)
    return g


def test_the_import_graph_has_no_circle():
    g = import_graph()
    circles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not circles, circles


def test_no_module_reaches_a_floor_above_it():
    g = import_graph()
    for low, highs in FORBIDDEN.items():
        reached = nx.descendants(g, low) & highs
        assert not reached, (low, reached)


def test_the_graph_reads_imports_inside_functions():
    """The test would pass for nothing if it missed them: cli imports pipeline only inside."""
    assert import_graph().has_edge("checker.cli", "checker.pipeline")
