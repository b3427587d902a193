"""CSL rows: the lookup tables, name / date / country helpers, the row model and the two
layouts of the ``ids`` column (see ``csl.py`` for the format notes)."""


from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources

from dibwatch.model.country import country_code
from dibwatch.model.entity import (
    Schema,
)
from dibwatch.text.name_parts import NameParts, split_name

__all__ = ["NameParts", "split_name"]  # re-exported: the CSL and DPL builders split names

SOURCE = "us_csl"
TYPE_LAST = "type_last"  # 2022 layout of the ids column
TYPE_FIRST = "type_first"  # 2023+ layout, and the JSON field order

_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_TRAILING_PAREN = re.compile(r"(.*?)\s*\(([^()]*)\)")
_CSV_ID_COLUMNS = ("_id", "id")


# --------------------------------------------------------------------------- lookup tables


def _data_text(name: str) -> str:
    return resources.files("dibwatch.lists.sources").joinpath(f"data/{name}").read_text(
        encoding="utf-8")


def _data_rows(name: str) -> list[dict[str, str]]:
    """A lookup CSV whose ``#`` lines are comments."""
    lines = [ln for ln in _data_text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@dataclass(frozen=True)
class SubList:
    list_name: str
    authority: str


@lru_cache(maxsize=1)
def _sub_lists() -> dict[str, SubList]:
    return {_key(r["label"]): SubList(r["list_name"], r["authority"])
            for r in _data_rows("csl_sources.csv")}


@dataclass(frozen=True)
class IdRule:
    action: str
    target: str | None
    country: str | None
    pattern: re.Pattern[str] | None


@lru_cache(maxsize=1)
def _id_rules() -> dict[str, list[IdRule]]:
    rules: dict[str, list[IdRule]] = {}
    for row in _data_rows("csl_id_types.csv"):
        pattern = re.compile(row["pattern"]) if row["pattern"] else None
        rules.setdefault(_key(row["type"]), []).append(
            IdRule(row["action"], row["target"] or None, row["country"] or None, pattern))
    return rules


@lru_cache(maxsize=1)
def _legal_forms() -> list[tuple[str, str]]:
    return [(f" {r['form'].upper()} ", r["schema"]) for r in _data_rows("csl_legal_forms.csv")]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


# --------------------------------------------------------------------------- shared helpers
# (also used by the BIS Denied Persons List parser)


def schema_by_legal_form(name: str) -> Schema | None:
    """Company / Organization when the name carries a legal form or an institution word."""
    words = " " + " ".join(re.sub(r"[^0-9A-Z\-]+", " ", name.upper().replace(".", "")).split())
    words += " "
    for form, schema in _legal_forms():
        if form in words:
            return Schema(schema)
    return None


def iso_date(text: str | None) -> str | None:
    """ISO (possibly partial) date for the spellings the CSL and DPL use, else None."""
    if text is None:
        return None
    text = " ".join(text.split())
    if _ISO_DATE.fullmatch(text) or _YEAR.fullmatch(text):
        try:
            datetime.strptime(text, "%Y-%m-%d" if len(text) == 10 else "%Y")
        except ValueError:
            return None
        return text
    for fmt, size in (("%d %b %Y", 10), ("%d %B %Y", 10), ("%m/%d/%Y", 10), ("%b %Y", 7),
                      ("%B %Y", 7)):
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return value.strftime("%Y-%m-%d")[:size]
    return None


def lower_country(text: str | None) -> str | None:
    code = country_code(text)
    return code.lower() if code else None


# --------------------------------------------------------------------------- row model


@dataclass
class RawAddress:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass
class IdEntry:
    type: str
    number: str
    country: str | None = None
    issue_date: str | None = None
    expiration_date: str | None = None
    date: str | None = None  # one date whose role (issue / expiry) the layout does not state

    @property
    def text(self) -> str:
        return f"{self.type}: {self.number}"


@dataclass
class CslRow:
    line: int | None
    element: str | None
    source_id: str | None = None
    source_label: str | None = None
    entity_number: str | None = None
    type: str | None = None
    programs: list[str] = field(default_factory=list)
    name: str | None = None
    title: str | None = None
    addresses: list[RawAddress] = field(default_factory=list)
    federal_register_notice: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    standard_order: str | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    call_sign: str | None = None
    vessel_type: str | None = None
    gross_tonnage: str | None = None
    gross_registered_tonnage: str | None = None
    vessel_flag: str | None = None
    vessel_owner: str | None = None
    remarks: str | None = None
    source_list_url: str | None = None
    alt_names: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    source_information_url: str | None = None
    ids: list[IdEntry] = field(default_factory=list)


_SCALARS = ("entity_number", "type", "name", "title", "federal_register_notice", "start_date",
            "end_date", "standard_order", "license_requirement", "license_policy", "call_sign",
            "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag",
            "vessel_owner", "remarks", "source_list_url", "source_information_url")
_LISTS = ("programs", "alt_names", "citizenships", "dates_of_birth", "nationalities",
          "places_of_birth")


# --------------------------------------------------------------------------- CSV ids column


def detect_ids_layout(values: Iterable[str]) -> str:
    """TYPE_LAST (2022) or TYPE_FIRST (2023+): which end of the entries holds known id types."""
    known = _id_rules()
    first = last = 0
    for value in values:
        for part in value.split("; "):
            comps = part.split(", ")
            if len(comps) < 2:
                continue
            first += _key(comps[0]) in known
            last += _key(comps[-1]) in known
    return TYPE_LAST if last > first else TYPE_FIRST


def parse_ids(value: str | None, layout: str) -> list[IdEntry]:
    if not value:
        return []
    entries = []
    for part in value.split("; "):
        comps = [c.strip() for c in part.split(", ")]
        if not any(comps):
            continue
        if len(comps) == 1:  # a lone word: no number, the type is all there is
            entries.append(IdEntry(comps[0], ""))
            continue
        entries.append(_ids_type_last(comps) if layout == TYPE_LAST else _ids_type_first(comps))
    return entries


def _ids_type_last(comps: list[str]) -> IdEntry:
    # country, expiration_date, issue_date, number, type (alphabetical, empties dropped)
    entry_type, rest = comps[-1], comps[:-1]
    country = None
    if len(rest) >= 2 and _COUNTRY_CODE.fullmatch(rest[0]):
        country, rest = rest[0], rest[1:]
    dates = []
    while len(rest) >= 2 and _ISO_DATE.fullmatch(rest[0]):
        dates.append(rest.pop(0))
    entry = IdEntry(entry_type, ", ".join(rest), country)
    if len(dates) == 2:
        entry.expiration_date, entry.issue_date = dates
    elif dates:
        entry.date = dates[0]
    return entry


def _ids_type_first(comps: list[str]) -> IdEntry:
    # type, number, country, issue_date, expiration_date (JSON order, empties dropped)
    entry_type, rest = comps[0], comps[1:]
    if (len(rest) >= 2 and _COUNTRY_CODE.fullmatch(rest[1]) and len(rest) <= 4
            and all(iso_date(d) for d in rest[2:])):
        entry = IdEntry(entry_type, rest[0], rest[1])
        dates = [iso_date(d) for d in rest[2:]]
        if len(dates) == 2:
            entry.issue_date, entry.expiration_date = dates
        elif dates:
            entry.date = dates[0]
        return entry
    return IdEntry(entry_type, ", ".join(rest))


# --------------------------------------------------------------------------- entity building


