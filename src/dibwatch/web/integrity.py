"""The app's watch over its audit trail: verified at start and every few minutes in a
thread of its own (a full walk of both chains). A broken trail is not served silently:
every response carries ``X-Audit-Trail: broken``, every page a banner, ``/audit`` the
report; ``GET /audit/verify`` (admin) walks the chains now."""

from __future__ import annotations

import threading

from dibwatch.web import trail
from dibwatch.web.background import background_priority
from dibwatch.web.state import AppState


class TrailWatch:
    def __init__(self, state: AppState, every_seconds: float) -> None:
        self.state = state
        self.every = every_seconds
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
        with self.state.connect() as con:
            self._report = trail.verify(con)
        return self._report

    def _loop(self) -> None:
        background_priority()
        while not self._stop.wait(self.every):
            try:
                self.refresh()
            except Exception:  # a busy state file: keep the last verdict, try again later
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
