"""Batch screening jobs: an uploaded CSV / Parquet of parties is checked at once (a bad file,
or one over the row or inflate limit, is refused before a job exists), screened in a
background thread with its progress in the app state, and its results kept as a CSV to
download, by its owner or an admin only.

Bounded three ways: at most ``max_job_rows`` parties per job; a job can be cancelled while
queued or running; results (0600 files) are deleted ``job_retention_hours`` after the job
ends. The job screens in small slices and, while API requests are in flight, pauses between
slices as long as the slice took: a big job takes at most half of a core from ``/match``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from dibwatch.casework import audit
from dibwatch.casework.state import AppState, now
from dibwatch.errors import FormatError, Location, NotFoundError, PermissionDenied
from dibwatch.ingest.files import InflateLimit
from dibwatch.match.batch import InputRow, read_parties, result_rows, write_results
from dibwatch.match.screen import QueryResult, ScreeningRun, record_run
from dibwatch.web.background import UploadParser, background_priority
from dibwatch.web.service import WorkspaceService

# Suffix -> how the file is read; anything else is refused with 415.
ACCEPTED_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet"}
SLICE = 50  # queries screened between two looks at cancel / foreground load
PROGRESS_EVERY = 1000  # queries between two progress writes to the app state
FINISHED = ("done", "failed", "cancelled", "expired")


class JobCancelled(Exception):
    pass




@dataclass(frozen=True)
class Job:
    job_id: str
    kind: str
    status: str
    done: int
    total: int
    input_name: str
    run_id: int | None
    error: str | None
    created_by: str
    created_at: str
    finished_at: str | None
    result_path: str | None

    def to_json(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "kind": self.kind, "status": self.status,
                "done": self.done, "total": self.total, "input_name": self.input_name,
                "run_id": self.run_id, "error": self.error, "created_by": self.created_by,
                "created_at": self.created_at, "finished_at": self.finished_at}


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


class JobRunner:
    def __init__(self, state: AppState, service: WorkspaceService, jobs_dir: Path, *,
                 max_rows: int = 100_000, retention: timedelta = timedelta(days=7),
                 limit: InflateLimit | None = None,
                 busy: Callable[[], bool] = lambda: False,
                 parser: UploadParser | None = None) -> None:
        self.state = state
        self.service = service
        self.dir = _private_dir(jobs_dir)
        self.max_rows = max_rows
        self.retention = retention
        self.limit = limit or InflateLimit()
        self.busy = busy
        self.parser = parser or UploadParser(self.limit)
        # One screening job at a time: the machine's cores also serve the API.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dibwatch-job",
                                        initializer=background_priority)
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        self._orphans()
        self.sweep()

    def _orphans(self) -> None:
        """Jobs queued or running when the server stopped will not run: say so."""
        with self.state.transaction() as con:
            con.execute("UPDATE jobs SET status = 'failed', error = 'the server stopped "
                        "before the job finished: submit it again', finished_at = ? "
                        "WHERE status IN ('queued', 'running')", [now()])

    def submit_screening(self, *, actor: str, filename: str, data: bytes | IO[bytes],
                         top: int, threshold: float | None) -> Job:
        suffix = Path(filename).suffix.lower()
        if suffix not in ACCEPTED_SUFFIXES:
            raise FormatError(f"unsupported file type {suffix or '(none)'!r}: upload .csv or "
                              ".parquet", Location(filename))
        self.sweep()
        job_id = secrets.token_hex(8)
        path = self.dir / f"{job_id}{suffix}"
        size = _write_private(path, data)
        try:
            # refuses a file without a name column, bad Parquet, too many rows, a bomb…
            rows = self.parser.run(read_parties, path, max_rows=self.max_rows)
        finally:
            path.unlink(missing_ok=True)
        with self.state.transaction() as con:
            con.execute("INSERT INTO jobs (job_id, kind, status, total, input_name, "
                        "created_by, created_at) VALUES (?, 'screening', 'queued', ?, ?, ?, ?)",
                        [job_id, len(rows), filename, actor, now()])
            audit.append(con, actor=actor, action="screening.submit", object_type="job",
                         object_id=job_id, detail={"file": filename, "rows": len(rows),
                                                   "bytes": size})
        self._pool.submit(self._run, job_id, rows, filename, top, threshold)
        job = self.get(job_id)
        assert job is not None
        return job

    def _update(self, job_id: str, **values: Any) -> None:
        cols = ", ".join(f"{k} = ?" for k in values)  # keys are this module's own names
        with self.state.transaction() as con:
            con.execute(f"UPDATE jobs SET {cols} WHERE job_id = ?", [*values.values(), job_id])

    def _screen(self, job_id: str, rows: list[InputRow], top: int,
                threshold: float | None) -> ScreeningRun:
        screener = self.service.screener()
        queries = [r.query for r in rows]
        results: list[QueryResult] = []
        first: ScreeningRun | None = None
        reported = 0
        for start in range(0, len(queries), SLICE):
            if job_id in self._cancelled:
                raise JobCancelled
            began = time.perf_counter()
            part = screener.screen(queries[start:start + SLICE], top=top, threshold=threshold,
                                   record=False, workers=1)
            first = first or part
            results.extend(part.results)
            took = time.perf_counter() - began
            waited = 0.0
            while self.busy() and waited < took:  # yield to the API while it is serving
                time.sleep(0.002)
                waited += 0.002
            if len(results) - reported >= PROGRESS_EVERY:
                self._update(job_id, done=len(results))
                reported = len(results)
        if first is None:
            first = screener.screen([], top=top, threshold=threshold, record=False, workers=1)
        return ScreeningRun(None, first.started_at, first.algorithm, first.threshold,
                            first.snapshots, results)

    def _run(self, job_id: str, rows: list[InputRow], filename: str, top: int,
             threshold: float | None) -> None:
        try:
            if job_id in self._cancelled:
                raise JobCancelled
            self._update(job_id, status="running")
            run = self._screen(job_id, rows, top, threshold)
            with self.service.locked() as ws:
                run.run_id = record_run(ws, run, top, f"web batch {filename}")
            out = self.dir / f"{job_id}.results.csv"
            write_results(result_rows(rows, run), out, private=True)
            self._update(job_id, status="done", done=len(rows), result_path=str(out),
                         run_id=run.run_id, finished_at=now())
        except JobCancelled:
            self._update(job_id, status="cancelled", finished_at=now())
        except Exception as exc:  # a job failure is reported on the job, not lost
            self._update(job_id, status="failed", error=str(exc)[:2000], finished_at=now())
        finally:
            with self._lock:
                self._cancelled.discard(job_id)

    def get(self, job_id: str) -> Job | None:
        with self.state.connect() as con:
            row = con.execute("SELECT * FROM jobs WHERE job_id = ?", [job_id]).fetchone()
        if row is None:
            return None
        return Job(row["job_id"], row["kind"], row["status"], int(row["done"]),
                   int(row["total"]), row["input_name"], row["run_id"], row["error"],
                   row["created_by"], row["created_at"], row["finished_at"],
                   row["result_path"])

    def get_for(self, job_id: str, user: str, *, admin: bool) -> Job:
        """The job, when ``user`` may see it: its owner, or an admin."""
        job = self.get(job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id!r}")
        if job.created_by != user and not admin:
            raise PermissionDenied(f"job {job_id} belongs to {job.created_by}: only its owner or "
                               f"an admin sees it")
        return job

    def cancel(self, job_id: str, user: str, *, admin: bool) -> Job:
        """Cancel a queued or running job (its owner or an admin); audited."""
        job = self.get_for(job_id, user, admin=admin)
        if job.status in FINISHED:
            return job
        with self._lock:
            self._cancelled.add(job_id)
        with self.state.transaction() as con:
            con.execute("UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE job_id = ? "
                        "AND status = 'queued'", [now(), job_id])
            audit.append(con, actor=user, action="screening.cancel", object_type="job",
                         object_id=job_id, detail={"status_before": job.status})
        found = self.get(job_id)
        assert found is not None
        return found

    def sweep(self) -> int:
        """Delete the results of jobs that ended more than ``retention`` ago (status
        ``expired``); returns how many."""
        cutoff = (datetime.now(UTC) - self.retention).replace(microsecond=0).isoformat()
        with self.state.connect() as con:
            old = con.execute("SELECT job_id, result_path FROM jobs WHERE finished_at < ? AND "
                              "status = 'done'", [cutoff]).fetchall()
        for job_id, result_path in old:
            if result_path:
                Path(result_path).unlink(missing_ok=True)
            self._update(job_id, status="expired", result_path=None)
        return len(old)

    def wait(self, timeout: float | None = None) -> None:
        """Block until the jobs submitted so far finished (tests, shutdown)."""
        self._pool.submit(lambda: None).result(timeout)

    def shutdown(self) -> None:
        with self._lock:
            self._cancelled.update(j.job_id for j in self._unfinished())
        self._pool.shutdown(wait=True)

    def _unfinished(self) -> list[Job]:
        with self.state.connect() as con:
            ids = [r[0] for r in con.execute("SELECT job_id FROM jobs WHERE status IN "
                                             "('queued', 'running')")]
        return [j for j in (self.get(i) for i in ids) if j is not None]


def _write_private(path: Path, data: bytes | IO[bytes]) -> int:
    with open(path, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as out:
        if isinstance(data, bytes):
            out.write(data)
        else:
            shutil.copyfileobj(data, out, 1 << 20)
        return out.tell()
