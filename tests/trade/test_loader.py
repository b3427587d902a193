"""load_shipments: each built-in mapping on its fixture, quarantine, idempotence, atomicity,
SIGKILL, streaming, and the CLI."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dibwatch.cli.trade import app as trade_app
from dibwatch.errors import EncodingError, ParseError
from dibwatch.trade import convert, load_shipments, store
from dibwatch.workspace import Workspace

FIXTURES = Path(__file__).parent.parent / "fixtures" / "trade"
TABLES = ("shipments", "shipment_quarantine", "shipment_loads")


def _counts(ws: Workspace) -> dict[str, int]:
    return {t: int(ws.engine.scalar(f"SELECT count(*) FROM {t}")) for t in TABLES}


def _rows(ws: Workspace, load_id: int) -> dict[int, dict[str, Any]]:
    return {r["line_no"]: r for r in store.shipments(ws.engine, load_id)}


def _problems(ws: Workspace, load_id: int) -> list[tuple[int, str | None, str]]:
    return [(q.line_no, q.field, q.reason) for q in store.quarantined(ws.engine, load_id, 100)]


def test_ru_customs_cp1251_semicolons_decimal_commas(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        result = load_shipments(ws, FIXTURES / "ru_customs_extract.csv")
        load = result.load
        assert (load.mapping, load.row_count, load.quarantined_count, load.warning_count) == (
            "ru_customs", 5, 3, 2)
        assert result.missing_fields == [] and result.unused_columns == []
        rows = _rows(ws, load.load_id)
        problems = _problems(ws, load.load_id)
    assert sorted(rows) == [2, 3, 4, 9, 10]  # line 4-5 is one record with a quoted newline
    first = rows[2]
    assert {k: first[k] for k in (
        "declaration_id", "item_no", "date", "direction", "hs_code", "quantity", "unit",
        "net_kg", "value_usd", "exporter_country", "importer_id", "contract_holder_id",
        "origin_country", "dispatch_country", "trading_country", "destination_country")} == {
        "declaration_id": "10702010/150323/0012345", "item_no": 1, "date": date(2023, 3, 15),
        "direction": "IM", "hs_code": "8542310000", "quantity": 10000.0, "unit": "pcs",
        "net_kg": 1234.5, "value_usd": 24871.35, "exporter_country": "HK",
        "importer_id": "INN:7760181590", "contract_holder_id": "INN:7730166139",
        "origin_country": "CN", "dispatch_country": "HK", "trading_country": "HK",
        "destination_country": "RU"}
    assert first["importer_name"] == "ООО «Ромашка-Электро»"
    assert json.loads(first["extra"]) == {"G16": "КИТАЙ", "G42": "25 000,00", "G012": "40"}
    assert rows[3]["hs_code"] == "8542399000" and rows[3]["net_kg"] == 0.75
    assert rows[3]["exporter_country"] == "HK"  # "Hong Kong"
    assert rows[4]["description"] == "Станок токарный с ЧПУ, модель вымышленная"
    assert rows[4]["exporter_country"] == "KZ"  # "Казахстан"
    assert rows[9]["exporter_country"] is None
    assert json.loads(rows[9]["warnings"]) == {
        "exporter_country": "unknown country 'Нарния'",
        "importer_id": "INN:7760308247 fails its check digit"}
    assert (rows[10]["direction"], rows[10]["unit"], rows[10]["quantity"]) == ("EX", "t", 25.0)
    assert problems == [
        (6, "date", "impossible date '31.02.2023'"),
        (6, "declaration_id", "impossible date '31.02.2023'"),
        (7, "net_kg", "not a number: '1,2,3'"),
        (8, None, "no party: exporter, importer and contract holder are all empty"),
    ]


def test_quarantine_keeps_the_raw_row(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        load_id = load_shipments(ws, FIXTURES / "ru_customs_extract.csv").load.load_id
        raw = store.quarantined(ws.engine, load_id, 1)[0].raw_row
    assert json.loads(raw)["G072"] == "31.02.2023"


def test_bill_of_lading_csv_and_xlsx(tmp_path: Path) -> None:
    source = FIXTURES / "bill_of_lading.csv"
    xlsx = tmp_path / "bol.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    with source.open(encoding="utf-8", newline="") as fh:
        for record in csv.reader(fh):
            sheet.append(record)
    book.save(xlsx)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        for path in (source, xlsx):
            load = load_shipments(ws, path).load
            assert (load.mapping, load.row_count, load.quarantined_count) == (
                "bill_of_lading", 2, 1)
            rows = _rows(ws, load.load_id)
            assert _problems(ws, load.load_id) == [(4, "date", "impossible date '2023-13-01'")]
            assert rows[2]["exporter_name"] == "SHENZHEN BRIGHTWAVE ELECTRONICS CO., LTD."
            assert (rows[2]["net_kg"], rows[2]["value_usd"], rows[2]["importer_country"]) == (
                1450.5, 125000.0, "TM")
            assert rows[3]["date"] == date(2023, 4, 13)  # US month-first in the mapping
            assert (rows[3]["hs_code"], rows[3]["value_usd"]) == ("847150", 96400.0)
            assert rows[2]["contract_holder_name"] is None  # the notify party is not promoted
            assert json.loads(rows[2]["extra"])["notify_party"] == "OASIS FORWARDING FZE"


def test_canonical_jsonl_and_parquet(tmp_path: Path) -> None:
    source = FIXTURES / "canonical.jsonl"
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    parquet = tmp_path / "canonical.parquet"
    columns = sorted({k for r in records for k in r})
    pq.write_table(pa.table({c: [None if r.get(c) is None else str(r[c]) for r in records]
                             for c in columns}), parquet)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        for path in (source, parquet):
            load = load_shipments(ws, path, mapping="canonical").load
            assert (load.row_count, load.quarantined_count) == (2, 2)
            rows = _rows(ws, load.load_id)
            assert (rows[1]["exporter_country"], rows[1]["importer_country"]) == ("CN", "RU")
            assert rows[1]["hs_code"] == "854231"
            assert rows[1]["exporter_id"] == "USCC:91440300FAKE00001"
            assert rows[2]["hs_code"] == "8458110000"
            assert _problems(ws, load.load_id) == [
                (3, "date", "unparsable date 'not a date'"),
                (4, "item_no", "not a number: 'two'"),
            ]


def test_cyrillic_headers(tmp_path: Path) -> None:
    path = tmp_path / "ru.csv"
    path.write_text("Дата ДТ;Код ТН ВЭД;Получатель;ИНН получателя;Вес нетто\n"
                    "01.02.2024;8542 31;ООО «Вымысел»;7760913902;12,5\n", encoding="utf-8-sig")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        load = load_shipments(ws, path).load
        row = _rows(ws, load.load_id)[2]
    assert load.mapping == "ru_customs"
    assert (row["date"], row["hs_code"], row["importer_id"], row["net_kg"]) == (
        date(2024, 2, 1), "854231", "INN:7760913902", 12.5)


def test_same_bytes_twice_is_a_noop(tmp_path: Path) -> None:
    path = FIXTURES / "ru_customs_extract.csv"
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())
    with Workspace(tmp_path / "ws.duckdb") as ws:
        first = load_shipments(ws, path)
        before = _counts(ws)
        again = load_shipments(ws, copy, source_name="other")
        assert first.created and not again.created
        assert again.load.load_id == first.load.load_id
        assert _counts(ws) == before == {"shipments": 5, "shipment_quarantine": 4,
                                         "shipment_loads": 1}


def _canonical_csv(path: Path, n: int, *, bad_at: int | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "hs_code", "exporter_name", "importer_name", "value_usd",
                         "description"])
        for i in range(n):
            writer.writerow([f"2023-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "854231",
                             f"Fictional Exporter {i % 500} Ltd", f"OOO Fiktiv {i % 300}",
                             f"{i * 1.25:.2f}", f"integrated circuits, fictional lot {i:07d} "
                             "made up for the dibwatch streaming test"])
    if bad_at is not None:
        lines = path.read_bytes().splitlines(keepends=True)
        lines[bad_at] = b"2023-01-01,\xff\xfe broken bytes\n"
        path.write_bytes(b"".join(lines))
    return path


def test_error_mid_file_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = convert.convert_batch

    def failing(*args: Any) -> convert.Batch:
        calls["n"] += 1
        if calls["n"] == 3:  # two batches already inserted in the open transaction
            raise RuntimeError("disk on fire")
        return real(*args)

    with Workspace(tmp_path / "ws.duckdb") as ws:
        load_shipments(ws, FIXTURES / "bill_of_lading.csv")
        before = _counts(ws)
        monkeypatch.setattr("dibwatch.trade.loader.convert_batch", failing)
        with pytest.raises(RuntimeError, match="disk on fire"):
            load_shipments(ws, _canonical_csv(tmp_path / "big.csv", 500), batch_rows=100)
        assert _counts(ws) == before
        # A byte that is not UTF-8 where the encoding probe did not look (head, middle, tail
        # of a ~600 kB file): EncodingError naming the line, and nothing kept.
        monkeypatch.setattr("dibwatch.trade.loader.convert_batch", real)
        bad = _canonical_csv(tmp_path / "bad.csv", 5000, bad_at=1000)
        with pytest.raises(EncodingError) as info:
            load_shipments(ws, bad, batch_rows=100)
        assert info.value.location is not None and info.value.location.line == 1001
        assert _counts(ws) == before


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("date,exporter_name,importer_name,hs_code\n", encoding="utf-8")
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(ParseError, match="no data"):
        load_shipments(ws, path)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        assert _counts(ws) == {"shipments": 0, "shipment_quarantine": 0, "shipment_loads": 0}


_KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from dibwatch.trade import loader
    from dibwatch.workspace import Workspace
    ws = Workspace(sys.argv[1])
    def progress(n):
        if n >= 2000:
            print("MIDLOAD", flush=True)
            time.sleep(120)
    loader.load_shipments(ws, sys.argv[2], progress=progress, batch_rows=500)
""")


def test_sigkill_mid_load_keeps_previous_loads(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    with Workspace(db) as ws:
        load_shipments(ws, FIXTURES / "ru_customs_extract.csv")
        before = _counts(ws)
    big = _canonical_csv(tmp_path / "big.csv", 5000)
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(db), str(big)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "MIDLOAD", "the loader never reached mid-load"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Workspace(db) as ws:
        assert _counts(ws) == before
        result = load_shipments(ws, big)  # and the workspace still takes the load
        assert result.created and result.load.row_count == 5000


def _traced_peak(ws: Workspace, path: Path) -> int:
    tracemalloc.start()
    try:
        load = load_shipments(ws, path, batch_rows=5_000).load
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert load.row_count > 0
    return int(peak)


@pytest.mark.slow
def test_streaming_memory_stays_flat(tmp_path: Path) -> None:
    """Python-side memory (DuckDB's own buffers are not traced) is a batch, not the file: a
    file five times larger loads within the same peak. tracemalloc slows Python several
    times over, so the files are kept to what proves the point."""
    small = _canonical_csv(tmp_path / "small.csv", 20_000)
    large = _canonical_csv(tmp_path / "large.csv", 100_000)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        # Untraced first: lookup tables and caches that load once per process.
        load_shipments(ws, _canonical_csv(tmp_path / "warm.csv", 1_000))
        small_peak = _traced_peak(ws, small)
        large_peak = _traced_peak(ws, large)
    assert large_peak < 1.5 * small_peak, (
        f"peak {large_peak / 1e6:.1f} MB for 100k rows vs {small_peak / 1e6:.1f} MB for 20k")


def test_cli_load_and_status(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = str(tmp_path / "ws.duckdb")
    result = runner.invoke(trade_app, ["load", str(FIXTURES / "ru_customs_extract.csv"),
                                       "--workspace", ws])
    assert result.exit_code == 0, result.output
    assert "5 shipments" in result.output and "3 quarantined" in result.output
    assert "impossible" in result.output and "31.02.2023" in result.output  # table wraps
    again = runner.invoke(trade_app, ["load", str(FIXTURES / "ru_customs_extract.csv"),
                                      "--workspace", ws])
    assert "unchanged" in again.output
    status = runner.invoke(trade_app, ["status", "--workspace", ws], env={"COLUMNS": "200"})
    assert status.exit_code == 0
    assert "│  1 │ ru_customs_extract.csv │ ru_customs │" in status.output


def test_lines_are_classified_as_they_load(tmp_path: Path) -> None:
    """Each loaded line gets its goods classification in the same load (CHPL tier from the
    declared HS code, inferred from the Russian description)."""
    from dibwatch.workspace import Workspace as _Workspace

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "trade" / "ru_customs_extract.csv"
    with _Workspace(tmp_path / "ws.duckdb") as ws:
        result = load_shipments(ws, fixture)
        rows = ws.engine.query(
            "SELECT s.hs_code, c.hs6, c.chpl_tier, c.inferred_tier FROM shipments s "
            "JOIN shipment_classes c USING (load_id, line_no) WHERE s.load_id = ? "
            "ORDER BY s.line_no", [result.load.load_id])
        classified = ws.engine.scalar("SELECT count(*) FROM shipment_classes")
    assert classified == result.load.row_count
    by_hs = {r[1]: r for r in rows}
    assert by_hs["854231"][2] == "1"  # processors: CHPL tier 1
    assert by_hs["845811"][2] == "4.B"  # CNC lathe: tier 4.B
