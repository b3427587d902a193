"""Settings of the web app: limits, lifetimes, monitoring."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dibwatch.monitor.check import MonitorSettings


@dataclass(frozen=True)
class WebSettings:
    max_upload_bytes: int = 20 * 1024 * 1024  # a batch file or list file; larger: 413
    max_match_queries: int = 100  # queries in one /match request (yente's MAX_BATCH)
    max_match_limit: int = 50
    session_hours: float = 12.0
    token_days: float = 90.0
    secure_cookies: bool = False  # True behind HTTPS
    record_matches: bool = True  # proof of screening for every /match query
    jobs_dir: Path | None = None  # batch job files; default: <state>.jobs beside the state
    # A read-only copy of the workspace for command-line readers (dibwatch serve sets it).
    publish_to: Path | None = None
    # Run when the app shuts down (uvicorn re-raises SIGTERM after shutdown, so code after
    # uvicorn.run may never run).
    on_stop: tuple[Callable[[], None], ...] = ()
    monitor: MonitorSettings = field(default_factory=MonitorSettings)
