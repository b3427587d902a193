"""Value-level validation and normalisation of shipment fields.

Each parser takes what a reader yields (text, or a typed value from Parquet / XLSX) and returns
the canonical value or raises :class:`Invalid` with a reason a user can act on. Which failures
quarantine a row and which only leave a field empty is decided in :mod:`dibwatch.trade.convert`.
"""

from __future__ import annotations

import csv
import math
import re
from datetime import date, datetime
from functools import lru_cache
from importlib import resources

from dibwatch.model.country import country_code
from dibwatch.model.identifiers import scheme_for

Raw = str | int | float | bool | date | datetime | None

MIN_YEAR, MAX_YEAR = 1950, 2100

# Tried after a mapping's own formats. Day-first, as in every source we map; a US-style
# month-first file needs an explicit date_format in its mapping.
DEFAULT_DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d.%m.%y", "%d %b %Y", "%d-%b-%Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y",
)

_MONTHS = {name: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}

_DIRECTIVE_RE = {
    "%d": r"(?P<d>\d{1,2})", "%m": r"(?P<m>\d{1,2})", "%Y": r"(?P<Y>\d{4})",
    "%y": r"(?P<y>\d{2})", "%b": r"(?P<b>[A-Za-z]{3,9})\.?", "%B": r"(?P<b>[A-Za-z]{3,9})",
    "%H": r"\d{1,2}", "%M": r"\d{2}", "%S": r"\d{2}", "%%": "%",
}
# A time of day after the date ("12.03.2023 0:00:00", "2023-03-12T00:00:00Z") is ignored.
_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"


class Invalid(ValueError):
    """A value that cannot be used; ``str(exc)`` is the reason."""


@lru_cache(maxsize=1)
def _placeholders() -> frozenset[str]:
    with resources.files("dibwatch.trade").joinpath("data/placeholders.csv").open(
            encoding="utf-8") as fh:
        return frozenset(row["value"].casefold() for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def _directions() -> dict[str, str]:
    with resources.files("dibwatch.trade").joinpath("data/directions.csv").open(
            encoding="utf-8") as fh:
        return {row["raw"].casefold(): row["code"] for row in csv.DictReader(fh)}


_PLACEHOLDER_MAX = 12  # longest entry of data/placeholders.csv


def clean_text(value: Raw) -> str | None:
    """Whitespace collapsed; blanks and placeholders ("-", "N/A", "нет данных") are None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Excel cell holding 796.0 means "796"
    text = str(value).strip()
    # The hot path of every load: re-split only text with inner runs or odd whitespace.
    if "  " in text or not text.isprintable():
        text = " ".join(text.split())
    if not text or (len(text) <= _PLACEHOLDER_MAX and text.casefold() in _placeholders()):
        return None
    return text


@lru_cache(maxsize=256)
def _date_regex(fmt: str) -> re.Pattern[str]:
    pattern = "".join(_DIRECTIVE_RE.get(tok, re.escape(tok))
                      for tok in re.findall(r"%.|[^%]+", fmt))
    suffix = "" if "%H" in fmt else _TIME_SUFFIX
    return re.compile(rf"\s*{pattern}{suffix}\s*", re.IGNORECASE)


def parse_date(value: Raw, formats: tuple[str, ...] = ()) -> date:
    """A calendar date from a typed value or text in one of ``formats`` or the defaults.

    A string that has a date's shape but names no real day ("31.02.2023") is an impossible
    date, reported as such; years outside 1950-2100 are out of range."""
    if isinstance(value, datetime):
        return _in_range(value.date(), str(value))
    if isinstance(value, date):
        return _in_range(value, str(value))
    text = clean_text(value)
    if text is None:
        raise Invalid("missing date")
    return _parse_date_text(text, formats)


@lru_cache(maxsize=8192)  # a file holds few distinct dates: parse each once
def _parse_date_text(text: str, formats: tuple[str, ...]) -> date:
    for fmt in (*formats, *DEFAULT_DATE_FORMATS):
        match = _date_regex(fmt).fullmatch(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["m"]) if parts.get("m") else _MONTHS.get(parts["b"].casefold())
        if month is None:
            continue
        if parts.get("Y"):
            year = int(parts["Y"])
        else:  # two-digit years: 69-99 are 19xx, as strptime reads them
            year = int(parts["y"]) + (1900 if int(parts["y"]) >= 69 else 2000)
        try:
            found = date(year, month, int(parts["d"]))
        except ValueError:
            raise Invalid(f"impossible date {text!r}") from None
        return _in_range(found, text)
    raise Invalid(f"unparsable date {text!r}")


def _in_range(found: date, text: str) -> date:
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        raise Invalid(f"date out of range {text!r} (accepted {MIN_YEAR}-{MAX_YEAR})")
    return found


def format_date(value: Raw, out_format: str, formats: tuple[str, ...] = ()) -> str:
    return parse_date(value, formats).strftime(out_format)


_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+")
_THOUSANDS_COMMA = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?")
_THOUSANDS_DOT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d*)?")
_GROUP_CHARS = str.maketrans("", "", " \u00a0\u202f\u2009'’_")


def parse_number(value: Raw, decimal_comma: bool | None = None) -> float:
    """A finite decimal from "1 234,56", "1,234.56", "1.234,56", "(12.5)", "-3", "1e3".

    When both separators appear, the last one is the decimal mark. A lone comma is decimal when
    ``decimal_comma`` is true, or when it cannot be a thousands separator ("1,5"); a lone dot is
    a thousands separator only in a decimal-comma file and in "1.234"-style groups."""
    if isinstance(value, bool):
        raise Invalid(f"not a number: {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = clean_text(value)
        if text is None:
            raise Invalid("missing number")
        number = _parse_number_text(text, decimal_comma)
    if not math.isfinite(number):
        raise Invalid(f"not a finite number: {value!r}")
    return number


def _parse_number_text(text: str, decimal_comma: bool | None) -> float:
    body = text.translate(_GROUP_CHARS).replace("\u2212", "-")
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1]
    if body[:1] in "+-" and body:
        negative, body = negative ^ (body[0] == "-"), body[1:]
    elif body.endswith("-"):  # "12,50-": trailing minus of some ERP exports
        negative, body = True, body[:-1]
    if "," in body and "." in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        body = body.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in body:
        if not decimal_comma and _THOUSANDS_COMMA.fullmatch(body):
            body = body.replace(",", "")
        elif body.count(",") == 1:
            body = body.replace(",", ".")
        else:
            raise Invalid(f"not a number: {text!r}")
    elif body.count(".") > 1 or (decimal_comma and _THOUSANDS_DOT.fullmatch(body)):
        if not _THOUSANDS_DOT.fullmatch(body):
            raise Invalid(f"not a number: {text!r}")
        body = body.replace(".", "")
    if not _NUMBER.fullmatch(body):
        raise Invalid(f"not a number: {text!r}")
    number = float(body)
    return -number if negative else number


def parse_integer(value: Raw) -> int:
    number = parse_number(value)
    if not number.is_integer() or abs(number) >= 2**31:
        raise Invalid(f"not a whole number: {value!r}")
    return int(number)


_HS_DROP = re.compile(r"[\s.\-/]")


def clean_hs(value: Raw) -> str:
    """Digits of a commodity code: "8542.31.0000" -> "8542310000".

    A local rule only (dibwatch.goods normalises codes fully): separators dropped; an odd
    length means a leading zero was lost (Excel turns "0106..." into 106...), so it is
    restored; the result must be 2-10 digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    if text is None:
        raise Invalid("missing HS code")
    digits = _HS_DROP.sub("", text)
    if not digits.isascii() or not digits.isdigit():
        raise Invalid(f"HS code is not digits: {text!r}")
    if len(digits) % 2:
        digits = "0" + digits
    if not 2 <= len(digits) <= 10:
        raise Invalid(f"HS code of {len(digits)} digits: {text!r} (expected 2-10)")
    return digits


def normalise_country(value: Raw) -> str | None:
    """ISO alpha-2 for a code or an English / Russian / Chinese name; None when unknown."""
    text = clean_text(value)
    return _country(text) if text else None


@lru_cache(maxsize=8192)
def _country(text: str) -> str | None:
    return country_code(text)


def normalise_direction(value: Raw) -> str | None:
    """IM or EX from "IM", "ЭК", "export", "进口"…; None when not recognised."""
    text = clean_text(value)
    return _directions().get(text.casefold()) if text else None


def party_id(value: Raw, scheme: str | None) -> tuple[str, bool | None]:
    """("SCHEME:VALUE", check-digit verdict) for a raw id under ``scheme``.

    A value already written "INN:7704730655" keeps its own scheme; without any scheme the id
    stays free text (verdict None)."""
    text = clean_text(value)
    if text is None:
        raise Invalid("missing id")
    return _party_id(text, scheme)


@lru_cache(maxsize=65536)  # the same firms recur on many lines
def _party_id(text: str, scheme: str | None) -> tuple[str, bool | None]:
    prefix, sep, rest = text.partition(":")
    if sep and prefix.isalpha() and prefix.isupper() and rest.strip():
        scheme, text = prefix, rest.strip()
    if scheme is None:
        return text, None
    cls = scheme_for(scheme)
    cleaned = cls.clean(text)
    return f"{scheme.upper()}:{cleaned}", cls.validate(cleaned)
