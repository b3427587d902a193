"""Deliver alerts to a webhook URL: one JSON POST per batch, retried with exponential backoff
on network errors, 429 and 5xx (a 4xx other than 429 is the receiver refusing: not retried).

Delivery never runs inside a request or under the workspace lock: the monitor queues new
alerts (``delivery_due``) and a :class:`WebhookSender` thread delivers them, retrying on its
own schedule (``backoff × 2^n`` seconds after attempt n+1). A slow or failing receiver
delays only its alerts; the queue survives a restart. The command line delivers what is due
after its load (:func:`deliver_pending`), outside its transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from dibwatch.casework.state import AppState
from dibwatch.monitor.alerts import Alert, delivery_attempts, due_for_delivery, record_attempt
from dibwatch.monitor.check import MonitorSettings

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
BATCH = 500  # alerts per POST
IDLE_SECONDS = 30.0  # the sender looks for due alerts at least this often


@dataclass(frozen=True)
class Delivery:
    ok: bool
    attempts: int
    error: str | None
    retryable: bool = True


def post_alerts(url: str, alerts: list[Alert], *, retries: int = 4, backoff: float = 0.5,
                timeout: float = 5.0, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """POST ``{"alerts": [...]}`` to ``url``; up to ``retries`` more tries after the first,
    waiting ``backoff × 2^n`` seconds before retry n."""
    payload = {"source": "dibwatch", "alerts": [a.to_json() for a in alerts]}
    error: str | None = None
    attempt = 0
    with httpx.Client(timeout=timeout) as client:
        for attempt in range(1, retries + 2):
            try:
                response = client.post(url, json=payload)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    return Delivery(True, attempt, None)
                error = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUS:
                    return Delivery(False, attempt, error, retryable=False)
            if attempt <= retries:
                sleep(backoff * 2 ** (attempt - 1))
    return Delivery(False, attempt, error)


def deliver_due(state: AppState, settings: MonitorSettings) -> tuple[Delivery | None,
                                                                       str | None]:
    """One attempt at the alerts due now (one POST): (its outcome, or None when nothing was
    due; when the next alert is due). Failures are rescheduled with backoff, then given up
    after ``settings.retries`` retries (the error stays on the alert)."""
    if not settings.webhook_url:
        return None, None
    due, later = due_for_delivery(state, BATCH)
    if not due:
        return None, later
    result = post_alerts(settings.webhook_url, due, retries=0,
                         timeout=settings.timeout_seconds)
    ids = [a.alert_id for a in due if a.alert_id is not None]
    tried = delivery_attempts(state, ids[0]) + 1 if ids else 1
    retry_in = (settings.backoff_seconds * 2 ** (tried - 1)
                if result.retryable and tried <= settings.retries else None)
    record_attempt(state, ids, error=result.error, retry_in=retry_in)
    return result, later


def deliver_pending(state: AppState, settings: MonitorSettings, *,
                    sleep: Callable[[float], None] = time.sleep,
                    max_seconds: float = 120.0) -> int:
    """Deliver what is queued, waiting out the backoffs (the command line, after a load);
    returns the POSTs made. Stops after ``max_seconds``: what is left stays queued."""
    if not settings.webhook_url:
        return 0
    posts = 0
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        result, _ = deliver_due(state, settings)
        if result is not None:
            posts += 1
            continue
        wait = _seconds_until_next(state)
        if wait is None or time.monotonic() + wait > deadline:
            return posts
        sleep(max(wait, 0.01))
    return posts


def _seconds_until_next(state: AppState) -> float | None:
    from datetime import UTC, datetime

    with state.connect() as con:
        nxt = con.execute("SELECT min(delivery_due) FROM alerts WHERE delivery_due IS NOT NULL"
                          ).fetchone()[0]
    if nxt is None:
        return None
    return (datetime.fromisoformat(nxt) - datetime.now(UTC)).total_seconds()


class WebhookSender:
    """The app's delivery thread: wakes when alerts are queued (:meth:`notify`) or a retry
    falls due, and posts them; never holds the workspace or a request."""

    def __init__(self, state: AppState, settings: MonitorSettings) -> None:
        self.state = state
        self.settings = settings
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        if settings.webhook_url:
            self._thread = threading.Thread(target=self._loop, name="dibwatch-webhook",
                                            daemon=True)
            self._thread.start()

    def notify(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop:
            try:
                result, _ = deliver_due(self.state, self.settings)
            except Exception:  # a broken receiver or a busy state: try again later
                result = None
            if result is not None:
                continue
            wait = _seconds_until_next(self.state)
            self._wake.wait(IDLE_SECONDS if wait is None else min(max(wait, 0.01),
                                                                  IDLE_SECONDS))
            self._wake.clear()

    def stop(self) -> None:
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self.settings.timeout_seconds + 5)
