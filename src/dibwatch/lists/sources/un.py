"""UN Security Council Consolidated List, native XML (``CONSOLIDATED_LIST``).

Layout (https://www.un.org/sc/resources/sc-sanctions.xsd): ``INDIVIDUALS/INDIVIDUAL`` and
``ENTITIES/ENTITY``, each with scalar children (DATAID, FIRST_NAME…, UN_LIST_TYPE, LISTED_ON,
COMMENTS1), ``VALUE`` lists (TITLE, DESIGNATION, NATIONALITY, LIST_TYPE, LAST_DAY_UPDATED) and
repeated groups (…_ALIAS, …_ADDRESS, INDIVIDUAL_DATE_OF_BIRTH, INDIVIDUAL_PLACE_OF_BIRTH,
INDIVIDUAL_DOCUMENT). Every child element is consumed or reported as a leftover named by its
path (``INDIVIDUAL_DOCUMENT/NUMBER``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from dibwatch.errors import FormatError, Location
from dibwatch.ingest.files import read_bytes
from dibwatch.lists._record import Record
from dibwatch.lists._xml import iter_elements, local, path_of
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

SOURCE = "un_sc"
AUTHORITY = "UN Security Council"
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# Groups of <VALUE> children; LIST_TYPE is always "UN List" (the list itself), kept as leftover
# only if it ever says something else.
VALUE_LISTS = ("TITLE", "DESIGNATION", "NATIONALITY", "LIST_TYPE", "LAST_DAY_UPDATED")
GROUPS = ("INDIVIDUAL_ALIAS", "ENTITY_ALIAS", "INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS",
          "INDIVIDUAL_DATE_OF_BIRTH", "INDIVIDUAL_PLACE_OF_BIRTH", "INDIVIDUAL_DOCUMENT")
_SPACES = re.compile(r"\s+")


def _table(name: str, key: str, value: str) -> dict[str, str]:
    path = resources.files("dibwatch.lists.sources").joinpath(f"data/{name}")
    with path.open(encoding="utf-8") as fh:
        return {row[key].strip(): row[value].strip() for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    return _table("un_countries.csv", "alias", "code")


@lru_cache(maxsize=1)
def _alias_kinds() -> dict[str, str]:
    return _table("un_alias_quality.csv", "quality", "kind")


@lru_cache(maxsize=1)
def _document_schemes() -> dict[str, str]:
    return _table("un_document_types.csv", "type", "scheme")


def _text(elem: etree._Element) -> str | None:
    text = _SPACES.sub(" ", "".join(str(t) for t in elem.itertext())).strip()
    return text or None


def _line(elem: etree._Element) -> int | None:
    line = elem.sourceline
    return line if isinstance(line, int) else None


class UNConsolidatedParser(ListParser):
    format = "un_xml"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        return SOURCE if b"<CONSOLIDATED_LIST" in read_head(path) else None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        data = read_bytes(self.path)
        seen = 0
        for elem in iter_elements(data, file, ("INDIVIDUAL", "ENTITY")):
            root = elem.getroottree().getroot()
            if local(root) != "CONSOLIDATED_LIST":
                raise FormatError(f"root element is {local(root)}, not CONSOLIDATED_LIST",
                                  Location(file, _line(root), local(root)))
            if self.published_at is None:
                self.published_at = root.get("dateGenerated")
            seen += 1
            yield _UNEntry(self, elem).entity()
        if seen == 0:
            raise FormatError("no INDIVIDUAL or ENTITY elements: not a UN consolidated list",
                              Location(file, 1))


class _UNEntry:
    """One INDIVIDUAL or ENTITY element turned into an Entity."""

    def __init__(self, parser: UNConsolidatedParser, elem: etree._Element) -> None:
        self.parser = parser
        self.report = parser.report
        self.file = str(parser.path)
        self.elem = elem
        self.line = _line(elem)
        self.element = path_of(elem)
        self.is_person = local(elem) == "INDIVIDUAL"

    def _record(self, data: dict[str, str | None], element: str) -> Record:
        return Record(data, file=self.file, line=self.line, element=element)

    def _warn(self, message: str, field: str, value: str | None) -> None:
        self.report.warn(message, line=self.line, element=self.element, field_name=field,
                         value=value)

    def entity(self) -> Entity:
        scalars: dict[str, str | None] = {}
        values: dict[str, list[str]] = {}
        groups: list[etree._Element] = []
        for child in self.elem:
            if not isinstance(child.tag, str):
                continue
            name = local(child)
            if name in VALUE_LISTS:
                values.setdefault(name, []).extend(
                    t for v in child if isinstance(v.tag, str) if (t := _text(v)))
            elif name in GROUPS:
                groups.append(child)
            else:
                key = name if name not in scalars else f"{name}#{len(scalars)}"
                scalars[key] = _text(child)
        rec = self._record(scalars, self.element)
        data_id = rec.pop("DATAID")
        if data_id is None:
            data_id = rec.pop("REFERENCE_NUMBER") or f"line-{self.line}"
            self._warn("entry without DATAID; reference number used as id", "DATAID", None)
            reference = None
        else:
            reference = rec.pop("REFERENCE_NUMBER")
        schema = Schema.PERSON if self.is_person else Schema.ORGANIZATION
        source = self.parser.source
        entity = Entity(id=make_id(source, data_id), schema=schema, source=source,
                        source_id=data_id)
        entity.provenance.append(Provenance(self.file, self.line, self.element))
        parts = [p for p in (rec.pop(n) for n in NAME_PARTS) if p]
        entity.add_name(" ".join(parts) if parts else None)
        entity.add_name(rec.pop("NAME_ORIGINAL_SCRIPT"), NameKind.ALIAS)
        gender = rec.pop("GENDER")
        entity.add_extra("gender", gender.lower() if gender else None)
        sanction_extra = {"unscId": [reference]} if reference else {}
        entity.sanctions.append(Sanction(
            authority=AUTHORITY, program=rec.pop("UN_LIST_TYPE"), list_name="UN List",
            listing_date=rec.pop("LISTED_ON"), reason=rec.pop("COMMENTS1"),
            extra=sanction_extra))
        # VERSIONNUM is the UN's internal revision counter (always 1); SORT_KEY and
        # SORT_KEY_LAST_MOD are empty ordering fields of the UN database.
        rec.ignore("VERSIONNUM", "SORT_KEY", "SORT_KEY_LAST_MOD")
        rec.finish(self.report)
        self._values(entity, values)
        for group in groups:
            self._group(entity, group)
        if not entity.names:
            self._warn("entry without a name", "FIRST_NAME", None)
        return entity

    def _values(self, entity: Entity, values: dict[str, list[str]]) -> None:
        for title in values.pop("TITLE", []):
            entity.add_extra("title", title)
        for position in values.pop("DESIGNATION", []):
            entity.add_extra("position", position)
        for nationality in values.pop("NATIONALITY", []):
            self._country(entity, nationality, "nationality", "NATIONALITY")
        for updated in values.pop("LAST_DAY_UPDATED", []):
            entity.add_extra("modifiedAt", updated)
        rest = {k: "; ".join(v) for k, v in values.items()}
        if rest.get("LIST_TYPE") == "UN List":
            del rest["LIST_TYPE"]
        self._record(dict(rest), self.element).finish(self.report)

    def _code(self, text: str | None, field: str) -> str | None:
        """Lower-case ISO code of a UN country name; blank table entries are non-countries."""
        if not text:
            return None
        table = _countries()
        code = table[text] if text in table else country_code(text)
        if code is None:
            self._warn("unknown country name", field, text)
        return code.lower() if code else None

    def _country(self, entity: Entity, text: str | None, role: str, field: str) -> str | None:
        code = self._code(text, field)
        if code and CountryLink(code, role) not in entity.countries:
            entity.countries.append(CountryLink(code, role))
        return code

    def _group(self, entity: Entity, group: etree._Element) -> None:
        name = local(group)
        fields: dict[str, str | None] = {}
        for child in group:
            if isinstance(child.tag, str):
                key = f"{name}/{local(child)}"
                fields[key if key not in fields else f"{key}#{len(fields)}"] = _text(child)
        rec = self._record(fields, f"{self.element}/{name}")
        handler = {
            "INDIVIDUAL_ALIAS": self._alias, "ENTITY_ALIAS": self._alias,
            "INDIVIDUAL_ADDRESS": self._address, "ENTITY_ADDRESS": self._address,
            "INDIVIDUAL_DATE_OF_BIRTH": self._birth_date,
            "INDIVIDUAL_PLACE_OF_BIRTH": self._birth_place,
            "INDIVIDUAL_DOCUMENT": self._document,
        }[name]
        handler(entity, rec, name + "/")
        rec.finish(self.report)

    def _alias(self, entity: Entity, rec: Record, p: str) -> None:
        quality = rec.pop(p + "QUALITY") or ""
        value = rec.pop(p + "ALIAS_NAME")
        kind = _alias_kinds().get(quality)
        if kind is None:
            self._warn("unknown alias quality; kept as alias", p + "QUALITY", quality)
            kind = NameKind.ALIAS.value
        entity.add_name(value, NameKind(kind))
        note = rec.pop(p + "NOTE")
        if note:
            entity.notes.append(f"alias {value}: {note}" if value else note)
        # Alias-specific birth data (UN gives it for some aliases of individuals).
        born = rec.pop(p + "DATE_OF_BIRTH")
        if born and born not in entity.birth_dates:
            entity.birth_dates.append(born)
        place = ", ".join(x for x in (rec.pop(p + "CITY_OF_BIRTH"),
                                      rec.pop(p + "COUNTRY_OF_BIRTH")) if x)
        if place and place not in entity.birth_places:
            entity.birth_places.append(place)

    def _address(self, entity: Entity, rec: Record, p: str) -> None:
        street, city = rec.pop(p + "STREET"), rec.pop(p + "CITY")
        region, postal = rec.pop(p + "STATE_PROVINCE"), rec.pop(p + "ZIP_CODE")
        country = rec.pop(p + "COUNTRY")
        note = rec.pop(p + "NOTE")
        code = self._country(entity, country, "country", p + "COUNTRY")
        full = ", ".join(x for x in (street, city, region, postal, country) if x)
        if full:
            entity.addresses.append(Address(full=full, street=street, city=city,
                                             postal_code=postal, region=region, country=code))
        if note:
            entity.notes.append(f"address {full}: {note}" if full else f"address: {note}")

    def _birth_date(self, entity: Entity, rec: Record, p: str) -> None:
        kind = rec.pop(p + "TYPE_OF_DATE")
        dates: list[str] = []
        date, year = rec.pop(p + "DATE"), rec.pop(p + "YEAR")
        dates += [d for d in (date, year) if d]
        start, end = rec.pop(p + "FROM_YEAR"), rec.pop(p + "TO_YEAR")
        if start and end and start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) < 30:
            # A BETWEEN range becomes each year in it, so any of them can match.
            dates += [str(y) for y in range(int(start), int(end) + 1)]
        elif start or end:
            self._warn("unusable birth year range", p + "FROM_YEAR", f"{start}-{end}")
        for d in dates:
            if d not in entity.birth_dates:
                entity.birth_dates.append(d)
        note = rec.pop(p + "NOTE")
        if kind == "APPROXIMATELY" and dates:
            entity.notes.append(f"date of birth approximately {', '.join(dates)}")
        if note:
            entity.notes.append(f"date of birth: {note}")

    def _birth_place(self, entity: Entity, rec: Record, p: str) -> None:
        parts = [rec.pop(p + n) for n in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
        place = ", ".join(x for x in parts if x)
        if place and place not in entity.birth_places:
            entity.birth_places.append(place)
        note = rec.pop(p + "NOTE")
        if note:
            entity.notes.append(f"place of birth: {note}")

    def _document(self, entity: Entity, rec: Record, p: str) -> None:
        kind, kind2 = rec.pop(p + "TYPE_OF_DOCUMENT"), rec.pop(p + "TYPE_OF_DOCUMENT2")
        number = rec.pop(p + "NUMBER")
        issuer, issued_in = rec.pop(p + "ISSUING_COUNTRY"), rec.pop(p + "COUNTRY_OF_ISSUE")
        issued, city = rec.pop(p + "DATE_OF_ISSUE"), rec.pop(p + "CITY_OF_ISSUE")
        note = rec.pop(p + "NOTE")
        code = self._code(issuer or issued_in, p + "ISSUING_COUNTRY")
        where = ", ".join(x for x in (city, issued_in if issuer else None) if x)
        details = [x for x in (kind2, f"issued {issued}" if issued else None,
                               f"in {where}" if where else None, note) if x]
        scheme = _document_schemes().get(kind or "", "ID")
        if kind and kind not in _document_schemes():
            self._warn("unknown document type; kept as generic ID", p + "TYPE_OF_DOCUMENT", kind)
        if number is None:
            if kind or details:
                entity.notes.append(" ".join(x for x in (kind or "document", *details) if x))
            return
        entity.identifiers.append(make_identifier(
            scheme, number, country=code, note="; ".join(details) or None))
