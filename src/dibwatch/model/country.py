"""Countries: ISO 3166-1 alpha-2 codes, names in English, Russian and Chinese, and a lookup that
turns what lists and customs files write ("Korea, North", "Россия", "香港", "RUS") into a code.

Names come from the CLDR (via Babel); the spellings CLDR lacks are kept in the lookup table
``data/country_aliases.csv``, not in code.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from babel import Locale

# ISO 3166-1 alpha-3 for the countries this project meets most; CLDR has no alpha-3 table.
_ALPHA3 = {
    "RUS": "RU", "CHN": "CN", "HKG": "HK", "USA": "US", "GBR": "GB", "DEU": "DE", "FRA": "FR",
    "JPN": "JP", "KOR": "KR", "PRK": "KP", "TWN": "TW", "TUR": "TR", "ARE": "AE", "KAZ": "KZ",
    "KGZ": "KG", "ARM": "AM", "GEO": "GE", "UZB": "UZ", "TJK": "TJ", "TKM": "TM", "AZE": "AZ",
    "BLR": "BY", "UKR": "UA", "IRN": "IR", "IND": "IN", "ITA": "IT", "NLD": "NL", "POL": "PL",
    "CHE": "CH", "AUT": "AT", "SRB": "RS", "MNG": "MN", "SGP": "SG", "MYS": "MY", "THA": "TH",
    "VNM": "VN", "SYR": "SY", "CUB": "CU", "VEN": "VE", "MMR": "MM", "CYP": "CY", "ISR": "IL",
    "CAN": "CA", "FIN": "FI", "EST": "EE", "LVA": "LV", "LTU": "LT", "MDA": "MD", "BGR": "BG",
}

_HISTORIC = {"SU", "YU", "CS", "AN", "XK"}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s.,'’()\-]+", " ", text).strip()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    lookup: dict[str, str] = {}
    for lang in ("en", "ru", "zh", "fr", "de", "es"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) != 2 or not code.isalpha() or code in ("ZZ", "EU", "EZ", "UN", "QO"):
                continue
            if lang == "en":
                names[code] = name
            lookup.setdefault(_key(name), code)
    for code in names:
        lookup.setdefault(_key(code), code)
    for code3, code in _ALPHA3.items():
        lookup.setdefault(_key(code3), code)
    with resources.files("dibwatch.model").joinpath("data/country_aliases.csv").open(
        encoding="utf-8"
    ) as fh:
        for row in csv.DictReader(fh):
            lookup[_key(row["alias"])] = row["code"]
    for code in _HISTORIC:
        names.setdefault(code, code)
    return names, lookup


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 (upper case) for a country name or code, or None when unknown/blank."""
    if not text:
        return None
    key = _key(text)
    if not key:
        return None
    code = _tables()[1].get(key)
    return code or None


def country_name(code: str) -> str:
    return _tables()[0].get(code.upper(), code.upper())


def is_country_code(code: str) -> bool:
    return code.upper() in _tables()[0]
