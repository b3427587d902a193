from __future__ import annotations

import json
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
from lxml import etree
from typer.testing import CliRunner

from dibwatch.cli.graph import app
from dibwatch.graph import annotate, to_cytoscape, to_graphml
from dibwatch.graph.export import GRAPHML_NS
from tests.graph.helpers import PATH_EDGES, PATH_FIRMS, make_graph
from tests.graph.test_build import _tiny_workspace

NS = {"g": GRAPHML_NS}


def test_graphml_parses_with_lxml_and_networkx(tmp_path: Path) -> None:
    g = make_graph(PATH_FIRMS, PATH_EDGES)
    annotate(g)
    path = tmp_path / "firms.graphml"
    to_graphml(g, path)
    doc = etree.parse(str(path))
    assert len(doc.findall(".//g:node", NS)) == len(PATH_FIRMS)
    assert len(doc.findall(".//g:edge", NS)) == len(PATH_EDGES)
    types = {k.get("attr.name"): k.get("attr.type")
             for k in doc.findall(".//g:key[@for='node']", NS)}
    assert types["listed"] == "boolean" and types["proximity"] == "double"
    assert types["community"] == "long" and types["caption"] == "string"
    directed_key = doc.find(".//g:key[@for='edge'][@attr.name='directed']", NS)
    assert directed_key is not None
    flag = f"g:data[@key='{directed_key.get('id')}']"
    undirected = [e for e in doc.findall(".//g:edge", NS) if e.findtext(flag, None, NS) == "false"]
    assert [(e.get("source"), e.get("target")) for e in undirected] == [("f3", "f4")]

    read = nx.read_graphml(path)
    assert read.number_of_nodes() == len(PATH_FIRMS)
    assert read.nodes["f1"]["listed"] is True and read.nodes["f2"]["listed"] is False
    assert read.nodes["f5"]["hops_to_listed"] == 3
    assert read.nodes["f6"]["proximity"] == 0.0
    assert read.nodes["f3"]["caption"] == "FIRM 3"


def test_cytoscape_structure() -> None:
    g = make_graph(PATH_FIRMS, PATH_EDGES)
    doc = json.loads(json.dumps(to_cytoscape(g)))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes]
    assert ids == [f"f{fid}" for fid in sorted(PATH_FIRMS)]
    assert nodes[0]["data"] == {"id": "f1", "label": "FIRM 1", "firm_id": 1,
                                "caption": "FIRM 1", "listed": True, "chpl_value_usd": 0.0,
                                "country": "CN"}
    assert len({e["data"]["id"] for e in edges}) == len(PATH_EDGES)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert [(e["data"]["source"], e["data"]["target"], e["data"]["kind"]) for e in edges] == [
        (f"f{s}", f"f{t}", kind) for s, t, kind in PATH_EDGES]
    assert doc["data"]["firms"] == len(PATH_FIRMS)


def test_cli_export_and_paths(tmp_path: Path) -> None:
    ws_path = tmp_path / "ws.duckdb"
    with _tiny_workspace() as mem:
        mem.engine.execute(f"ATTACH '{ws_path}' AS f")
        mem.engine.execute("COPY FROM DATABASE memory TO f")
        mem.engine.execute("DETACH f")
    runner = CliRunner()
    out = tmp_path / "g.json"
    result = runner.invoke(app, ["export", "--format", "cytoscape", "--output", str(out),
                                 "-w", str(ws_path)])
    assert result.exit_code == 0, result.output
    assert "5 firms, 6 edges (2 listed)" in " ".join(result.output.split())
    assert len(json.loads(out.read_text())["elements"]["nodes"]) == 5
    result = runner.invoke(app, ["export", "--output", str(tmp_path / "g.graphml"),
                                 "-w", str(ws_path)])
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_edges() == 6
    result = runner.invoke(app, ["paths", "4", "-w", str(ws_path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "2 hop(s)" in " ".join(result.output.split()) and "FIRM 3" in result.output
    assert "address" in result.output and "contract" in result.output
