"""Build the firm network from a resolved workspace (firms, their shipments, list matches)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dibwatch.graph import store
from dibwatch.graph.model import CONTRACT, OWNERSHIP, SHIPMENT, FirmEdge, FirmGraph, FirmNode
from dibwatch.workspace import Workspace

Progress = Callable[[str, int, int], None]

# Values shared by more firms than this make no shared-attribute edge (see store).
MAX_FIRMS_PER_SHARED_VALUE = 50


def build_graph(ws: Workspace, *, max_shared: int = MAX_FIRMS_PER_SHARED_VALUE,
                progress: Progress | None = None) -> FirmGraph:
    """The firm network of ``ws``: every resolved firm, shipment edges exporter -> importer and
    contract holder -> importer, shared address / id edges, and ownership edges when FtM
    Ownership entities link two firms screened as their owner and asset."""
    steps = ["firms", SHIPMENT, CONTRACT, *store.SHARED_COLUMNS, OWNERSHIP]

    def step(name: str) -> None:
        if progress:
            progress("building firm network", steps.index(name), len(steps))

    g = FirmGraph()
    step("firms")
    for firm_id, caption, country, listed, chpl in ws.engine.query(store.FIRMS):
        g.add_firm(FirmNode(int(firm_id), str(caption), country, bool(listed), float(chpl)))
    for kind, role in ((SHIPMENT, "exporter"), (CONTRACT, "contract_holder")):
        step(kind)
        for src, dst, value, lines, tiers, first, last in ws.engine.query(store.TRADE_EDGES,
                                                                          [role]):
            g.add_edge(int(src), int(dst), FirmEdge(kind, float(value), int(lines),
                                                    tuple(tiers or ()), first, last))
    for kind, column in store.SHARED_COLUMNS.items():
        step(kind)
        for src, dst, shared in ws.engine.query(store.shared_edges_sql(column), [max_shared]):
            g.add_edge(int(src), int(dst), FirmEdge(kind, shared=tuple(shared)))
    step(OWNERSHIP)
    for owner, asset, entity_id in _ownerships(ws):
        if owner in g and asset in g and owner != asset:
            g.add_edge(owner, asset, FirmEdge(OWNERSHIP, shared=(entity_id,)))
    if progress:
        progress("building firm network", len(steps), len(steps))
    return g


def _values(data: dict[str, Any], prop: str) -> list[str]:
    return [str(v) for v in data.get("extra", {}).get(prop, [])]


def _ownerships(ws: Workspace) -> list[tuple[int, int, str]]:
    """(owner firm, asset firm, Ownership entity id) for every Ownership whose owner and asset
    are list entities some firm was screened as."""
    rows = ws.engine.query(store.OWNERSHIPS)
    if not rows:
        return []
    firms: dict[str, list[int]] = {}
    for entity_id, firm_id in ws.engine.query(store.ENTITY_FIRMS):
        firms.setdefault(str(entity_id), []).append(int(firm_id))
    out: set[tuple[int, int, str]] = set()
    for entity_id, data in rows:
        parsed = json.loads(data) if isinstance(data, str) else data
        for owner in _values(parsed, "owner"):
            for asset in _values(parsed, "asset"):
                for o in firms.get(owner, []):
                    out.update((o, a, str(entity_id)) for a in firms.get(asset, []))
    return sorted(out)
