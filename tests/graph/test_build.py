from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
import pytest

from dibwatch.demo import run_demo
from dibwatch.graph import FirmEdge, FirmGraph, build_graph, hops_to_listed, paths_to_listed
from dibwatch.workspace import Workspace

# Firms 1..5. Mentions: firm 1 has two spellings (m1, m6); m2 and m4 share an address; m1 and
# m5 share an id. Lines: (line_no, exporter, importer, contract holder, value, date, tier).
MENTIONS = [  # mention_id, firm_id, address_norm, id_norm
    (1, 1, "1 harbour rd", "USCC:X1"), (2, 2, "5 lenina st", None), (3, 3, None, None),
    (4, 4, "5 lenina st", None), (5, 5, None, "USCC:X1"), (6, 1, None, None),
]
LINES = [
    (1, 1, 2, 3, 100.0, "2023-01-05", "1"),
    (2, 6, 2, None, 50.0, "2023-03-01", "2"),
    (3, 1, 2, None, 30.0, "2022-12-01", None),
    (4, 2, 1, None, 7.0, "2023-02-01", None),
    (5, 1, 6, None, 999.0, "2023-02-02", "1"),  # firm 1 to itself: no edge
]


def _tiny_workspace() -> Workspace:
    ws = Workspace(":memory:")
    e = ws.engine
    for mid, fid, addr, ident in MENTIONS:
        e.execute("INSERT INTO party_mentions (mention_id, role, name, name_keys, name_generic,"
                  " address_norm, id_norm, roles, shipment_count) VALUES "
                  "(?, 'exporter', ?, [], false, ?, ?, [], 1)", [mid, f"M{mid}", addr, ident])
        e.execute("INSERT INTO firm_members (firm_id, mention_id) VALUES (?, ?)", [fid, mid])
    for fid in range(1, 6):
        e.execute("INSERT INTO firms VALUES (?, ?, 'CN', [], [], 1, 1, NULL, NULL)",
                  [fid, f"FIRM {fid}"])
    for line, exp, imp, holder, value, day, tier in LINES:
        e.execute("INSERT INTO shipments (load_id, line_no, date, value_usd) VALUES "
                  "(1, ?, ?, ?)", [line, day, value])
        e.execute("INSERT INTO shipment_classes (load_id, line_no, chpl_tier) VALUES (1, ?, ?)",
                  [line, tier])
        for role, mention in (("exporter", exp), ("importer", imp),
                              ("contract_holder", holder)):
            if mention is not None:
                e.execute("INSERT INTO shipment_parties VALUES (1, ?, ?, ?)",
                          [line, role, mention])
    # Firm 5 is listed as E5, firm 3 as E3; an FtM Ownership says E5 owns E3.
    for fid, entity in ((5, "E5"), (3, "E3")):
        e.execute("INSERT INTO firm_screening (firm_id, entity_id, score) VALUES (?, ?, 0.9)",
                  [fid, entity])
    data = {"id": "own-1", "schema": "Ownership",
            "extra": {"owner": ["E5"], "asset": ["E3"], "percentage": ["51"]}}
    e.execute("INSERT INTO entities VALUES (1, 'own-1', 'own-1', 'Ownership', 'own', 'h', ?)",
              [json.dumps(data)])
    return ws


def _edges(g: FirmGraph) -> dict[tuple[int, int, str], FirmEdge]:
    out = {(s, t, e.kind): e for s, t, e in g.edges()}
    assert len(out) == g.edge_count  # one edge per pair and kind
    return out


def test_build_from_tiny_workspace() -> None:
    with _tiny_workspace() as ws:
        g = build_graph(ws)
    assert [(n.firm_id, n.listed, n.chpl_value_usd) for n in g.firms()] == [
        (1, False, 1149.0), (2, False, 150.0), (3, True, 100.0), (4, False, 0.0),
        (5, True, 0.0)]
    assert _edges(g) == {
        (1, 2, "shipment"): FirmEdge("shipment", 180.0, 3, ("1", "2"), date(2022, 12, 1),
                                     date(2023, 3, 1)),
        (2, 1, "shipment"): FirmEdge("shipment", 7.0, 1, (), date(2023, 2, 1),
                                     date(2023, 2, 1)),
        (3, 2, "contract"): FirmEdge("contract", 100.0, 1, ("1",), date(2023, 1, 5),
                                     date(2023, 1, 5)),
        (2, 4, "address"): FirmEdge("address", shared=("5 lenina st",)),
        (1, 5, "id"): FirmEdge("id", shared=("USCC:X1",)),
        (5, 3, "ownership"): FirmEdge("ownership", shared=("own-1",)),
    }


def test_max_shared_drops_common_values() -> None:
    with _tiny_workspace() as ws:
        g = build_graph(ws, max_shared=1)
    assert {e.kind for *_, e in g.edges()} == {"shipment", "contract", "ownership"}


def test_progress_reported() -> None:
    seen: list[tuple[str, int, int]] = []
    with _tiny_workspace() as ws:
        build_graph(ws, progress=lambda s, d, t: seen.append((s, d, t)))
    assert seen[-1] == ("building firm network", 6, 6)


@pytest.fixture(scope="module")
def demo_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace,
                                                                           FirmGraph]]:
    base: Path = tmp_path_factory.mktemp("graph_demo")
    with Workspace(base / "ws.duckdb") as ws:
        run_demo(ws, base / "world", shipments=5000)
        yield ws, build_graph(ws)


def test_demo_graph_matches_workspace(demo_graph: tuple[Workspace, FirmGraph]) -> None:
    ws, g = demo_graph
    assert len(g) == ws.engine.scalar("SELECT count(*) FROM firms")
    assert len(g.listed_ids()) == ws.engine.scalar(
        "SELECT count(DISTINCT firm_id) FROM firm_screening") > 0
    # Lines whose exporter and importer resolved to two firms, counted from the wide form.
    wide = ws.engine.scalar("""
        SELECT count(*) FROM (
            SELECT s.value_usd,
                   max(fm.firm_id) FILTER (sp.role = 'exporter') AS exp,
                   max(fm.firm_id) FILTER (sp.role = 'importer') AS imp
            FROM shipments s JOIN shipment_parties sp USING (load_id, line_no)
            JOIN firm_members fm USING (mention_id)
            GROUP BY s.load_id, s.line_no, s.value_usd)
        WHERE exp <> imp""")
    shipment_edges = [e for *_, e in g.edges() if e.kind == "shipment"]
    assert sum(e.lines for e in shipment_edges) == wide


def test_demo_paths_are_shortest(demo_graph: tuple[Workspace, FirmGraph]) -> None:
    _, g = demo_graph
    ref = nx.Graph()
    ref.add_nodes_from(n.firm_id for n in g.firms())
    ref.add_edges_from((s, t) for s, t, _ in g.edges() if s != t)
    expected = nx.multi_source_dijkstra_path_length(ref, set(g.listed_ids()))
    hops = hops_to_listed(g)
    assert hops == expected
    for fid in list(hops)[:: max(1, len(hops) // 40)]:
        path = paths_to_listed(g, fid)
        assert len(path) == hops[fid] + 1 and g.firm(path[-1]).listed
        assert all(ref.has_edge(a, b) for a, b in pairwise(path))
