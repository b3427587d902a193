"""Deliver alerts to a webhook URL: one JSON POST per batch, retried with exponential backoff
on network errors, 429 and 5xx (a 4xx other than 429 is the receiver refusing: not retried)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from dibwatch.monitor.alerts import Alert, record_delivery
from dibwatch.web.state import AppState

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Delivery:
    ok: bool
    attempts: int
    error: str | None


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
                    return Delivery(False, attempt, error)
            if attempt <= retries:
                sleep(backoff * 2 ** (attempt - 1))
    return Delivery(False, attempt, error)


def deliver(state: AppState, url: str | None, alerts: list[Alert], *, retries: int = 4,
            backoff: float = 0.5, timeout: float = 5.0) -> Delivery | None:
    """Send ``alerts`` to ``url`` (None: nothing configured) and record the outcome on each
    alert (attempts, delivered_at or the last error)."""
    if not url or not alerts:
        return None
    result = post_alerts(url, alerts, retries=retries, backoff=backoff, timeout=timeout)
    record_delivery(state, [a.alert_id for a in alerts if a.alert_id is not None],
                    result.attempts, result.error)
    return result
