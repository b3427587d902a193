"""Reading raw list files safely: compressed containers, encodings, CSV with line numbers.

Every failure becomes a :class:`~dibwatch.errors.InputError` subclass naming file and line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from dibwatch.errors import EncodingError, FormatError, Location, ParseError, UnsafeInputError
from dibwatch.lists.report import LoadReport

MAX_UNCOMPRESSED = 2 * 1024**3  # refuse archives that inflate beyond 2 GiB (zip bombs)
csv.field_size_limit(16 * 1024**2)


def read_bytes(path: Path, member: str | None = None) -> bytes:
    """The payload of ``path``; gzip and zip are opened transparently (one member, or ``member``).

    Truncated or corrupt archives raise FormatError naming the file.
    """
    name = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as gz:
                data = gz.read(MAX_UNCOMPRESSED + 1)
            if len(data) > MAX_UNCOMPRESSED:
                raise UnsafeInputError("gzip payload larger than 2 GiB", Location(name))
            return data
        if head[:4] == b"PK\x03\x04":
            return _read_zip(path, member)
        return path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zipfile.BadZipFile, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise FormatError("file not found", Location(name)) from exc
        raise FormatError(f"corrupt or truncated archive: {exc}", Location(name)) from exc


def _read_zip(path: Path, member: str | None) -> bytes:
    name = str(path)
    with zipfile.ZipFile(path) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if member is not None:
            infos = [i for i in infos if i.filename.lower().endswith(member.lower())]
        if len(infos) != 1:
            names = ", ".join(i.filename for i in zf.infolist()) or "nothing"
            raise FormatError(f"expected one data file in the zip, found: {names}",
                              Location(name))
        info = infos[0]
        if info.file_size > MAX_UNCOMPRESSED:
            raise UnsafeInputError("zip member larger than 2 GiB",
                                   Location(name, element=info.filename))
        with zf.open(info) as fh:
            data = fh.read(MAX_UNCOMPRESSED + 1)
        if len(data) > MAX_UNCOMPRESSED:
            raise UnsafeInputError("zip member inflates beyond 2 GiB", Location(name))
        return data


def decode(data: bytes, file: str, report: LoadReport | None = None,
           fallback: str | None = None) -> str:
    """Decode list bytes: a BOM decides (UTF-8/UTF-16/UTF-32); otherwise strict UTF-8; when
    that fails and the source is known to publish legacy bytes, ``fallback`` (e.g. cp1252) is
    used and a warning is recorded. Otherwise EncodingError names the line of the first bad byte.
    """
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"invalid {enc} data: {exc.reason}",
                                    Location(file, _line_of(data, exc.start))) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        if fallback is None:
            raise EncodingError(
                f"bytes that are not UTF-8 ({data[exc.start:exc.start + 4]!r}): {exc.reason}",
                Location(file, line)) from exc
        text = data.decode(fallback, errors="replace")
        if report is not None:
            report.warn(f"file is not UTF-8; decoded as {fallback}", line=line, file=file)
        return text


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def csv_rows(text: str, file: str, *, delimiter: str = ",",
             quotechar: str | None = '"') -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each CSV record; the line is where the record starts.

    Records may span lines (quoted newlines). A malformed record raises ParseError.
    """
    # A trailing DOS EOF (0x1A) appears at the end of OFAC's legacy files.
    text = text.rstrip("\x1a")
    buf = io.StringIO(text, newline="")
    reader = csv.reader(buf, delimiter=delimiter, quotechar=quotechar,
                        quoting=csv.QUOTE_MINIMAL if quotechar else csv.QUOTE_NONE, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ParseError(f"malformed CSV: {exc}", Location(file, start)) from exc
        line = start
        start = reader.line_num + 1
        if "\x00" in "".join(row):
            raise ParseError("NUL byte in CSV field", Location(file, line))
        if not row or all(not f.strip() for f in row):
            continue
        yield line, row


def csv_dicts(text: str, file: str, *, delimiter: str = ",",
              required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Header-keyed rows. A repeated header line (trade.gov's 2023 CSL) is skipped; rows with
    the wrong number of fields raise ParseError naming the line."""
    rows = csv_rows(text, file, delimiter=delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ParseError("empty file: no header row", Location(file, 1)) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [r for r in required if r not in header]
    if missing:
        raise FormatError(f"missing columns: {', '.join(missing)}", Location(file, 1))
    for line, row in rows:
        if [f.strip() for f in row] == header:
            continue
        if len(row) != len(header):
            # Trailing empty fields are common; anything else is a broken row.
            if len(row) > len(header) and not any(f.strip() for f in row[len(header):]):
                row = row[: len(header)]
            else:
                raise ParseError(
                    f"{len(row)} fields where the header has {len(header)}", Location(file, line))
        yield line, dict(zip(header, row, strict=True))
