"""The app's watch over its audit trail: verified at start and then every
``trail_check_seconds`` (longer for a long trail) in a thread of its own at background
priority (a full walk of both chains). A broken trail is not served silently:
every response carries ``X-Audit-Trail: broken``, every page a banner, ``/audit`` the
report; ``GET /audit/verify`` (admin) walks the chains now."""

from __future__ import annotations

import threading
import time

from dibwatch.casework import trail
from dibwatch.casework.state import AppState
from dibwatch.web.background import background_priority

SHARE = 20  # wait at least this many times as long as the last walk took


class TrailWatch:
    def __init__(self, state: AppState, every_seconds: float) -> None:
        self.state = state
        self.every = every_seconds
        self._took = 0.0
        self._report = self.refresh()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dibwatch-trail", daemon=True)
        self._thread.start()

    @property
    def report(self) -> trail.TrailReport:
        return self._report

    @property
    def broken(self) -> bool:
        return not self._report.ok

    def refresh(self) -> trail.TrailReport:
        started = time.perf_counter()
        with self.state.connect() as con:
            self._report = trail.verify(con)
        self._took = time.perf_counter() - started
        return self._report

    def _loop(self) -> None:
        background_priority()
        wait = max(self.every, SHARE * self._took)
        while not self._stop.wait(wait):
            try:
                self.refresh()
            except Exception:  # a busy state file: keep the last verdict, try again later
                continue
            # A long trail is walked less often: the watch takes at most 1/SHARE of a core
            # (100k rows walk in ~1.5 s: every 60 s; 1M rows: every ~5 min).
            wait = max(self.every, SHARE * self._took)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
