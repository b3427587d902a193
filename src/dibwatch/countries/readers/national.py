"""National import statistics of Armenia, Kazakhstan, Kyrgyzstan and Uzbekistan, as yearly
tables in the Comext column layout (``REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,
VALUE_IN_EUR`` with ``PERIOD`` "Y2019", ``STAT_PROCEDURE`` "NORMAL").

These tables were converted to EUR by whoever compiled them (mary-lev/eu-export-sanctions,
``data/national_data_converted/``); dibwatch takes the EUR values as given. Imports are CIF,
as national customs record them. Partner names are national spellings and include groups
("World", "Commonwealth of Independent States", "European Union - 27 countries (from 2020)"),
which become special codes, never countries.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dibwatch.countries.model import FlowRow
from dibwatch.countries.periods import parse_plain_period
from dibwatch.countries.readers._csv import parse_period, records_with_leftovers
from dibwatch.countries.readers.comext import COLUMNS, comext_row
from dibwatch.errors import Location, ParseError
from dibwatch.ingest.report import LoadReport

FORMAT = "national_yearly"
SOURCE = "national_stats"
PARSER_VERSION = "1"
PROCEDURES = frozenset({"normal", "total"})


def sniff(header: list[str], first: dict[str, str] | None) -> bool:
    return all(c in header for c in COLUMNS) and first is not None and \
        first.get("PERIOD", "").startswith("Y")


def read(path: Path, report: LoadReport) -> Iterator[FlowRow]:
    for line, rec in records_with_leftovers(path, COLUMNS, "national yearly table", report):
        if rec["STAT_PROCEDURE"].casefold() not in PROCEDURES:
            raise ParseError(f"statistical procedure {rec['STAT_PROCEDURE']!r} (expected "
                             "NORMAL)", Location(str(path), line, field="STAT_PROCEDURE"))
        year, month = parse_period(parse_plain_period, rec, "PERIOD", path, line)
        row = comext_row(rec, path, line, year, month, report)
        if row is not None:
            yield row
