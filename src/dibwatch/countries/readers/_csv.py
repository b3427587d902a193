"""CSV plumbing shared by the readers: decoding, line numbers, values, errors."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from dibwatch.countries.model import SKIPPED, FlowRow, as_flow
from dibwatch.errors import EncodingError, FormatError, Location, ParseError
from dibwatch.ingest.report import LoadReport


def read_header(path: Path) -> tuple[list[str], dict[str, str] | None]:
    """The header and the first data row (None for an empty body), for format detection."""
    rows = iter_rows(path)
    header = next(rows, None)
    if header is None:
        raise FormatError("empty file", Location(str(path), 1))
    first = next(rows, None)
    return header[1], dict(zip(header[1], first[1], strict=False)) if first else None


def iter_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank row; the header is line 1."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            line = 0
            for cells in reader:
                # line_num counts physical lines, so a quoted newline keeps numbers right.
                line = reader.line_num
                if cells and any(c.strip() for c in cells):
                    yield line, cells
    except UnicodeDecodeError as exc:
        raise EncodingError(f"not UTF-8: {exc.reason} at byte {exc.start}",
                            Location(str(path))) from exc


def iter_records(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and an iterator of (line, {column: cell}); a row with more cells than the
    header is a ParseError."""
    rows = iter_rows(path)
    first = next(rows, None)
    if first is None:
        raise FormatError("empty file", Location(str(path), 1))
    header = [h.strip() for h in first[1]]

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for line, cells in rows:
            if len(cells) > len(header):
                raise ParseError(f"{len(cells)} cells but the header has {len(header)}",
                                 Location(str(path), line))
            yield line, {h: (cells[i].strip() if i < len(cells) else "")
                         for i, h in enumerate(header)}

    return header, records()


def parse_number(text: str, path: Path, line: int, field: str) -> float | None:
    """A decimal number; None for an empty cell (no observation). Thousands separators are
    not accepted: the statistics write plain numbers, and guessing would corrupt values."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ParseError(f"not a number: {text!r}", Location(str(path), line, field=field)) \
            from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ParseError(f"not a finite number: {text!r}", Location(str(path), line, field=field))
    return value


def require_columns(header: list[str], required: tuple[str, ...], path: Path,
                    fmt: str) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise FormatError(f"not a {fmt} file: missing column(s) {', '.join(missing)}",
                          Location(str(path), 1))


def parse_period(parse: Callable[[str], tuple[int, int | None]], rec: dict[str, str],
                 field: str, path: Path, line: int) -> tuple[int, int | None]:
    """(year, month or None) from ``rec[field]`` with ``parse``; a ParseError naming the file,
    line and field when it is no period."""
    try:
        return parse(rec[field])
    except ValueError as exc:
        raise ParseError(f"{exc}: {rec[field]!r}", Location(str(path), line, field=field)
                         ) from None


def records_with_leftovers(path: Path, columns: tuple[str, ...], layout: str,
                           report: LoadReport, known: Iterable[str] = ()
                           ) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's records, once its header has the required ``columns``; a non-empty cell in
    a column neither required nor ``known`` (read or deliberately ignored) is reported as a
    leftover."""
    header, records = iter_records(path)
    require_columns(header, columns, path, layout)
    consumed = set(columns) | set(known)
    for line, rec in records:
        for col, cell in rec.items():
            if col not in consumed and cell:
                report.leftover(col, cell, line=line)
        yield line, rec


def flow_row(report: LoadReport, line: int, reporter: str | None, partner: str | None,
             flow: str, year: int, month: int | None, value: float | None, currency: str,
             hs_code: str) -> FlowRow | None:
    """The row, or None (counted in ``report``) when its value cell is empty or a country is
    unknown. Customs value exports FOB and imports CIF at the reporter's border."""
    if value is None:
        report.counts["empty cells"] += 1
        return None
    if reporter is None or partner is None:
        report.counts[SKIPPED] += 1
        return None
    return FlowRow(line, reporter, partner, as_flow(flow), year, month, value, currency,
                   hs_code, "CIF" if flow == "import" else "FOB")
