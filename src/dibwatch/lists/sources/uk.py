"""UK Sanctions List (FCDO): "UK-Sanctions-List.xml" and its CSV sibling.

The XML root ``Designations`` holds ``DateGenerated`` (dd/mm/yyyy) and one ``Designation`` per
person, entity or ship, keyed by ``UniqueID`` (``RUS0001``). Names are ``Name1``…``Name6``
(Name6 is the family or whole name) with a ``NameType`` and, for UN designations, an
``AliasStrength``; details sit in ``IndividualDetails`` / ``EntityDetails`` / ``ShipDetails``.
Dates are dd/mm/yyyy, with ``dd``/``mm`` standing for an unknown day or month.

The CSV starts with a "Report Date: 24-Jun-2026" line, then a header; each row carries one name
of a designation with the designation's other fields, so rows are grouped by "Unique ID".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from dibwatch.errors import FormatError, Location, ParseError
from dibwatch.ingest.files import csv_rows, decode, read_bytes
from dibwatch.ingest.report import LoadReport
from dibwatch.lists._record import Record
from dibwatch.lists._xml import child_text, iter_elements, local, path_of
from dibwatch.lists.base import ListParser, make_id, read_head
from dibwatch.model import (
    Address,
    CountryLink,
    Entity,
    NameKind,
    Provenance,
    Sanction,
    Schema,
    country_code,
    make_identifier,
)

SOURCE = "gb_fcdo"
AUTHORITY = "UK FCDO"
SOURCE_URL = "https://www.gov.uk/government/publications/the-uk-sanctions-list"
CSV_REQUIRED = ("Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type")

_UK_DATE = re.compile(r"^(\d{1,2}|dd)/(\d{1,2}|mm)/(\d{4})$", re.IGNORECASE)
_REPORT_DATE = re.compile(r"Report Date:\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


# --------------------------------------------------------------------------- lookups


@dataclass(frozen=True)
class _Lookups:
    entity_types: dict[str, str]
    name_types: dict[str, str]
    alias_strengths: dict[str, str]
    languages: dict[str, str]
    genders: dict[str, str]
    number_labels: dict[str, str]
    label_pattern: re.Pattern[str]
    shape_rules: tuple[dict[str, Any], ...]
    csv_column_aliases: dict[str, str]


def _key(value: str) -> str:
    return " ".join(value.split()).lower()


@lru_cache(maxsize=1)
def lookups() -> _Lookups:
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("dibwatch.lists.sources").joinpath("data/uk_lookups.yml")
        .read_text(encoding="utf-8"))

    def table(name: str) -> dict[str, str]:
        return {_key(str(k)): str(v) for k, v in raw[name].items()}

    labels = table("number_labels")
    alternatives = "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True))
    return _Lookups(
        entity_types=table("entity_types"),
        name_types=table("name_types"),
        alias_strengths=table("alias_strengths"),
        languages=table("languages"),
        genders=table("genders"),
        number_labels=labels,
        label_pattern=re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE),
        shape_rules=tuple(raw["shape_rules"]),
        csv_column_aliases={str(k): str(v) for k, v in raw["csv_column_aliases"].items()},
    )


# --------------------------------------------------------------------------- values


def uk_date(value: str | None) -> str | None:
    """ISO (possibly partial) from dd/mm/yyyy, where "dd"/"mm" mask an unknown day/month;
    None when the value is not such a date."""
    if not value:
        return None
    match = _UK_DATE.match(value.strip())
    if not match:
        return None
    day, month, year = match.groups()
    try:
        if month.lower() == "mm":
            datetime.date(int(year), 1, 1)
            return f"{int(year):04d}"
        if day.lower() == "dd":
            datetime.date(int(year), int(month), 1)
            return f"{int(year):04d}-{int(month):02d}"
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def report_date(line: str) -> str | None:
    """ISO date from the CSV's first line, "Report Date: 24-Jun-2026"."""
    match = _REPORT_DATE.search(line)
    if not match:
        return None
    day, month, year = match.groups()
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return datetime.date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def _country(value: str | None) -> str | None:
    code = country_code(value) if value else None
    return code.lower() if code else None


# --------------------------------------------------------------------------- building


@dataclass
class _Where:
    """Location of the value being mapped, for warnings."""

    file: str
    line: int | None = None
    element: str | None = None


@dataclass
class _Designation:
    """Designation-level fields collected from the XML element or from the CSV rows."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, value: str | None) -> None:
        if value is None:
            return
        value = value.strip()
        if value and value not in self.fields.get(key, []):
            self.fields.setdefault(key, []).append(value)

    def first(self, key: str) -> str | None:
        values = self.fields.get(key)
        return values[0] if values else None


class _Builder:
    """Adds the UK list's values to one entity; shared by the XML and the CSV parser."""

    def __init__(self, entity: Entity, report: LoadReport) -> None:
        self.entity = entity
        self.report = report
        self.lk = lookups()
        self.owners: list[str] = []

    def warn(self, message: str, where: _Where, field_name: str, value: str | None) -> None:
        self.report.warn(message, line=where.line, element=where.element,
                         field_name=field_name, value=value, file=where.file)

    def name(self, parts: list[str | None], name_type: str | None, strength: str | None,
             where: _Where) -> None:
        value = " ".join(p.strip() for p in parts if p and p.strip())
        if not value:
            return
        kind_name = self.lk.name_types.get(_key(name_type or ""))
        if kind_name is None:
            self.warn("unknown name type; kept as alias", where, "NameType", name_type)
            kind_name = "alias"
        if strength:
            quality = self.lk.alias_strengths.get(_key(strength))
            if quality is None:
                self.warn("unknown alias strength", where, "AliasStrength", strength)
            elif kind_name == "alias":
                kind_name = quality
        kind = {"primary": NameKind.PRIMARY, "alias": NameKind.ALIAS,
                "weak": NameKind.WEAK}[kind_name]
        self.entity.add_name(value, kind)
        if self.entity.schema == Schema.PERSON and parts[0]:
            # Name1 is always a given name and Name6 the family name; 2-5 vary. A Name6
            # alone is a whole name, not a family name.
            self.entity.add_extra("firstName", parts[0])
            self.entity.add_extra("lastName", parts[-1])

    def non_latin(self, value: str | None, language: str | None, where: _Where) -> None:
        if not value:
            return
        lang = None
        if language:
            lang = self.lk.languages.get(_key(language))
            if lang is None:
                self.warn("unknown non-Latin script language", where,
                          "NonLatinScriptLanguage", language)
        self.entity.add_name(value, NameKind.ALIAS, lang)

    def address(self, lines: list[str | None], postcode: str | None, country: str | None,
                where: _Where) -> None:
        code = _country(country)
        if country and code is None:
            self.warn("unknown country", where, "AddressCountry", country)
        # FCDO fills lines 1-3 with the street, 4 with the place, 5 region, 6 city.
        street = ", ".join(p for p in lines[:3] if p) or None
        city, region = lines[5], lines[4]
        full = ", ".join(p for p in [*lines, postcode, country] if p)
        if not full:
            return
        address = Address(full=full, street=street, city=city, postal_code=postcode,
                          region=region, country=code)
        if address not in self.entity.addresses:
            self.entity.addresses.append(address)
        if code:
            self._add_country(code, "country")

    def contact(self, target: list[str], value: str | None, split: str = r"[;,]\s*") -> None:
        for item in re.split(split, value or ""):
            item = item.strip()
            if item and item not in target:
                target.append(item)

    def birth_date(self, value: str | None, where: _Where) -> None:
        if not value:
            return
        iso = uk_date(value)
        if iso is None:
            self.warn("unreadable date of birth", where, "DOB", value)
            return
        if iso not in self.entity.birth_dates:
            self.entity.birth_dates.append(iso)

    def birth_place(self, town: str | None, country: str | None, where: _Where) -> None:
        text = ", ".join(p for p in (town, country) if p)
        if text and text not in self.entity.birth_places:
            self.entity.birth_places.append(text)
        code = _country(country)
        if code:
            self._add_country(code, "birthCountry")
        elif country:
            self.warn("unknown country", where, "CountryOfBirth", country)

    def nationality(self, value: str | None, where: _Where) -> None:
        if not value:
            return
        code = _country(value)
        if code:
            self._add_country(code, "nationality")
            return
        pieces = [p for p in re.split(r"[;,]|\(\d+\)", value) if p.strip()]
        for piece in pieces:
            code = _country(piece)
            if code:
                self._add_country(code, "nationality")
            else:
                self.warn("unknown nationality", where, "Nationality", piece.strip())

    def document(self, scheme: str, number: str | None, info: str | None) -> None:
        if not number:
            return
        ident = make_identifier(scheme, number, note=info)
        if ident not in self.entity.identifiers:
            self.entity.identifiers.append(ident)

    def registration_numbers(self, text: str | None, where: _Where) -> None:
        if not text:
            return
        country = next((a.country for a in self.entity.addresses if a.country), None)
        found = False
        for scheme, number in self._labelled_numbers(text):
            scheme = self._by_shape(scheme, number, country)
            ident = make_identifier(scheme, number)
            if ident.value != number:
                ident = replace(ident, raw=number)
            if ident not in self.entity.identifiers:
                self.entity.identifiers.append(ident)
            found = True
        if not found:
            self.warn("no number in business registration field", where,
                      "BusinessRegistrationNumber", text)

    def _labelled_numbers(self, text: str) -> Iterator[tuple[str, str]]:
        """(scheme, number) pairs in "INN: 7702070139; OGRN: 1027700159497" and the like: each
        label governs the text up to the next label; a segment without a digit only qualifies
        the label after it."""
        matches = list(self.lk.label_pattern.finditer(text))
        bounds = [m.start() for m in matches] + [len(text)]
        head = text[: bounds[0]]
        for piece in re.split(r"[;\n]", head):
            number = _number(piece)
            if number:
                yield "REG_NO", number
        for match, end in zip(matches, bounds[1:], strict=True):
            number = _number(text[match.end():end])
            if number:
                yield self.lk.number_labels[_key(match.group(1))], number

    def _by_shape(self, scheme: str, number: str, country: str | None) -> str:
        if scheme != "REG_NO":
            return scheme
        compact = re.sub(r"[\s\-./]", "", number).upper()
        for rule in self.lk.shape_rules:
            if rule["country"] != country:
                continue
            if "digits" in rule and compact.isdigit() and len(compact) in rule["digits"]:
                return str(rule["scheme"])
            if "length" in rule and compact.isalnum() and len(compact) in rule["length"]:
                return str(rule["scheme"])
        return scheme

    def gender(self, value: str | None, where: _Where) -> None:
        if not value:
            return
        mapped = self.lk.genders.get(_key(value))
        if mapped is None:
            self.warn("unknown gender", where, "Gender", value)
        self.entity.add_extra("gender", mapped or value)

    def flag(self, value: str | None, prop: str, where: _Where) -> None:
        if not value:
            return
        code = _country(value)
        if code is None:
            self.warn("unknown flag state", where, prop, value)
        self.entity.add_extra(prop, code or value)
        if code and prop == "flag":
            self._add_country(code, "flag")

    def note(self, label: str, value: str | None) -> None:
        if value and value.strip():
            text = f"{label}: {value.strip()}"
            if text not in self.entity.notes:
                self.entity.notes.append(text)

    def _add_country(self, code: str, role: str) -> None:
        link = CountryLink(code, role)
        if link not in self.entity.countries:
            self.entity.countries.append(link)

    def sanction(self, d: _Designation, where: _Where) -> None:
        entity = self.entity
        for info in d.fields.get("OtherInformation", []):
            if info not in entity.notes:
                entity.notes.append(info)
        regimes: list[str | None] = list(d.fields.get("RegimeName", [])) or [None]
        listed = self._date(d.first("DateDesignated"), "DateDesignated", where)
        updated = self._date(d.first("LastUpdated"), "LastUpdated", where)
        extra: dict[str, list[str]] = {"authorityId": [entity.source_id]}
        for key, values in (
            ("ofsiGroupId", d.fields.get("OFSIGroupID", [])),
            ("unscId", d.fields.get("UNReferenceNumber", [])),
            ("designationSource", d.fields.get("DesignationSource", [])),
            ("modifiedAt", [updated] if updated else []),
            ("provisions", [p.strip() for v in d.fields.get("SanctionsImposed", [])
                            for p in v.split("|") if p.strip()]),
        ):
            if values:
                extra[key] = list(dict.fromkeys(values))
        reasons = d.fields.get("UKStatementofReasons", [])
        for regime in regimes:
            entity.sanctions.append(Sanction(
                authority=AUTHORITY, program=regime, listing_date=listed,
                reason="\n".join(reasons) or None, source_url=SOURCE_URL, extra=dict(extra)))

    def _date(self, value: str | None, name: str, where: _Where) -> str | None:
        iso = uk_date(value)
        if value and iso is None:
            self.warn("unreadable date", where, name, value)
        return iso


def _number(segment: str) -> str | None:
    """The number in the text after a label: "(USCC): 9131…" -> "9131…"."""
    text = re.sub(r"^\W*(?:no\b\.?|number\b|code\b)?\W*", "", segment.strip(), flags=re.I)
    text = re.split(r"[;,]|\s\(|\.\s|\s-\s", text, maxsplit=1)[0].strip(" .:#№()-")
    return text if any(c.isdigit() for c in text) or (len(text) >= 8 and text.isalnum()
                                                      and text.isupper()) else None


def _schema(value: str | None, report: LoadReport, where: _Where) -> str:
    schema = lookups().entity_types.get(_key(value or ""))
    if schema is None:
        report.warn("unknown designation type; kept as LegalEntity", line=where.line,
                    element=where.element, field_name="IndividualEntityShip", value=value,
                    file=where.file)
        return Schema.LEGAL_ENTITY.value
    return schema


# --------------------------------------------------------------------------- XML

_HIN = "hull identification number (HIN)"
_SCALARS = ("LastUpdated", "DateDesignated", "UniqueID", "OFSIGroupID", "UNReferenceNumber",
            "RegimeName", "IndividualEntityShip", "DesignationSource", "SanctionsImposed",
            "OtherInformation", "UKStatementofReasons")


def _line(elem: etree._Element) -> int | None:
    line = elem.sourceline
    return line if isinstance(line, int) else None


def _texts(container: etree._Element) -> list[str]:
    return [str(c.text).strip() for c in container
            if isinstance(c.tag, str) and c.text and str(c.text).strip()]


def _fields(item: etree._Element, file: str) -> Record:
    """A Record of the item's child texts (leaf children only)."""
    data: dict[str, str | None] = {}
    for child in item:
        if isinstance(child.tag, str):
            name = local(child)
            text = " ".join(str(t).strip() for t in child.itertext() if str(t).strip())
            data[name] = f"{data[name]}; {text}" if data.get(name) else text
    return Record(data, element=path_of(item), line=_line(item), file=file)


class UkSanctionsXmlParser(ListParser):
    format = "uk_fcdo_xml"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path, 4096)
        if b"<Designations" in head and (b"<Designation>" in head or b"DateGenerated" in head):
            return SOURCE
        return None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        data = read_bytes(self.path)
        if not re.search(rb"<Designations\b", data[:8192]):
            raise FormatError("not a UK Sanctions List: no <Designations> root element",
                              Location(file))
        elements = iter_elements(data, file, ("Designation", "DateGenerated"))
        while True:
            try:
                elem = next(elements)
            except StopIteration:
                return
            except (etree.LxmlError, LookupError, ValueError) as exc:
                raise ParseError(f"malformed XML: {exc}", Location(file)) from exc
            if local(elem) == "DateGenerated":
                raw = (elem.text or "").strip()
                self.published_at = uk_date(raw)
                if raw and self.published_at is None:
                    self.report.warn("unreadable DateGenerated", line=_line(elem),
                                     field_name="DateGenerated", value=raw)
                continue
            entity = self._designation(elem, file)
            if entity is not None:
                yield entity

    def _designation(self, elem: etree._Element, file: str) -> Entity | None:
        where = _Where(file, _line(elem), path_of(elem))
        d = _Designation()
        containers: list[etree._Element] = []
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            name = local(child)
            if name in _SCALARS:
                d.add(name, child.text)
            else:
                containers.append(child)
        unique_id = d.first("UniqueID")
        if unique_id is None:
            self.report.warn("Designation without UniqueID: skipped", line=where.line,
                             element=where.element, field_name="UniqueID")
            return None
        entity = Entity(id=make_id(self.source, unique_id),
                        schema=_schema(d.first("IndividualEntityShip"), self.report, where),
                        source=self.source, source_id=unique_id)
        entity.provenance.append(Provenance(file, where.line, where.element))
        builder = _Builder(entity, self.report)
        # Names first, so that details (e.g. registration numbers) see the address country.
        order = {"Names": 0, "NonLatinNames": 1, "Addresses": 2}
        for child in sorted(containers, key=lambda c: order.get(local(c), 3)):
            self._container(builder, child, file)
        builder.sanction(d, where)
        return entity

    def _container(self, b: _Builder, elem: etree._Element, file: str) -> None:
        name = local(elem)
        simple = {
            "PhoneNumbers": lambda v: b.contact(b.entity.phones, v),
            "EmailAddresses": lambda v: b.contact(b.entity.emails, v, r"[;,\s]+"),
            "Websites": lambda v: b.contact(b.entity.websites, v, r"[;,\s]+"),
            "Titles": lambda v: b.entity.add_extra("title", v),
        }
        if name in simple:
            for value in _texts(elem):
                simple[name](value)
        elif name in ("Names", "NonLatinNames", "Addresses", "IndividualDetails",
                      "EntityDetails", "ShipDetails"):
            items = [c for c in elem if isinstance(c.tag, str)]
            if name == "NonLatinNames" and child_text(elem, "NameNonLatinScript"):
                items = [elem]  # older files: one NonLatinNames per name, no item element
            for item in items:
                self._item(b, name, item, file)
        else:
            self._leftover(elem, file)

    def _item(self, b: _Builder, container: str, item: etree._Element, file: str) -> None:
        where = _Where(file, _line(item), path_of(item))
        if container in ("IndividualDetails", "EntityDetails", "ShipDetails"):
            self._details(b, item, file)
            return
        rec = _fields(item, file)
        if container == "Names":
            b.name([rec.pop(f"Name{i}") for i in range(1, 7)], rec.pop("NameType"),
                   rec.pop("AliasStrength"), where)
        elif container == "NonLatinNames":
            # The script type ("Cyrillic") is derived from the text itself.
            rec.ignore("NonLatinScriptType")
            b.non_latin(rec.pop("NameNonLatinScript"), rec.pop("NonLatinScriptLanguage"),
                        where)
        elif container == "Addresses":
            b.address([rec.pop(f"AddressLine{i}") for i in range(1, 7)],
                      rec.pop("AddressPostalCode"), rec.pop("AddressCountry"), where)
        rec.finish(self.report)

    def _details(self, b: _Builder, item: etree._Element, file: str) -> None:
        for group in item:
            if not isinstance(group.tag, str):
                continue
            name = local(group)
            where = _Where(file, _line(group), path_of(group))
            handler = self._detail_handlers(b, where).get(name)
            if handler is None:
                self._leftover(group, file)
                continue
            if name in ("BirthDetails", "PassportDetails", "NationalIdentifierDetails"):
                for entry in group:
                    if isinstance(entry.tag, str):
                        rec = _fields(entry, file)
                        handler(rec)
                        rec.finish(self.report)
            else:
                for value in _texts(group):
                    handler(value)

    def _detail_handlers(self, b: _Builder, where: _Where) -> dict[str, Any]:
        e = b.entity
        return {
            # individual
            "DOBs": lambda v: b.birth_date(v, where),
            "Nationalities": lambda v: b.nationality(v, where),
            "Positions": lambda v: e.add_extra("position", v),
            "Genders": lambda v: b.gender(v, where),
            "Titles": lambda v: e.add_extra("title", v),
            "BirthDetails": lambda r: b.birth_place(r.pop("TownOfBirth"),
                                                    r.pop("CountryOfBirth"), where),
            "PassportDetails": lambda r: b.document(
                "PASSPORT", r.pop("PassportNumber"), r.pop("PassportAdditionalInformation")),
            "NationalIdentifierDetails": lambda r: b.document(
                "NATIONAL_ID", r.pop("NationalIdentifierNumber"),
                r.pop("NationalIdentifierAdditionalInformation")),
            # entity
            "TypeOfEntities": lambda v: e.add_extra("legalForm", v),
            "BusinessRegistrationNumbers": lambda v: b.registration_numbers(v, where),
            "ParentCompanies": lambda v: b.note("Parent company", v),
            "Subsidiaries": lambda v: b.note("Subsidiary", v),
            # ship
            "IMONumbers": lambda v: b.document("IMO", v, None),
            "HullIdentificationNumbers": lambda v: b.document("REG_NO", v, _HIN),
            "CurrentOwnerOperators": lambda v: b.note("Current owner/operator", v),
            "PreviousOwnerOperators": lambda v: b.note("Previous owner/operator", v),
            "CurrentBelievedFlagOfShips": lambda v: b.flag(v, "flag", where),
            "PreviousFlags": lambda v: b.flag(v, "pastFlags", where),
            "TypeOfShipDetails": lambda v: e.add_extra("type", v),
            "TonnageOfShipDetails": lambda v: e.add_extra("tonnage", v),
            "LengthOfShipDetails": lambda v: b.note("Length", v),
            "YearsBuilt": lambda v: e.add_extra("buildDate", v),
        }

    def _leftover(self, elem: etree._Element, file: str) -> None:
        text = " ".join(str(t).strip() for t in elem.itertext() if str(t).strip())
        if text:
            self.report.leftover(local(elem), text, line=_line(elem), element=path_of(elem),
                                 file=file)


# --------------------------------------------------------------------------- CSV

# CSV column -> the XML name used by _Designation (designation-level fields).
_CSV_SCALARS = {
    "Last Updated": "LastUpdated", "Date Designated": "DateDesignated",
    "OFSI Group ID": "OFSIGroupID", "UN Reference Number": "UNReferenceNumber",
    "Regime Name": "RegimeName", "Designation Type": "IndividualEntityShip",
    "Designation source": "DesignationSource", "Sanctions Imposed": "SanctionsImposed",
    "Other Information": "OtherInformation", "UK Statement of Reasons": "UKStatementofReasons",
}


class UkSanctionsCsvParser(ListParser):
    format = "uk_fcdo_csv"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path, 4096).decode("utf-8", "replace").lstrip("\ufeff")
        lines = head.splitlines()
        header = lines[1] if lines and lines[0].startswith("Report Date") and len(lines) > 1 \
            else (lines[0] if lines else "")
        if "Unique ID" in header and "Name 6" in header and "Regime Name" in header:
            return SOURCE
        return None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file, self.report)
        rows = csv_rows(text, file)
        try:
            line, first = next(rows)
        except StopIteration:
            raise ParseError("empty file", Location(file, 1)) from None
        if first and first[0].strip().lstrip("\ufeff").startswith("Report Date"):
            self.published_at = report_date(first[0])
            if self.published_at is None:
                self.report.warn("unreadable report date", line=line, value=first[0])
            try:
                line, first = next(rows)
            except StopIteration:
                raise ParseError("no header row after the report date", Location(file, 2)) \
                    from None
        aliases = lookups().csv_column_aliases
        header = [aliases.get(h.strip().lstrip("\ufeff"), h.strip().lstrip("\ufeff"))
                  for h in first]
        missing = [c for c in CSV_REQUIRED if c not in header]
        if missing:
            raise FormatError(f"missing columns: {', '.join(missing)}", Location(file, line))
        groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for line, row in rows:
            if len(row) != len(header):
                if len(row) > len(header) and not any(f.strip() for f in row[len(header):]):
                    row = row[: len(header)]
                else:
                    raise ParseError(f"{len(row)} fields where the header has {len(header)}",
                                     Location(file, line))
            values = dict(zip(header, row, strict=True))
            unique_id = values.get("Unique ID", "").strip()
            if not unique_id:
                raise ParseError("row without Unique ID", Location(file, line, field="Unique ID"))
            groups.setdefault(unique_id, []).append((line, values))
        for unique_id, group in groups.items():
            yield self._designation(unique_id, group, file)

    def _designation(self, unique_id: str, rows: list[tuple[int, dict[str, str]]],
                     file: str) -> Entity:
        first_line = rows[0][0]
        where = _Where(file, first_line)
        d = _Designation()
        records = [Record(dict(values), file=file, line=line) for line, values in rows]
        for rec in records:
            rec.ignore("Unique ID")
            for column, name in _CSV_SCALARS.items():
                d.add(name, rec.pop(column))
        if len(d.fields.get("IndividualEntityShip", [])) > 1:
            self.report.warn("rows disagree on the designation type", line=first_line,
                             field_name="Designation Type",
                             value=", ".join(d.fields["IndividualEntityShip"]), file=file)
        entity = Entity(id=make_id(self.source, unique_id),
                        schema=_schema(d.first("IndividualEntityShip"), self.report, where),
                        source=self.source, source_id=unique_id)
        entity.provenance.append(Provenance(file, first_line))
        b = _Builder(entity, self.report)
        for rec in records:
            self._row(b, rec, _Where(file, rec.line))
        b.sanction(d, where)
        for rec in records:
            rec.finish(self.report)
        return entity

    def _row(self, b: _Builder, r: Record, w: _Where) -> None:
        e = b.entity
        b.name([r.pop(f"Name {i}") for i in range(1, 7)], r.pop("Name type"),
               r.pop("Alias strength"), w)
        e.add_extra("title", r.pop("Title"))
        # The script type ("Cyrillic") is derived from the text itself.
        r.ignore("Non-latin script type")
        b.non_latin(r.pop("Name non-latin script"), r.pop("Non-latin script language"), w)
        b.address([r.pop(f"Address Line {i}") for i in range(1, 7)],
                  r.pop("Address Postal Code"), r.pop("Address Country"), w)
        b.contact(e.phones, r.pop("Phone number"))
        b.contact(e.websites, r.pop("Website"), r"[;,\s]+")
        b.contact(e.emails, r.pop("Email address"), r"[;,\s]+")
        b.birth_date(r.pop("D.O.B"), w)
        b.nationality(r.pop("Nationality(/ies)"), w)
        b.document("NATIONAL_ID", r.pop("National Identifier number"),
                   r.pop("National Identifier additional information"))
        b.document("PASSPORT", r.pop("Passport number"), r.pop("Passport additional information"))
        e.add_extra("position", r.pop("Position"))
        b.gender(r.pop("Gender"), w)
        town, country = r.pop("Town of birth"), r.pop("Country of birth")
        if town or country:
            b.birth_place(town, country, w)
        e.add_extra("legalForm", r.pop("Type of entity"))
        b.note("Subsidiary", r.pop("Subsidiaries"))
        b.note("Parent company", r.pop("Parent company"))
        b.registration_numbers(r.pop("Business registration number (s)"), w)
        b.document("IMO", r.pop("IMO number"), None)
        b.note("Current owner/operator", r.pop("Current owner/operator (s)"))
        b.note("Previous owner/operator", r.pop("Previous owner/operator (s)"))
        b.flag(r.pop("Current believed flag of ship"), "flag", w)
        b.flag(r.pop("Previous flags"), "pastFlags", w)
        e.add_extra("type", r.pop("Type of ship"))
        e.add_extra("tonnage", r.pop("Tonnage of ship"))
        b.note("Length", r.pop("Length of ship"))
        e.add_extra("buildDate", r.pop("Year Built"))
        b.document("REG_NO", r.pop("Hull identification number (HIN)"), _HIN)
