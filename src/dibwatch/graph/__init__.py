"""The firm network: who trades with, shares an address or id with, or owns whom; and how close
each firm sits to a listed one."""

from dibwatch.graph.build import build_graph
from dibwatch.graph.export import to_cytoscape, to_graphml
from dibwatch.graph.metrics import (
    HubScore,
    annotate,
    communities,
    hops_to_listed,
    hub_scores,
    neighbourhood,
    paths_to_listed,
    proximity,
    routes_to_listed,
)
from dibwatch.graph.model import EDGE_KINDS, FirmEdge, FirmGraph, FirmNode

__all__ = [
    "EDGE_KINDS",
    "FirmEdge",
    "FirmGraph",
    "FirmNode",
    "HubScore",
    "annotate",
    "build_graph",
    "communities",
    "hops_to_listed",
    "hub_scores",
    "neighbourhood",
    "paths_to_listed",
    "proximity",
    "routes_to_listed",
    "to_cytoscape",
    "to_graphml",
]
