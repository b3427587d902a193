"""Batch screening jobs: an uploaded CSV / Parquet of parties is checked at once (a bad file
is refused before a job exists), screened in a background thread with its progress in the
app state, and its results kept as a CSV to download."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dibwatch.errors import FormatError, Location
from dibwatch.match.batch import read_parties, result_rows, write_results
from dibwatch.match.screen import record_run
from dibwatch.web import audit
from dibwatch.web.service import WorkspaceService
from dibwatch.web.state import AppState, now

# Suffix -> how the file is read; anything else is refused with 415.
ACCEPTED_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet"}


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


class JobRunner:
    def __init__(self, state: AppState, service: WorkspaceService, jobs_dir: Path) -> None:
        self.state = state
        self.service = service
        self.dir = jobs_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        # One screening job at a time: the machine's cores also serve the API.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dibwatch-job")
        self._lock = threading.Lock()

    def submit_screening(self, *, actor: str, filename: str, data: bytes, top: int,
                         threshold: float | None) -> Job:
        suffix = Path(filename).suffix.lower()
        if suffix not in ACCEPTED_SUFFIXES:
            raise FormatError(f"unsupported file type {suffix or '(none)'!r}: upload .csv or "
                              ".parquet", Location(filename))
        job_id = secrets.token_hex(8)
        path = self.dir / f"{job_id}{suffix}"
        path.write_bytes(data)
        try:
            rows = read_parties(path)  # refuses a file without a name column, bad Parquet…
        except Exception:
            path.unlink(missing_ok=True)
            raise
        with self.state.transaction() as con:
            con.execute("INSERT INTO jobs (job_id, kind, status, total, input_name, "
                        "created_by, created_at) VALUES (?, 'screening', 'queued', ?, ?, ?, ?)",
                        [job_id, len(rows), filename, actor, now()])
            audit.append(con, actor=actor, action="screening.submit", object_type="job",
                         object_id=job_id, detail={"file": filename, "rows": len(rows),
                                                   "bytes": len(data)})
        self._pool.submit(self._run, job_id, path, filename, top, threshold)
        job = self.get(job_id)
        assert job is not None
        return job

    def _update(self, job_id: str, **values: Any) -> None:
        cols = ", ".join(f"{k} = ?" for k in values)  # keys are this module's own names
        with self.state.transaction() as con:
            con.execute(f"UPDATE jobs SET {cols} WHERE job_id = ?", [*values.values(), job_id])

    def _run(self, job_id: str, path: Path, filename: str, top: int,
             threshold: float | None) -> None:
        try:
            self._update(job_id, status="running")
            rows = read_parties(path)
            screener = self.service.screener()
            run = screener.screen([r.query for r in rows], top=top, threshold=threshold,
                                  record=False, workers=1,
                                  progress=lambda d, t: self._update(job_id, done=d))
            with self.service.locked() as ws:
                run.run_id = record_run(ws, run, top, f"web batch {filename}")
            out = self.dir / f"{job_id}.results.csv"
            write_results(result_rows(rows, run), out)
            self._update(job_id, status="done", done=len(rows), result_path=str(out),
                         run_id=run.run_id, finished_at=now())
        except Exception as exc:  # a job failure is reported on the job, not lost
            self._update(job_id, status="failed", error=str(exc), finished_at=now())
        finally:
            path.unlink(missing_ok=True)

    def get(self, job_id: str) -> Job | None:
        with self.state.connect() as con:
            row = con.execute("SELECT * FROM jobs WHERE job_id = ?", [job_id]).fetchone()
        if row is None:
            return None
        return Job(row["job_id"], row["kind"], row["status"], int(row["done"]),
                   int(row["total"]), row["input_name"], row["run_id"], row["error"],
                   row["created_by"], row["created_at"], row["finished_at"],
                   row["result_path"])

    def wait(self, timeout: float | None = None) -> None:
        """Block until the jobs submitted so far finished (tests, shutdown)."""
        self._pool.submit(lambda: None).result(timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
