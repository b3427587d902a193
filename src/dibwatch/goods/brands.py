"""Manufacturers and brands: who made a part, where they sit, and whether that country is in
the Russia export-control coalition.

Three tables (``data/``): ``brands.csv`` (brand, today's manufacturer, headquarters country,
typical goods, name variants in Latin, Cyrillic and Chinese), ``brand_models.csv`` (part-number
patterns such as ``STM32[A-Z]\\d+``, with the HS code the part falls under) and
``coalition.csv`` (coalition countries with the date each joined). Membership is computed from
the last table only, never stored per brand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dibwatch.goods._tables import read_table, split_list
from dibwatch.goods._text import LEFT, RIGHT, fold


@dataclass(frozen=True)
class Brand:
    name: str
    manufacturer: str
    country: str
    """Headquarters of the manufacturer, ISO alpha-2."""
    goods: tuple[str, ...]
    coalition: bool
    """The headquarters country is (today) a member of the export-control coalition."""


@dataclass(frozen=True)
class ModelMatch:
    """A part number recognised in text by one of a brand's patterns."""

    brand: Brand
    model: str
    pattern: str
    hs: str | None
    tier: str | None


@lru_cache(maxsize=1)
def coalition_joined() -> dict[str, date]:
    """Coalition countries (ISO-2) and the date each joined."""
    rows = read_table("coalition.csv")
    return {row["country"]: date.fromisoformat(row["joined"]) for row in rows}


def coalition_member(country: str | None, on: date | None = None) -> bool:
    """Whether ``country`` (ISO-2) is in the coalition, on ``on`` or (by default) today."""
    if not country:
        return False
    joined = coalition_joined().get(country.upper())
    return joined is not None and (on is None or joined <= on)


_MODEL_TAIL = re.compile(r"[0-9A-Za-zА-Яа-я\-/+#]*")


@dataclass(frozen=True)
class _Tables:
    brands: dict[str, Brand]
    names: dict[str, str]
    alias_re: re.Pattern[str]
    alias_of: dict[str, str]
    exact_re: re.Pattern[str] | None
    exact_of: dict[str, str]
    model_re: re.Pattern[str]
    models: tuple[tuple[str, str, str | None, str | None], ...]


def _alternation(variants: list[str]) -> str:
    # Longest first, so "ST Microelectronics" wins over "ST" at the same position.
    return "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    members = coalition_joined()
    brands: dict[str, Brand] = {}
    names: dict[str, str] = {}
    alias_of: dict[str, str] = {}
    exact_of: dict[str, str] = {}
    for row in read_table("brands.csv"):
        name = row["brand"]
        if name in brands:
            raise ValueError(f"brands.csv: brand {name!r} listed twice")
        brands[name] = Brand(
            name, row["manufacturer"], row["country"], split_list(row["goods"]),
            row["country"] in members,
        )
        names[fold(name)] = name
        # The canonical name is matched only when listed as an alias: "Micron" or "Lattice"
        # as a free word is a unit or a structure, so they sit among the exact aliases.
        for alias in split_list(row["aliases"]):
            alias_of.setdefault(fold(alias), name)
        for alias in split_list(row["exact_aliases"]):
            exact_of.setdefault(alias, name)
    alias_re = re.compile(LEFT + "(" + _alternation(list(alias_of)) + ")" + RIGHT)
    exact_re = (
        re.compile(LEFT + "(" + _alternation(list(exact_of)) + ")" + RIGHT) if exact_of else None
    )
    models: list[tuple[str, str, str | None, str | None]] = []
    groups: list[str] = []
    for i, row in enumerate(read_table("brand_models.csv")):
        if row["brand"] not in brands:
            raise ValueError(f"brand_models.csv: unknown brand {row['brand']!r}")
        re.compile(row["pattern"])  # fail here, naming the table, on a bad pattern
        models.append((row["brand"], row["pattern"], row["hs"] or None, row["tier"] or None))
        groups.append(f"(?P<m{i}>{row['pattern']})")
    # One alternation: at each position the first pattern in file order wins, so the table's
    # order settles overlaps (Dallas "DS1307" before Rigol "DS1054Z").
    model_re = re.compile(LEFT + "(?:" + "|".join(groups) + ")", re.IGNORECASE)
    return _Tables(
        brands, names, alias_re, alias_of, exact_re, exact_of, model_re, tuple(models)
    )


def brands() -> tuple[Brand, ...]:
    return tuple(_tables().brands.values())


def brand_named(name: str) -> Brand | None:
    """The brand whose canonical name or alias is exactly ``name`` (case-insensitive)."""
    tables = _tables()
    key = (
        tables.names.get(fold(name.strip()))
        or tables.alias_of.get(fold(name.strip()))
        or tables.exact_of.get(name.strip())
    )
    return tables.brands.get(key) if key else None


def model_of(text: str | None) -> ModelMatch | None:
    """The first part number in ``text`` that a brand's pattern recognises."""
    if not text:
        return None
    tables = _tables()
    match = tables.model_re.search(text)
    if match is None or match.lastgroup is None:
        return None
    brand, pattern, hs, tier = tables.models[int(match.lastgroup[1:])]
    # Report the whole part number ("STM32F407VGT6"), not only the part the pattern needs.
    tail = _MODEL_TAIL.match(text, match.end())
    model = match.group(0) + (tail.group(0) if tail else "")
    return ModelMatch(tables.brands[brand], model, pattern, hs, tier)


def brand_by_name(text: str | None, exact: bool = True) -> Brand | None:
    """The brand whose name or alias appears in ``text`` (leftmost wins); with ``exact``,
    short upper-case tokens such as "TI" count too. Part numbers are not looked at."""
    if not text:
        return None
    tables = _tables()
    if alias := tables.alias_re.search(fold(text)):
        return tables.brands[tables.alias_of[alias.group(1)]]
    if exact and tables.exact_re is not None and (token := tables.exact_re.search(text)):
        return tables.brands[tables.exact_of[token.group(1)]]
    return None


def brand_of(text: str | None) -> Brand | None:
    """The brand named or implied in free text ("MCU STM32F407VGT6 ST", "XILINX XC7Z020",
    "ТИ TPS54331").

    Evidence in order of strength: a full brand name or distinctive alias (leftmost wins),
    then a part-number pattern, then a short upper-case token such as "TI" or "ST", which
    alone is too ambiguous to outrank a part number.
    """
    if not text:
        return None
    if named := brand_by_name(text, exact=False):
        return named
    if model := model_of(text):
        return model.brand
    return brand_by_name(text, exact=True)
