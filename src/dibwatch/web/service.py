"""The app's one handle on the DuckDB workspace.

A DuckDB connection must not be used by two threads at once, and the workspace file admits
one writing process: the app opens it once and every use goes through :meth:`locked`. The
in-memory screening index (:class:`~dibwatch.match.screen.Screener`) is read without the lock
(pure Python over immutable dicts); it is replaced, not mutated, after a list load.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dibwatch.engine.base import Params
from dibwatch.graph import FirmGraph, build_graph
from dibwatch.lists import store as list_store
from dibwatch.match.screen import Screener
from dibwatch.workspace import Workspace


class WorkspaceService:
    """``publish_to``: where to keep a read-only copy of the workspace for command-line
    readers (see :mod:`dibwatch.workspace.holder`), refreshed whenever the stage data
    changes; None publishes nothing."""

    def __init__(self, path: Path, *, publish_to: Path | None = None) -> None:
        self.path = path
        self.ws = Workspace(path)
        self._lock = threading.RLock()
        self._screener: Screener | None = None
        self._graph: FirmGraph | None = None
        self.publish_to = publish_to
        self.publish()

    def publish(self) -> None:
        if self.publish_to is not None:
            with self._lock:
                self.ws.engine.publish_copy(str(self.publish_to))

    @contextmanager
    def locked(self) -> Iterator[Workspace]:
        with self._lock:
            yield self.ws

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.ws.engine.query(sql, params)

    def scalar(self, sql: str, params: Params = None) -> Any:
        with self._lock:
            return self.ws.engine.scalar(sql, params)

    def screener(self) -> Screener:
        """The screening index, built on first use (the build writes: under the lock)."""
        current = self._screener
        if current is not None:
            return current
        with self._lock:
            if self._screener is None:
                self._screener = Screener(self.ws)
            return self._screener

    def graph(self) -> FirmGraph:
        """The firm network, built once and kept until the workspace changes."""
        with self._lock:
            if self._graph is None:
                self._graph = build_graph(self.ws)
            return self._graph

    def changed(self) -> None:
        """The workspace changed (a load): rebuild the index and forget the network."""
        with self._lock:
            self._graph = None
            self._screener = Screener(self.ws)
            self.publish()

    def current_snapshot_ids(self) -> list[int]:
        with self._lock:
            return [s.snapshot_id for s in list_store.latest_snapshots(self.ws.engine)]

    def close(self) -> None:
        with self._lock:
            self.ws.close()
