"""Proof of screening for API requests, written by group commit.

Every ``/match`` query is recorded (``screening_runs`` / ``screening_queries`` /
``screening_results``) before the answer leaves. One DuckDB write transaction costs ~15 ms
whatever its size, and writes are serialised, so one transaction per request caps the API at
~60 requests/s with a queue behind it. Here a single writer thread takes every request waiting
at that moment and records them as one run (same algorithm, threshold, depth and list
snapshots), then releases them: each request learns its run id and the number of its first
query in that run.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from dibwatch.errors import BusyError
from dibwatch.match.screen import ScreeningRun, record_run
from dibwatch.web.service import WorkspaceService

WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Recorded:
    run_id: int
    first_query: int  # query_no of the request's first query within the run


@dataclass
class _Pending:
    run: ScreeningRun
    top: int
    origin: str
    done: Future[Recorded] = field(default_factory=Future)

    def group(self) -> tuple[str, float, int, str]:
        return (self.run.algorithm, self.run.threshold, self.top,
                json.dumps(self.run.snapshots, sort_keys=True, default=str))


class ProofRecorder:
    def __init__(self, service: WorkspaceService, wait_seconds: float = WAIT_SECONDS) -> None:
        self.service = service
        self.wait_seconds = wait_seconds
        self._pending: list[_Pending] = []
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="dibwatch-proof", daemon=True)
        self._thread.start()

    def record(self, run: ScreeningRun, top: int, origin: str) -> Recorded:
        """Record ``run``; returns once it is committed. Raises :class:`BusyError` (503)
        when it cannot be within ``wait_seconds``: no answer without its proof."""
        item = _Pending(run, top, origin)
        with self._cond:
            if self._stop:
                raise BusyError("the server is shutting down", retry_after=10)
            self._pending.append(item)
            self._cond.notify()
        try:
            return item.done.result(self.wait_seconds)
        except FutureTimeout:
            raise BusyError(f"proof of screening could not be recorded within "
                            f"{self.wait_seconds:g} s (the workspace is busy): try again",
                            retry_after=self.wait_seconds) from None
        except Exception as exc:
            raise BusyError(f"proof of screening could not be recorded "
                            f"({type(exc).__name__}): try again") from exc

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stop:
                    self._cond.wait()
                if not self._pending and self._stop:
                    return
                batch, self._pending = self._pending, []
            groups: dict[tuple[str, float, int, str], list[_Pending]] = defaultdict(list)
            for item in batch:
                groups[item.group()].append(item)
            for items in groups.values():
                self._write(items)

    def _write(self, items: list[_Pending]) -> None:
        first = items[0]
        merged = ScreeningRun(None, min(i.run.started_at for i in items), first.run.algorithm,
                              first.run.threshold, first.run.snapshots,
                              [r for i in items for r in i.run.results])
        origins = sorted({i.origin for i in items})
        origin = origins[0] if len(origins) == 1 else f"{len(items)} requests: " + \
            "; ".join(origins)
        try:
            with self.service.locked() as ws:
                run_id = record_run(ws, merged, first.top, origin)
        except Exception as exc:  # every waiting request learns it failed
            for item in items:
                item.done.set_exception(exc)
            return
        offset = 0
        for item in items:
            item.done.set_result(Recorded(run_id, offset))
            offset += len(item.run.results)

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(WAIT_SECONDS)
