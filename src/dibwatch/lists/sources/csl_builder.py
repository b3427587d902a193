"""Turning CSL rows into entities: one entity per record id, one designation per sub-list
and program (see ``csl.py`` for the format notes)."""


from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from dibwatch.ingest.report import LoadReport
from dibwatch.lists.base import make_id
from dibwatch.lists.sources.csl_rows import (
    _COUNTRY_CODE,
    _TRAILING_PAREN,
    SOURCE,
    CslRow,
    IdEntry,
    IdRule,
    NameParts,
    RawAddress,
    SubList,
    _id_rules,
    _key,
    _sub_lists,
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
from dibwatch.model.identifiers import make_identifier


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


