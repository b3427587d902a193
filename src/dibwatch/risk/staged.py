"""A risk run staged on a batch engine (Spark): the indicators' SQL runs there, over the
shipments dataset and a copy of the resolved firms, and the run is published into the
workspace in one transaction, so a reader never sees half of it.

The indicators are the same classes, their SQL the same statements (rendered for the
engine by :mod:`dibwatch.engine.dialect`): the batch engine holds each table the run reads as
a view, and the run's flags, evidence and matches as views it appends to. What an indicator
computes in Python (the firm graph, country statistics) it reads from the workspace.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.errors import WorkspaceError
from dibwatch.resolve.dataset import mentions_folder, parties_folder
from dibwatch.risk import store
from dibwatch.risk.config import RiskConfig
from dibwatch.risk.indicators import Indicator, RunContext
from dibwatch.trade import dataset
from dibwatch.trade.schema import COLUMNS
from dibwatch.trade.store import CLASS_COLUMNS
from dibwatch.workspace import Workspace

# What the indicators read from the workspace, copied to the engine: small beside the lines
# (one row per firm or list match); lines and parties come from the datasets.
COPIED = {
    "firms": "*",
    "firm_members": "*",
    "firm_screening": "*",
    "entities": "entity_id, content_hash, snapshot_id",
}
# Workspace views the indicators read, defined on the engine from their stored definition.
VIEWS = ("firm_lines",)
# What a run writes: created empty on the engine with the workspace's columns.
OUTPUTS = ("risk_matches", "risk_flags", "risk_evidence")
LINES_VIEW = "_risk_dataset_lines"
PARTIES_VIEW = "_risk_dataset_parties"
Progress = Callable[[str, int, int], None]

INSERT_RUN = """
INSERT INTO risk_runs (run_id, started_at, config, indicators) VALUES (?, ?, ?, ?)
"""
VIEW_SQL = "SELECT sql FROM duckdb_views() WHERE view_name = ? AND NOT internal"
LOAD_IDS = "SELECT load_id FROM shipment_loads"


def _copy(ws: Workspace, engine: Engine, name: str, sql: str) -> None:
    engine.execute(f"DROP TABLE IF EXISTS {name}")
    engine.insert_arrow(name, ws.engine.query_arrow(sql))


def _stage_lines(ws: Workspace, engine: Engine) -> str:
    """``shipments`` and ``shipment_classes`` on the engine: read from the shipments dataset
    where it holds exactly the workspace's loads, else copied. Returns how."""
    root = dataset.root_for(ws.path)
    loads = {int(r[0]) for r in ws.engine.query(LOAD_IDS)}
    if root is not None and loads and dataset.published_loads(root) == loads:
        engine.register_parquet(LINES_VIEW, str(dataset.lines_folder(root)))
        engine.execute(f"CREATE OR REPLACE VIEW shipments AS SELECT load_id, line_no, "
                       f"{', '.join(COLUMNS)}, warnings, extra FROM {LINES_VIEW}")
        engine.execute(f"CREATE OR REPLACE VIEW shipment_classes AS SELECT load_id, line_no, "
                       f"{', '.join(CLASS_COLUMNS)} FROM {LINES_VIEW}")
        return "dataset"
    _copy(ws, engine, "shipments", "SELECT * FROM shipments")
    _copy(ws, engine, "shipment_classes", "SELECT * FROM shipment_classes")
    return "copied"


def _stage_parties(ws: Workspace, engine: Engine, lines: str) -> str:
    """``shipment_parties`` and ``party_mentions`` on the engine: read from the parties
    dataset the last resolution wrote, beside lines read from the dataset; else copied."""
    root = dataset.root_for(ws.path)
    if lines == "dataset" and root is not None and parties_folder(root).is_dir() \
            and any(mentions_folder(root).glob("*.parquet")):
        engine.register_parquet(PARTIES_VIEW, str(parties_folder(root)))
        engine.execute(f"CREATE OR REPLACE VIEW shipment_parties AS "
                       f"SELECT load_id, line_no, role, mention_id FROM {PARTIES_VIEW}")
        engine.register_parquet("party_mentions", str(mentions_folder(root)))
        return "dataset"
    for name in ("shipment_parties", "party_mentions"):
        _copy(ws, engine, name, f"SELECT * FROM {name}")
    return "copied"


@contextmanager
def staged(ws: Workspace, engine: Engine) -> Iterator[None]:
    """The tables a risk run reads and writes, on ``engine``, for the block."""
    names = ["shipments", "shipment_classes", LINES_VIEW, "shipment_parties",
             "party_mentions", PARTIES_VIEW, *COPIED, *VIEWS, *OUTPUTS]
    try:
        _stage_parties(ws, engine, _stage_lines(ws, engine))
        for name, columns in COPIED.items():
            _copy(ws, engine, name, f"SELECT {columns} FROM {name}")
        for name in VIEWS:
            definition = ws.engine.scalar(VIEW_SQL, [name])
            if definition is None:
                raise WorkspaceError(f"the workspace has no view {name!r}")
            engine.execute(str(definition).rstrip().rstrip(";"))
        for name in OUTPUTS:
            _copy(ws, engine, name, f"SELECT * FROM {name} LIMIT 0")
        yield
    finally:
        for name in names:
            engine.execute(f"DROP TABLE IF EXISTS {name}")


def run_each(ctx: RunContext, indicators: Sequence[type[Indicator]],
             progress: Progress | None = None) -> dict[str, int]:
    """Run ``indicators`` in ``ctx``; the number of flags of each, by name."""
    counts: dict[str, int] = {}
    for done, indicator in enumerate(indicators):
        if progress:
            progress("risk indicators", done, len(indicators))
        counts[indicator.name] = indicator().run(ctx)
    if progress:
        progress("risk indicators", len(indicators), len(indicators))
    return counts


def run_staged(ws: Workspace, engine: Engine, config: RiskConfig,
               indicators: Sequence[type[Indicator]], tables: dict[str, pa.Table],
               progress: Progress | None = None) -> tuple[int, dict[str, int]]:
    """Run ``indicators`` on ``engine`` (``tables``: the run's registered inputs — hubs,
    analysts' decisions) and publish the run into the workspace; returns its id and counts."""
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    run_id = int(ws.engine.scalar(store.NEXT_RUN))
    with staged(ws, engine), ExitStack() as stack:
        for name, table in tables.items():
            stack.enter_context(engine.registered(name, table))
        engine.execute(store.CREATE_SCREENING)
        engine.execute(store.KEEP_MATCHES, [run_id])
        engine.execute(store.CREATE_LINES)
        counts = run_each(RunContext(ws, run_id, config, on=engine), indicators, progress)
        results = {name: engine.query_arrow(f"SELECT * FROM {name} WHERE run_id = ?",
                                            [run_id]) for name in OUTPUTS}
        for sql in store.DROP_TEMP:
            engine.execute(sql)
    with ws.engine.transaction():
        if int(ws.engine.scalar(store.NEXT_RUN)) != run_id:
            raise WorkspaceError(f"another risk run took id {run_id} while this one ran; "
                                 "run it again")
        ws.engine.execute(INSERT_RUN, [
            run_id, started, json.dumps(config.to_json()),
            json.dumps({i.name: i.version for i in indicators})])
        for name in OUTPUTS:
            ws.engine.insert_arrow(name, results[name])
        ws.engine.execute(store.FINISH_RUN, [run_id, run_id, run_id])
    return run_id, counts
