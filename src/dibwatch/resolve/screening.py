"""Each firm screened against the loaded lists with the matcher, as one recorded run."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.match.algorithm import Query
from dibwatch.match.screen import Screener
from dibwatch.model.entity import Identifier
from dibwatch.model.identifiers import make_identifier
from dibwatch.resolve import store
from dibwatch.resolve.normalise import COMPANY, normalise_id
from dibwatch.workspace import Workspace

MAX_ALIASES = 10  # spellings beyond the ten most used add time, rarely a match
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FirmScreening:
    screened: int
    matched_firms: int
    run_id: int | None


def _identifiers(values: list[str] | None) -> tuple[Identifier, ...]:
    out: dict[tuple[str, str], Identifier] = {}
    for raw in values or []:
        scheme, value = normalise_id(raw)
        if scheme and value:
            ident = make_identifier(scheme, value)
            out[(ident.scheme, ident.value)] = ident
    return tuple(out[k] for k in sorted(out))


def firm_queries(ws: Workspace) -> tuple[list[int], list[Query]]:
    ids: list[int] = []
    queries: list[Query] = []
    for firm_id, caption, country, id_values, aliases in ws.engine.query(store.FIRM_QUERIES):
        ids.append(int(firm_id))
        queries.append(Query(caption, COMPANY, (country,) if country else (),
                             _identifiers(id_values),
                             tuple(dict.fromkeys(aliases or []))[:MAX_ALIASES]))
    return ids, queries


def screen_firms(ws: Workspace, *, threshold: float | None = None,
                 progress: Progress | None = None,
                 engine: Engine | None = None) -> FirmScreening:
    """Screen every firm; store hits at or over ``threshold`` (default: the matcher's) in
    ``firm_screening``. No lists loaded: nothing to screen against, nothing stored. With
    ``engine`` (Spark) the firms are scored on its workers, the index broadcast."""
    if not ws.engine.scalar(store.LIST_SNAPSHOT_COUNT):
        return FirmScreening(0, 0, None)
    firm_ids, queries = firm_queries(ws)
    if not queries:
        return FirmScreening(0, 0, None)
    screener = Screener(ws)
    # Spawned workers, not forked: the linkage step leaves Splink's DuckDB handles alive in
    # this process, and a worker forked while they live can crash (seen with duckdb 2.0:
    # segfault in libc). At 10M lines (199k firms) one process took 20 minutes.
    run = screener.screen(queries, top=5, threshold=threshold, origin="party resolution",
                          progress=progress, engine=engine, spawn=True)
    rows: dict[str, list[object]] = {c: [] for c in ("firm_id", "entity_id", "score",
                                                     "matched_name", "run_id", "explanation")}
    for firm_id, result in zip(firm_ids, run.results, strict=True):
        for hit in result.matches:
            rows["firm_id"].append(firm_id)
            rows["entity_id"].append(hit.entity.entity_id)
            rows["score"].append(hit.match.score)
            rows["matched_name"].append(hit.match.matched_name)
            rows["run_id"].append(run.run_id)
            rows["explanation"].append(json.dumps(hit.match.explanation(), ensure_ascii=False))
    with ws.engine.transaction():
        ws.engine.execute("DELETE FROM firm_screening")
        ws.engine.insert_arrow("firm_screening", pa.table(rows))
    return FirmScreening(len(queries), len(set(rows["firm_id"])), run.run_id)
