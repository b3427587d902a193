"""``resolve_parties``: shipments -> distinct mentions -> Splink links -> firms -> screening.

Each stage commits on its own (mentions, then firms, then screening with the run record,
written last); a rerun starts from the shipments again and replaces everything, so a crash
between stages is repaired by running again. Firm ids carry over from the previous run
(``stable_ids``), so cases and decisions keep pointing at the same firms.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dibwatch.engine import Engine
from dibwatch.resolve import store
from dibwatch.resolve.clusters import cluster_mentions, clusters_table, write_firms, write_links
from dibwatch.resolve.constraints import Corrections
from dibwatch.resolve.dataset import write_parties
from dibwatch.resolve.mentions import extract_mentions, write_mentions
from dibwatch.resolve.screening import FirmScreening, screen_firms
from dibwatch.resolve.splink_model import link
from dibwatch.resolve.stable_ids import carry_over_ids, previous_firm_keys
from dibwatch.trade import dataset
from dibwatch.workspace import Workspace

# progress(stage, done, total): stages are "mentions", "linking", "firms", "screening".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ResolutionResult:
    shipment_count: int
    mention_count: int
    firm_count: int
    multi_member_firms: int
    training: str  # "em", "em-partial" or "priors"
    screened_firms: int
    matched_firms: int
    screening_run_id: int | None
    seconds: float


@dataclass(frozen=True)
class FirmRow:
    firm_id: int
    caption: str
    country: str | None
    ids: tuple[str, ...]
    roles: tuple[str, ...]
    member_count: int
    mention_count: int
    first_seen: date | None
    last_seen: date | None
    names: tuple[str, ...]
    best_score: float | None
    best_entity: str | None


def resolve_parties(ws: Workspace, *, threshold: float = 0.9,
                    screen_threshold: float | None = None, screen: bool = True,
                    corrections: Corrections | None = None,
                    progress: Progress | None = None,
                    linkage_engine: Engine | None = None) -> ResolutionResult:
    """Resolve every party mention of the workspace's shipments into firms (never joining
    conflicting registry numbers; with the analysts' ``corrections``), store them with their
    members, the links that joined them and the links refused, and (``screen``) screen each
    firm against the loaded lists. With ``linkage_engine`` (a Spark engine) the linkage
    model is trained and predicts there, on a copy of the distinct mentions; the rest runs on
    the workspace, except the screening of the firms, which is scored on its workers."""
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    started = time.monotonic()
    eng = ws.engine

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    report("mentions", 0, 1)
    shipments = int(eng.scalar(store.SHIPMENT_COUNT))
    previous = previous_firm_keys(eng)
    mentions = extract_mentions(eng)
    write_mentions(eng, mentions)
    mention_count = mentions.num_rows
    del mentions  # stored: the stages below read the table (millions of rows at 10M lines)
    root = dataset.root_for(ws.path) if not ws.read_only else None
    if root is not None:
        # Beside the lines dataset, so engines reading it in place see each line's parties.
        write_parties(eng, root)
    report("mentions", 1, 1)
    report("linking", 0, 1)
    eng.execute(store.CREATE_INPUT)
    try:
        if linkage_engine is None:
            linkage = link(eng, threshold)
        else:
            linkage_engine.insert_arrow(store.INPUT_TABLE,
                                        eng.query_arrow(f"SELECT * FROM {store.INPUT_TABLE}"))
            try:
                linkage = link(linkage_engine, threshold)
            finally:
                linkage_engine.execute(store.DROP_INPUT)
    finally:
        eng.execute(store.DROP_INPUT)
    report("linking", 1, 1)
    clustering = cluster_mentions(eng, linkage.links, corrections, ordered=True)
    assigned = carry_over_ids(eng, clusters_table(clustering), previous)
    firm_count = write_firms(eng, assigned)
    write_links(eng, clustering, assigned)
    multi = int(eng.scalar("SELECT count(*) FROM firms WHERE member_count > 1"))
    report("firms", 1, 1)
    screening = screen_firms(ws, threshold=screen_threshold,
                             progress=lambda d, t: report("screening", d, t),
                             engine=linkage_engine) if screen \
        else FirmScreening(0, 0, None)
    result = ResolutionResult(shipments, mention_count, firm_count, multi,
                              linkage.training, screening.screened, screening.matched_firms,
                              screening.run_id, round(time.monotonic() - started, 3))
    with eng.transaction():
        eng.execute("DELETE FROM resolution_runs")
        eng.execute(store.INSERT_RUN, [
            datetime.now(UTC).replace(tzinfo=None, microsecond=0), threshold,
            linkage.training, shipments, mention_count, firm_count, screening.screened,
            json.dumps(linkage.model, default=str)])
    return result


def list_firms(ws: Workspace, limit: int = 50, *, country: str | None = None,
               min_members: int | None = None, screened_only: bool = False) -> list[FirmRow]:
    """Firms by shipment-line count, largest first, with their spellings and best list hit."""
    rows = ws.engine.query(store.LIST_FIRMS, [country, country, min_members, min_members,
                                              screened_only, limit])
    return [FirmRow(int(r[0]), r[1], r[2], tuple(r[3] or ()), tuple(r[4] or ()), int(r[5]),
                    int(r[6]), r[7], r[8], tuple(r[9] or ()), r[10], r[11]) for r in rows]


def current_resolution(ws: Workspace) -> ResolutionResult | None:
    """What the workspace's firms were resolved from, read back from the tables (for callers
    that skipped resolving because nothing changed)."""
    rows = ws.engine.query("SELECT training, shipment_count, mention_count, firm_count "
                           "FROM resolution_runs ORDER BY resolved_at DESC LIMIT 1")
    if not rows:
        return None
    training, shipments, mentions, firms = rows[0]
    multi = int(ws.engine.scalar("SELECT count(*) FROM firms WHERE member_count > 1"))
    screened = int(ws.engine.scalar("SELECT count(*) FROM firms"))
    matched = int(ws.engine.scalar("SELECT count(DISTINCT firm_id) FROM firm_screening"))
    run_id = ws.engine.scalar("SELECT max(run_id) FROM firm_screening")
    return ResolutionResult(int(shipments), int(mentions), int(firms), multi, str(training),
                            screened, matched, run_id, 0.0)
