"""Network proximity indicator."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pyarrow as pa

from dibwatch.graph import build_graph, proximity, routes_to_listed
from dibwatch.graph.model import CONTRACT, SHIPMENT
from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext
from dibwatch.risk.params import Params, setting

# Trade edges only, so that every step toward a listed firm is backed by shipment lines.
TRADE_KINDS = frozenset({SHIPMENT, CONTRACT})

# Flags computed in Python over the firm graph, registered as this table (firm_id, toward,
# hops, proximity, score).
PROXIMITY_TABLE = "_risk_proximity"
INSERT_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $run_id, $last_flag + row_number() OVER (ORDER BY firm_id), firm_id, $indicator,
       $version, score, proximity,
       json_object('hops', hops, 'toward', toward, 'proximity', proximity)
FROM {PROXIMITY_TABLE}
"""
# The lines between the firm and the next firm on its way to a listed one, whatever roles
# they played.
INSERT_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, a.load_id, a.line_no, NULL
FROM risk_flags f JOIN {PROXIMITY_TABLE} p USING (firm_id)
JOIN {store.LINES_TABLE} a ON a.firm_id = f.firm_id
JOIN {store.LINES_TABLE} b ON b.load_id = a.load_id AND b.line_no = a.line_no
                          AND b.firm_id = p.toward
WHERE f.run_id = $run_id AND f.indicator = $indicator
"""
# Firms listed strongly enough to seed the proximity walk.
STRONGLY_LISTED = f"SELECT DISTINCT firm_id FROM {store.SCREENING_TABLE} WHERE score >= ?"


@dataclass(frozen=True)
class NetworkProximityParams(Params):
    min_score: float = setting(0.9, "list match score at which a firm seeds the walk")
    max_hops: int = setting(3, "most trade hops from a listed firm that count")
    min_relative: float = setting(0.25, "proximity, relative to a typical direct "
                                        "counterparty's, below which no flag is raised")


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
    parameters = NetworkProximityParams

    def run(self, ctx: RunContext) -> int:
        p = self.params(ctx.config)
        assert isinstance(p, NetworkProximityParams)
        listed = {int(f) for (f,) in ctx.engine.query(STRONGLY_LISTED, [p.min_score])}
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
                if 2 <= hops <= p.max_hops:
                    score = min(1.0, ppr[firm] / reference)
                    if score >= p.min_relative:
                        rows.append((firm, toward, hops, ppr[firm], score))
        table = pa.table({
            "firm_id": pa.array([r[0] for r in rows], pa.int32()),
            "toward": pa.array([r[1] for r in rows], pa.int32()),
            "hops": pa.array([r[2] for r in rows], pa.int32()),
            "proximity": pa.array([r[3] for r in rows], pa.float64()),
            "score": pa.array([r[4] for r in rows], pa.float64())})
        with ctx.engine.registered(PROXIMITY_TABLE, table):
            ctx.execute(INSERT_FLAGS, self)
            ctx.execute(INSERT_EVIDENCE, self)
        return ctx.flag_count(self.name)
