"""The firm network: firms as nodes, relations between them as edges.

Shipment, contract and ownership edges are directed (exporter -> importer, contract holder ->
importer, owner -> asset); shared-attribute edges (address, id) are not, and are stored once
with the lower firm id as source. Metrics treat the graph as undirected: a supplier of a listed
buyer is as close to it as the buyer's own supplier is.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import rustworkx as rx

SHIPMENT = "shipment"
CONTRACT = "contract"
ADDRESS = "address"
IDENTIFIER = "id"
OWNERSHIP = "ownership"
EDGE_KINDS = (SHIPMENT, CONTRACT, ADDRESS, IDENTIFIER, OWNERSHIP)
DIRECTED_KINDS = frozenset({SHIPMENT, CONTRACT, OWNERSHIP})

Attr = str | int | float | bool
T = TypeVar("T")


@dataclass
class FirmNode:
    firm_id: int
    caption: str
    country: str | None = None
    listed: bool = False
    chpl_value_usd: float = 0.0
    # Metrics written by :func:`dibwatch.graph.metrics.annotate`, exported with the node.
    attrs: dict[str, Attr] = field(default_factory=dict)


@dataclass(frozen=True)
class FirmEdge:
    kind: str
    value_usd: float = 0.0
    lines: int = 0
    tiers: tuple[str, ...] = ()
    first_date: date | None = None
    last_date: date | None = None
    # What the two firms share (address / id values) or the Ownership entity id.
    shared: tuple[str, ...] = ()

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_KINDS


class FirmGraph:
    """A directed multigraph of firms keyed by ``firm_id``."""

    def __init__(self) -> None:
        self.graph: rx.PyDiGraph[FirmNode, FirmEdge] = rx.PyDiGraph(multigraph=True)
        self._index: dict[int, int] = {}
        self._derived: dict[Hashable, Any] = {}

    def add_firm(self, node: FirmNode) -> None:
        if node.firm_id in self._index:
            raise ValueError(f"firm {node.firm_id} is already in the graph")
        self._index[node.firm_id] = self.graph.add_node(node)
        self._derived.clear()

    def add_edge(self, source: int, target: int, edge: FirmEdge) -> None:
        self.graph.add_edge(self._index[source], self._index[target], edge)
        self._derived.clear()

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once until the graph changes: a report asks for the paths of 50
        firms, and each would otherwise walk the whole network again (at 1M shipments that
        was most of the report's time). Callers must not mutate what they get."""
        if key not in self._derived:
            self._derived[key] = compute()
        value: T = self._derived[key]
        return value

    def __contains__(self, firm_id: object) -> bool:
        return firm_id in self._index

    def __len__(self) -> int:
        return len(self._index)

    @property
    def edge_count(self) -> int:
        return self.graph.num_edges()

    def firm(self, firm_id: int) -> FirmNode:
        return self.graph[self._index[firm_id]]

    def index(self, firm_id: int) -> int:
        return self._index[firm_id]

    def firms(self) -> list[FirmNode]:
        """Every firm, by ascending firm id."""
        return sorted(self.graph.nodes(), key=lambda n: n.firm_id)

    def edges(self) -> Iterator[tuple[int, int, FirmEdge]]:
        """(source firm id, target firm id, edge), in insertion order."""
        for s, t, edge in self.graph.weighted_edge_list():
            yield self.graph[s].firm_id, self.graph[t].firm_id, edge

    def listed_ids(self) -> list[int]:
        return sorted(n.firm_id for n in self.graph.nodes() if n.listed)

    def adjacency(self, kinds: frozenset[str] | None = None) -> dict[int, list[int]]:
        """Undirected neighbours of every firm (sorted firm ids, each once), over edges of
        ``kinds`` (default: all). Shared between callers: read, never mutate."""
        return self.derived(("adjacency", kinds), lambda: self._adjacency(kinds))

    def _adjacency(self, kinds: frozenset[str] | None) -> dict[int, list[int]]:
        sets: dict[int, set[int]] = {fid: set() for fid in self._index}
        for s, t, edge in self.edges():
            if s != t and (kinds is None or edge.kind in kinds):
                sets[s].add(t)
                sets[t].add(s)
        return {fid: sorted(ns) for fid, ns in sets.items()}
