"""Reading raw list files safely: compressed containers, encodings, CSV with line numbers.

Every failure becomes a :class:`~dibwatch.errors.InputError` subclass naming file and line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from dibwatch.errors import (
    ConfigError,
    EncodingError,
    FormatError,
    Location,
    ParseError,
    TooLargeError,
)
from dibwatch.ingest.report import LoadReport

csv.field_size_limit(16 * 1024**2)
CHUNK = 1 << 20
ZIP_NAMES_SHOWN = 10  # an error about a zip names this many of its members, then counts


@dataclass(frozen=True)
class InflateLimit:
    """How far a compressed input may inflate, so a small bomb cannot take minutes and
    gigabytes: at most ``ratio`` times the compressed file's size (but ``floor`` bytes are
    always allowed: small files of very repetitive text are genuine), never over
    ``max_bytes``. Real list and trade files inflate 3 to 20 times."""

    max_bytes: int = 2 * 1024**3
    ratio: float = 100.0
    floor: int = 64 * 1024**2

    def allowed(self, compressed_bytes: int) -> int:
        return int(min(self.max_bytes, max(self.floor, self.ratio * compressed_bytes)))

    @classmethod
    def flat(cls, max_mb: float | None) -> InflateLimit:
        """``max_mb`` MiB whatever the ratio (the command line's ``--max-inflated-mb``: the
        user vouches for the file); None: the default limit."""
        if max_mb is None:
            return DEFAULT_LIMIT
        if not 0 < max_mb < 1 << 30:
            raise ConfigError(f"--max-inflated-mb must be a positive number of MiB, "
                              f"not {max_mb}")
        cap = int(max_mb * 1024**2)
        return cls(cap, float("inf"), cap)


DEFAULT_LIMIT = InflateLimit()
_LIMIT: ContextVar[InflateLimit] = ContextVar("dibwatch_inflate_limit", default=DEFAULT_LIMIT)


def current_limit() -> InflateLimit:
    return _LIMIT.get()


@contextmanager
def inflate_limit(limit: InflateLimit) -> Iterator[InflateLimit]:
    """Apply ``limit`` to every decompression in this thread (or task) for the block: the
    web app sets its own, tied to the upload limit; the command line raises it on request."""
    token = _LIMIT.set(limit)
    try:
        yield limit
    finally:
        _LIMIT.reset(token)


def _too_large(what: str, allowed: int, compressed: int, location: Location) -> TooLargeError:
    limit = current_limit()
    rule = (f"{limit.ratio:g}x the compressed size, at most {limit.max_bytes:,} bytes"
            if limit.ratio != float("inf") else f"{limit.max_bytes:,} bytes")
    return TooLargeError(
        f"{what} inflates beyond {allowed:,} bytes from {compressed:,} compressed (limit: "
        f"{rule}); refused as a decompression bomb. For a genuine file, raise the limit "
        f"(--max-inflated-mb)", location)


class _Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class BoundedReader(io.RawIOBase):
    """A binary stream over a decompressing stream that raises :class:`TooLargeError` once
    more than ``allowed`` bytes came out: streaming readers stop at the cap, not at the end
    of a bomb."""

    def __init__(self, inner: _Source, allowed: int, compressed: int, location: Location,
                 what: str = "gzip payload") -> None:
        self._inner = inner
        self._allowed = allowed
        self._compressed = compressed
        self._location = location
        self._what = what
        self.count = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return hasattr(self._inner, "seek")

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        # GzipFile seeks by inflating up to the target: the count follows the position.
        if whence != io.SEEK_SET or offset > self._allowed:
            raise io.UnsupportedOperation("only a seek to a position within the limit")
        self.count = int(self._inner.seek(offset))  # type: ignore[attr-defined]
        return self.count

    def tell(self) -> int:
        return self.count

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        data = self._inner.read(len(view))
        n = len(data)
        view[:n] = data
        self.count += n
        if self.count > self._allowed:
            raise _too_large(self._what, self._allowed, self._compressed, self._location)
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


def is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def open_payload(path: Path) -> IO[bytes]:
    """``path`` as a binary stream, gzip inflated on the fly within the current limit."""
    if not is_gzip(path):
        return path.open("rb")
    size = path.stat().st_size
    raw = BoundedReader(gzip.open(path, "rb"),  # noqa: SIM115  # closed with the reader
                        current_limit().allowed(size), size, Location(str(path)))
    return io.BufferedReader(raw, CHUNK)


def check_gzip(path: Path) -> None:
    """Inflate a gzip file to nowhere, refusing it past the current limit: a streaming reader
    then never starts on a bomb (inflating is ~100 times faster than parsing rows)."""
    if not is_gzip(path):
        return
    try:
        with open_payload(path) as fh:
            while fh.read(CHUNK):
                pass
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise FormatError(f"corrupt or truncated gzip: {exc}", Location(str(path))) from exc


def _read_capped(fh: _Source, allowed: int, compressed: int, location: Location,
                 what: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := fh.read(CHUNK):
        total += len(chunk)
        if total > allowed:
            raise _too_large(what, allowed, compressed, location)
        chunks.append(chunk)
    return b"".join(chunks)


def read_bytes(path: Path, member: str | None = None) -> bytes:
    """The payload of ``path``; gzip and zip are opened transparently (one member, or
    ``member``), inflated in chunks and refused past the current :class:`InflateLimit`.

    Truncated or corrupt archives raise FormatError naming the file.
    """
    name = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        if head[:2] == b"\x1f\x8b":
            size = path.stat().st_size
            with gzip.open(path, "rb") as gz:
                return _read_capped(gz, current_limit().allowed(size), size, Location(name),
                                    "gzip payload")
        if head[:4] == b"PK\x03\x04":
            return _read_zip(path, member)
        return path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zipfile.BadZipFile, zlib.error, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise FormatError("file not found", Location(name)) from exc
        raise FormatError(f"corrupt or truncated archive: {exc}", Location(name)) from exc


def zip_names(infos: list[zipfile.ZipInfo]) -> str:
    """The members of a zip for an error message: the first few, then how many more."""
    shown = ", ".join(i.filename[:200] for i in infos[:ZIP_NAMES_SHOWN]) or "nothing"
    more = len(infos) - ZIP_NAMES_SHOWN
    return f"{shown} and {more:,} more" if more > 0 else shown


def _read_zip(path: Path, member: str | None) -> bytes:
    name = str(path)
    size = path.stat().st_size
    allowed = current_limit().allowed(size)
    with zipfile.ZipFile(path) as zf:
        every = zf.infolist()
        infos = [i for i in every if not i.is_dir()]
        if member is not None:
            infos = [i for i in infos if i.filename.lower().endswith(member.lower())]
        if len(infos) != 1:
            raise FormatError(f"expected one data file in the zip, found {len(every):,}: "
                              f"{zip_names(every)}", Location(name))
        info = infos[0]
        location = Location(name, element=info.filename[:200])
        if info.file_size > allowed:
            raise _too_large("zip member", allowed, size, location)
        with zf.open(info) as fh:
            return _read_capped(fh, allowed, size, location, "zip member")


def check_zip(path: Path) -> None:
    """Refuse a zip container (an XLSX workbook) whose members declare more than the current
    limit, before a library inflates them. ``zipfile`` enforces the declared sizes."""
    size = path.stat().st_size
    allowed = current_limit().allowed(size)
    try:
        with zipfile.ZipFile(path) as zf:
            declared = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # the reader reports an unreadable file in its own words
    if declared > allowed:
        raise _too_large("zip container", allowed, size, Location(str(path)))


def check_parquet(path: Path, rows: int, uncompressed: int) -> None:
    """Refuse a Parquet file whose row groups hold more than the current limit uncompressed
    (a few kB of run-length encoding can stand for gigabytes)."""
    size = path.stat().st_size
    allowed = current_limit().allowed(size)
    if uncompressed > allowed:
        raise _too_large(f"Parquet data ({rows:,} rows)", allowed, size, Location(str(path)))


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
