"""Settings of the web app: limits, lifetimes, monitoring."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dibwatch.ingest.files import InflateLimit
from dibwatch.monitor.check import MonitorSettings


@dataclass(frozen=True)
class WebSettings:
    max_upload_bytes: int = 20 * 1024 * 1024  # a batch file or list file; larger: 413
    # An upload may inflate (gzip, zip, Parquet) to this ratio of its size, and never past
    # max_inflated_bytes (default: 16 times the upload limit); more: 413.
    inflate_ratio: float = 100.0
    max_inflated_bytes: int | None = None
    max_match_queries: int = 100  # queries in one /match request (yente's MAX_BATCH)
    max_match_limit: int = 50
    max_job_rows: int = 100_000  # parties in one batch screening job; more: 413
    job_retention_hours: float = 168.0  # finished jobs' results are deleted after this
    session_hours: float = 12.0
    token_days: float = 90.0  # the longest lifetime of a token asked for through the API
    secure_cookies: bool = False  # True behind HTTPS
    # Logins: wrong passwords before a user name / a client address is locked; the first
    # lockout's seconds (each next one doubles, to an hour); the pause before a refusal
    # while locked; Argon2 checks at once (each ~20 ms of a core and 19 MiB) and how many
    # more may wait; checks per second over time, and at once after a quiet spell.
    login_user_failures: int = 5
    login_client_failures: int = 20
    login_lockout_seconds: float = 30.0
    login_tarpit_seconds: float = 1.0  # a refused login is answered after this (no CPU)
    password_checks: int = 1
    login_queue: int = 4
    password_checks_per_second: float = 1.0
    password_check_burst: int = 3
    record_matches: bool = True  # proof of screening for every /match query
    trail_check_seconds: float = 60.0  # the audit chain is re-verified this often
    jobs_dir: Path | None = None  # batch job files; default: <state>.jobs beside the state
    # A read-only copy of the workspace for command-line readers (dibwatch serve sets it).
    publish_to: Path | None = None
    # Run when the app shuts down (uvicorn re-raises SIGTERM after shutdown, so code after
    # uvicorn.run may never run).
    on_stop: tuple[Callable[[], None], ...] = ()
    monitor: MonitorSettings = field(default_factory=MonitorSettings)

    @property
    def inflate_limit(self) -> InflateLimit:
        cap = self.max_inflated_bytes or 16 * self.max_upload_bytes
        return InflateLimit(max_bytes=cap, ratio=self.inflate_ratio,
                            floor=min(InflateLimit().floor, cap))
