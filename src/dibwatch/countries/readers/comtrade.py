"""UN Comtrade bulk / "final data" CSV, in the column set of the Comtrade Plus data API and
bulk files (the ``comtradeapicall`` "final data" layout)::

    typeCode, freqCode, refPeriodId, refYear, refMonth, period, reporterCode, reporterISO,
    reporterDesc, flowCode, flowDesc, partnerCode, partnerISO, partnerDesc, partner2Code,
    partner2ISO, partner2Desc, classificationCode, classificationSearchCode,
    isOriginalClassification, cmdCode, cmdDesc, aggrLevel, isLeaf, customsCode, customsDesc,
    mosCode, motCode, motDesc, qtyUnitCode, qtyUnitAbbr, qty, isQtyEstimated, altQtyUnitCode,
    altQtyUnitAbbr, altQty, isAltQtyEstimated, netWgt, isNetWgtEstimated, grossWgt,
    isGrossWgtEstimated, cifvalue, fobvalue, primaryValue, legacyEstimationFlag, isReported,
    isAggregate

Only ``reporterISO``, ``partnerISO``, ``flowCode``, ``period``, ``cmdCode`` and
``primaryValue`` are required. A row broken down by second partner, customs procedure or mode
of transport is a part of the all-partners/all-procedures/all-modes row and is reported, not
added. Values are US dollars; ``primaryValue`` is CIF for imports and FOB for exports.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from dibwatch.countries.codes import code_from_alpha3
from dibwatch.countries.model import SKIPPED, TOTAL, FlowRow
from dibwatch.countries.periods import parse_plain_period
from dibwatch.countries.readers._csv import (
    flow_row,
    parse_number,
    parse_period,
    records_with_leftovers,
)
from dibwatch.countries.tables import read_table
from dibwatch.errors import Location, ParseError
from dibwatch.ingest.report import LoadReport

FORMAT = "un_comtrade"
SOURCE = "un_comtrade"
PARSER_VERSION = "1"
REQUIRED = ("reporterISO", "partnerISO", "flowCode", "period", "cmdCode", "primaryValue")
# Columns read (beyond REQUIRED) to filter or cross-check rows.
CHECKED = ("typeCode", "freqCode", "refYear", "refMonth", "partner2Code", "partner2ISO",
           "customsCode", "motCode")
# Consumed as labels or deliberately not stored: the country-flow table holds values, not
# quantities, weights or flags.
NOT_STORED = ("refPeriodId", "reporterCode", "reporterDesc", "flowDesc", "partnerCode",
              "partnerDesc", "partner2Desc", "classificationCode", "classificationSearchCode",
              "isOriginalClassification", "cmdDesc", "aggrLevel", "isLeaf", "customsDesc",
              "mosCode", "motDesc", "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated",
              "altQtyUnitCode", "altQtyUnitAbbr", "altQty", "isAltQtyEstimated", "netWgt",
              "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated", "cifvalue", "fobvalue",
              "legacyEstimationFlag", "isReported", "isAggregate")
# Values meaning "all" in the breakdown columns; anything else is a part of a total row.
_ALL = {"partner2Code": {"", "0"}, "partner2ISO": {"", "W00"}, "customsCode": {"", "C00"},
        "motCode": {"", "0"}}


@lru_cache(maxsize=1)
def _flows() -> dict[str, str]:
    return {r["flowCode"]: r["flow"] for r in read_table("comtrade_flows.csv")}


def sniff(header: list[str], first: dict[str, str] | None) -> bool:
    return "reporterISO" in header and "cmdCode" in header and "primaryValue" in header


def _country(code: str, path: Path, line: int, field: str, report: LoadReport) -> str | None:
    resolved = code_from_alpha3(code)
    if resolved is None:
        report.warn(f"unknown country code {code!r}; row skipped", line=line,
                    field_name=field, value=code, file=str(path))
    return resolved


def _hs_code(text: str, path: Path, line: int) -> str:
    if text.upper() == TOTAL:
        return TOTAL
    if text.isdigit() and len(text) in (2, 4, 6):
        return text
    raise ParseError(f"cmdCode {text!r} is neither TOTAL nor an HS 2/4/6-digit code",
                     Location(str(path), line, field="cmdCode"))


def read(path: Path, report: LoadReport) -> Iterator[FlowRow]:
    for line, rec in records_with_leftovers(path, REQUIRED, "UN Comtrade", report,
                                            known=(*CHECKED, *NOT_STORED)):
        if rec.get("typeCode", "C") not in ("C", ""):
            report.warn("services (typeCode S) are not goods trade; row skipped", line=line,
                        field_name="typeCode", value=rec["typeCode"])
            report.counts[SKIPPED] += 1
            continue
        part = next((col for col, alls in _ALL.items() if rec.get(col, "") not in alls), None)
        if part is not None:
            report.counts[f"breakdown rows ({part})"] += 1
            report.counts[SKIPPED] += 1
            continue
        flow = _flows().get(rec["flowCode"])
        if flow is None:
            report.counts[f"flow {rec['flowCode']} rows"] += 1
            report.counts[SKIPPED] += 1
            continue
        year, month = parse_period(parse_plain_period, rec, "period", path, line)
        if rec.get("refYear") and rec["refYear"] != str(year):
            raise ParseError(f"refYear {rec['refYear']!r} contradicts period {rec['period']!r}",
                             Location(str(path), line, field="refYear"))
        freq = rec.get("freqCode", "")
        if freq and freq != ("A" if month is None else "M"):
            raise ParseError(f"freqCode {freq!r} contradicts period {rec['period']!r}",
                             Location(str(path), line, field="freqCode"))
        hs_code = _hs_code(rec["cmdCode"], path, line)
        value = parse_number(rec["primaryValue"], path, line, "primaryValue")
        reporter = _country(rec["reporterISO"], path, line, "reporterISO", report)
        partner = _country(rec["partnerISO"], path, line, "partnerISO", report)
        row = flow_row(report, line, reporter, partner, flow, year, month, value, "USD",
                       hs_code)
        if row is not None:
            yield row
