"""The command line as a day-to-day tool: the pipeline verbs and `update`, loads a person can
correct (no mappable row, --replace, unload, bad bytes, Ctrl-C), output a person can follow
(plain progress when piped, escaped control characters), and moving a workspace."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dibwatch import __version__
from dibwatch.cli import app
from dibwatch.demo import demo_list_files
from dibwatch.errors import DibwatchError
from dibwatch.synth import WorldFiles, WorldParams, generate_world
from dibwatch.workspace import Workspace
from dibwatch.workspace.changes import list_changes

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> WorldFiles:
    return generate_world(tmp_path_factory.mktemp("world"),
                          WorldParams(shipments=1500, seed=11))


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    """The error a command stops with (``main`` prints it as one line and exits 2)."""
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, DibwatchError), result.output
    return "error: " + " ".join(str(result.exception).split())


def dibwatch(*args: str, cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dibwatch", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "200"}, **kw)  # type: ignore[call-overload]


def test_version() -> None:
    assert f"dibwatch {__version__} (DuckDB " in invoke("--version")


def test_update_runs_what_changed_and_nothing_the_second_time(tmp_path: Path,
                                                              world: WorldFiles) -> None:
    ws = str(tmp_path / "ws.duckdb")
    first = invoke("update", "--lists", str(world.fictional_list), "--shipments",
                   str(world.shipments), "--report", str(tmp_path / "site"), "--dossiers", "2",
                   "--no-pdf", "-w", ws)
    for stage in ("resolve", "screen", "rank", "report"):
        assert re.search(rf"{stage}\s+│\s+ran", first), (stage, first)
    second = invoke("update", "--lists", str(world.fictional_list), "--shipments",
                    str(world.shipments), "--report", str(tmp_path / "site"), "--dossiers", "2",
                    "--no-pdf", "-w", ws)
    assert "everything was up to date" in second and " ran " not in second
    # A new list snapshot: the firms stay, their screening and ranking are redone.
    third = invoke("update", "--lists", str(demo_list_files()[0]), "-w", ws)
    assert re.search(r"resolve\s+│\s+skipped", third)
    assert re.search(r"screen\s+│\s+ran\s+│\s+changed: snapshots", third), third
    assert re.search(r"rank\s+│\s+ran", third)
    status = invoke("status", "-w", ws)
    assert status.count("up to date (run") == 3


def test_rank_on_unresolved_shipments_names_the_missing_step(tmp_path: Path,
                                                             world: WorldFiles) -> None:
    ws = str(tmp_path / "ws.duckdb")
    invoke("trade", "load", str(world.shipments), "-w", ws)
    message = fails("rank", "-w", ws)
    assert "1,500 shipment lines are loaded but not resolved into firms: run `dibwatch " \
           "trade resolve`" in message
    assert "not resolved into firms" in fails("report", "-w", ws)


def write_csv(world: WorldFiles, path: Path, rows: int | None = None) -> Path:
    table = pq.read_table(world.shipments)
    pacsv.write_csv(table.slice(0, rows) if rows else table, path)
    return path


def test_a_file_with_no_mappable_row_is_refused_and_nothing_stored(
        tmp_path: Path, world: WorldFiles) -> None:
    path = write_csv(world, tmp_path / "declarations.csv", 50)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["date"] = "not a date"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    ws = str(tmp_path / "ws.duckdb")
    message = fails("trade", "load", str(path), "-w", ws)
    assert "no row maps to the canonical schema" in message and "all 50 rows" in message
    assert "line 2, field 'date'" in message
    assert "no shipment loads yet" in invoke("trade", "status", "-w", ws)


def test_replace_and_unload_keep_a_record_and_make_the_firms_stale(
        tmp_path: Path, world: WorldFiles) -> None:
    ws = str(tmp_path / "ws.duckdb")
    folder = tmp_path / "in"
    folder.mkdir()
    path = write_csv(world, folder / "declarations.csv", 400)
    invoke("lists", "load", str(world.fictional_list), "--source", "synthetic_list", "-w", ws)
    invoke("trade", "load", str(path), "-w", ws)
    invoke("trade", "resolve", "-w", ws)
    invoke("rank", "-w", ws)
    corrected = write_csv(world, folder / "declarations.csv", 600)  # same name, more rows
    out = invoke("trade", "load", str(corrected), "--replace", "-w", ws)
    assert "replaced load 1" in out and "-> load 2: 600 shipments" in out
    assert "firms were resolved before the shipment loads changed" in fails("rank", "-w", ws)
    with Workspace(ws, read_only=True) as w:
        assert w.engine.query("SELECT load_id, row_count FROM shipment_loads") == [(2, 600)]
        assert w.engine.scalar("SELECT count(*) FROM shipments WHERE load_id = 1") == 0
        change = list_changes(w.engine, "shipments")[0]
    assert (change.action, change.object_id, change.replaced_by) == ("replace", 1, 2)
    assert change.detail["rows"] == 400 and change.changed_by
    invoke("trade", "resolve", "-w", ws)
    assert "firms by risk" in invoke("rank", "-w", ws)
    invoke("trade", "unload", "2", "--reason", "wrong month", "-w", ws)
    with Workspace(ws, read_only=True) as w:
        assert w.engine.scalar("SELECT count(*) FROM shipments") == 0
        assert list_changes(w.engine, "shipments")[-1].detail["reason"] == "wrong month"
    # Lists: a snapshot loaded under the wrong source is taken back; the previous is current.
    v1, v2 = demo_list_files()
    invoke("lists", "load", str(v1), "--source", "demo", "-w", ws)
    invoke("lists", "load", str(v2), "--source", "demo", "-w", ws)
    out = invoke("lists", "load", str(v1), "--source", "synthetic_list", "--replace", "-w", ws)
    assert "snapshot 4 of synthetic_list" in out
    invoke("lists", "unload", "3", "-w", ws)
    with Workspace(ws, read_only=True) as w:
        snaps = [r[0] for r in w.engine.query("SELECT snapshot_id FROM snapshots ORDER BY 1")]
        actions = [(c.action, c.object_id) for c in list_changes(w.engine, "list")]
    assert snaps == [2, 4] and actions == [("replace", 1), ("unload", 3)]
    assert fails("trade", "unload", "9", "-w", ws).startswith("error: no shipment load 9")


CYRILLIC = "ООО «Ромашка-Электроникс»"


def _declarations(path: Path, encoding: str, bad_line: int | None = None) -> Path:
    lines = ["date,exporter_name,importer_name,hs_code,value_usd,destination_country"]
    lines += [f"2023-0{1 + i % 9}-1{i % 9},Shenzhen Exporter {i} Ltd,{CYRILLIC} {i},"
              f"854231,{1000 + i},RU" for i in range(300)]
    data = ("\n".join(lines) + "\n").encode(encoding)
    if bad_line is not None:
        start = 0
        for _ in range(bad_line - 1):
            start = data.index(b"\n", start) + 1
        data = data[:start + 20] + b"\xff" + data[start + 20:]  # in the exporter name
    path.write_bytes(data)
    return path


def test_bytes_invalid_in_the_encoding_are_refused_or_warned_never_mojibake(
        tmp_path: Path) -> None:
    ws = str(tmp_path / "ws.duckdb")
    bad = _declarations(tmp_path / "utf8-one-bad-byte.csv", "utf-8", bad_line=120)
    message = fails("trade", "load", str(bad), "-w", ws)
    assert "line 120" in message and "not utf-8" in message and "--bad-bytes replace" in message
    out = invoke("trade", "load", str(bad), "--bad-bytes", "replace", "-w", ws)
    assert "300 shipments" in out and "1 field warnings" in out
    with Workspace(ws, read_only=True) as w:
        names = [r[0] for r in w.engine.query("SELECT importer_name FROM shipments")]
        warned = w.engine.query("SELECT line_no, warnings FROM shipments "
                                "WHERE warnings IS NOT NULL")
    assert sum(CYRILLIC in n for n in names) == 300  # not one turned into mojibake
    assert [line for line, _ in warned] == [120] and "U+FFFD" in warned[0][1]
    legacy = _declarations(tmp_path / "cp1251.csv", "cp1251")
    ws2 = str(tmp_path / "ws2.duckdb")
    invoke("trade", "load", str(legacy), "-w", ws2)
    with Workspace(ws2, read_only=True) as w:
        assert w.engine.scalar("SELECT count(*) FROM shipments WHERE importer_name LIKE ?",
                               [CYRILLIC + "%"]) == 300


def test_batch_delimiter_is_read_from_the_header(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws.duckdb")
    invoke("lists", "load", str(demo_list_files()[0]), "-w", ws)
    batch = tmp_path / "parties.csv"
    batch.write_text("qid,name,id\n1,Krylotronika | Instrument Works,INN:7704730655|"
                     "OGRN:1027700132195\n2,Alpha|Beta Trading,\n3,Plain Name LLC,\n",
                     encoding="utf-8")
    out = invoke("screen", "--input", str(batch), "--output", str(tmp_path / "out.csv"),
                 "-w", ws)
    assert "screened 3 parties" in out
    with (tmp_path / "out.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["qid"] for r in rows} == {"1", "2", "3"}
    assert any(r["name"] == "Krylotronika | Instrument Works" for r in rows)


def test_progress_is_plain_timestamped_lines_when_piped(tmp_path: Path) -> None:
    result = dibwatch("synth", str(tmp_path / "w"), "--shipments", "3000", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"\d\d:\d\d:\d\d generating world: started \(3,000 to do\)", lines[0])
    assert re.fullmatch(r"\d\d:\d\d:\d\d generating world: done in \d+\.\ds", lines[1])
    assert "\x1b" not in result.stdout


def test_control_characters_from_list_data_are_shown_escaped(tmp_path: Path) -> None:
    source = demo_list_files()[0].read_text(encoding="utf-8")
    evil = "Krylo\x1b[2J\x1b]0;owned\x07tronika [bold]x[/bold]"
    listed = tmp_path / "evil.csv"
    listed.write_text(source.replace("Krylotronika Instrument Works JSC", evil, 1),
                      encoding="utf-8")
    ws = str(tmp_path / "ws.duckdb")
    assert dibwatch("lists", "load", str(listed), "-w", ws, cwd=tmp_path).returncode == 0
    shown = dibwatch("lists", "show", "demo-0001", "-w", ws, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert "Krylo\\x1b[2J\\x1b]0;owned\\x07tronika [bold]x[/bold]" in shown.stdout


def test_ctrl_c_stores_nothing_from_the_file_and_says_so(tmp_path: Path,
                                                         world: WorldFiles) -> None:
    big = tmp_path / "big.csv"
    table = pq.read_table(world.shipments)
    with big.open("wb") as fh:
        pacsv.write_csv(table, fh)
        body = big.read_bytes().split(b"\n", 1)[1]
        for _ in range(150):  # ~225k lines: a few seconds of loading
            fh.write(body)
    ws = str(tmp_path / "ws.duckdb")
    proc = subprocess.Popen([sys.executable, "-m", "dibwatch", "trade", "load", str(big),
                             "-w", ws], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # plain progress: the load has started
    assert "loading big.csv: started" in line, line
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert f"interrupted: nothing from {big} was stored" in " ".join(err.split())
    assert "Traceback" not in err
    with Workspace(ws, read_only=True) as w:
        assert w.engine.scalar("SELECT count(*) FROM shipments") == 0
        assert w.engine.scalar("SELECT count(*) FROM shipment_loads") == 0


def test_a_workspace_moves_through_export_and_import(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws.duckdb")
    v1, v2 = demo_list_files()
    invoke("lists", "load", str(v1), "-w", ws)
    invoke("lists", "load", str(v2), "-w", ws)
    invoke("workspace", "export", str(tmp_path / "export"), "-w", ws)
    (tmp_path / "export").rename(tmp_path / "carried")  # as if copied to another machine
    moved = str(tmp_path / "moved.duckdb")
    invoke("workspace", "import", str(tmp_path / "carried"), "-w", moved)
    assert invoke("lists", "status", "-w", moved) .count("us_csl") == 2
    diff = invoke("lists", "diff", "us_csl", "-w", moved)
    assert "+3 added" in diff and "(loaded " in diff
    # Sequences carry over: the next snapshot gets the next id.
    assert "snapshot 3 of" in invoke("lists", "load", str(demo_list_files()[0]), "--source",
                                     "other", "-w", moved)
    assert "exists" in fails("workspace", "import", str(tmp_path / "carried"), "-w", moved)
    with Workspace(moved, read_only=True) as w:  # the read models came along, in order
        assert w.engine.scalar("SELECT count(*) FROM firm_counterparties") == 0
