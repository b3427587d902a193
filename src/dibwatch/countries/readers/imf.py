"""IMF IMTS (International Merchandise Trade Statistics) CSV, one row per series with one
column per year (``"2016","2017",…``), as the IMF data portal exports it.

Every column is consumed: the ids make the row, the labels are cross-checked against them
(a label naming another country is a warning), and a column the reader does not know is
reported as a leftover.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from dibwatch.countries.codes import code_from_alpha3, code_from_name, is_country
from dibwatch.countries.model import SKIPPED, FlowRow, as_flow
from dibwatch.countries.readers._csv import iter_records, parse_number, require_columns
from dibwatch.countries.tables import read_table
from dibwatch.errors import Location, ParseError
from dibwatch.ingest.report import LoadReport

FORMAT = "imf_imts"
SOURCE = "imf_imts"
PARSER_VERSION = "1"
REQUIRED = ("COUNTRY.ID", "INDICATOR.ID", "COUNTERPART_COUNTRY.ID", "FREQUENCY.ID",
            "SCALE.ID")
# Consumed without being stored: labels of the ids above and constant descriptors.
LABELS = ("DATASET", "SERIES_CODE", "OBS_MEASURE", "COUNTRY", "INDICATOR",
          "COUNTERPART_COUNTRY", "FREQUENCY", "SCALE", "TRADE_FLOW", "TRADE_FLOW.ID")
_YEAR = re.compile(r"^\d{4}$")


@lru_cache(maxsize=1)
def _indicators() -> dict[str, dict[str, str]]:
    return {r["indicator"]: r for r in read_table("imf_indicators.csv")}


@lru_cache(maxsize=1)
def _scales() -> dict[str, float]:
    return {r["scale"]: float(r["multiplier"]) for r in read_table("imf_scales.csv")}


def sniff(header: list[str], first: dict[str, str] | None) -> bool:
    return "COUNTERPART_COUNTRY.ID" in header and "INDICATOR.ID" in header


def _code(code: str, name: str, path: Path, line: int, field: str,
          report: LoadReport) -> str | None:
    resolved = code_from_alpha3(code) or code_from_name(name)
    if resolved is None:
        report.warn(f"unknown country code {code!r} ({name!r}); row skipped",
                    line=line, field_name=field, value=code)
        return None
    by_name = code_from_name(name) if name else None
    # Only a country label can contradict an id: group labels ("Europe") are not unique.
    if by_name and by_name != resolved and is_country(by_name) and is_country(resolved):
        report.warn(f"label {name!r} names {by_name}, the id {code!r} names {resolved}; "
                    "the id is used", line=line, field_name=field, value=name)
    return resolved


def read(path: Path, report: LoadReport) -> Iterator[FlowRow]:
    header, records = iter_records(path)
    require_columns(header, REQUIRED, path, "IMF IMTS")
    years = [h for h in header if _YEAR.match(h)]
    if not years:
        raise ParseError("no year columns (\"2016\", \"2017\", …)", Location(str(path), 1))
    known = set(REQUIRED) | set(LABELS) | set(years)
    for line, rec in records:
        for col, cell in rec.items():
            if col not in known and cell:
                report.leftover(col, cell, line=line)
        indicator = _indicators().get(rec["INDICATOR.ID"])
        if indicator is None:
            raise ParseError(f"unknown indicator {rec['INDICATOR.ID']!r} (known: "
                             f"{', '.join(_indicators())})",
                             Location(str(path), line, field="INDICATOR.ID"))
        if rec.get("TRADE_FLOW.ID") and rec["TRADE_FLOW.ID"] != indicator["trade_flow"]:
            raise ParseError(f"TRADE_FLOW.ID {rec['TRADE_FLOW.ID']!r} contradicts indicator "
                             f"{rec['INDICATOR.ID']!r}",
                             Location(str(path), line, field="TRADE_FLOW.ID"))
        if rec["FREQUENCY.ID"] != "A":
            raise ParseError(f"frequency {rec['FREQUENCY.ID']!r}: only annual (A) series have "
                             "year columns", Location(str(path), line, field="FREQUENCY.ID"))
        scale = _scales().get(rec["SCALE.ID"])
        if scale is None:
            raise ParseError(f"unknown scale {rec['SCALE.ID']!r}",
                             Location(str(path), line, field="SCALE.ID"))
        reporter = _code(rec["COUNTRY.ID"], rec.get("COUNTRY", ""), path, line, "COUNTRY.ID",
                         report)
        partner = _code(rec["COUNTERPART_COUNTRY.ID"], rec.get("COUNTERPART_COUNTRY", ""),
                        path, line, "COUNTERPART_COUNTRY.ID", report)
        if reporter is None or partner is None:
            report.counts[SKIPPED] += 1
            continue
        for year in years:
            value = parse_number(rec[year], path, line, year)
            if value is None:  # the IMF leaves a cell empty when there is no observation
                report.counts["empty cells"] += 1
                continue
            yield FlowRow(line, reporter, partner, as_flow(indicator["flow"]),
                          int(year), None, value * scale, indicator["currency"],
                          valuation=indicator["valuation"])
