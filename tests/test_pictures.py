"""Pictures of proofs and e-graphs, as DOT text (no Graphviz needed)."""
from __future__ import annotations

import re
import shutil

import pytest

from checker.cli import main


def test_proof_picture(capsys, tmp_path):
    out = tmp_path / "proof.dot"
    assert main(["prove", "--graph", str(out), "tr(A B C) = tr(C A B)"]) == 0
    dot = out.read_text()
    assert dot.startswith("digraph matproof {")
    assert '"0" [label="tr(A B C)"];' in dot and '"1" [label="tr(C A B)"];' in dot
    assert '"0" -> "1" [label="trace-cyclic"];' in dot


def test_egraph_picture_groups_nodes_by_class(capsys, tmp_path):
    out = tmp_path / "eg.dot"
    assert main(["prove", "--graph", str(out), "--egraph", "tr(A B C) = tr(C A B)"]) == 0
    dot = out.read_text()
    clusters = re.findall(r"subgraph cluster_(\d+)", dot)
    assert len(clusters) >= 4
    assert "style=bold" in dot               # the class of the two sides is marked
    assert re.search(r'label="tr"', dot) and re.search(r'label="mul"', dot)


def test_svg_needs_graphviz(capsys, tmp_path):
    out = tmp_path / "p.svg"
    code = main(["prove", "--graph", str(out), "tr(A B) = tr(B A)"])
    if shutil.which("dot"):
        assert code == 0 and out.read_text().lstrip().startswith("<?xml")
    else:
        assert code == 2 and "Graphviz" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["p.png"])
def test_other_formats_are_bad_input(capsys, tmp_path, name):
    assert main(["prove", "--graph", str(tmp_path / name), "tr(A B) = tr(B A)"]) == 2
