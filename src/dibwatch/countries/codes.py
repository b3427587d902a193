"""Country normalisation for the statistics readers: every reporter and partner becomes an
ISO 3166-1 alpha-2 code or one of the special codes of ``data/special_codes.csv`` (``W00``
World, ``EU27_2020``, ``EXTRA_EU27``, IMF groups, unspecified residuals, …).

Names go through, in order: the source-specific spellings of ``data/country_names.csv``;
``dibwatch.model.country.country_code``; the same with a trailing Eurostat annotation removed
("Italy (incl. San Marino 'SM' -> 1993)" -> "Italy"); the annotation alone
("Belarus (Belorussia)" -> "Belorussia"). Codes (IMF/Comtrade alpha-3) go through
``data/imf_codes.csv`` / ``data/comtrade_codes.csv`` and the alpha-3 table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from dibwatch.countries.tables import read_table
from dibwatch.model.country import country_code

_ANNOTATION = re.compile(r"^(?P<head>.*?)\s*\((?P<inner>.*)\)\s*$")


@dataclass(frozen=True)
class SpecialCode:
    code: str
    kind: str  # aggregate | unspecified | historic
    description: str


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def special_codes() -> dict[str, SpecialCode]:
    return {r["code"]: SpecialCode(r["code"], r["kind"], r["description"])
            for r in read_table("special_codes.csv")}


@lru_cache(maxsize=1)
def _names() -> dict[tuple[str, str], str]:
    """(lang or "", name key) -> code."""
    return {(r["lang"] or "", _key(r["name"])): r["code"]
            for r in read_table("country_names.csv")}


def _from_table(text: str, lang: str) -> str | None:
    names = _names()
    return names.get((lang, _key(text))) or names.get(("", _key(text)))


@lru_cache(maxsize=1)
def _alpha3() -> dict[str, str]:
    table = {r["alpha3"]: r["alpha2"] for r in read_table("iso3166_alpha3.csv")}
    table.update({r["imf"]: r["code"] for r in read_table("imf_codes.csv")})
    table.update({r["comtrade"]: r["code"] for r in read_table("comtrade_codes.csv")})
    return table


@lru_cache(maxsize=1)
def eu27_members() -> frozenset[str]:
    return frozenset(r["code"] for r in read_table("eu27_members.csv"))


def is_country(code: str) -> bool:
    """True for an ISO alpha-2 country (or a historic country), False for aggregates and
    unspecified residuals, which must never be summed with countries."""
    special = special_codes().get(code)
    return special.kind == "historic" if special else len(code) == 2


@lru_cache(maxsize=4096)
def code_from_name(name: str, lang: str = "en") -> str | None:
    """ISO-2 or special code for a country/area name as the statistics write it (``lang``:
    the language of the file's labels); None if unknown (the reader then reports the row)."""
    if not _key(name):
        return None
    code = _from_table(name, lang) or country_code(name)
    if code:
        return code
    match = _ANNOTATION.match(name)
    if match:
        for part in (match["head"], match["inner"]):
            code = _from_table(part, lang) or country_code(part)
            if code:
                return code
    return None


def code_from_alpha3(code: str) -> str | None:
    """ISO-2 or special code for an alpha-3 / IMF / Comtrade code ("RUS", "G001", "W00")."""
    return _alpha3().get(code.strip().upper())
