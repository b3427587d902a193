"""Streaming readers for shipment files: CSV (any delimiter and encoding), Parquet, XLSX and
JSON lines, plain or gzipped where the format is text.

A reader exposes the ``header`` and yields :class:`RawRow` one at a time; nothing holds the
whole file. ``line`` is where the record starts in the file (1-based, header included) for CSV,
XLSX and JSON lines, and the 1-based record number for Parquet. A row whose shape is broken
(wrong field count, invalid JSON) is yielded with ``problem`` set, so it can be quarantined.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from dibwatch.errors import EncodingError, FormatError, Location, ParseError
from dibwatch.ingest import detect_delimiter
from dibwatch.ingest.files import check_gzip, check_parquet, check_zip, is_gzip, open_payload
from dibwatch.trade.validate import Raw

SAMPLE_BYTES = 1 << 16
JSON_HEADER_SAMPLE = 100  # JSON objects read to learn the columns of a JSON-lines file
csv.field_size_limit(16 * 1024**2)


@dataclass(slots=True)
class RawRow:
    line: int
    values: dict[str, Raw]
    problem: str | None = None
    warning: str | None = None  # kept, but something about the row is doubtful (bad bytes)


class TableReader(Protocol):
    format: str
    header: list[str]

    def rows(self) -> Iterator[RawRow]: ...

    def close(self) -> None: ...


def _is_gzip(path: Path) -> bool:
    return is_gzip(path)


def _open_binary(path: Path) -> IO[bytes]:
    # gzip inflates within the current limit: a bomb stops at the cap, not at its end.
    return open_payload(path)


def _samples(path: Path) -> list[bytes]:
    """The head, middle and tail of the payload: enough to tell UTF-8 from cp1251."""
    if _is_gzip(path):
        with gzip.open(path, "rb") as gz:
            return [gz.read(SAMPLE_BYTES)]
    size = path.stat().st_size
    out = []
    with path.open("rb") as fh:
        for offset in sorted({0, max(0, size // 2 - SAMPLE_BYTES // 2),
                              max(0, size - SAMPLE_BYTES)}):
            fh.seek(offset)
            chunk = fh.read(SAMPLE_BYTES)
            if offset:  # start at a character boundary
                chunk = chunk.lstrip(bytes(range(0x80, 0xC0)))
            out.append(chunk)
    return out


def _utf8_evidence(chunk: bytes) -> tuple[int, int]:
    """(non-ASCII characters that decode as UTF-8, bytes that do not) in ``chunk``; an
    incomplete sequence at the very end is not counted."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(chunk, final=False)
    bad = text.count("\ufffd")
    return sum(1 for ch in text if ord(ch) > 127) - bad, bad


# UTF-8 with a stray bad byte is still UTF-8: decoding it as cp1251 would turn every other
# Cyrillic name into mojibake. A cp1251 file has (almost) no valid multi-byte sequences.
UTF8_GOOD_PER_BAD = 10


def detect_encoding(samples: list[bytes]) -> str:
    """A BOM decides; then UTF-16 without BOM (NULs in alternate bytes); then UTF-8 when the
    samples decode as UTF-8, or nearly (a few bad bytes among many valid multi-byte
    characters: the reader then refuses them naming the line, or replaces them on request);
    otherwise cp1251, the encoding of Russian customs extracts."""
    head = samples[0]
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return enc
    probe = head[:2048]
    if len(probe) >= 4 and probe.count(0) >= len(probe) // 4:
        return "utf-16-le" if probe[1::2].count(0) > probe[0::2].count(0) else "utf-16-be"
    good = bad = 0
    for chunk in samples:
        g, b = _utf8_evidence(chunk)
        good, bad = good + g, bad + b
    if bad == 0 or good >= UTF8_GOOD_PER_BAD * bad:
        return "utf-8"
    return "cp1251"


def _bad_line(path: Path, encoding: str) -> int | None:
    """1-based line of the first byte that does not decode (error path only)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with _open_binary(path) as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return number
    return None


BAD_BYTES = ("refuse", "replace")


class CsvReader:
    format = "csv"

    def __init__(self, path: Path, *, encoding: str | None = None,
                 delimiter: str | None = None, bad_bytes: str = "refuse") -> None:
        if bad_bytes not in BAD_BYTES:
            raise ValueError(f"bad_bytes must be one of {BAD_BYTES}, got {bad_bytes!r}")
        self.path = path
        self.encoding = encoding or detect_encoding(_samples(path))
        self.replace_bad = bad_bytes == "replace"
        self._text = io.TextIOWrapper(_open_binary(path), encoding=self.encoding, newline="",
                                      errors="replace" if self.replace_bad else "strict")
        try:
            first = self._text.readline()
        except UnicodeDecodeError as exc:
            raise EncodingError(self._bad_bytes_message(exc), Location(str(path), 1)) from exc
        self._text.seek(0)
        self.delimiter = delimiter or detect_delimiter(first)
        self._reader = csv.reader(self._text, delimiter=self.delimiter)
        self._next_line = 1
        header = self._next_record()
        if header is None:
            raise ParseError("empty file: no header row", Location(str(path), 1))
        self.header = [h.strip().lstrip("\ufeff") for h in header[1]]

    def _next_record(self) -> tuple[int, list[str]] | None:
        line = self._next_line
        try:
            record = next(self._reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as exc:
            # The text layer decodes ahead in chunks; find the line that holds the bad byte.
            raise EncodingError(self._bad_bytes_message(exc),
                                Location(str(self.path), _bad_line(self.path, self.encoding)
                                         or line)) from exc
        except csv.Error as exc:
            raise ParseError(f"malformed CSV: {exc}", Location(str(self.path), line)) from exc
        self._next_line = self._reader.line_num + 1
        return line, record

    def _bad_bytes_message(self, exc: UnicodeDecodeError) -> str:
        return (f"bytes that are not {self.encoding} ({exc.reason}, byte "
                f"{exc.object[exc.start:exc.start + 1]!r}); nothing loaded. Load with "
                f"--bad-bytes replace to keep the rows with a warning on each, or give the "
                f"file's --encoding")

    def rows(self) -> Iterator[RawRow]:
        width = len(self.header)
        while (item := self._next_record()) is not None:
            line, record = item
            if not record or all(not f.strip() for f in record):
                continue
            doubt = (f"bytes not valid in {self.encoding} replaced with U+FFFD"
                     if self.replace_bad and any("\ufffd" in f for f in record) else None)
            if len(record) > width and not any(f.strip() for f in record[width:]):
                record = record[:width]  # trailing empty fields are common and harmless
            if len(record) != width:
                values: dict[str, Raw] = dict(zip(self.header, record, strict=False))
                if len(record) > width:
                    values["_extra_fields"] = json.dumps(record[width:], ensure_ascii=False)
                yield RawRow(line, values, f"{len(record)} fields where the header has {width}",
                             doubt)
                continue
            yield RawRow(line, dict(zip(self.header, record, strict=True)), None, doubt)

    def close(self) -> None:
        self._text.close()


class ParquetReader:
    format = "parquet"

    def __init__(self, path: Path, batch_size: int = 65_536) -> None:
        import pyarrow.parquet as pq

        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid / OSError variants
            raise FormatError(f"unreadable Parquet file: {exc}", Location(str(path))) from exc
        meta = self._file.metadata
        check_parquet(path, meta.num_rows, sum(meta.row_group(i).total_byte_size
                                               for i in range(meta.num_row_groups)))
        self.header = list(self._file.schema_arrow.names)
        self._batch_size = batch_size

    def rows(self) -> Iterator[RawRow]:
        n = 0
        for batch in self._file.iter_batches(batch_size=self._batch_size):
            for record in batch.to_pylist():
                n += 1
                yield RawRow(n, record)

    def close(self) -> None:
        self._file.close()


class XlsxReader:
    format = "xlsx"

    def __init__(self, path: Path) -> None:
        import openpyxl  # type: ignore[import-untyped]  # no stubs installed

        check_zip(path)
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile / KeyError / InvalidFileException variants
            raise FormatError(f"unreadable XLSX workbook: {exc}", Location(str(path))) from exc
        sheet = self._book.worksheets[0]
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        self.header = []
        for _, cells in self._rows:  # the header is the first non-empty row
            if any(c is not None and str(c).strip() for c in cells):
                header = ["" if c is None else str(c).strip() for c in cells]
                while header and not header[-1]:  # rows are padded to the sheet's width
                    header.pop()
                self.header = header
                break
        if not self.header:
            raise ParseError("empty sheet: no header row", Location(str(path), 1))

    def rows(self) -> Iterator[RawRow]:
        width = len(self.header)
        for line, cells in self._rows:
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            values: dict[str, Raw] = {}
            for name, cell in zip(self.header, cells[:width], strict=False):
                if name:
                    values[name] = cell
            extra = [c for c in cells[width:] if c is not None]
            if extra:
                values["_extra_fields"] = json.dumps(extra, default=str, ensure_ascii=False)
                yield RawRow(line, values, f"{width + len(extra)} cells where the header "
                                           f"has {width}")
                continue
            yield RawRow(line, values)

    def close(self) -> None:
        self._book.close()


class JsonLinesReader:
    format = "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._text = io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig")
        self._lines = enumerate(self._text, start=1)
        self._buffer: list[RawRow] = []
        seen: dict[str, None] = {}
        for row in self._parsed():
            self._buffer.append(row)
            if row.problem is None:
                seen.update(dict.fromkeys(row.values))
            if len(self._buffer) >= JSON_HEADER_SAMPLE:
                break
        self.header = list(seen)

    def _parsed(self) -> Iterator[RawRow]:
        try:
            for line, text in self._lines:
                if not text.strip():
                    continue
                try:
                    obj: Any = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield RawRow(line, {"_text": text[:2000]}, f"invalid JSON: {exc.msg}")
                    continue
                if not isinstance(obj, dict):
                    yield RawRow(line, {"_text": text[:2000]}, "a JSON line that is not an "
                                                               "object")
                    continue
                yield RawRow(line, {str(k): _scalar(v) for k, v in obj.items()})
        except UnicodeDecodeError as exc:
            raise EncodingError(f"JSON lines must be UTF-8: {exc.reason}",
                                Location(str(self.path))) from exc

    def rows(self) -> Iterator[RawRow]:
        yield from self._buffer
        self._buffer = []
        yield from self._parsed()

    def close(self) -> None:
        self._text.close()


def _scalar(value: Any) -> Raw:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False)


def detect_format(path: Path) -> str:
    """csv, parquet, xlsx or jsonl, from the content; the extension only breaks ties."""
    with _open_binary(path) as fh:
        head = fh.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")
    if stripped.startswith(b"{"):
        return "jsonl"
    suffixes = [s.lower() for s in path.suffixes]
    if ".jsonl" in suffixes or ".ndjson" in suffixes:
        return "jsonl"
    return "csv"


def open_reader(path: str | Path, fmt: str | None = None, *, encoding: str | None = None,
                bad_bytes: str = "refuse") -> TableReader:
    path = Path(path)
    if not path.is_file():
        raise FormatError("file not found", Location(str(path)))
    check_gzip(path)
    fmt = fmt or detect_format(path)
    readers: dict[str, type[CsvReader | ParquetReader | XlsxReader | JsonLinesReader]] = {
        "csv": CsvReader, "parquet": ParquetReader, "xlsx": XlsxReader,
        "jsonl": JsonLinesReader}
    if fmt not in readers:
        raise FormatError(f"unsupported format {fmt!r} (csv, parquet, xlsx, jsonl)",
                          Location(str(path)))
    if fmt == "csv":
        return CsvReader(path, encoding=encoding, bad_bytes=bad_bytes)
    return readers[fmt](path)
