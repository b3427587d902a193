"""Bounded inputs: decompression bombs, a zip of 100k members, Parquet of 2M rows in 9 kB,
XML whose DOCTYPE hides from a byte scan, NUL bytes in trade names, a 15 MB one-entity list.

Each reproduces a row of the hardening issue (#12, rows 2–4, 10, 13) and shows the refusal.
"""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dibwatch.demo import demo_list_files
from dibwatch.errors import FormatError, TooLargeError, UnsafeInputError
from dibwatch.ingest.files import InflateLimit, inflate_limit, read_bytes
from dibwatch.lists.loader import MAX_NAME_CHARS, load_list
from dibwatch.match.batch import read_parties
from dibwatch.match.index import build_index
from dibwatch.model.entity import MAX_NAMES
from dibwatch.trade import store as trade_store
from dibwatch.trade.loader import load_shipments
from dibwatch.trade.readers import open_reader
from dibwatch.workspace import Workspace

GiB = 1024**3
MiB = 1024**2


def gzip_bomb(path: Path, head: bytes, body_line: bytes, payload: int = GiB) -> Path:
    """``head`` then ``body_line`` repeated to ``payload`` bytes, as a multi-member gzip
    (one 1 MiB member compressed once, repeated): ~1 MB on disk, written in a blink."""
    block = body_line * (MiB // len(body_line))
    member = gzip.compress(block, compresslevel=9)
    with path.open("wb") as fh:
        fh.write(gzip.compress(head))
        for _ in range(payload // len(block)):
            fh.write(member)
    return path


def _csl_header() -> bytes:
    with demo_list_files()[0].open(encoding="utf-8") as fh:
        return fh.readline().encode()


# Runs the command line and reports its own peak RSS on the way out (even on sys.exit).
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child of a large pytest
# process would report the parent's size.
_WRAPPER = ("import atexit, re, sys\n"
            "def hwm():\n"
            "    text = open('/proc/self/status').read()\n"
            "    return int(re.search(r'VmHWM:\\s+(\\d+)', text).group(1))\n"
            "atexit.register(lambda: sys.stderr.write(f'\\nMAXRSS {hwm()}\\n'))\n"
            "sys.argv = ['dibwatch', *sys.argv[1:]]\n"
            "from dibwatch.cli import main\nmain()\n")


def _run_cli(args: list[str]) -> tuple[int, str, float, int]:
    """(exit code, stderr, seconds, peak RSS in MB) of ``dibwatch ARGS`` in a child."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True,
                          text=True, timeout=300)
    seconds = time.perf_counter() - started
    rss = int(proc.stderr.rsplit("MAXRSS", 1)[1].split()[0]) // 1024
    return proc.returncode, " ".join(proc.stderr.split()), seconds, rss  # unwrap rich


def test_list_gzip_bomb_is_refused_by_the_cli(tmp_path: Path) -> None:
    """Row 4: `lists load` of a 1 MB gzip holding 1 GiB took 123 s and 5.5 GB."""
    bomb = gzip_bomb(tmp_path / "bomb.csv.gz", _csl_header(), b"\0" * 4096)
    assert bomb.stat().st_size < 2 * MiB
    code, err, seconds, rss = _run_cli(["lists", "load", str(bomb), "--format", "csl_csv",
                                        "--workspace", str(tmp_path / "ws.duckdb")])
    assert code == 2, err
    assert "decompression bomb" in err and "bomb.csv.gz" in err and "Traceback" not in err
    assert rss < 1024, f"peak RSS {rss} MB"
    assert seconds < 60


def test_trade_gzip_bomb_is_refused_before_a_row_is_read(tmp_path: Path) -> None:
    """Row 4: `trade load` of a gzip bomb ran 236 s."""
    bomb = gzip_bomb(tmp_path / "ship.csv.gz",
                     b"date,exporter_name,importer_name,hs_code,value_usd\n",
                     b"2023-01-01,A,B,854231,1\n")
    code, err, seconds, rss = _run_cli(["trade", "load", str(bomb),
                                        "--workspace", str(tmp_path / "ws.duckdb")])
    assert code == 2, err
    assert "decompression bomb" in err and "Traceback" not in err
    assert rss < 1024 and seconds < 60
    with pytest.raises(TooLargeError):
        open_reader(bomb)


def test_the_cli_flag_raises_the_cap(tmp_path: Path) -> None:
    """A genuine file inflating past the default cap loads with --max-inflated-mb."""
    payload = gzip_bomb(tmp_path / "big.gz", b"", b"a", payload=96 * MiB)
    with pytest.raises(TooLargeError):
        read_bytes(payload)  # 96 MiB from ~100 kB: over 100x and over the 64 MiB floor
    with inflate_limit(InflateLimit.flat(128)):
        assert len(read_bytes(payload)) == 96 * MiB
    with inflate_limit(InflateLimit.flat(1)), pytest.raises(TooLargeError):
        read_bytes(payload)


def test_the_real_gzipped_list_loads_under_the_default(
        shared: Callable[[str], Path]) -> None:
    path = shared("sanctions/us_csl_2022-05/consolidated.csv.gz")
    assert len(read_bytes(path)) > 5 * MiB  # inflates 4x: far inside the default


def test_a_zip_of_100k_members_gives_a_short_error(tmp_path: Path) -> None:
    """Row 13: the error named all 100,000 members (a 5.4 MB body)."""
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(100_000):
            zf.writestr(f"member-{i:06d}.csv", b"")
    with pytest.raises(FormatError) as err:
        read_bytes(path)
    message = str(err.value)
    assert len(message) < 1000
    assert "100,000" in message and "member-000000.csv" in message and "more" in message


def test_an_xlsx_bomb_is_refused_before_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b" " * MiB
            for _ in range(200):
                fh.write(block)
    assert path.stat().st_size < MiB
    with pytest.raises(TooLargeError):
        open_reader(path)


def _parquet_2m(path: Path) -> Path:
    names = pa.DictionaryArray.from_arrays(pa.array([0] * 2_000_000, pa.int32()),
                                           pa.array(["Krylotronika Instrument Works"]))
    pq.write_table(pa.table({"name": names}), path, compression="zstd")
    return path


def test_a_9kb_parquet_of_2m_rows_is_refused_by_the_row_cap(tmp_path: Path) -> None:
    """Row 3: accepted, then 2.7 min and 4.7 GB."""
    path = _parquet_2m(tmp_path / "parties.parquet")
    assert path.stat().st_size < 64 * 1024
    started = time.perf_counter()
    with pytest.raises(TooLargeError) as err:
        read_parties(path, max_rows=100_000)
    assert "2,000,000 rows" in str(err.value) and "100,000" in str(err.value)
    assert time.perf_counter() - started < 5  # refused from the metadata, nothing read
    csv_path = tmp_path / "parties.csv"
    csv_path.write_text("name\n" + "Acme\n" * 11, encoding="utf-8")
    with pytest.raises(TooLargeError):
        read_parties(csv_path, max_rows=10)
    assert len(read_parties(csv_path, max_rows=11)) == 11


XML_ENTITY = '<!DOCTYPE r [<!ENTITY e "boom">]>\n'


@pytest.mark.parametrize("kind", ["late", "utf16"])
def test_un_xml_doctype_hidden_from_the_byte_scan_is_refused(tmp_path: Path,
                                                             kind: str) -> None:
    """Row 10: a DOCTYPE after a 70 KB comment, or in UTF-16, loaded (entities literal)."""
    body = ("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>"
            "<FIRST_NAME>&e;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>")
    if kind == "late":
        data = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!--' + b"x" * 70_000 + b"-->\n"
                + XML_ENTITY.encode() + body.encode())
    else:
        data = ('<?xml version="1.0" encoding="UTF-16"?>\n' + XML_ENTITY + body
                ).encode("utf-16")
    path = tmp_path / f"un-{kind}.xml"
    path.write_bytes(data)
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(UnsafeInputError) as err:
        load_list(ws, path, fmt="un_xml")
    assert "DOCTYPE" in str(err.value)


def test_nul_bytes_in_trade_names_are_quarantined(tmp_path: Path) -> None:
    """Row 13: NUL bytes were kept in trade CSV names (the list CSV reader refuses them)."""
    path = tmp_path / "ship.csv"
    path.write_text("date,exporter_name,importer_name,hs_code,value_usd\n"
                    "2023-01-02,Acme\x00 Ltd,Beta LLC,854231,10\n"
                    "2023-01-03,Acme Ltd,Beta LLC,854231,12\n", encoding="utf-8")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        result = load_shipments(ws, path, mapping="canonical")
        assert result.load.row_count == 1 and result.load.quarantined_count == 1
        names = [r[0] for r in ws.engine.query("SELECT exporter_name FROM shipments")]
        assert names == ["Acme Ltd"]
        (q,) = trade_store.quarantined(ws.engine, result.load.load_id, 10)
        assert q.line_no == 2 and "NUL byte" in q.reason


def _one_entity_list(path: Path, name: str, aliases: str) -> Path:
    with demo_list_files()[0].open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    row = dict(zip(rows[0], rows[1], strict=True))
    row.update({"_id": "big-1", "name": name, "alt_names": aliases})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(rows[0])
        writer.writerow([row[c] for c in rows[0]])
    return path


def test_a_15mb_one_entity_list_is_cut_with_warnings(tmp_path: Path) -> None:
    """Row 13: one 15 MB entity made the index build take 46 s and 2.2 GB."""
    words = " ".join(f"w{i:07d}" for i in range(1_700_000))  # 15 MB of distinct tokens
    aliases = "; ".join(f"alias number {i}" for i in range(5_000))
    path = _one_entity_list(tmp_path / "big.csv", words, aliases)
    assert path.stat().st_size > 15_000_000
    with Workspace(tmp_path / "ws.duckdb") as ws:
        result = load_list(ws, path)
        names = ws.engine.query("SELECT length(name) FROM names")
        assert len(names) == MAX_NAMES
        assert max(n for (n,) in names) == MAX_NAME_CHARS
        messages = [i.message for i in result.report.issues]
        assert any(f"more than {MAX_NAMES:,} names" in m for m in messages)
        assert any(f"cut to {MAX_NAME_CHARS:,}" in m for m in messages)
        state = build_index(ws.engine)
        assert state.name_count <= MAX_NAMES
