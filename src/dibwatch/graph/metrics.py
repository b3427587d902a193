"""Network metrics over the firm graph, taken as undirected and unweighted: who sits near a
listed firm, in which community, and which firms bridge the others.

Unweighted on purpose: a single shipment to a listed buyer already is the link an investigator
follows, and weighting by value would let one large trade drown out many small ones.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx  # type: ignore[import-untyped]
import rustworkx as rx

from dibwatch.graph.model import FirmGraph

DAMPING = 0.85
# Exact betweenness costs O(nodes x edges); past this many nodes it is estimated from a
# sample of source nodes (fixed seed, so reruns agree).
EXACT_BETWEENNESS_MAX = 5_000
BETWEENNESS_SAMPLES = 256
SEED = 20240224


@dataclass(frozen=True)
class HubScore:
    degree: int  # distinct neighbouring firms
    weighted_degree: float  # shipment value in and out (exporter and contract-holder edges)
    betweenness: float  # normalised; 0 outside the largest component


def _symmetric(graph: FirmGraph, kinds: frozenset[str] | None
               ) -> tuple[rx.PyDiGraph[int, None], dict[int, int], list[int]]:
    """A digraph with both directions of every undirected firm pair, node payload the firm id;
    and the firm id -> node index mapping."""
    adj = graph.adjacency(kinds)
    order = sorted(adj)
    d: rx.PyDiGraph[int, None] = rx.PyDiGraph()
    index = {fid: i for fid, i in zip(order, d.add_nodes_from(order), strict=True)}
    d.add_edges_from_no_data([(index[s], index[t]) for s in order for t in adj[s]])
    return d, index, order


def proximity(graph: FirmGraph, *, kinds: frozenset[str] | None = None,
              damping: float = DAMPING) -> dict[int, float]:
    """Personalised PageRank restarting at the listed firms: the share of time a walker who
    keeps jumping back to a listed firm spends at each firm. Listed firms score highest; 0 for
    firms with no path to one, and for every firm when none is listed."""
    listed = graph.listed_ids()
    if not listed:
        return {n.firm_id: 0.0 for n in graph.firms()}
    d, index, order = _symmetric(graph, kinds)
    scores = rx.pagerank(d, alpha=damping, personalization={index[f]: 1.0 for f in listed},
                         tol=1e-10, max_iter=1000)
    # Unreachable firms score exactly 0; the power iteration leaves residue of its start.
    reachable = _listed_bfs(graph, kinds)[0]
    return {fid: float(scores[index[fid]]) if fid in reachable else 0.0 for fid in order}


def _listed_bfs(graph: FirmGraph, kinds: frozenset[str] | None
                ) -> tuple[dict[int, int], dict[int, int]]:
    """Hops from every reachable firm to its nearest listed firm, and the next firm on the way
    (ties go to the lowest firm id, so paths are the same on every run)."""
    return graph.derived(("listed_bfs", kinds), lambda: _walk_from_listed(graph, kinds))


def _walk_from_listed(graph: FirmGraph, kinds: frozenset[str] | None
                      ) -> tuple[dict[int, int], dict[int, int]]:
    adj = graph.adjacency(kinds)
    hops: dict[int, int] = {}
    towards: dict[int, int] = {}
    queue: deque[int] = deque()
    for fid in graph.listed_ids():
        hops[fid] = 0
        queue.append(fid)
    while queue:
        current = queue.popleft()
        for nb in adj[current]:
            if nb not in hops:
                hops[nb] = hops[current] + 1
                towards[nb] = current
                queue.append(nb)
    return hops, towards


def hops_to_listed(graph: FirmGraph, *, kinds: frozenset[str] | None = None) -> dict[int, int]:
    """Hops from each firm to the nearest listed firm (0 = listed); unreachable firms absent."""
    return dict(_listed_bfs(graph, kinds)[0])


def routes_to_listed(graph: FirmGraph, *, kinds: frozenset[str] | None = None
                     ) -> dict[int, tuple[int, int]]:
    """For every firm with a path to a listed firm and not listed itself: (hops to the
    nearest listed firm, the next firm on that shortest path)."""
    hops, towards = _listed_bfs(graph, kinds)
    return {fid: (hops[fid], towards[fid]) for fid in towards}


def paths_to_listed(graph: FirmGraph, firm_id: int, *,
                    kinds: frozenset[str] | None = None) -> list[int]:
    """A shortest path from ``firm_id`` to the nearest listed firm, both ends included
    (``[firm_id]`` when it is listed itself, ``[]`` when no listed firm is reachable)."""
    if firm_id not in graph:
        raise KeyError(f"no firm {firm_id} in the graph")
    hops, towards = _listed_bfs(graph, kinds)
    if firm_id not in hops:
        return []
    path = [firm_id]
    while hops[path[-1]]:
        path.append(towards[path[-1]])
    return path


def _undirected_nx(graph: FirmGraph, kinds: frozenset[str] | None = None) -> nx.Graph:
    g = nx.Graph()
    adj = graph.adjacency(kinds)
    g.add_nodes_from(adj)
    g.add_edges_from((s, t) for s, ns in adj.items() for t in ns if s < t)
    return g


def communities(graph: FirmGraph, *, kinds: frozenset[str] | None = None,
                seed: int = SEED) -> dict[int, int]:
    """Louvain community of every firm, numbered 0.. by size (largest first, ties by the
    lowest firm id); an isolated firm is a community of its own."""
    found = nx.community.louvain_communities(_undirected_nx(graph, kinds), seed=seed)
    ordered = sorted((sorted(int(f) for f in c) for c in found), key=lambda c: (-len(c), c[0]))
    return {fid: no for no, members in enumerate(ordered) for fid in members}


def hub_scores(graph: FirmGraph, *, kinds: frozenset[str] | None = None,
               exact_max: int = EXACT_BETWEENNESS_MAX,
               samples: int = BETWEENNESS_SAMPLES) -> dict[int, HubScore]:
    """Degree, shipment-value degree and betweenness (largest component only, so the cost is
    bounded by one component; sampled past ``exact_max`` nodes) of every firm."""
    adj = graph.adjacency(kinds)
    value: dict[int, float] = dict.fromkeys(adj, 0.0)
    for s, t, edge in graph.edges():
        if edge.lines and (kinds is None or edge.kind in kinds):
            value[s] += edge.value_usd
            value[t] += edge.value_usd
    between: dict[int, float] = {}
    g = _undirected_nx(graph, kinds)
    if g.number_of_edges():
        largest = max(nx.connected_components(g), key=lambda c: (len(c), -min(c)))
        component = g.subgraph(largest)
        if len(component) <= exact_max:
            d, order = _rx_graph(component)
            scores = rx.graph_betweenness_centrality(d, normalized=True)
            between = {order[i]: float(scores[i]) for i in range(len(order))}
        else:
            between = {int(k): float(v) for k, v in nx.betweenness_centrality(
                component, k=min(samples, len(component)), seed=SEED, normalized=True).items()}
    return {fid: HubScore(len(adj[fid]), value[fid], between.get(fid, 0.0)) for fid in adj}


def _rx_graph(component: nx.Graph) -> tuple[rx.PyGraph[int, None], list[int]]:
    """The networkx graph as a rustworkx one (node i = the i-th lowest firm id)."""
    order = sorted(int(n) for n in component.nodes)
    g: rx.PyGraph[int, None] = rx.PyGraph()
    index = {fid: i for fid, i in zip(order, g.add_nodes_from(order), strict=True)}
    g.add_edges_from_no_data([(index[int(s)], index[int(t)]) for s, t in component.edges])
    return g, order


def neighbourhood(graph: FirmGraph, firm_id: int, hops: int = 2, *,
                  kinds: frozenset[str] | None = None) -> FirmGraph:
    """The firms within ``hops`` of ``firm_id`` (undirected) and every edge among them."""
    if firm_id not in graph:
        raise KeyError(f"no firm {firm_id} in the graph")
    adj = graph.adjacency(kinds)
    seen = {firm_id: 0}
    queue: deque[int] = deque([firm_id])
    while queue:
        current = queue.popleft()
        if seen[current] == hops:
            continue
        for nb in adj[current]:
            if nb not in seen:
                seen[nb] = seen[current] + 1
                queue.append(nb)
    sub = FirmGraph()
    for fid in sorted(seen):
        sub.add_firm(graph.firm(fid))
    for s, t, edge in graph.edges():
        if s in seen and t in seen and (kinds is None or edge.kind in kinds):
            sub.add_edge(s, t, edge)
    return sub


def annotate(graph: FirmGraph) -> None:
    """Store every metric on the nodes (``attrs``), so that exports carry them."""
    prox = proximity(graph)
    hops = hops_to_listed(graph)
    comm = communities(graph)
    hubs = hub_scores(graph)
    for node in graph.firms():
        fid = node.firm_id
        hub = hubs[fid]
        node.attrs.update(proximity=prox[fid], hops_to_listed=hops.get(fid, -1),
                          community=comm[fid], degree=hub.degree,
                          weighted_degree=hub.weighted_degree, betweenness=hub.betweenness)
