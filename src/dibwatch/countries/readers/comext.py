"""Eurostat Comext relational CSV ("Relational_View_*.csv" of the Comext data browser):
``REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR``.

Cells come labelled ("Germany (incl. German Democratic Republic 'DD' from 1991)", "Total",
"EXPORT", "Aug. 2024") or coded and labelled ("TOTAL-Total", "2-EXPORT", "T-Total",
"202408-Aug. 2024"), in English or French; both are read. Only the total statistical
procedure is loaded: a row for one procedure is part of the total and is reported, not added.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from dibwatch.countries.codes import code_from_name
from dibwatch.countries.model import SKIPPED, TOTAL, FlowRow
from dibwatch.countries.periods import parse_comext_period
from dibwatch.countries.readers._csv import (
    flow_row,
    parse_number,
    parse_period,
    records_with_leftovers,
)
from dibwatch.countries.tables import read_table
from dibwatch.errors import Location, ParseError
from dibwatch.ingest.report import LoadReport

FORMAT = "eurostat_comext"
SOURCE = "eurostat_comext"
PARSER_VERSION = "1"
COLUMNS = ("REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD",
           "VALUE_IN_EUR")
TOTAL_PROCEDURES = frozenset({"total", "t-total", "t"})
TOTAL_PRODUCTS = frozenset({"total", "total-total"})


@lru_cache(maxsize=1)
def _flows() -> dict[str, tuple[str, str]]:
    """FLOW label -> (flow, language of the file's labels)."""
    return {r["label"].casefold(): (r["flow"], r["lang"]) for r in read_table("comext_flows.csv")}


def sniff(header: list[str], first: dict[str, str] | None) -> bool:
    return all(c in header for c in COLUMNS) and not (
        first is not None and first.get("PERIOD", "").startswith("Y"))


def parse_flow(text: str, path: Path, line: int) -> tuple[str, str]:
    """(flow, label language) of a FLOW cell: "EXPORTATION" -> ("export", "fr")."""
    flow = _flows().get(text.strip().casefold())
    if flow is None:
        raise ParseError(f"unknown flow {text!r}", Location(str(path), line, field="FLOW"))
    return flow


def parse_product(text: str, path: Path, line: int) -> str:
    """"Total" / "TOTAL-Total" -> TOTAL; "8542-Electronic integrated circuits" -> "8542"."""
    if text.strip().casefold() in TOTAL_PRODUCTS or text.strip() == TOTAL:
        return TOTAL
    code = text.split("-", 1)[0].strip()
    if code.isdigit() and len(code) in (2, 4, 6, 8):
        return code
    raise ParseError(f"product {text!r} is neither the total nor an HS/CN code",
                     Location(str(path), line, field="PRODUCT"))


def country(text: str, lang: str, path: Path, line: int, field: str,
            report: LoadReport) -> str | None:
    code = code_from_name(text, lang)
    if code is None:
        report.warn(f"unknown country or area {text!r}; row skipped (add it to "
                    "countries/data/country_names.csv)", line=line, field_name=field,
                    value=text, file=str(path))
    return code


def comext_row(rec: dict[str, str], path: Path, line: int, year: int, month: int | None,
               report: LoadReport) -> FlowRow | None:
    """One row of the Comext column layout (also the national tables'), in EUR."""
    flow, lang = parse_flow(rec["FLOW"], path, line)
    hs_code = parse_product(rec["PRODUCT"], path, line)
    value = parse_number(rec["VALUE_IN_EUR"], path, line, "VALUE_IN_EUR")
    reporter = country(rec["REPORTER"], lang, path, line, "REPORTER", report)
    partner = country(rec["PARTNER"], lang, path, line, "PARTNER", report)
    return flow_row(report, line, reporter, partner, flow, year, month, value, "EUR", hs_code)


def read(path: Path, report: LoadReport) -> Iterator[FlowRow]:
    for line, rec in records_with_leftovers(path, COLUMNS, "Eurostat Comext relational",
                                            report):
        if rec["STAT_PROCEDURE"].casefold() not in TOTAL_PROCEDURES:
            report.warn(f"statistical procedure {rec['STAT_PROCEDURE']!r} is a part of the "
                        "total; row skipped", line=line, field_name="STAT_PROCEDURE",
                        value=rec["STAT_PROCEDURE"])
            report.counts[SKIPPED] += 1
            continue
        year, month = parse_period(parse_comext_period, rec, "PERIOD", path, line)
        row = comext_row(rec, path, line, year, month, report)
        if row is not None:
            yield row
