"""Readers: encodings, delimiters, line numbers, and every file format."""

from __future__ import annotations

import codecs
import gzip
import json
from datetime import datetime
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dibwatch.errors import EncodingError, FormatError
from dibwatch.ingest import detect_delimiter
from dibwatch.trade.readers import detect_format, open_reader

TEXT = "Имя;Страна\n\"ООО «Ромашка»\";Россия\n\"Line\nbreak\";CN\n"

ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("cp1251", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-le", b""),
    ("utf-16-be", b""),
]


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_csv_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(bom + TEXT.encode(encoding))
    reader = open_reader(path)
    assert reader.header == ["Имя", "Страна"]
    rows = list(reader.rows())
    reader.close()
    assert [(r.line, r.values) for r in rows] == [
        (2, {"Имя": "ООО «Ромашка»", "Страна": "Россия"}),
        (3, {"Имя": "Line\nbreak", "Страна": "CN"}),
    ]


@pytest.mark.parametrize(("line", "expected"), [
    ("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("a|b|c", "|"),
    ('"x,y";b;c', ";"), ("single", ","),
])
def test_detect_delimiter(line: str, expected: str) -> None:
    assert detect_delimiter(line) == expected


def test_field_count_problems_keep_their_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n\n3\n4,5,6\n7,8,,\n", encoding="utf-8")
    reader = open_reader(path)
    rows = [(r.line, r.problem) for r in reader.rows()]
    assert rows == [(2, None), (4, "1 fields where the header has 2"),
                    (5, "3 fields where the header has 2"), (6, None)]


def test_bytes_outside_utf8_later_in_file_fall_back_to_cp1251(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    ascii_part = "a;b\n" + "x;y\n" * 50_000
    path.write_bytes(ascii_part.encode() + "ООО;Тест\n".encode("cp1251"))
    reader = open_reader(path)
    assert list(reader.rows())[-1].values == {"a": "ООО", "b": "Тест"}


def test_gzipped_csv(tmp_path: Path) -> None:
    path = tmp_path / "f.csv.gz"
    path.write_bytes(gzip.compress(TEXT.encode("utf-8")))
    reader = open_reader(path)
    assert [r.line for r in reader.rows()] == [2, 3]


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"a": ["x", None, "z"], "n": [1.5, 2.0, None]}), path)
    assert detect_format(path) == "parquet"
    reader = open_reader(path)
    assert reader.header == ["a", "n"]
    assert [(r.line, r.values) for r in reader.rows()] == [
        (1, {"a": "x", "n": 1.5}), (2, {"a": None, "n": 2.0}), (3, {"a": "z", "n": None})]


def test_xlsx_header_after_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["date", "name"])
    sheet.append([datetime(2023, 3, 15), "Fictional Co"])
    sheet.append([None, None])
    sheet.append(["2023-03-16", "Other Co", "stray"])
    book.save(path)
    assert detect_format(path) == "xlsx"
    reader = open_reader(path)
    assert reader.header == ["date", "name"]
    rows = list(reader.rows())
    reader.close()
    assert (rows[0].line, rows[0].values) == (3, {"date": datetime(2023, 3, 15),
                                                  "name": "Fictional Co"})
    assert (rows[1].line, rows[1].problem) == (5, "3 cells where the header has 2")


def test_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    lines = [json.dumps({"a": 1}), "", "{broken", json.dumps([1, 2]),
             json.dumps({"a": 2, "b": {"nested": True}})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert detect_format(path) == "jsonl"
    reader = open_reader(path)
    assert reader.header == ["a", "b"]
    rows = [(r.line, r.values, r.problem) for r in reader.rows()]
    assert rows[0] == (1, {"a": 1}, None)
    assert rows[1][0] == 3 and rows[1][2] is not None and rows[1][2].startswith("invalid JSON")
    assert rows[2][0] == 4 and rows[2][2] == "a JSON line that is not an object"
    assert rows[3] == (5, {"a": 2, "b": '{"nested": true}'}, None)


def test_broken_utf16_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(EncodingError, match=r"f\.csv"):
        list(open_reader(path).rows())


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="file not found"):
        open_reader(tmp_path / "nope.csv")
