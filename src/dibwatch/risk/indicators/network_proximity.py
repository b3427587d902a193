"""Network proximity indicator."""

from __future__ import annotations

import statistics

import pyarrow as pa

from dibwatch.graph import build_graph, proximity, routes_to_listed
from dibwatch.graph.model import CONTRACT, SHIPMENT
from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext

# Trade edges only, so that every step toward a listed firm is backed by shipment lines.
TRADE_KINDS = frozenset({SHIPMENT, CONTRACT})


class NetworkProximity(Indicator):
    """Network proximity: firms two to ``max_hops`` trade hops from a firm listed at
    ``min_score`` or more, scored by personalised PageRank restarting at the listed firms
    (shipment and contract edges). The score is the firm's PageRank over the median PageRank
    of the listed firms' direct counterparties (capped at 1), so a firm that sits as close as
    a typical direct counterparty scores in full; firms under ``min_relative`` are not
    flagged. Direct counterparties are the listed-counterparty indicator's. The evidence is
    the lines between the firm and the next firm on its shortest way to a listed one."""

    name = "network_proximity"
    title = "two or three trade hops from a listed party"
    version = "1"

    def run(self, ctx: RunContext) -> int:
        p = ctx.config.params(self.name)
        listed = {int(f) for (f,) in ctx.engine.query(store.STRONGLY_LISTED,
                                                      [float(p["min_score"])])}
        graph = build_graph(ctx.ws)
        for node in graph.firms():
            node.listed = node.firm_id in listed
        routes = routes_to_listed(graph, kinds=TRADE_KINDS)
        ppr = proximity(graph, kinds=TRADE_KINDS)
        direct = [ppr[f] for f, (hops, _) in routes.items() if hops == 1]
        reference = statistics.median(direct) if direct else 0.0
        rows: list[tuple[int, int, int, float, float]] = []
        if reference > 0:
            for firm, (hops, toward) in routes.items():
                if 2 <= hops <= int(p["max_hops"]):
                    score = min(1.0, ppr[firm] / reference)
                    if score >= float(p["min_relative"]):
                        rows.append((firm, toward, hops, ppr[firm], score))
        table = pa.table({
            "firm_id": pa.array([r[0] for r in rows], pa.int32()),
            "toward": pa.array([r[1] for r in rows], pa.int32()),
            "hops": pa.array([r[2] for r in rows], pa.int32()),
            "proximity": pa.array([r[3] for r in rows], pa.float64()),
            "score": pa.array([r[4] for r in rows], pa.float64())})
        with ctx.engine.registered(store.PROXIMITY_TABLE, table):
            ctx.engine.execute(store.INSERT_PROXIMITY_FLAGS, [
                ctx.run_id, ctx.last_flag(), self.name, self.version])
            ctx.engine.execute(store.INSERT_PROXIMITY_EVIDENCE, [ctx.run_id, self.name])
        return ctx.flag_count(self.name)
