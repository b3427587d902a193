"""Application services: what the command line, the web app and library callers all go
through to change a workspace, so that monitoring (baseline before, check after, alerts to
the webhook's queue) and the audit trail happen once, whoever calls.

A workspace is monitored when it has a casework state beside it (a team served it or added
users); a plain command-line workspace pays for no re-screening.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dibwatch.casework import audit
from dibwatch.casework.state import AppState, state_path_for
from dibwatch.lists import loader as list_loader
from dibwatch.lists.loader import LoadResult, ParsedList, store_parsed
from dibwatch.trade import loader as trade_loader
from dibwatch.trade.loader import TradeLoadResult
from dibwatch.workspace import Workspace

if TYPE_CHECKING:
    from dibwatch.match.screen import Screener
    from dibwatch.monitor import Alert, MonitorSettings

WEBHOOK_ENV = "DIBWATCH_WEBHOOK"


@dataclass
class Monitoring:
    """Who watches a workspace: its casework state, the monitor's settings, the screener to
    re-screen with (a server's own; None builds one), and whether to send the webhook's queue
    now (the command line) or leave it to a sender thread (the server)."""

    state: AppState
    settings: MonitorSettings
    screener: Callable[[], Screener] | None = None  # called when needed: a load changes it
    workers: int | None = None
    deliver_now: bool = True
    raised: list[Alert] = field(default_factory=list)


def monitoring_for(ws: Workspace) -> Monitoring | None:
    """The command line's monitoring of ``ws``: None without a casework state."""
    path = state_path_for(ws.path)
    if not path.exists():
        return None
    from dibwatch.monitor import MonitorSettings

    return Monitoring(AppState(path), MonitorSettings(webhook_url=os.environ.get(WEBHOOK_ENV)))


@contextmanager
def watched(ws: Workspace, monitoring: Monitoring | None) -> Iterator[list[Alert]]:
    """Run a change under the monitor: a baseline first if it has none, a check after the
    block succeeds; yields the list the new alerts are added to."""
    if monitoring is None:
        yield []
        return
    # Imported here: re-screening loads the matcher, which a plain workspace never needs.
    from dibwatch import monitor

    def screener() -> Screener | None:
        return monitoring.screener() if monitoring.screener is not None else None

    monitor.prepare(ws, monitoring.state, screener(), workers=monitoring.workers)
    yield monitoring.raised
    monitoring.raised.extend(monitor.check(ws, monitoring.state, settings=monitoring.settings,
                                           screener=screener(), workers=monitoring.workers))
    if monitoring.deliver_now:
        monitor.deliver_pending(monitoring.state, monitoring.settings)


@contextmanager
def monitored(ws: Workspace) -> Iterator[list[Alert]]:
    """:func:`watched` with the command line's monitoring of ``ws``."""
    with watched(ws, monitoring_for(ws)) as raised:
        yield raised


def record(ws: Workspace, *, actor: str, action: str, object_type: str, object_id: str,
           detail: dict[str, Any], snapshots: list[int] | None = None,
           state: AppState | None = None) -> None:
    """An audit row for a change to the workspace, when it has a casework state."""
    if state is None:
        path = state_path_for(ws.path)
        if not path.exists():
            return
        state = AppState(path)
    with state.transaction() as con:
        audit.append(con, actor=actor, action=action, object_type=object_type,
                     object_id=object_id, detail=detail, snapshots=snapshots)


def store_list(ws: Workspace, parsed: ParsedList, *, actor: str,
               monitoring: Monitoring | None, replace: bool = False,
               changed: Callable[[], None] | None = None) -> tuple[LoadResult, list[Alert]]:
    """Store a parsed list as a snapshot under the monitor, and record who loaded it.
    ``changed`` runs after a new snapshot, before the monitor's check (the server rebuilds its
    screening index there)."""
    with watched(ws, monitoring) as raised:
        result = store_parsed(ws, parsed, replace=replace)
        if result.created and changed is not None:
            changed()
    _record_list(ws, result, actor, len(raised), monitoring)
    return result, raised


def load_list(ws: Workspace, path: Path, *, actor: str, monitoring: Monitoring | None,
              source: str | None = None, fmt: str | None = None, replace: bool = False,
              progress: Callable[[int], None] | None = None
              ) -> tuple[LoadResult, list[Alert]]:
    """Load a list file as a snapshot (streamed: flat memory) under the monitor, and record
    who loaded it."""
    with watched(ws, monitoring) as raised:
        result = list_loader.load_list(ws, path, source=source, fmt=fmt, replace=replace,
                                       progress=progress)
    _record_list(ws, result, actor, len(raised), monitoring)
    return result, raised


def _record_list(ws: Workspace, result: LoadResult, actor: str, alerts: int,
                 monitoring: Monitoring | None) -> None:
    info = result.snapshot
    record(ws, actor=actor, action="lists.load", object_type="snapshot",
           object_id=str(info.snapshot_id),
           detail={"source": info.source, "sha256": info.sha256, "created": result.created,
                   "entities": info.entity_count, "alerts": alerts},
           snapshots=[info.snapshot_id], state=monitoring.state if monitoring else None)


def load_shipments(ws: Workspace, path: Path, *, actor: str, monitoring: Monitoring | None,
                   **options: Any) -> tuple[TradeLoadResult, list[Alert]]:
    """Load a shipment file under the monitor, and record who loaded it."""
    with watched(ws, monitoring) as raised:
        result = trade_loader.load_shipments(ws, path, **options)
    load = result.load
    record(ws, actor=actor, action="shipments.load", object_type="load",
           object_id=str(load.load_id),
           detail={"file": load.file, "sha256": load.sha256, "created": result.created,
                   "rows": load.row_count, "replace": bool(options.get("replace"))},
           state=monitoring.state if monitoring else None)
    return result, raised


def command_line_actor() -> str:
    from dibwatch.workspace.changes import who

    return f"cli:{who()}"
