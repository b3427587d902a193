"""The packaged lookup tables under ``data/`` that a world is built from.

Names, legal forms, countries, goods and brands are data, not code branches: to make the
world richer, add rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def read_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("dibwatch.synth").joinpath(f"data/{name}").read_text(
        encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@dataclass(frozen=True)
class Country:
    code: str
    group: str  # russia, third, hub, coalition, origin (goods origin only, no firms)
    names: tuple[str, str, str]  # English, Russian, Chinese — each understood by country_code
    legal_forms: tuple[str, ...]
    weight: float
    currencies: tuple[str, ...]


@dataclass(frozen=True)
class LegalForm:
    form: str
    script: str  # cyrl, latn, hans
    text: str
    prefix: bool
    clean: bool  # a spelling the firm itself uses, rather than a clerk's variant


@dataclass(frozen=True)
class Word:
    key: str
    en: str
    ru: str
    zh: str
    pinyin: str
    tr: str
    abbr: str


@dataclass(frozen=True)
class Good:
    hs6: str
    tier: str  # "" when the code is not on the CHPL
    group: str
    unit: str
    price_usd: float
    kg_per_unit: float
    weight: float
    desc: tuple[str, str, str]  # English, Russian, Chinese


@dataclass(frozen=True)
class Brand:
    group: str
    brand: str  # "NONE": unbranded, made by a fictional manufacturer of the world
    manufacturer: str
    country: str
    coalition: bool
    models: tuple[str, ...]  # '#' a digit, '@' a capital letter, anything else literal


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    return {r["code"]: Country(r["code"], r["group"], (r["name_en"], r["name_ru"], r["name_zh"]),
                               tuple(f for f in r["legal_forms"].split("|") if f),
                               float(r["weight"]), tuple(r["currencies"].split("|")))
            for r in read_rows("countries.csv")}


@lru_cache(maxsize=1)
def legal_forms() -> dict[str, list[LegalForm]]:
    forms: dict[str, list[LegalForm]] = {}
    for r in read_rows("legal_forms.csv"):
        forms.setdefault(r["form"], []).append(LegalForm(
            r["form"], r["script"], r["text"], r["position"] == "prefix", r["clean"] == "1"))
    return forms


@lru_cache(maxsize=1)
def words() -> list[Word]:
    return [Word(**r) for r in read_rows("words.csv")]


@lru_cache(maxsize=1)
def syllables() -> dict[tuple[str, str], tuple[str, ...]]:
    return {(r["script"], r["kind"]): tuple(r["text"].split("|")) for r in read_rows(
        "syllables.csv")}


@lru_cache(maxsize=1)
def translit_ru() -> dict[str, tuple[str, ...]]:
    return {r["cyr"]: tuple(r["latin"].split("|")) for r in read_rows("translit_ru.csv")}


@lru_cache(maxsize=1)
def han_syllables() -> list[tuple[str, str]]:
    return [(r["han"], r["pinyin"]) for r in read_rows("han_syllables.csv")]


@lru_cache(maxsize=1)
def cities() -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for r in read_rows("cities.csv"):
        out.setdefault(r["country"], []).append((r["native"], r["latin"], r["postcode"]))
    return out


@lru_cache(maxsize=1)
def address_templates() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in read_rows("addresses.csv"):
        out.setdefault(r["country"], []).append(r["template"])
    return out


@lru_cache(maxsize=1)
def goods() -> list[Good]:
    return [Good(r["hs6"], r["tier"], r["group"], r["unit"], float(r["price_usd"]),
                 float(r["kg_per_unit"]), float(r["weight"]),
                 (r["desc_en"], r["desc_ru"], r["desc_zh"])) for r in read_rows("goods.csv")]


@lru_cache(maxsize=1)
def brands() -> list[Brand]:
    return [Brand(r["group"], r["brand"], r["manufacturer"], r["country"], r["coalition"] == "1",
                  tuple(r["models"].split("|"))) for r in read_rows("brands.csv")]


@lru_cache(maxsize=1)
def misdeclared_codes() -> list[str]:
    return [r["hs6"] for r in read_rows("misdeclared_codes.csv")]


@lru_cache(maxsize=1)
def id_formats() -> dict[str, tuple[str, float]]:
    """Free-text registration numbers by country: template ('#' digit, '@' letter), share."""
    return {r["country"]: (r["template"], float(r["share"])) for r in read_rows(
        "id_formats.csv")}


@dataclass(frozen=True)
class PriceReason:
    kind: str                   # sample, refurbished, used
    factor: tuple[float, float]  # unit-price multiplier range
    text: tuple[str, str, str]  # appended to the description: English, Russian, Chinese


@lru_cache(maxsize=1)
def price_reasons() -> list[PriceReason]:
    """Why a legitimate line's unit price is far from the norm, as a declarant writes it."""
    return [PriceReason(r["kind"], (float(r["factor_low"]), float(r["factor_high"])),
                        (r["en"], r["ru"], r["zh"])) for r in read_rows("price_reasons.csv")]


@lru_cache(maxsize=1)
def ru_imports() -> dict[int, dict[str, float]]:
    """Year -> partner -> Russia's imports from it, million USD (IMF IMTS; see
    :mod:`dibwatch.synth.calibration`)."""
    out: dict[int, dict[str, float]] = {}
    for r in read_rows("ru_imports.csv"):
        out.setdefault(int(r["year"]), {})[r["partner"]] = float(r["value_musd"])
    return out


@lru_cache(maxsize=1)
def eu_exports() -> dict[int, dict[str, float]]:
    """Year -> neighbour -> the EU's exports to it, million EUR a year (Eurostat Comext; a
    year with fewer than 12 months is scaled to a whole year)."""
    out: dict[int, dict[str, float]] = {}
    for r in read_rows("eu_exports.csv"):
        value = float(r["value_meur"]) * 12 / int(r["months"])
        out.setdefault(int(r["year"]), {})[r["partner"]] = value
    return out
