"""The network picture of a dossier: a firm, its closest trading partners and shared-attribute
neighbours, and the shortest path to the nearest listed firm, drawn as static SVG.

The firm graph is built once per report; :class:`NetworkPictures` indexes it once (adjacency
and the edges of each firm), so a picture costs only its own neighbourhood.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import matplotlib
import networkx as nx  # type: ignore[import-untyped]

from dibwatch.graph import FirmEdge, FirmGraph, paths_to_listed
from dibwatch.report import charts

# How each edge kind is drawn: colour, line style, and whether it has an arrow head.
EDGE_STYLE: dict[str, tuple[str, Any, bool]] = {
    "shipment": ("#1f4e79", "solid", True),
    "contract": ("#8064a2", "dashed", True),
    "address": ("#f79646", "dotted", False),
    "id": ("#9bbb59", "dashdot", False),
    "ownership": ("#2c7c3f", "solid", True),
}
LISTED_COLOR = "#c0504d"
FOCUS_COLOR = "#f2c14e"
FLAGGED_COLOR = "#e9a3a1"
PLAIN_COLOR = "#c9d6e3"
LABEL_LIMIT = 26


@dataclass(frozen=True)
class Picture:
    svg: str
    firm_ids: tuple[int, ...]
    edge_count: int
    path_to_listed: tuple[int, ...]
    omitted_neighbours: int


class NetworkPictures:
    """Draws the neighbourhood of any firm of ``graph``; ``scores`` (firm id -> risk score)
    colours flagged firms."""

    def __init__(self, graph: FirmGraph, scores: Mapping[int, float], *,
                 max_neighbours: int = 25) -> None:
        self.graph = graph
        self.scores = scores
        self.max_neighbours = max_neighbours
        self._edges: dict[int, list[tuple[int, int, FirmEdge]]] = {}
        for s, t, edge in graph.edges():
            self._edges.setdefault(s, []).append((s, t, edge))
            if t != s:
                self._edges.setdefault(t, []).append((s, t, edge))

    def neighbours(self, firm_id: int) -> list[int]:
        """The firm's neighbours, strongest tie first: listed ones, then by shipment value,
        then by firm id (so the pick is the same on every run)."""
        weight: dict[int, float] = {}
        for s, t, edge in self._edges.get(firm_id, []):
            other = t if s == firm_id else s
            if other != firm_id:
                weight[other] = weight.get(other, 0.0) + edge.value_usd + 1.0
        return sorted(weight, key=lambda f: (not self.graph.firm(f).listed, -weight[f], f))

    def picture(self, firm_id: int) -> Picture:
        """The firm, its strongest ``max_neighbours`` neighbours and its shortest path to a
        listed firm, with every edge among them."""
        neighbours = self.neighbours(firm_id)
        kept = neighbours[: self.max_neighbours]
        path = paths_to_listed(self.graph, firm_id)
        chosen = {firm_id, *kept, *path}
        # Each edge is indexed under both ends; keep one copy of each (by identity: two
        # distinct edges may carry equal values).
        seen: set[int] = set()
        unique: list[tuple[int, int, FirmEdge]] = []
        for f in sorted(chosen):
            for s, t, e in self._edges.get(f, []):
                if s in chosen and t in chosen and id(e) not in seen:
                    seen.add(id(e))
                    unique.append((s, t, e))
        svg = self._draw(firm_id, sorted(chosen), unique, path)
        return Picture(svg, tuple(sorted(chosen)), len(unique), tuple(path),
                       len(neighbours) - len(kept))

    def _draw(self, focus: int, firms: list[int], edges: list[tuple[int, int, FirmEdge]],
              path: list[int]) -> str:
        g: nx.MultiDiGraph = nx.MultiDiGraph()
        g.add_nodes_from(firms)
        g.add_edges_from((s, t) for s, t, _ in edges)
        # Seeded layout: the same picture on every run.
        pos = nx.spring_layout(g.to_undirected(), seed=7,
                               k=1.6 / math.sqrt(max(len(firms), 1)), iterations=80)
        with matplotlib.rc_context(charts.STYLE):
            fig = charts.new_figure(7.5, 5.2)
            ax = fig.axes[0]
            ax.set_axis_off()
            steps = list(pairwise(path))
            on_path = set(steps) | {(t, s) for s, t in steps}
            for s, t, edge in edges:
                color, style, arrow = EDGE_STYLE.get(edge.kind, ("#999999", "solid", False))
                width = 0.8 + min(3.0, math.log10(1 + edge.value_usd) / 2.5)
                if (s, t) in on_path:
                    width += 1.2
                ax.annotate("", xy=pos[t], xytext=pos[s],
                            arrowprops={"arrowstyle": "-|>" if arrow else "-",
                                        "color": color, "linestyle": style,
                                        "linewidth": width, "shrinkA": 9, "shrinkB": 9,
                                        "connectionstyle": "arc3,rad=0.08"})
            for fid in firms:
                node = self.graph.firm(fid)
                x, y = pos[fid]
                face = (LISTED_COLOR if node.listed else FOCUS_COLOR if fid == focus
                        else FLAGGED_COLOR if self.scores.get(fid, 0.0) > 0 else PLAIN_COLOR)
                ax.scatter([x], [y], s=320 if fid == focus else 140, c=face,
                           marker="s" if node.listed else "o",
                           edgecolors="#222222" if fid == focus else "#555555",
                           linewidths=2.0 if fid == focus else 0.6, zorder=3)
                ax.annotate(_label(node.caption, node.country), (x, y), xytext=(0, -13),
                            textcoords="offset points", ha="center", va="top",
                            fontsize=6.5 if fid != focus else 8,
                            fontweight="bold" if fid == focus else "normal", zorder=4)
            handles = [matplotlib.lines.Line2D([], [], color=c, linestyle=st, label=k)
                       for k, (c, st, _) in EDGE_STYLE.items()
                       if any(e.kind == k for _, _, e in edges)]
            handles.append(matplotlib.lines.Line2D([], [], marker="s", linestyle="",
                                                   color=LISTED_COLOR, label="listed firm"))
            handles.append(matplotlib.lines.Line2D([], [], marker="o", linestyle="",
                                                   color=FLAGGED_COLOR, label="flagged firm"))
            ax.legend(handles=handles, fontsize=7, frameon=False, loc="lower left",
                      bbox_to_anchor=(0, -0.08), ncols=4)
            ax.margins(0.12)
            caption = self.graph.firm(focus).caption
            return charts.render_svg(fig, salt=f"network-{focus}",
                                     title=f"network of {caption}")


def _label(caption: str, country: str | None) -> str:
    text = caption if len(caption) <= LABEL_LIMIT else caption[: LABEL_LIMIT - 1] + "…"
    return f"{text} ({country})" if country else text
