"""Periods as the statistics write them -> (year, month or None for a whole year).

Eurostat Comext relational downloads write a period as its code and label ("202408-Aug. 2024",
"201952-Jan.-Dec. 2019": month 52 is Comext's code for the whole year), or as the label alone
("Aug. 2024", "Jan.-Dec. 2018"); the national tables write "Y2019"; UN Comtrade writes "2019"
or "201908".
"""

from __future__ import annotations

import re

_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_COMEXT_CODE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?:-(?P<label>.*))?$")
_MONTH_LABEL = re.compile(r"^(?P<mon>[A-Za-z]{3})\.? (?P<year>\d{4})$")
_YEAR_LABEL = re.compile(r"^Jan\.?-Dec\.? (?P<year>\d{4})$")
_COMEXT_YEAR = 52
_PLAIN = re.compile(r"^Y?(?P<year>\d{4})(?P<month>\d{2})?$")


def parse_comext_period(text: str) -> tuple[int, int | None]:
    """``"202408-Aug. 2024"`` / ``"Aug. 2024"`` -> (2024, 8); ``"201952-Jan.-Dec. 2019"`` /
    ``"Jan.-Dec. 2019"`` -> (2019, None). ValueError when neither form fits, or when code and
    label disagree."""
    text = text.strip()
    coded = _COMEXT_CODE.match(text)
    if coded:
        year, month = int(coded["year"]), int(coded["month"])
        parsed: tuple[int, int | None] = (year, None) if month == _COMEXT_YEAR else (year, month)
        if parsed[1] is not None and not 1 <= month <= 12:
            raise ValueError(f"month code {month:02d} is neither 01-12 nor 52 (whole year)")
        if coded["label"] and parse_comext_period(coded["label"]) != parsed:
            raise ValueError("period code and label disagree")
        return parsed
    year_label = _YEAR_LABEL.match(text)
    if year_label:
        return int(year_label["year"]), None
    month_label = _MONTH_LABEL.match(text)
    if month_label and month_label["mon"].lower() in _MONTHS:
        return int(month_label["year"]), _MONTHS[month_label["mon"].lower()]
    raise ValueError("not a Comext period (e.g. '202408-Aug. 2024', 'Aug. 2024')")


def parse_plain_period(text: str) -> tuple[int, int | None]:
    """``"Y2019"`` / ``"2019"`` -> (2019, None); ``"201908"`` -> (2019, 8)."""
    match = _PLAIN.match(text.strip())
    if not match:
        raise ValueError("not a period (e.g. 'Y2019', '2019', '201908')")
    month = int(match["month"]) if match["month"] else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} out of range")
    return int(match["year"]), month
