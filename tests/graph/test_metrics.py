from __future__ import annotations

import networkx as nx  # type: ignore[import-untyped]
import numpy as np
import pytest

from dibwatch.graph import (
    communities,
    hops_to_listed,
    hub_scores,
    neighbourhood,
    paths_to_listed,
    proximity,
)
from dibwatch.graph.metrics import DAMPING
from dibwatch.graph.model import SHIPMENT, FirmEdge, FirmNode
from tests.graph.helpers import PATH_EDGES, PATH_FIRMS, make_graph

SHIPMENTS_ONLY = frozenset({SHIPMENT})

PATH_CASES = [
    # (firm, kinds, expected path)
    (1, None, [1]),                     # listed itself
    (2, None, [2, 1]),
    (3, None, [3, 10]),                 # 10 is 1 hop away by contract, 1 is 2 hops
    (4, None, [4, 3, 10]),              # via the shared address
    (5, None, [5, 4, 3, 10]),
    (6, None, []),                      # isolated
    (7, None, []),                      # connected, but not to a listed firm
    (9, None, [9, 10]),                 # ownership edge, walked against its direction
    (11, None, [11, 1]),                # tie between 1 and 10: the lower id
    (3, SHIPMENTS_ONLY, [3, 2, 1]),     # without the contract edge
    (4, SHIPMENTS_ONLY, []),            # without the address edge
]


@pytest.mark.parametrize(("firm", "kinds", "expected"), PATH_CASES)
def test_paths_to_listed(firm: int, kinds: frozenset[str] | None, expected: list[int]) -> None:
    g = make_graph(PATH_FIRMS, PATH_EDGES)
    assert paths_to_listed(g, firm, kinds=kinds) == expected


def test_hops_to_listed_matches_networkx_shortest_paths() -> None:
    g = make_graph(PATH_FIRMS, PATH_EDGES)
    ref = nx.Graph()
    ref.add_nodes_from(PATH_FIRMS)
    ref.add_edges_from((s, t) for s, t, _ in PATH_EDGES)
    expected = nx.multi_source_dijkstra_path_length(ref, {1, 10})
    assert hops_to_listed(g) == expected
    assert hops_to_listed(g) == {1: 0, 10: 0, 2: 1, 3: 1, 9: 1, 11: 1, 4: 2, 5: 3}


def test_walks_are_reused_until_the_graph_changes() -> None:
    g = make_graph(PATH_FIRMS, PATH_EDGES)
    assert paths_to_listed(g, 6) == []
    assert g.adjacency() is g.adjacency()  # one walk serves every dossier's path
    hops = hops_to_listed(g)
    hops[6] = 0  # a caller's copy: the shared walk is untouched
    assert 6 not in hops_to_listed(g)
    g.add_edge(6, 1, FirmEdge(SHIPMENT, 1.0, 1))
    assert paths_to_listed(g, 6) == [6, 1]
    assert g.adjacency()[6] == [1]
    g.add_firm(FirmNode(12, "FIRM 12", "CN", True))
    g.add_edge(7, 12, FirmEdge(SHIPMENT, 1.0, 1))
    assert paths_to_listed(g, 8) == [8, 7, 12]


def test_paths_unknown_firm() -> None:
    with pytest.raises(KeyError):
        paths_to_listed(make_graph(PATH_FIRMS, PATH_EDGES), 99)


def _closed_form_ppr(nodes: list[int], edges: list[tuple[int, int]], seeds: set[int],
                     damping: float) -> dict[int, float]:
    """Personalised PageRank solved directly: x = (1 - d) s + d P x, P column-stochastic."""
    pos = {n: i for i, n in enumerate(nodes)}
    adj = np.zeros((len(nodes), len(nodes)))
    for s, t in edges:
        adj[pos[s], pos[t]] = adj[pos[t], pos[s]] = 1.0
    deg = adj.sum(axis=0)
    trans = np.divide(adj, deg, out=np.zeros_like(adj), where=deg > 0)
    seed = np.array([1.0 if n in seeds else 0.0 for n in nodes])
    seed /= seed.sum()
    x = np.linalg.solve(np.eye(len(nodes)) - damping * trans, (1 - damping) * seed)
    return {n: float(x[pos[n]]) for n in nodes}


def test_proximity_exact_ordering() -> None:
    # Listed firm 1 in a triangle with 2 and 5; then a chain 2 - 3 - 4 - 7; 6 isolated.
    edges = [(1, 2), (1, 5), (2, 5), (2, 3), (3, 4), (4, 7)]
    g = make_graph({1: True, 2: False, 3: False, 4: False, 5: False, 6: False, 7: False},
                   [(s, t, SHIPMENT) for s, t in edges])
    scores = proximity(g)
    # 2 beats 5 (more ways back to 1); the chain fades with distance; 7, a leaf, holds more
    # than its hop count suggests but less than 4; the isolated firm has nothing.
    assert sorted(scores, key=lambda f: -scores[f]) == [1, 2, 5, 3, 4, 7, 6]
    assert scores[6] == 0.0
    expected = _closed_form_ppr(sorted(scores), edges, {1}, DAMPING)
    assert scores == pytest.approx(expected, abs=1e-9)


def test_proximity_two_seeds_matches_networkx() -> None:
    g = make_graph(PATH_FIRMS, PATH_EDGES)
    ref = nx.Graph()
    ref.add_nodes_from(PATH_FIRMS)
    ref.add_edges_from((s, t) for s, t, _ in PATH_EDGES)
    expected = nx.pagerank(ref, alpha=DAMPING, personalization={1: 1, 10: 1}, tol=1e-12,
                           max_iter=1000)
    assert proximity(g) == pytest.approx(expected, abs=1e-8)
    assert proximity(g)[7] == proximity(g)[6] == 0.0


def test_proximity_without_listed_firms_is_zero() -> None:
    g = make_graph({1: False, 2: False}, [(1, 2, SHIPMENT)])
    assert proximity(g) == {1: 0.0, 2: 0.0}


def test_communities_two_cliques() -> None:
    big, small = [1, 2, 3, 4, 5], [6, 7, 8, 9]
    edges = [(a, b, SHIPMENT) for clique in (big, small) for a in clique for b in clique
             if a < b] + [(5, 6, SHIPMENT)]
    found = communities(make_graph(dict.fromkeys(range(1, 11), False), edges))
    assert {f: found[f] for f in big} == dict.fromkeys(big, 0)
    assert {f: found[f] for f in small} == dict.fromkeys(small, 1)
    assert found[10] == 2  # isolated: a community of its own


def test_hub_scores_star_and_bridge() -> None:
    # Star around 1 (leaves 2, 3, 4), bridged by 4 to 5; 6 and 7 apart.
    edges = [(1, 2, SHIPMENT), (3, 1, SHIPMENT), (1, 4, SHIPMENT), (4, 5, SHIPMENT),
             (6, 7, SHIPMENT)]
    values = {(1, 2): 10.0, (3, 1): 20.0, (1, 4): 30.0, (4, 5): 40.0, (6, 7): 5.0}
    g = make_graph(dict.fromkeys(range(1, 8), False), edges, values)
    hubs = hub_scores(g)
    assert {f: h.degree for f, h in hubs.items()} == {1: 3, 2: 1, 3: 1, 4: 2, 5: 1, 6: 1,
                                                      7: 1}
    assert hubs[1].weighted_degree == 60.0
    assert hubs[4].weighted_degree == 70.0
    # Largest component 1-5: pairs through 1: (2,3),(2,4),(2,5),(3,4),(3,5) = 5 of C(4,2)=6
    # normalised pairs; through 4: (1,5),(2,5),(3,5) = 3.
    assert hubs[1].betweenness == pytest.approx(5 / 6)
    assert hubs[4].betweenness == pytest.approx(3 / 6)
    assert hubs[2].betweenness == hubs[6].betweenness == 0.0
    # Sampling every node is the exact figure: the sampled branch agrees.
    sampled = hub_scores(g, exact_max=0, samples=100)
    assert {f: h.betweenness for f, h in sampled.items()} == pytest.approx(
        {f: h.betweenness for f, h in hubs.items()})


def test_neighbourhood() -> None:
    g = make_graph(PATH_FIRMS, PATH_EDGES)
    one = neighbourhood(g, 3, hops=1)
    assert [n.firm_id for n in one.firms()] == [2, 3, 4, 10]
    assert sorted((s, t) for s, t, _ in one.edges()) == [(2, 3), (3, 4), (3, 10)]
    two = neighbourhood(g, 3, hops=2)
    assert [n.firm_id for n in two.firms()] == [1, 2, 3, 4, 5, 9, 10, 11]
    assert len(list(two.edges())) == len(PATH_EDGES) - 1  # all but 7 -> 8
    assert [n.firm_id for n in neighbourhood(g, 6, hops=2).firms()] == [6]
