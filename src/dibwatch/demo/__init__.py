"""The bundled demo: fictional data that shows what dibwatch does, end to end.

:func:`run_demo` loads two versions of a bundled fictional export-control list, generates a
synthetic trade world (fictional firms only), loads its fictional sanctions list and its
shipments (every line classified against the CHPL), resolves the trade parties into firms,
screens them, scores and ranks them with the red-flag indicators and writes the report
(overview, dossiers, PDFs). The CLI (`dibwatch demo`) prints what it found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from dibwatch import pipeline
from dibwatch.engine import Engine
from dibwatch.lists.loader import LoadResult, load_list
from dibwatch.report import ReportResult
from dibwatch.resolve import ResolutionResult, current_resolution
from dibwatch.risk import RankResult
from dibwatch.synth import WorldFiles, WorldParams, generate_world
from dibwatch.trade import TradeLoadResult, load_shipments
from dibwatch.trade.parallel_load import load_shipments_on
from dibwatch.workspace import Workspace

Progress = Callable[[str, int, int], None]

# CHPL value by tier, and the firms moving the most tier 1-2 goods to Russia.
TIER_SQL = """
SELECT c.chpl_tier, count(*) AS lines, sum(s.value_usd) AS value_usd
FROM shipments s JOIN shipment_classes c USING (load_id, line_no)
WHERE c.chpl_tier IS NOT NULL AND s.load_id = ?
GROUP BY ALL ORDER BY c.chpl_tier
"""
TOP_FIRMS_SQL = """
WITH lines AS (
    SELECT fl.firm_id, s.value_usd, c.chpl_tier, s.destination_country
    FROM firm_lines fl
    JOIN shipments s USING (load_id, line_no)
    JOIN shipment_classes c USING (load_id, line_no)
    WHERE fl.role = 'exporter' AND s.load_id = ?
)
SELECT f.firm_id, f.caption, f.country, f.member_count,
       sum(l.value_usd) FILTER (WHERE l.chpl_tier IN ('1', '2')
                                 AND l.destination_country = 'RU') AS tier12_to_ru
FROM lines l JOIN firms f USING (firm_id)
GROUP BY ALL HAVING tier12_to_ru > 0 ORDER BY tier12_to_ru DESC LIMIT ?
"""


def demo_list_files() -> list[Path]:
    """The two versions of the bundled fictional list, oldest first."""
    base = resources.files("dibwatch.demo").joinpath("data")
    return [Path(str(base.joinpath(name))) for name in ("demo_list_v1.csv", "demo_list_v2.csv")]


@dataclass
class DemoResult:
    list_loads: list[LoadResult]
    world: WorldFiles
    shipments: TradeLoadResult
    resolution: ResolutionResult
    tiers: list[tuple[Any, ...]]
    top_firms: list[tuple[Any, ...]]
    ranking: RankResult | None = None
    report: ReportResult | None = None


def run_demo(ws: Workspace, world_dir: Path, *, shipments: int = 20_000, seed: int = 20240224,
             report_dir: Path | None = None, dossiers: int = 20, pdf: bool = True,
             progress: Progress | None = None, engine: Engine | None = None) -> DemoResult:
    """Run the demo pipeline into ``ws``; the world files go to ``world_dir``. With
    ``engine`` (Spark), trade loading and classification, the linkage model, the
    screening of firms and the risk indicators run there. With
    ``report_dir``, also rank the firms and write the report there (``dossiers`` dossiers,
    with PDFs if ``pdf``). Re-running with the same parameters reuses what is already loaded
    (loads are idempotent)."""
    loads = [load_list(ws, path, source="demo_list", fmt="csl_csv")
             for path in demo_list_files()]
    world = generate_world(world_dir, WorldParams(shipments=shipments, seed=seed),
                           progress=(lambda n: progress("generating world", n, shipments))
                           if progress else None)
    loads.append(load_list(ws, world.fictional_list, source="synthetic_list", fmt="csl_csv"))
    load_progress = ((lambda n: progress("loading shipments", n, shipments))
                     if progress else None)
    trade = (load_shipments(ws, world.shipments, progress=load_progress) if engine is None
             else load_shipments_on(engine, ws, world.shipments, progress=load_progress))
    # Through the pipeline, so that `dibwatch update` on the demo workspace knows what is
    # current, and a rerun skips what has not changed.
    pipeline.resolve(ws, progress=progress, engine=engine)
    pipeline.screen(ws, progress=progress, engine=engine)
    resolution = current_resolution(ws)
    assert resolution is not None
    load_id = trade.load.load_id
    tiers = ws.engine.query(TIER_SQL, [load_id])
    top = ws.engine.query(TOP_FIRMS_SQL, [load_id, 10])
    result = DemoResult(loads, world, trade, resolution, tiers, top)
    if report_dir is not None:
        result.ranking = pipeline.rank(ws, progress=progress, engine=engine).result
        assert result.ranking is not None
        # Always written: the demo's last line points at it.
        result.report = pipeline.report(ws, report_dir, run_id=result.ranking.run_id,
                                        dossiers=dossiers, pdf=pdf, force=True,
                                        progress=progress).result
    return result
