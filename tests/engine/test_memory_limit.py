"""DuckDB's memory limit: a share of the machine by default (DuckDB's own 80% let a 10M-line
run be killed by the kernel), a size from DIBWATCH_MEMORY_LIMIT when set, applied to every
connection the engine opens (reopened ones included)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dibwatch.engine.duckdb_engine import MEMORY_SHARE, DuckDBEngine, memory_limit
from dibwatch.errors import WorkspaceError


def _parse(text: str) -> int:
    number, unit = text.split()
    scale = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
             "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}[unit]
    return int(float(number) * scale)


def test_default_is_a_share_of_physical_memory(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.delenv("DIBWATCH_MEMORY_LIMIT", raising=False)
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    engine = DuckDBEngine(tmp_path / "w.duckdb")
    try:
        got = _parse(str(engine.scalar("SELECT current_setting('memory_limit')")))
    finally:
        engine.close()
    assert got == pytest.approx(total * MEMORY_SHARE, rel=0.02)
    assert got < total * 0.5  # not DuckDB's 80%


def test_variable_sets_it_and_survives_a_reopen(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("DIBWATCH_MEMORY_LIMIT", "700MiB")
    engine = DuckDBEngine(tmp_path / "w.duckdb")
    try:
        setting = "SELECT current_setting('memory_limit')"
        assert _parse(str(engine.scalar(setting))) == pytest.approx(700 * 2**20, rel=0.01)
        with engine.released() as released:
            assert released
        assert _parse(str(engine.scalar(setting))) == pytest.approx(700 * 2**20, rel=0.01)
    finally:
        engine.close()


@pytest.mark.parametrize("value", ["lots", "6", "-1GB", "6 parsecs"])
def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DIBWATCH_MEMORY_LIMIT", value)
    with pytest.raises(WorkspaceError, match="DIBWATCH_MEMORY_LIMIT"):
        memory_limit()


def test_a_sort_larger_than_the_limit_completes(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """A limit must not turn big queries into errors: a sort of several times the limit
    completes (DuckDB spills to ``<workspace>.tmp``) with the right answer."""
    monkeypatch.setenv("DIBWATCH_MEMORY_LIMIT", "64MiB")
    engine = DuckDBEngine(tmp_path / "w.duckdb")
    try:
        engine.execute("SET threads = 1")
        engine.execute("CREATE TABLE t AS SELECT i, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) "
                       "AS s FROM range(3000000) r(i)")
        rows = engine.query("SELECT count(*), min(s), max(s) FROM "
                            "(SELECT s FROM t ORDER BY s)")
    finally:
        engine.close()
    count, low, high = rows[0]
    assert count == 3_000_000
    assert len(low) == len(high) == 64 and low < high


def test_inserts_in_one_transaction_do_not_hold_their_batches(tmp_path: Path) -> None:
    """A load inserts batch after batch in one transaction: each batch's Arrow buffers must
    be free once it is inserted (a registered table stayed referenced until COMMIT, and a
    10M-line load held 6.5 GB of them)."""
    import gc

    import pyarrow as pa

    engine = DuckDBEngine(tmp_path / "w.duckdb")
    try:
        engine.execute("CREATE TABLE t (a BIGINT, s VARCHAR)")
        before = pa.total_allocated_bytes()
        with engine.transaction():
            for i in range(8):
                batch = pa.table({"a": pa.array(range(i * 50_000, (i + 1) * 50_000)),
                                  "s": pa.array([f"party name {k}" * 4 for k in range(50_000)])})
                one_batch = batch.nbytes
                engine.insert_arrow("t", batch)
                del batch
                gc.collect()
            held = pa.total_allocated_bytes() - before
        assert engine.scalar("SELECT count(*) FROM t") == 400_000
    finally:
        engine.close()
    assert held < 2 * one_batch, f"{held:,} bytes of Arrow batches still held"
