"""Batch screening jobs bounded (issue #12, rows 3, 6, 9): a row cap, cancel, retention,
results for their owner and admins only, written 0600 and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dibwatch.web import WebSettings
from tests.web.conftest import Server, make_server


@pytest.fixture(scope="module")
def server(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    settings = WebSettings(max_upload_bytes=2_000_000, max_job_rows=5_000)
    yield from make_server(demo_workspace, tmp_path_factory.mktemp("jobs"), settings)


def _submit(server: Server, name: str, data: bytes, user: str = "anna") -> dict[str, object]:
    r = server.client.post("/screening/jobs", headers=server.auth(user),
                           files={"file": (name, data)}, data={"top": "1"})
    return {**r.json(), "http": r.status_code}


def _parquet(rows: int) -> bytes:
    names = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()),
                                           pa.array(["Krylotronika Instrument Works"]))
    out = io.BytesIO()
    pq.write_table(pa.table({"name": names}), out, compression="zstd")
    return out.getvalue()


def test_a_tiny_parquet_of_2m_rows_is_refused(server: Server) -> None:
    """Row 3: 9 KB of Parquet holding 2M rows was accepted: 2.7 min, 4.7 GB, 711 MB out."""
    data = _parquet(2_000_000)
    assert len(data) < 64 * 1024
    started = time.perf_counter()
    r = _submit(server, "parties.parquet", data)
    assert r["http"] == 413 and "2,000,000 rows" in str(r["detail"])
    assert time.perf_counter() - started < 10
    with sqlite3.connect(server.state.path) as con:
        assert con.execute("SELECT count(*) FROM jobs").fetchone()[0] == 0
    assert not list(server.app.state.ctx.jobs.dir.iterdir())  # the upload is gone too


def test_results_are_the_owners_and_admins_only(server: Server) -> None:
    """Row 9: a viewer read the audit log for job ids, then downloaded others' results."""
    r = _submit(server, "parties.csv", b"name\nKrylotronika Instrument Works\n")
    assert r["http"] == 202
    job_id = r["job_id"]
    server.app.state.ctx.jobs.wait(60)
    audit = server.client.get("/audit", headers=server.auth("vera"),
                              params={"object_type": "job"}).json()
    assert job_id in {e["object_id"] for e in audit["results"]}
    for path in (f"/screening/jobs/{job_id}", f"/screening/jobs/{job_id}/results"):
        assert server.client.get(path, headers=server.auth("vera")).status_code == 403
        assert server.client.get(path, headers=server.auth("anna")).status_code == 200
        assert server.client.get(path, headers=server.auth("adam")).status_code == 200
    result = Path(server.app.state.ctx.jobs.get(job_id).result_path)
    assert stat.S_IMODE(result.stat().st_mode) == 0o600
    assert stat.S_IMODE(server.app.state.ctx.jobs.dir.stat().st_mode) == 0o700


def test_job_results_csv_is_safe_in_a_spreadsheet(server: Server) -> None:
    """Row 6: hostile cells were written as-is to the job results CSV."""
    data = (b'name,note\n"=HYPERLINK(""http://evil.invalid"",""x"")",@SUM(A1)\n'
            b"+cmd|' /C calc'!A0,-2+3\n")
    job_id = _submit(server, "hostile.csv", data)["job_id"]
    server.app.state.ctx.jobs.wait(60)
    out = server.client.get(f"/screening/jobs/{job_id}/results", headers=server.auth("anna"))
    cells = [c for row in csv.reader(io.StringIO(out.text)) for c in row]
    assert "'=HYPERLINK(\"http://evil.invalid\",\"x\")" in cells and "'@SUM(A1)" in cells
    assert "'+cmd|' /C calc'!A0" in cells and "'-2+3" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]


def test_a_job_can_be_cancelled(server: Server) -> None:
    ctx = server.app.state.ctx
    gate = threading.Event()
    ctx.jobs._pool.submit(gate.wait, 30)  # the job waits in the queue behind this
    rows = "name\n" + "".join(f"Firm number {i} Trading LLC\n" for i in range(4000))
    job_id = _submit(server, "many.csv", rows.encode())["job_id"]
    assert server.client.post(f"/screening/jobs/{job_id}/cancel", headers=server.auth("vera")
                              ).status_code == 403  # a viewer writes nothing
    assert server.client.post(f"/screening/jobs/{job_id}/cancel", headers=server.auth("adam")
                              ).json()["status"] == "cancelled"
    gate.set()
    ctx.jobs.wait(60)
    job = server.client.get(f"/screening/jobs/{job_id}", headers=server.auth("anna")).json()
    assert job["status"] == "cancelled" and job["done"] == 0
    assert server.client.get(f"/screening/jobs/{job_id}/results", headers=server.auth("anna")
                             ).status_code == 409
    # A running job stops at its next slice: here the job is held after its first slice
    # (where it asks whether the API is busy) until the cancel has been sent.
    first_slice, cancelled = threading.Event(), threading.Event()

    def held() -> bool:
        first_slice.set()
        cancelled.wait(30)
        return False

    busy, ctx.jobs.busy = ctx.jobs.busy, held
    try:
        job_id = _submit(server, "many.csv", rows.encode())["job_id"]
        assert first_slice.wait(30)
        assert ctx.jobs.get(job_id).status == "running"
        server.client.post(f"/screening/jobs/{job_id}/cancel", headers=server.auth("anna"))
        cancelled.set()
        ctx.jobs.wait(60)
    finally:
        ctx.jobs.busy = busy
        cancelled.set()
    job = ctx.jobs.get(job_id)
    assert job.status == "cancelled" and job.done < 4000


def test_results_expire(server: Server) -> None:
    ctx = server.app.state.ctx
    job_id = _submit(server, "one.csv", b"name\nAcme Ltd\n")["job_id"]
    ctx.jobs.wait(60)
    path = Path(ctx.jobs.get(job_id).result_path)
    assert path.exists()
    retention = ctx.jobs.retention
    ctx.jobs.retention = timedelta(seconds=-1)
    try:
        assert ctx.jobs.sweep() >= 1
    finally:
        ctx.jobs.retention = retention
    assert not path.exists()
    r = server.client.get(f"/screening/jobs/{job_id}/results", headers=server.auth("anna"))
    assert r.status_code == 410 and "deleted" in r.json()["detail"]
