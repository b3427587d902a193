"""The firm network as GraphML (Gephi, yEd, networkx) and Cytoscape.js JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from dibwatch.graph.model import Attr, FirmEdge, FirmGraph, FirmNode

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_TYPES: tuple[tuple[type, str], ...] = (
    # bool before int: a bool is an int to isinstance.
    (bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))


def node_id(firm_id: int) -> str:
    return f"f{firm_id}"


def node_data(node: FirmNode) -> dict[str, Attr]:
    """A firm's exported attributes; absent values (no country) are left out."""
    data: dict[str, Attr] = {"firm_id": node.firm_id, "caption": node.caption,
                             "listed": node.listed, "chpl_value_usd": node.chpl_value_usd}
    if node.country:
        data["country"] = node.country
    data.update(node.attrs)
    return data


def edge_data(edge: FirmEdge) -> dict[str, Attr]:
    """An edge's exported attributes; lists are ``|``-joined (GraphML has no list type)."""
    data: dict[str, Attr] = {"kind": edge.kind, "directed": edge.directed}
    if edge.lines:
        data.update(value_usd=edge.value_usd, lines=edge.lines, tiers="|".join(edge.tiers))
    if edge.first_date:
        data["first_date"] = edge.first_date.isoformat()
    if edge.last_date:
        data["last_date"] = edge.last_date.isoformat()
    if edge.shared:
        data["shared"] = "|".join(edge.shared)
    return data


def _graphml_type(value: Attr) -> str:
    return next(name for kind, name in _TYPES if isinstance(value, kind))


def _text(value: Attr) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def to_graphml(graph: FirmGraph, path: str | Path) -> None:
    """Write ``graph`` as GraphML. The graph is directed; shared-attribute edges say
    ``directed`` = false in their data (an XML ``directed="false"`` edge is valid GraphML but
    networkx refuses it in a directed graph)."""
    nodes = [(node_id(n.firm_id), node_data(n)) for n in graph.firms()]
    edges = [(node_id(s), node_id(t), edge_data(e)) for s, t, e in graph.edges()]
    keys: dict[tuple[str, str], str] = {}
    for domain, rows in (("node", [d for _, d in nodes]), ("edge", [d for *_, d in edges])):
        for data in rows:
            for name, value in data.items():
                keys.setdefault((domain, name), _graphml_type(value))
    # lxml-stubs type nsmap keys as str, but None (the default namespace) is what lxml wants.
    root = etree.Element(f"{{{GRAPHML_NS}}}graphml",
                         nsmap={None: GRAPHML_NS})  # type: ignore[dict-item]
    key_ids: dict[tuple[str, str], str] = {}
    for no, ((domain, name), kind) in enumerate(keys.items()):
        key_ids[(domain, name)] = f"d{no}"
        etree.SubElement(root, f"{{{GRAPHML_NS}}}key", {
            "id": f"d{no}", "for": domain, "attr.name": name, "attr.type": kind})
    g = etree.SubElement(root, f"{{{GRAPHML_NS}}}graph",
                         {"id": "firms", "edgedefault": "directed"})

    def add_data(parent: etree._Element, domain: str, data: dict[str, Attr]) -> None:
        for name, value in data.items():
            el = etree.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key_ids[(domain,
                                                                                    name)]})
            el.text = _text(value)

    for nid, data in nodes:
        add_data(etree.SubElement(g, f"{{{GRAPHML_NS}}}node", {"id": nid}), "node", data)
    for no, (s, t, data) in enumerate(edges):
        attrs = {"id": f"e{no}", "source": s, "target": t}
        add_data(etree.SubElement(g, f"{{{GRAPHML_NS}}}edge", attrs), "edge", data)
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8",
                                  pretty_print=True)


def to_cytoscape(graph: FirmGraph) -> dict[str, Any]:
    """Cytoscape.js elements JSON (also what Cytoscape desktop imports): ``{"data": …,
    "elements": {"nodes": [{"data": {"id", "label", …}}], "edges": [{"data": {"id",
    "source", "target", "kind", …}}]}}``."""
    nodes = [{"data": {"id": node_id(n.firm_id), "label": n.caption, **node_data(n)}}
             for n in graph.firms()]
    edges = [{"data": {"id": f"e{no}", "source": node_id(s), "target": node_id(t),
                       **edge_data(e)}}
             for no, (s, t, e) in enumerate(graph.edges())]
    return {"data": {"name": "dibwatch firm network", "firms": len(graph),
                     "edges": graph.edge_count},
            "elements": {"nodes": nodes, "edges": edges}}
