"""trade.gov Consolidated Screening List (CSL), source ``us_csl``: CSV and JSON.

The CSL merges thirteen US lists (OFAC SDN/SSI/CAP/…, BIS Entity List/DPL/UVL/MEU, State
DDTC/ISN). Every row keeps its sub-list: the ``source`` column is mapped through
``data/csl_sources.csv`` to a short ``Sanction.list_name`` and an authority.

CSV layouts (format ``csl_csv``). The column set has stayed the same since 2018 (``_id, source,
entity_number, type, programs, name, … , source_information_url, ids``; the API's JSON calls the
first one ``id``, which is accepted too), but the files differ in how they were written:

- 2022 (and older): minimal quoting; each ``ids`` entry lists the id object's fields in
  *alphabetical key order* with empty ones dropped: ``country, expiration_date, issue_date,
  number, type`` -> ``RU, 7736640919, Tax ID No.``; ``JO, 2014-08-30, 2009-08-31, K475336,
  Passport``. The type is the last component.
- 2023 and 2025: every field quoted, the header line may be written twice (the 2023 file), and
  ``ids`` entries list the fields in the JSON order ``type, number, country, issue_date,
  expiration_date`` -> ``Tax ID No., 7736640919, RU``; ``Passport, E590976, TN, 19 Jun 1987,
  18 Jun 1992``. The type is the first component.

Nothing in the header tells the two apart, so the layout is detected per file from the ``ids``
column itself: which end of the entries holds a known id type (``data/csl_id_types.csv``).
Entries are separated by ``"; "`` and components by ``", "``; values may contain ``", "`` (the
component count then exceeds five), so the number is whatever is left between the recognised
country / date components and the type. When only one date is given its role (issue or
expiry) cannot be known: it is kept in the identifier note as "date …".

JSON (format ``csl_json``): ``{"results": [{…}], "total": n, "sources_used": [...]}`` with list
values (``alt_names``, ``programs``, …), ``addresses`` as objects (``address, city, state,
postal_code, country``) and ``ids`` as objects (``type, number, country, issue_date,
expiration_date``).

Rows sharing an id are one record on several sub-lists (an OFAC entity on SDN, SSI and CAP has
the same ent_num on each row): they become one entity with one Sanction per sub-list and
program. ``report.counts["list:<name>"]`` counts rows per sub-list, ``report.counts["rows"]``
all rows.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dibwatch.errors import FormatError, Location, ParseError
from dibwatch.lists._io import csv_dicts, csv_rows, decode, read_bytes
from dibwatch.lists._record import EMPTY, Record
from dibwatch.lists.base import ListParser, make_id, read_head
from dibwatch.lists.report import LoadReport
from dibwatch.model.country import country_code
from dibwatch.model.entity import (
    Address,
    CountryLink,
    Entity,
    NameKind,
    Provenance,
    Sanction,
    Schema,
)
from dibwatch.model.identifiers import make_identifier

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


@dataclass(frozen=True)
class _NamePattern:
    kind: str
    regex: re.Pattern[str]


@lru_cache(maxsize=1)
def _name_patterns() -> list[_NamePattern]:
    items = yaml.safe_load(_data_text("csl_name_patterns.yml"))
    return [_NamePattern(i["kind"], re.compile(i["pattern"], re.IGNORECASE)) for i in items]


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


@dataclass
class NameParts:
    name: str
    aliases: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_name(raw: str) -> NameParts:
    """Cut "and any successor, sub-unit…", "(a.k.a. …)", "(f.k.a. …)" out of a name field."""
    parts = NameParts(raw)
    for pat in _name_patterns():
        match = pat.regex.search(parts.name)
        if match is None:
            continue
        rest = (parts.name[: match.start()] + " " + parts.name[match.end():]).strip(" ,;")
        if not rest:  # never cut the whole name away
            continue
        parts.name = " ".join(rest.split())
        if pat.kind == "note":
            parts.notes.append(match.group(0).strip(" ,;"))
            continue
        names = [n.strip(" ,;") for n in match.group("names").split(";")]
        target = parts.aliases if pat.kind == "alias" else parts.previous
        target.extend(n for n in names if n)
    return parts


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


@dataclass
class _SanctionContext:
    listing_date: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, value: str) -> None:
        if value and value not in self.extra.get(key, []):
            self.extra.setdefault(key, []).append(value)


class CslBuilder:
    """Turns CslRows into entities, merging rows that share a record id."""

    def __init__(self, report: LoadReport, file: str, source: str = SOURCE) -> None:
        self.source = source
        self.report = report
        self.file = file
        self._entities: dict[str, Entity] = {}

    def entities(self) -> Iterator[Entity]:
        yield from self._entities.values()

    def _warn(self, row: CslRow, message: str, field_name: str | None = None,
              value: str | None = None) -> None:
        self.report.warn(message, line=row.line, element=row.element, field_name=field_name,
                         value=value)

    def add(self, row: CslRow) -> None:
        entity = self.build(row)
        known = self._entities.get(entity.id)
        if known is None:
            self._entities[entity.id] = entity
        else:
            self._merge(known, entity, row)

    def build(self, row: CslRow) -> Entity:
        self.report.counts["rows"] += 1
        source_id = row.source_id
        if source_id is None:
            blob = "|".join([row.source_label or "", row.name or "",
                             ";".join(a.full or "" for a in row.addresses)])
            source_id = "h" + hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]
            self._warn(row, "row without an id: derived one from source, name and addresses",
                       "_id", source_id)
        sub = self._sub_list(row)
        self.report.counts[f"list:{sub.list_name}"] += 1
        parts = split_name(row.name) if row.name else NameParts("")
        if not parts.name:
            self._warn(row, "row without a name", "name")
        entity = Entity(id=make_id(self.source, source_id),
                        schema=self._schema(row, parts.name),
                        source=self.source, source_id=source_id)
        entity.add_name(parts.name)
        for alias in [*parts.aliases, *row.alt_names]:
            entity.add_name(alias, NameKind.ALIAS)
        for previous in parts.previous:
            entity.add_name(previous, NameKind.PREVIOUS)
        entity.notes.extend(parts.notes)
        if row.title:
            if entity.schema == Schema.PERSON:
                entity.add_extra("position", row.title)
            else:
                entity.notes.append(f"Title: {row.title}")
        self._add_addresses(entity, row)
        self._add_countries(entity, row, row.citizenships, "citizenship", "citizenships")
        self._add_countries(entity, row, row.nationalities, "nationality", "nationalities")
        self._add_birth_dates(entity, row)
        entity.birth_places.extend(p for p in row.places_of_birth
                                   if p not in entity.birth_places)
        self._add_vessel(entity, row)
        if row.remarks:
            entity.notes.append(row.remarks)
        context = _SanctionContext()
        for entry in row.ids:
            self._apply_id(entity, row, entry, context)
        self._add_sanctions(entity, row, sub, context)
        entity.provenance.append(Provenance(self.file, row.line, row.element))
        return entity

    def _sub_list(self, row: CslRow) -> SubList:
        if row.source_label is None:
            self._warn(row, "row without a source list", "source")
            return SubList("unknown", "US")
        sub = _sub_lists().get(_key(row.source_label))
        if sub is None:
            self._warn(row, "unknown CSL source list: kept as list name", "source",
                       row.source_label)
            return SubList(row.source_label, "US")
        return sub

    def _schema(self, row: CslRow, name: str) -> str:
        kind = _key(row.type) if row.type else None
        if kind == "individual":
            return Schema.PERSON
        if kind == "vessel":
            return Schema.VESSEL
        if kind == "aircraft":
            return Schema.AIRCRAFT
        by_form = schema_by_legal_form(name)
        if kind == "entity":
            return by_form or Schema.ORGANIZATION
        if kind is not None:
            self._warn(row, "unknown party type", "type", row.type)
        # BIS and State rows have no type: only the name's legal form can tell.
        return by_form or Schema.LEGAL_ENTITY

    def _add_addresses(self, entity: Entity, row: CslRow) -> None:
        for raw in row.addresses:
            code = self._address_country(row, raw)
            full = raw.full or ", ".join(
                p for p in (raw.street, raw.city, raw.state, raw.postal_code, raw.country) if p)
            if code and full.strip().upper() == code.upper():
                # A bare country code ("SY"): a country link, not an address.
                self._link(entity, code, "country")
                continue
            if not full:
                continue
            address = Address(full=full, street=raw.street, city=raw.city,
                              postal_code=raw.postal_code, region=raw.state, country=code)
            if address not in entity.addresses:
                entity.addresses.append(address)
            if code:
                self._link(entity, code, "country")

    def _address_country(self, row: CslRow, raw: RawAddress) -> str | None:
        text = raw.country
        if text is None and raw.full:
            last = raw.full.rsplit(",", 1)[-1].strip()
            text = last if _COUNTRY_CODE.fullmatch(last) else None
        if text is None:
            return None
        code = lower_country(text)
        if code is None:
            self._warn(row, "unknown country in address", "addresses", text)
        return code

    @staticmethod
    def _link(entity: Entity, code: str, role: str) -> None:
        link = CountryLink(code, role)
        if link not in entity.countries:
            entity.countries.append(link)

    def _add_countries(self, entity: Entity, row: CslRow, values: list[str], role: str,
                       field_name: str) -> None:
        for value in values:
            code = lower_country(value)
            if code is None:
                self._warn(row, "unknown country", field_name, value)
                continue
            self._link(entity, code, role)

    def _add_birth_dates(self, entity: Entity, row: CslRow) -> None:
        for value in row.dates_of_birth:
            text = value
            circa = text.lower().startswith("circa ")
            if circa:
                text = text[6:]
            ends = [t.strip() for t in text.split(" to ")]
            dates = [iso_date(t) for t in ends]
            if not all(dates) or len(dates) > 2:
                self._warn(row, "unreadable date of birth: kept as note", "dates_of_birth",
                           value)
                entity.notes.append(f"Date of birth: {value}")
                continue
            for date in dates:
                if date and date not in entity.birth_dates:
                    entity.birth_dates.append(date)
            if circa or len(dates) > 1:
                entity.notes.append(f"Date of birth: {value}")

    def _add_vessel(self, entity: Entity, row: CslRow) -> None:
        entity.add_extra("callSign", row.call_sign)
        entity.add_extra("type", row.vessel_type)
        entity.add_extra("tonnage", row.gross_tonnage)
        entity.add_extra("grossRegisteredTonnage", row.gross_registered_tonnage)
        if row.vessel_flag:
            code = lower_country(row.vessel_flag)
            if code:
                entity.add_extra("flag", code)
            else:  # "None Identified" and other prose
                entity.notes.append(f"Vessel flag: {row.vessel_flag}")
        if row.vessel_owner:
            # FtM's owner is an entity reference; the CSL gives a bare name.
            entity.notes.append(f"Vessel owner: {row.vessel_owner}")

    def _apply_id(self, entity: Entity, row: CslRow, entry: IdEntry,
                  context: _SanctionContext) -> None:
        rule = self._rule_for(entity, entry)
        if rule is None:
            self.report.leftover(f"ids[{entry.type}]", entry.text, line=row.line,
                                 element=row.element, file=self.file)
            return
        number = entry.number
        if not number:
            self._warn(row, "id entry without a number", "ids", entry.type)
            return
        action = rule.action
        if action == "identifier":
            self._add_identifier(entity, entry, rule.target or "ID")
        elif action == "extra":
            entity.add_extra(rule.target or "notes", number)
        elif action == "flag":
            self._apply_flag(entity, entry, rule.target or "flag")
        elif action == "registration_country":
            # FtM has "flag" only on vessels; for companies and aircraft it is a jurisdiction.
            code = lower_country(number)
            if entity.schema == Schema.VESSEL or code is None:
                self._apply_flag(entity, entry, "flag")  # unknown names become a note
            else:
                self._link(entity, code, "jurisdiction")
        elif action == "alias":
            if not any(n.value == number for n in entity.names):
                entity.add_name(number, NameKind.ALIAS)
        elif action == "website":
            _append(entity.websites, number)
        elif action == "email":
            _append(entity.emails, number)
        elif action == "phone":
            _append(entity.phones, number)
        elif action == "gender":
            entity.add_extra("gender", number.lower())
        elif action == "nationality":
            self._add_countries(entity, row, [number], "nationality", "ids")
        elif action == "incorporation_date":
            date = iso_date(number)
            if date:
                _append(entity.incorporation_dates, date)
            else:
                self._warn(row, "unreadable date: kept as note", "ids", entry.text)
                entity.notes.append(entry.text)
        elif action == "listing_date":
            context.listing_date = iso_date(number) or context.listing_date
            context.add(entry.type, number)
        elif action == "sanction":
            context.add(entry.type, number)
        else:  # "note"
            _append(entity.notes, entry.text)

    @staticmethod
    def _apply_flag(entity: Entity, entry: IdEntry, prop: str) -> None:
        code = lower_country(entry.number)
        if code:
            entity.add_extra(prop, code)
        else:
            entity.notes.append(entry.text)

    @staticmethod
    def _entity_countries(entity: Entity) -> set[str]:
        return {c.code.upper() for c in entity.countries}

    def _rule_for(self, entity: Entity, entry: IdEntry) -> IdRule | None:
        rules = _id_rules().get(_key(entry.type))
        if not rules:
            return None
        countries = ({entry.country.upper()} if entry.country
                     else self._entity_countries(entity))
        number = entry.number.strip()
        for rule in rules:
            if rule.country and rule.country not in countries:
                continue
            if rule.pattern and not rule.pattern.fullmatch(number):
                continue
            return rule
        return None

    def _add_identifier(self, entity: Entity, entry: IdEntry, scheme: str) -> None:
        number, country = entry.number, lower_country(entry.country)
        notes = [entry.type]
        match = _TRAILING_PAREN.fullmatch(number)
        if match and match.group(1):
            inner = match.group(2).strip()
            number = match.group(1)
            inner_code = lower_country(inner)
            if inner_code and country is None:
                country = inner_code
            elif inner:
                notes.append(inner)
        if entry.issue_date:
            notes.append(f"issued {iso_date(entry.issue_date) or entry.issue_date}")
        if entry.expiration_date:
            notes.append(f"expires {iso_date(entry.expiration_date) or entry.expiration_date}")
        if entry.date:
            notes.append(f"date {iso_date(entry.date) or entry.date}")
        ident = make_identifier(scheme, number, country=country, note="; ".join(notes))
        if ident not in entity.identifiers:
            entity.identifiers.append(ident)

    def _add_sanctions(self, entity: Entity, row: CslRow, sub: SubList,
                       context: _SanctionContext) -> None:
        extra = context.extra
        for key, value in (("entity_number", row.entity_number),
                           ("federal_register_notice", row.federal_register_notice),
                           ("standard_order", (row.standard_order or "").upper() or None),
                           ("source_information_url", row.source_information_url)):
            if value:
                context.add(key, value)
        reason = "; ".join(
            f"{label}: {text}" for label, text in (("License requirement",
                                                    row.license_requirement),
                                                   ("License policy", row.license_policy))
            if text) or None
        listing = self._date(row, row.start_date, "start_date") or context.listing_date
        end = self._date(row, row.end_date, "end_date")
        url = row.source_list_url or row.source_information_url
        programs: list[str | None] = list(row.programs) or [None]
        for program in programs:
            sanction = Sanction(authority=sub.authority, program=program,
                                list_name=sub.list_name, listing_date=listing, end_date=end,
                                reason=reason, source_url=url,
                                extra={k: list(v) for k, v in extra.items()})
            if sanction not in entity.sanctions:
                entity.sanctions.append(sanction)

    def _date(self, row: CslRow, value: str | None, field_name: str) -> str | None:
        if value is None:
            return None
        date = iso_date(value)
        if date is None:
            self._warn(row, "unreadable date", field_name, value)
        return date

    def _merge(self, into: Entity, other: Entity, row: CslRow) -> None:
        if other.schema != into.schema:
            self._warn(row, f"rows sharing id {into.source_id} differ in type; kept "
                       f"{into.schema}", "type", other.schema)
        # Sub-lists spell the same party differently (PLC "Mahmoud ZAHHAR", SDN "ZAHHAR,
        # Mahmoud Khaled"): the other spellings are kept as aliases.
        for name in other.names:
            kind = NameKind.ALIAS if name.kind == NameKind.PRIMARY else name.kind
            if not any(n.value == name.value for n in into.names):
                into.add_name(name.value, kind, name.lang)
        for attr in ("identifiers", "addresses", "countries", "birth_dates", "birth_places",
                     "incorporation_dates", "sanctions", "websites", "emails", "phones",
                     "notes", "provenance"):
            target = getattr(into, attr)
            for item in getattr(other, attr):
                if item not in target:
                    target.append(item)
        for prop, values in other.extra.items():
            for value in values:
                into.add_extra(prop, value)


def _append(target: list[str], value: str) -> None:
    if value not in target:
        target.append(value)


# --------------------------------------------------------------------------- CSV


def _head_text(path: Path) -> str:
    head = read_head(path, 4096)
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                     (b"\xfe\xff", "utf-16")):
        if head.startswith(bom):
            return head[: len(head) // 2 * 2 if enc == "utf-16" else len(head)].decode(
                enc, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _csv_row(record: Record, layout: str, line: int) -> CslRow:
    row = CslRow(line=line, element=None)
    ids = [record.pop(c) for c in _CSV_ID_COLUMNS]
    row.source_id = next((i for i in ids if i), None)
    row.source_label = record.pop("source")
    for name in _SCALARS:
        setattr(row, name, record.pop(name))
    for name in _LISTS:
        setattr(row, name, record.pop_list(name, ";"))
    row.addresses = [RawAddress(full=a) for a in record.pop_list("addresses", "; ")]
    row.ids = parse_ids(record.pop("ids"), layout)
    return row


def _is_truncated_tail(exc: ParseError, text: str) -> bool:
    """The error is in the file's last line and that line has no end: a cut-off download."""
    if exc.location is None or exc.location.line is None or text.endswith(("\n", "\r")):
        return False
    return exc.location.line == text.count("\n") + 1


class CslCsvParser(ListParser):
    format = "csl_csv"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        try:
            first = _head_text(path).splitlines()[0]
            header = {h.strip().lstrip("\ufeff") for h in next(csv.reader([first]))}
        except (IndexError, StopIteration, csv.Error):
            return None
        wanted = {"source", "name", "alt_names", "source_information_url"}
        if wanted <= header and header & set(_CSV_ID_COLUMNS):
            return SOURCE
        return None

    def _header(self, text: str, file: str) -> list[str]:
        try:
            _, header = next(csv_rows(text, file))
        except StopIteration:
            raise ParseError("empty file: no header row", Location(file, 1)) from None
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in ("source", "name") if c not in header]
        if not set(header) & set(_CSV_ID_COLUMNS):
            missing.append("_id (or id)")
        if missing:
            raise FormatError(f"not a CSL CSV: missing columns {', '.join(missing)}",
                              Location(file, 1))
        return header

    def _rows(self, text: str, file: str) -> list[tuple[int, dict[str, str]]]:
        self._header(text, file)
        rows: list[tuple[int, dict[str, str]]] = []
        try:
            rows.extend(csv_dicts(text, file))
        except ParseError as exc:
            if not _is_truncated_tail(exc, text):
                raise
            # Loading what precedes a cut-off last line beats refusing the file; the lost
            # record is named in the report so the user knows the snapshot is incomplete.
            self.report.warn(f"file ends inside a record (truncated?): the last record was "
                             f"dropped ({exc.message})", line=exc.location.line
                             if exc.location else None)
            self.report.counts["truncated_records"] += 1
        return rows

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        # trade.gov publishes UTF-8; other bytes mean a damaged or foreign file.
        text = decode(read_bytes(self.path), file)
        rows = self._rows(text, file)
        layout = detect_ids_layout(r.get("ids", "") for _, r in rows)
        self.report.counts[f"ids_layout:{layout}"] += 1
        builder = CslBuilder(self.report, file, self.source)
        for line, data in rows:
            record = Record(dict(data), file=file, line=line)
            builder.add(_csv_row(record, layout, line))
            record.finish(self.report)
        yield from builder.entities()


# --------------------------------------------------------------------------- JSON


def _json_text(item: dict[str, Any], key: str, where: Location) -> str | None:
    value = item.pop(key, None)
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise ParseError(f"expected text, found {type(value).__name__}",
                         Location(where.file, element=where.element, field=key))
    value = value.strip()
    return None if value in EMPTY else value


def _json_list(item: dict[str, Any], key: str, where: Location) -> list[str]:
    value = item.pop(key, None)
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list):
        raise ParseError(f"expected a list, found {type(value).__name__}",
                         Location(where.file, element=where.element, field=key))
    out = []
    for entry in value:
        if isinstance(entry, int | float) and not isinstance(entry, bool):
            entry = str(entry)
        if not isinstance(entry, str):
            raise ParseError(f"expected a list of text, found {type(entry).__name__}",
                             Location(where.file, element=where.element, field=key))
        if entry.strip() and entry.strip() not in EMPTY:
            out.append(entry.strip())
    return out


def _json_objects(item: dict[str, Any], key: str, where: Location) -> list[dict[str, Any]]:
    value = item.pop(key, None)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict | str) for v in value):
        raise ParseError("expected a list of objects",
                         Location(where.file, element=where.element, field=key))
    return [v if isinstance(v, dict) else {"address": v} for v in value]


def _finish_json(item: dict[str, Any], where: Location, report: LoadReport,
                 prefix: str = "") -> None:
    leftovers: dict[str, str | None] = {
        f"{prefix}{k}": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        for k, v in item.items() if v not in (None, "", [], {})}
    Record(leftovers, file=where.file, element=where.element).finish(report)


def _json_row(item: dict[str, Any], where: Location, report: LoadReport) -> CslRow:
    row = CslRow(line=None, element=where.element)
    ids = [_json_text(item, c, where) for c in ("id", "_id")]
    row.source_id = next((i for i in ids if i), None)
    row.source_label = _json_text(item, "source", where)
    for name in _SCALARS:
        setattr(row, name, _json_text(item, name, where))
    for name in _LISTS:
        setattr(row, name, _json_list(item, name, where))
    for i, obj in enumerate(_json_objects(item, "addresses", where)):
        at = Location(where.file, element=f"{where.element}/addresses[{i}]")
        row.addresses.append(RawAddress(
            full=_json_text(obj, "full", at) if "full" in obj else None,
            street=_json_text(obj, "address", at), city=_json_text(obj, "city", at),
            state=_json_text(obj, "state", at), postal_code=_json_text(obj, "postal_code", at),
            country=_json_text(obj, "country", at)))
        _finish_json(obj, at, report, "addresses.")
    for i, obj in enumerate(_json_objects(item, "ids", where)):
        at = Location(where.file, element=f"{where.element}/ids[{i}]")
        id_type = _json_text(obj, "type", at)
        entry = IdEntry(id_type or "", _json_text(obj, "number", at) or "",
                        _json_text(obj, "country", at), _json_text(obj, "issue_date", at),
                        _json_text(obj, "expiration_date", at))
        _finish_json(obj, at, report, "ids.")
        if id_type:
            row.ids.append(entry)
        elif entry.number:
            report.leftover("ids[]", entry.number, element=at.element, file=at.file)
    _finish_json(item, where, report)
    return row


class CslJsonParser(ListParser):
    format = "csl_json"
    version = "1"
    sources = (SOURCE,)

    _MARKERS = ('"alt_names"', '"source_list_url"', '"source_information_url"',
                '"entity_number"')

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = _head_text(path).lstrip()
        if head.startswith("{") and '"results"' in head and any(m in head for m in cls._MARKERS):
            return SOURCE
        return None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file)
        if not text.strip():
            raise ParseError("empty file", Location(file, 1))
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"malformed JSON: {exc.msg}", Location(file, exc.lineno)) from exc
        except RecursionError as exc:
            raise ParseError("JSON nested too deeply", Location(file)) from exc
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise FormatError('not a CSL JSON file: no "results" list', Location(file))
        results: list[Any] = data.pop("results")
        self._top_level(data, file, len(results))
        builder = CslBuilder(self.report, file, self.source)
        for i, item in enumerate(results):
            where = Location(file, element=f"/results[{i}]")
            if not isinstance(item, dict):
                raise ParseError("expected an object", where)
            builder.add(_json_row(dict(item), where, self.report))
        yield from builder.entities()

    def _top_level(self, data: dict[str, Any], file: str, count: int) -> None:
        total = data.pop("total", None)
        if total is not None and total != count:
            self.report.warn(f'"total" says {total} but the file has {count} results',
                             element="/total")
        # Per-list import dates: the newest one dates the snapshot.
        used = data.pop("sources_used", None)
        if isinstance(used, list):
            dates = [iso_date(str(u.get("source_last_updated", ""))[:10]) for u in used
                     if isinstance(u, dict)]
            self.published_at = max((d for d in dates if d), default=None)
        # "sources" is the API's facet count per list: derived data, recomputed by us.
        data.pop("sources", None)
        _finish_json(data, Location(file, element="/"), self.report)


__all__ = [
    "CslBuilder",
    "CslCsvParser",
    "CslJsonParser",
    "iso_date",
    "lower_country",
    "schema_by_legal_form",
    "split_name",
]
