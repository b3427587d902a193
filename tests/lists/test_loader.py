"""Snapshots: idempotent loads, atomicity on errors and on SIGKILL, status and diff."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dibwatch.demo import demo_list_files
from dibwatch.errors import FormatError, ParseError
from dibwatch.lists import loader, store
from dibwatch.lists.loader import load_list
from dibwatch.workspace import Workspace
from tests.lists.helpers import write_csl

ROW_TABLES = ("entities", "names", "identifiers", "addresses", "countries", "sanctions",
              "load_issues")


def _row_counts(ws: Workspace) -> dict[str, int]:
    counts = {t: int(ws.engine.scalar(f"SELECT count(*) FROM {t}")) for t in ROW_TABLES}
    counts["snapshots"] = int(ws.engine.scalar("SELECT count(*) FROM snapshots"))
    return counts


def test_same_file_twice_is_a_noop(tmp_path: Path) -> None:
    v1, _ = demo_list_files()
    with Workspace(tmp_path / "ws.duckdb") as ws:
        first = load_list(ws, v1, source="demo_list")
        before = _row_counts(ws)
        again = load_list(ws, v1, source="demo_list")
        assert first.created and not again.created
        assert again.snapshot.snapshot_id == first.snapshot.snapshot_id
        assert _row_counts(ws) == before
        # the same bytes under another name are the same snapshot too
        copy = tmp_path / "renamed.csv"
        copy.write_bytes(v1.read_bytes())
        assert not load_list(ws, copy, source="demo_list").created


def test_snapshot_records_file_and_counts(tmp_path: Path) -> None:
    v1, _ = demo_list_files()
    with Workspace(tmp_path / "ws.duckdb") as ws:
        snap = load_list(ws, v1, source="demo_list").snapshot
        stored = store.get_snapshot(ws.engine, snap.snapshot_id)
    assert stored.entity_count == 12
    assert stored.files[0]["name"] == "demo_list_v1.csv"
    assert len(stored.sha256) == 64
    assert stored.format == "csl_csv"


def test_demo_diff(tmp_path: Path) -> None:
    v1, v2 = demo_list_files()
    with Workspace(tmp_path / "ws.duckdb") as ws:
        a = load_list(ws, v1, source="demo_list").snapshot.snapshot_id
        b = load_list(ws, v2, source="demo_list").snapshot.snapshot_id
        diff = store.diff_snapshots(ws.engine, a, b)
    assert [eid for eid, _ in diff.added] == [
        "demo_list-demo-0013", "demo_list-demo-0014", "demo_list-demo-0015"]
    assert [eid for eid, _ in diff.removed] == ["demo_list-demo-0005", "demo_list-demo-0011"]
    changed = {c.entity_id: c for c in diff.changed}
    assert set(changed) == {"demo_list-demo-0003", "demo_list-demo-0012"}
    assert "HCC Trading Ltd (alias)" in changed["demo_list-demo-0003"].added["names"]
    assert diff.unchanged == 8


def test_parse_error_mid_file_writes_nothing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "FLUSH_EVERY", 100)  # rows reach the tables before the error
    good = write_csl(tmp_path / "good.csv", 50)
    bad = write_csl(tmp_path / "bad.csv", 1000, start=100)
    text = bad.read_text(encoding="utf-8").splitlines(keepends=True)
    text[700] = text[700].rstrip("\r\n") + ',"stray","fields"\r\n'  # a broken record
    bad.write_text("".join(text), encoding="utf-8")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        load_list(ws, good, source="test_list")
        before = _row_counts(ws)
        with pytest.raises(ParseError) as info:
            load_list(ws, bad, source="test_list")
        assert info.value.location is not None
        assert info.value.location.file.endswith("bad.csv")
        assert info.value.location.line is not None
        assert _row_counts(ws) == before


def test_unrecognised_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a list at all")
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(FormatError, match=r"junk\.bin"):
        load_list(ws, junk)


_KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from dibwatch.lists import loader
    from dibwatch.workspace import Workspace
    loader.FLUSH_EVERY = 200
    ws = Workspace(sys.argv[1])
    def progress(n):
        if n >= 2000:
            print("MIDLOAD", flush=True)
            time.sleep(120)
    loader.load_list(ws, sys.argv[2], source="test_list", progress=progress)
""")


def test_sigkill_mid_load_keeps_previous_snapshots(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    v1, _ = demo_list_files()
    with Workspace(db) as ws:
        load_list(ws, v1, source="demo_list")
        before = _row_counts(ws)
    big = write_csl(tmp_path / "big.csv", 5000)
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(db), str(big)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "MIDLOAD", "the loader never reached the middle of the load"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Workspace(db) as ws:
        assert _row_counts(ws) == before
        assert [s.source for s in store.list_snapshots(ws.engine)] == ["demo_list"]
        # and the workspace still takes the load afterwards
        result = load_list(ws, big, source="test_list")
        assert result.created and result.snapshot.entity_count == 5000
