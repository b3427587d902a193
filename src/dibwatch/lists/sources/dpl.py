"""BIS Denied Persons List (DPL), source ``us_bis_dpl``: the native tab-separated file.

Columns: Name, Street_Address, City, State, Country, Postal_Code, Effective_Date (MM/DD/YYYY),
Expiration_Date, Standard_Order, Last_Update (ISO), Action, FR_Citation; fields are quoted.

The DPL has no record id. An entity is one denial order against one party: rows with the same
name (spaces collapsed, upper case) and the same Effective_Date are that party's addresses under
one order and are merged into one entity with one address per row. The same name with another
effective date is another order (re-denial, different person of the same name): another
entity. ``source_id`` is ``d`` + the first 16 hex digits of the SHA-1 of "name|effective date":
stable across list editions as long as BIS does not retype the name, independent of row order,
and unchanged when an address is added to an existing order (so diffs show a changed entity,
not a removed and an added one).

Persons and companies are told apart by legal form / institution words (the CSL table
``csl_legal_forms.csv``) plus ``dpl_schemas.csv`` for company names with no such word;
everything else is a Person. BIS writes empty Country for many US addresses: no country is
guessed for those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from dibwatch.errors import FormatError, Location, ParseError
from dibwatch.ingest.files import csv_dicts, csv_rows, decode, read_bytes
from dibwatch.lists._record import Record
from dibwatch.lists.base import ListParser, make_id, read_head
from dibwatch.lists.sources.csl_rows import (
    _data_rows,
    iso_date,
    lower_country,
    schema_by_legal_form,
    split_name,
)
from dibwatch.model.entity import (
    Address,
    CountryLink,
    Entity,
    NameKind,
    Provenance,
    Sanction,
    Schema,
)

SOURCE = "us_bis_dpl"
AUTHORITY = "US BIS"
LIST_NAME = "Denied Persons List"
SOURCE_URL = "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/denied-persons-list"
COLUMNS = ("Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
           "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation")
REQUIRED = ("Name", "Street_Address", "City", "Country", "Effective_Date")


@lru_cache(maxsize=1)
def _schema_overrides() -> dict[str, Schema]:
    return {_norm(r["name"]): Schema(r["schema"]) for r in _data_rows("dpl_schemas.csv")}


def _norm(name: str) -> str:
    return " ".join(name.split()).upper()


def dpl_source_id(name: str, effective_date: str | None) -> str:
    blob = f"{_norm(name)}|{effective_date or ''}".encode()
    return "d" + hashlib.sha1(blob).hexdigest()[:16]


class DplParser(ListParser):
    format = "bis_dpl"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path, 2048)
        for bom, enc in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
            if head.startswith(bom):
                text = head[: len(head) // 2 * 2].decode(enc, errors="ignore")
                break
        else:
            text = head.decode("utf-8", errors="ignore")
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        fields = [f.strip().strip('"') for f in first.split("\t")]
        return SOURCE if "Name" in fields and "Effective_Date" in fields else None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        # BIS's legacy system may emit Windows-1252; decode it with a warning rather than fail.
        text = decode(read_bytes(self.path), file, self.report, fallback="cp1252")
        self._check_header(text, file)
        entities: dict[str, Entity] = {}
        for line, data in csv_dicts(text, file, delimiter="\t"):
            record = Record(dict(data), file=file, line=line)
            entity = self._entity(record, line, file)
            record.finish(self.report)
            if entity is None:
                continue
            known = entities.get(entity.id)
            if known is None:
                entities[entity.id] = entity
            else:
                self._merge(known, entity)
        yield from entities.values()

    def _check_header(self, text: str, file: str) -> None:
        try:
            _, header = next(csv_rows(text, file, delimiter="\t"))
        except StopIteration:
            raise ParseError("empty file: no header row", Location(file, 1)) from None
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise FormatError(f"not a DPL file: missing columns {', '.join(missing)}",
                              Location(file, 1))

    def _entity(self, record: Record, line: int, file: str) -> Entity | None:
        self.report.counts["rows"] += 1
        raw_name = record.pop("Name")
        effective_raw = record.pop("Effective_Date")
        effective = self._date(effective_raw, "Effective_Date", line)
        if raw_name is None:
            self.report.warn("row without a name: skipped", line=line, field_name="Name")
            record.ignore(*COLUMNS)  # reported by the warning above, nothing to attach to
            return None
        parts = split_name(raw_name)
        source_id = dpl_source_id(raw_name, effective or effective_raw)
        # The legal form may be in a bracket split off as an alias ("SOCCER ZONE (MNC GROUP
        # INTERNATIONAL, INC.)").
        schema = (_schema_overrides().get(_norm(parts.name))
                  or next((s for s in map(schema_by_legal_form, [parts.name, *parts.aliases])
                           if s), None) or Schema.PERSON)
        entity = Entity(id=make_id(self.source, source_id), schema=schema, source=self.source,
                        source_id=source_id)
        entity.add_name(parts.name)
        for alias in parts.aliases:
            entity.add_name(alias, NameKind.ALIAS)
        for previous in parts.previous:
            entity.add_name(previous, NameKind.PREVIOUS)
        entity.notes.extend(parts.notes)
        self._address(entity, record, line)
        extra: dict[str, list[str]] = {}
        for key, column in (("fr_citation", "FR_Citation"), ("last_update", "Last_Update")):
            value = record.pop(column)
            if value:
                extra[key] = [value]
        standard = record.pop("Standard_Order")
        if standard:
            extra["standard_order"] = [standard.upper()]
        entity.sanctions.append(Sanction(
            authority=AUTHORITY, list_name=LIST_NAME, listing_date=effective,
            end_date=self._date(record.pop("Expiration_Date"), "Expiration_Date", line),
            reason=record.pop("Action"), source_url=SOURCE_URL, extra=extra))
        entity.provenance.append(Provenance(file, line))
        return entity

    def _address(self, entity: Entity, record: Record, line: int) -> None:
        street, city = record.pop("Street_Address"), record.pop("City")
        state, postal = record.pop("State"), record.pop("Postal_Code")
        country_raw = record.pop("Country")
        country = lower_country(country_raw)
        if country_raw and country is None:
            self.report.warn("unknown country", line=line, field_name="Country",
                             value=country_raw)
        full = ", ".join(p for p in (street, city, state, postal, country_raw) if p)
        if full:
            entity.addresses.append(Address(full=full, street=street, city=city,
                                            postal_code=postal, region=state, country=country))
        if country:
            entity.countries.append(CountryLink(country, "country"))

    def _date(self, value: str | None, field_name: str, line: int) -> str | None:
        if value is None:
            return None
        date = iso_date(value)
        if date is None:
            self.report.warn("unreadable date", line=line, field_name=field_name, value=value)
        return date

    def _merge(self, into: Entity, other: Entity) -> None:
        for name in other.names:
            if not any(n.value == name.value for n in into.names):
                into.add_name(name.value, NameKind.ALIAS)
        for attr in ("addresses", "countries", "sanctions", "notes", "provenance"):
            target = getattr(into, attr)
            for item in getattr(other, attr):
                if item not in target:
                    target.append(item)


__all__ = ["DplParser", "dpl_source_id"]
