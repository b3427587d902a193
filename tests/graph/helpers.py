"""Hand-built firm graphs for exact assertions."""

from __future__ import annotations

from dibwatch.graph import FirmEdge, FirmGraph, FirmNode
from dibwatch.graph.model import ADDRESS, CONTRACT, OWNERSHIP, SHIPMENT


def make_graph(firms: dict[int, bool], edges: list[tuple[int, int, str]],
               values: dict[tuple[int, int], float] | None = None) -> FirmGraph:
    """Firms ``{firm_id: listed}`` and edges ``(source, target, kind)``; shipment and contract
    edges carry one line of ``values[(source, target)]`` USD (default 1)."""
    g = FirmGraph()
    for fid, listed in firms.items():
        g.add_firm(FirmNode(fid, f"FIRM {fid}", "CN", listed))
    for s, t, kind in edges:
        if kind in (SHIPMENT, CONTRACT):
            g.add_edge(s, t, FirmEdge(kind, (values or {}).get((s, t), 1.0), 1))
        else:
            g.add_edge(s, t, FirmEdge(kind, shared=("x",)))
    return g


# Two listed firms (1, 10) and firms at 1-3 hops, one isolated, one pair on its own.
#   1 -> 2 -> 3 -contract-> 10 -owns-> 9;  3 ~address~ 4;  5 -> 4;  7 -> 8;  11 -> 1, 11 -> 10
PATH_FIRMS = {fid: fid in (1, 10) for fid in range(1, 12)}
PATH_EDGES = [(1, 2, SHIPMENT), (2, 3, SHIPMENT), (3, 10, CONTRACT), (3, 4, ADDRESS),
              (5, 4, SHIPMENT), (7, 8, SHIPMENT), (10, 9, OWNERSHIP), (11, 1, SHIPMENT),
              (11, 10, SHIPMENT)]
