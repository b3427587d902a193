"""EU Financial Sanctions Files (FSF): the "xmlFullSanctionsList_1_1" XML and its flat CSV.

The XML (namespace ``http://eu.europa.ec/fpi/fsd/export``) has one ``sanctionEntity`` per listed
person or enterprise, carrying its ``regulation`` acts, ``subjectType``, ``nameAlias``,
``citizenship``, ``birthdate``, ``address`` and ``identification`` sub-records as attributes.
Each sub-record repeats the act that introduced it in a ``regulationSummary`` child.

The CSV (";"-separated) flattens the same data: one row per sub-record, the ``Entity_*`` columns
repeated on every row, the sub-record in ``NameAlias_*`` / ``Address_*`` / ``BirthDate_*`` /
``Identification_*`` / ``Citizenship_*`` columns. Rows are grouped by ``Entity_LogicalId`` and the
columns renamed to the XML attribute names, so one mapping serves both formats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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
    country_name,
    make_identifier,
)

SOURCE = "eu_fsf"
AUTHORITY = "EU"
NAMESPACE = b"http://eu.europa.ec/fpi/fsd/export"
SUB_RECORDS = ("regulation", "nameAlias", "citizenship", "birthdate", "address",
               "identification")
CSV_REQUIRED = ("Entity_LogicalId", "Entity_SubjectType", "NameAlias_WholeName")

_GENERATION_DATE = re.compile(rb"<(?:\w+:)?export\b[^>]*?\bgenerationDate=\"([^\"]*)\"")
_EXPORT_ROOT = re.compile(rb"<(?:\w+:)?export\b")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_UNKNOWN_COUNTRY = {"00", "UNKNOWN"}


# --------------------------------------------------------------------------- lookups


@dataclass(frozen=True)
class _ShapeRule:
    country: str
    schemes: frozenset[str]
    scheme: str
    digits: frozenset[int] = frozenset()
    length: frozenset[int] = frozenset()

    def applies(self, scheme: str, value: str, country: str | None) -> bool:
        if country != self.country or scheme not in self.schemes:
            return False
        if self.digits:
            return value.isdigit() and len(value) in self.digits
        return value.isalnum() and len(value) in self.length


@dataclass(frozen=True)
class _Lookups:
    subject_types: dict[str, str]
    identification_types: dict[str, str]
    number_labels: dict[str, str]
    label_pattern: re.Pattern[str]
    shape_rules: tuple[_ShapeRule, ...]
    contact_keys: dict[str, str]
    contact_pattern: re.Pattern[str]
    genders: dict[str, str]


@lru_cache(maxsize=1)
def lookups() -> _Lookups:
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("dibwatch.lists.sources").joinpath("data/eu_fsf_lookups.yml")
        .read_text(encoding="utf-8"))

    def table(name: str) -> dict[str, str]:
        return {str(k).strip().lower(): str(v) for k, v in raw[name].items()}

    labels = table("number_labels")
    # Longest label first so "ogrnip" wins over "ogrn".
    alternatives = "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True))
    contact_keys = table("contact_keys")
    keys = "|".join(re.escape(k) for k in sorted(contact_keys, key=len, reverse=True))
    rules = tuple(
        _ShapeRule(country=r["country"], schemes=frozenset(r["schemes"]), scheme=r["scheme"],
                   digits=frozenset(r.get("digits", [])), length=frozenset(r.get("length", [])))
        for r in raw["shape_rules"])
    return _Lookups(
        subject_types=table("subject_types"),
        identification_types=table("identification_types"),
        number_labels=labels,
        label_pattern=re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE),
        shape_rules=rules,
        contact_keys=contact_keys,
        contact_pattern=re.compile(rf"({keys})\s*[:=]?\s*", re.IGNORECASE),
        genders=table("genders"),
    )


# --------------------------------------------------------------------------- records


@dataclass
class _Part:
    """One sub-record, its fields named as the XML attributes."""

    kind: str
    record: Record
    contacts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Subject:
    """One sanctionEntity: its own fields and its sub-records, from either format."""

    record: Record
    provenance: Provenance
    parts: dict[str, list[_Part]] = field(default_factory=lambda: {k: [] for k in SUB_RECORDS})


def iso_date(value: str | None, report: LoadReport, record: Record, name: str) -> str | None:
    """ISO date (possibly partial) from ``2022-02-23``, ``2022-02-23T10:00:00`` or
    ``23/02/2022``; anything else is warned about and dropped."""
    if value is None:
        return None
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = match.groups()
    else:
        dmy = _DMY_DATE.match(value)
        if not dmy:
            report.warn("unreadable date", line=record.line, element=record.element,
                        field_name=name, value=value)
            return None
        day, month, year = dmy.groups()
    return _join_date(year, month, day, value, report, record, name)


def _join_date(year: str, month: str | None, day: str | None, raw: str, report: LoadReport,
               record: Record, name: str) -> str | None:
    import datetime

    try:
        if day and month:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        if month:
            datetime.date(int(year), int(month), 1)
            return f"{int(year):04d}-{int(month):02d}"
        datetime.date(int(year), 1, 1)
        return f"{int(year):04d}"
    except ValueError:
        report.warn("impossible date", line=record.line, element=record.element,
                    field_name=name, value=raw)
        return None


def _country(record: Record) -> str | None:
    """Lower-case alpha-2 from countryIso2Code / countryDescription; "00"/"UNKNOWN" are none."""
    code = record.pop("countryIso2Code")
    description = record.pop("countryDescription")
    for value in (code, description):
        if value and value.upper() not in _UNKNOWN_COUNTRY:
            found = country_code(value)
            if found:
                return found.lower()
    return None


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes"}


# --------------------------------------------------------------------------- mapping


class _Mapper:
    """Turns a :class:`_Subject` into an :class:`Entity` (shared by the XML and CSV parsers)."""

    def __init__(self, source: str, report: LoadReport) -> None:
        self.source = source
        self.report = report
        self.lk = lookups()

    def entity(self, subject: _Subject) -> Entity | None:
        rec = subject.record
        logical_id = rec.pop("logicalId")
        eu_ref = rec.pop("euReferenceNumber")
        source_id = eu_ref or logical_id
        if source_id is None:
            self.report.warn("sanctionEntity without euReferenceNumber or logicalId: skipped",
                             line=rec.line, element=rec.element)
            rec.finish(self.report)
            return None
        entity = Entity(id=make_id(self.source, source_id), schema=self._schema(rec),
                        source=self.source, source_id=source_id)
        entity.provenance.append(subject.provenance)
        # The remark is the EU's statement of reasons: it becomes the sanction's reason.
        remark = rec.pop("remark")
        for part in subject.parts["nameAlias"]:
            self._name(entity, part.record)
        for part in subject.parts["citizenship"]:
            self._citizenship(entity, part.record)
        for part in subject.parts["birthdate"]:
            self._birthdate(entity, part.record)
        for part in subject.parts["address"]:
            self._address(entity, part)
        for part in subject.parts["identification"]:
            self._identification(entity, part.record)
        self._sanctions(entity, rec, subject.parts["regulation"], eu_ref, logical_id, remark)
        rec.finish(self.report)
        for parts in subject.parts.values():
            for part in parts:
                part.record.finish(self.report)
        return entity

    def _schema(self, rec: Record) -> str:
        code = rec.pop("subjectType")
        classification = rec.pop("classificationCode")
        for value in (code, classification):
            schema = self.lk.subject_types.get((value or "").lower())
            if schema:
                return schema
        self.report.warn("unknown subject type; kept as LegalEntity", line=rec.line,
                         element=rec.element, field_name="subjectType",
                         value=code or classification)
        return Schema.LEGAL_ENTITY.value

    def _name(self, entity: Entity, rec: Record) -> None:
        first, middle, last = rec.pop("firstName"), rec.pop("middleName"), rec.pop("lastName")
        whole = rec.pop("wholeName") or " ".join(p for p in (first, middle, last) if p) or None
        strong = rec.pop("strong")
        lang = rec.pop("nameLanguage")
        remark = rec.pop("remark")
        # The act that introduced the alias and its language are the same for every name.
        rec.ignore("logicalId", "regulationLanguage")
        weak = strong is not None and not _is_true(strong)
        if remark and re.search(r"\blow? quality\b", remark, re.IGNORECASE):
            weak = True
        elif remark:
            entity.notes.append(remark)
        if whole:
            if weak:
                kind = NameKind.WEAK
            elif any(n.kind == NameKind.PRIMARY for n in entity.names):
                kind = NameKind.ALIAS
            else:
                kind = NameKind.PRIMARY
            entity.add_name(whole, kind, lang.lower() if lang else None)
        entity.add_extra("firstName", first)
        entity.add_extra("middleName", middle)
        entity.add_extra("lastName", last)
        entity.add_extra("title", rec.pop("title"))
        function = rec.pop("function")
        if entity.schema == Schema.PERSON:
            entity.add_extra("position", function)
        elif function:
            entity.notes.append(function)
        gender = rec.pop("gender")
        if gender:
            mapped = self.lk.genders.get(gender.lower())
            if mapped is None:
                self.report.warn("unknown gender", line=rec.line, element=rec.element,
                                 field_name="gender", value=gender)
            entity.add_extra("gender", mapped or gender)

    def _citizenship(self, entity: Entity, rec: Record) -> None:
        code = _country(rec)
        if code:
            _add_country(entity, code, "citizenship")
        region = rec.pop("region")
        if region:
            entity.notes.append(f"Citizenship region: {region}")
        remark = rec.pop("remark")
        if remark:
            entity.notes.append(remark)
        rec.ignore("logicalId", "regulationLanguage")

    def _birthdate(self, entity: Entity, rec: Record) -> None:
        full = iso_date(rec.pop("birthdate"), self.report, rec, "birthdate")
        year, month, day = rec.pop("year"), rec.pop("monthOfYear"), rec.pop("dayOfMonth")
        dates: list[str] = []
        if full:
            dates.append(full)
        elif year:
            if year.isdigit() and (month or "1").isdigit() and (day or "1").isdigit():
                joined = _join_date(year, month, day if month else None, year, self.report,
                                    rec, "year")
                if joined:
                    dates.append(joined)
            else:
                self.report.warn("unreadable birth year", line=rec.line, element=rec.element,
                                 field_name="year", value=year)
        for bound in ("yearRangeFrom", "yearRangeTo"):
            value = iso_date(rec.pop(bound), self.report, rec, bound)
            if value:
                dates.append(value)
        for value in dates:
            if value not in entity.birth_dates:
                entity.birth_dates.append(value)
        if _is_true(rec.pop("circa")) and dates:
            entity.notes.append(f"Birth date circa {dates[0]}")
        calendar = rec.pop("calendarType")
        if calendar and calendar.upper() != "GREGORIAN":
            entity.notes.append(f"Birth date in the {calendar.lower()} calendar")
        code = _country(rec)
        place = [rec.pop("city"), rec.pop("place"), rec.pop("region"), rec.pop("zipCode"),
                 country_name(code) if code else None]
        text = ", ".join(p for p in place if p)
        if text and text not in entity.birth_places:
            entity.birth_places.append(text)
        if code:
            _add_country(entity, code, "birthCountry")
        remark = rec.pop("remark")
        if remark:
            entity.notes.append(remark)
        rec.ignore("logicalId", "regulationLanguage")

    def _address(self, entity: Entity, part: _Part) -> None:
        rec = part.record
        street, po_box = rec.pop("street"), rec.pop("poBox")
        zip_code, city = rec.pop("zipCode"), rec.pop("city")
        place, region = rec.pop("place"), rec.pop("region")
        code = _country(rec)
        # asAtListingTime only says the address dates from the listing; the model has no slot.
        rec.ignore("asAtListingTime", "logicalId", "regulationLanguage")
        remark = rec.pop("remark")
        if remark:
            entity.notes.append(remark)
        lines = [street, f"PO Box {po_box}" if po_box else None,
                 " ".join(p for p in (zip_code, city) if p) or None, place, region,
                 country_name(code) if code else None]
        full = ", ".join(p for p in lines if p)
        if full:
            address = Address(full=full, street=street, city=city, postal_code=zip_code,
                              region=region, country=code)
            if address not in entity.addresses:
                entity.addresses.append(address)
        if code:
            _add_country(entity, code, "country")
        for key, value in part.contacts:
            self._contact(entity, key, value, rec)

    def _contact(self, entity: Entity, key: str, value: str, rec: Record) -> None:
        if not key:  # already warned about where the text was split
            entity.notes.append(value)
            return
        target = self.lk.contact_keys.get(key.strip().lower())
        if target is None:
            self.report.warn("unknown contactInfo key; kept as a note", line=rec.line,
                             element=rec.element, field_name="contactInfo", value=key)
            entity.notes.append(f"{key}: {value}")
            return
        values: list[str] = getattr(entity, target)
        for item in re.split(r"[;,]\s*", value):
            item = item.strip()
            if item and item not in values:
                values.append(item)

    def _identification(self, entity: Entity, rec: Record) -> None:
        code = rec.pop("identificationTypeCode")
        description = rec.pop("identificationTypeDescription")
        number, latin = rec.pop("number"), rec.pop("latinNumber")
        country = _country(rec)
        remark = rec.pop("remark")
        scheme = self.lk.identification_types.get((code or "").lower())
        if scheme is None:
            self.report.warn("unknown identification type; kept as ID", line=rec.line,
                             element=rec.element, field_name="identificationTypeCode",
                             value=code)
            scheme = "ID"
        issuer = rec.pop("issuedBy")
        notes = [description, issuer and f"issued by {issuer}"]
        issued = rec.pop("issuedDate") or rec.pop("issueDate")
        valid_from, valid_to = rec.pop("validFrom"), rec.pop("validTo")
        notes += [issued and f"issued {issued}", valid_from and f"valid from {valid_from}",
                  valid_to and f"valid to {valid_to}"]
        holder = rec.pop("nameOnDocument")
        notes.append(holder and f"name on document {holder}")
        region = rec.pop("region")
        notes.append(region and f"region {region}")
        for flag, text in (("diplomatic", "diplomatic"), ("knownExpired", "known expired"),
                           ("knownFalse", "known false"), ("reportedLost", "reported lost"),
                           ("revokedByIssuer", "revoked by issuer")):
            if _is_true(rec.pop(flag)):
                notes.append(text)
        notes.append(remark)
        rec.ignore("logicalId", "regulationLanguage")
        note = "; ".join(n for n in notes if n) or None
        for value in dict.fromkeys(v for v in (number, latin) if v):
            refined, cleaned = self._refine(scheme, value, country, (remark, description))
            if not cleaned:
                continue
            ident = make_identifier(refined, cleaned, country=country, note=note)
            if value != cleaned:
                ident = replace(ident, raw=value)
            if ident not in entity.identifiers:
                entity.identifiers.append(ident)
        if not number and not latin:
            self.report.warn("identification without a number", line=rec.line,
                             element=rec.element, field_name="number")

    def _refine(self, scheme: str, value: str, country: str | None,
                texts: tuple[str | None, ...]) -> tuple[str, str]:
        """A national label (in front of the number, in the remark or the description) or the
        number's shape names the register more precisely than the generic type code."""
        lk = self.lk
        match = lk.label_pattern.match(value.strip())
        if match:
            value = value.strip()[match.end():].lstrip(" :#№.-")
            return lk.number_labels[match.group(1).lower()], value
        for text in texts:
            found = lk.label_pattern.search(text or "")
            if found:
                return lk.number_labels[found.group(1).lower()], value
        compact = re.sub(r"[\s\-./]", "", value).upper()
        for rule in lk.shape_rules:
            if rule.applies(scheme, compact, country):
                return rule.scheme, value
        return scheme, value

    def _sanctions(self, entity: Entity, rec: Record, parts: list[_Part], eu_ref: str | None,
                   logical_id: str | None, remark: str | None) -> None:
        designated = iso_date(rec.pop("designationDate"), self.report, rec, "designationDate")
        details = rec.pop("designationDetails")
        un_id = rec.pop("unitedNationId")
        acts: dict[str | None, list[dict[str, str | None]]] = {}
        for part in parts:
            r = part.record
            act = {
                "programme": r.pop("programme"),
                "type": r.pop("regulationType"),
                "organisation": r.pop("organisationType"),
                "published": iso_date(r.pop("publicationDate"), self.report, r,
                                      "publicationDate"),
                "in_force": iso_date(r.pop("entryIntoForceDate"), self.report, r,
                                     "entryIntoForceDate"),
                "title": r.pop("numberTitle"),
                "url": r.pop("publicationUrl"),
            }
            # The act's own database id identifies nothing outside the FSF database.
            r.ignore("logicalId")
            acts.setdefault(act["programme"], []).append(act)
        if not acts:
            acts[None] = []
        for programme, group in acts.items():
            group.sort(key=lambda a: a["published"] or "9999")
            first = group[0] if group else {}
            extra: dict[str, list[str]] = {}
            _extend(extra, "authorityId", [eu_ref or logical_id])
            _extend(extra, "unscId", [un_id])
            _extend(extra, "startDate", sorted(a["in_force"] for a in group if a["in_force"])[:1])
            if len(group) > 1:
                _extend(extra, "modifiedAt", [group[-1]["published"]])
            _extend(extra, "summary", [details] + [_act_title(a) for a in group])
            entity.sanctions.append(Sanction(
                authority=AUTHORITY, program=programme,
                listing_date=designated or first.get("published"), reason=remark,
                source_url=first.get("url"), extra=extra))


def _act_title(act: dict[str, str | None]) -> str | None:
    words = [act["organisation"], act["type"], act["title"]]
    return " ".join(w for w in words if w) or None


def _extend(extra: dict[str, list[str]], key: str, values: Iterable[str | None]) -> None:
    for value in values:
        if value and value not in extra.get(key, []):
            extra.setdefault(key, []).append(value)


def _add_country(entity: Entity, code: str, role: str) -> None:
    link = CountryLink(code, role)
    if link not in entity.countries:
        entity.countries.append(link)


# --------------------------------------------------------------------------- XML


def source_line(elem: etree._Element) -> int | None:
    line = elem.sourceline
    return line if isinstance(line, int) else None


def _leftover_element(report: LoadReport, file: str, elem: etree._Element, owner: str) -> None:
    text = " ".join(str(t).strip() for t in elem.itertext() if str(t).strip())
    value = text or " ".join(f"{k!s}={v!s}" for k, v in elem.attrib.items())
    if value:
        report.leftover(f"{owner}/{local(elem)}", value, line=source_line(elem),
                        element=path_of(elem), file=file)


def _xml_part(elem: etree._Element, kind: str, file: str, report: LoadReport) -> _Part:
    data: dict[str, str | None] = {str(k): str(v) for k, v in elem.attrib.items()}
    contacts: list[tuple[str, str]] = []
    remarks: list[str] = []
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        name = local(child)
        if name == "regulationSummary":
            # Repeats the act that introduced this sub-record; the entity's own
            # <regulation> elements carry the designation.
            continue
        if name == "remark" and child.text and child.text.strip():
            remarks.append(child.text.strip())
        elif name == "publicationUrl" and kind == "regulation":
            data["publicationUrl"] = child.text
        elif name == "contactInfo" and kind == "address":
            key, value = child.get("key"), child.get("value")
            if key and value and value.strip():
                contacts.append((key, value.strip()))
        elif name != "remark":
            _leftover_element(report, file, child, kind)
    if remarks:
        data["remark"] = "\n".join(remarks)
    record = Record(data, file=file, line=source_line(elem), element=path_of(elem))
    return _Part(kind, record, contacts)


def _xml_subject(elem: etree._Element, file: str, report: LoadReport) -> _Subject:
    data: dict[str, str | None] = {str(k): str(v) for k, v in elem.attrib.items()}
    remarks: list[str] = []
    parts: dict[str, list[_Part]] = {k: [] for k in SUB_RECORDS}
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        name = local(child)
        if name == "remark":
            if child.text and child.text.strip():
                remarks.append(child.text.strip())
        elif name == "subjectType":
            data["subjectType"] = child.get("code")
            data["classificationCode"] = child.get("classificationCode")
        elif name in parts:
            parts[name].append(_xml_part(child, name, file, report))
        else:
            _leftover_element(report, file, child, "sanctionEntity")
    if remarks:
        data["remark"] = "\n".join(remarks)
    element = path_of(elem)
    record = Record(data, file=file, line=source_line(elem), element=element)
    return _Subject(record, Provenance(file, source_line(elem), element), parts)


class EuFsfXmlParser(ListParser):
    format = "eu_fsf_xml"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path, 4096)
        if NAMESPACE in head and b"export" in head:
            return SOURCE
        if _EXPORT_ROOT.search(head) and b"sanctionEntity" in head:
            return SOURCE
        return None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        data = read_bytes(self.path)
        head = data[:8192]
        if not _EXPORT_ROOT.search(head):
            raise FormatError("not an EU FSF export: no <export> root element", Location(file))
        match = _GENERATION_DATE.search(head)
        if match:
            self.published_at = match.group(1).decode("ascii", "replace").strip() or None
        mapper = _Mapper(self.source, self.report)
        elements = iter_elements(data, file, ("sanctionEntity",))
        while True:
            try:
                elem = next(elements)
            except StopIteration:
                return
            except (etree.LxmlError, LookupError, ValueError) as exc:
                # Encoding declarations lxml cannot honour, and similar oddities.
                raise ParseError(f"malformed XML: {exc}", Location(file)) from exc
            entity = mapper.entity(_xml_subject(elem, file, self.report))
            if entity is not None:
                yield entity


# --------------------------------------------------------------------------- CSV

_CSV_PREFIXES = {"NameAlias": "nameAlias", "Address": "address", "BirthDate": "birthdate",
                 "Identification": "identification", "Citizenship": "citizenship"}
_CSV_RENAMES = {
    ("entity", "EU_ReferenceNumber"): "euReferenceNumber",
    ("entity", "UnitedNationId"): "unitedNationId",
    ("entity", "SubjectType"): "subjectType",
    ("entity", "SubjectType_ClassificationCode"): "classificationCode",
    ("regulation", "Type"): "regulationType",
    ("birthdate", "BirthDate"): "birthdate",
    ("birthdate", "Day"): "dayOfMonth",
    ("birthdate", "Month"): "monthOfYear",
    ("identification", "TypeCode"): "identificationTypeCode",
    ("identification", "TypeDescription"): "identificationTypeDescription",
}
_DROP = ("", "")  # sub-record regulation columns: the act that introduced the sub-record


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _csv_target(column: str) -> tuple[str, str] | None:
    """(kind, XML attribute) for a CSV column, ``_DROP`` for columns deliberately not kept,
    None for columns this parser does not know."""
    if column == "fileGenerationDate":
        return ("file", "generationDate")
    prefix, _, rest = column.partition("_")
    if not rest:
        return None
    if prefix == "Entity":
        if rest.startswith("Regulation_"):
            attr = rest[len("Regulation_"):]
            return ("regulation", _CSV_RENAMES.get(("regulation", attr), _camel(attr)))
        return ("entity", _CSV_RENAMES.get(("entity", rest), _camel(rest)))
    kind = _CSV_PREFIXES.get(prefix)
    if kind is None:
        return None
    if rest.startswith("Regulation_"):
        return _DROP
    return (kind, _CSV_RENAMES.get((kind, rest), _camel(rest)))


@dataclass
class _CsvGroup:
    line: int
    entity: dict[str, str | None] = field(default_factory=dict)
    parts: dict[str, dict[Any, tuple[int, dict[str, str | None]]]] = field(
        default_factory=lambda: {k: {} for k in SUB_RECORDS})


class EuFsfCsvParser(ListParser):
    format = "eu_fsf_csv"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path, 4096).decode("utf-8", "replace").lstrip("\ufeff")
        first = head.split("\n", 1)[0]
        if ";" in first and "Entity_LogicalId" in first and "NameAlias_" in first:
            return SOURCE
        return None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file, self.report)
        rows = csv_rows(text, file, delimiter=";")
        try:
            _, header = next(rows)
        except StopIteration:
            raise ParseError("empty file: no header row", Location(file, 1)) from None
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in CSV_REQUIRED if c not in header]
        if missing:
            raise FormatError(f"missing columns: {', '.join(missing)}", Location(file, 1))
        targets = [_csv_target(c) for c in header]
        groups: dict[str, _CsvGroup] = {}
        for line, row in rows:
            if len(row) != len(header):
                if len(row) > len(header) and not any(f.strip() for f in row[len(header):]):
                    row = row[: len(header)]
                else:
                    raise ParseError(f"{len(row)} fields where the header has {len(header)}",
                                     Location(file, line))
            if [f.strip() for f in row] == header:
                continue
            self._add_row(groups, header, targets, line, row, file)
        mapper = _Mapper(self.source, self.report)
        for group in groups.values():
            entity = mapper.entity(self._subject(group, file))
            if entity is not None:
                yield entity

    def _add_row(self, groups: dict[str, _CsvGroup], header: list[str],
                 targets: list[tuple[str, str] | None], line: int, row: list[str],
                 file: str) -> None:
        by_kind: dict[str, dict[str, str | None]] = {}
        for column, target, cell in zip(header, targets, row, strict=True):
            if target is None:
                if cell.strip():
                    self.report.leftover(column, cell, line=line, file=file)
                continue
            if target != _DROP:
                by_kind.setdefault(target[0], {})[target[1]] = cell
        entity = by_kind.pop("entity", {})
        logical_id = (entity.get("logicalId") or "").strip()
        if not logical_id:
            raise ParseError("row without Entity_LogicalId", Location(file, line,
                                                                       field="Entity_LogicalId"))
        generated = (by_kind.pop("file", {}).get("generationDate") or "").strip()
        if generated and self.published_at is None:
            self.published_at = _published(generated)
        group = groups.get(logical_id)
        if group is None:
            group = groups[logical_id] = _CsvGroup(line)
        for attr, value in entity.items():
            if value and value.strip() and not group.entity.get(attr):
                group.entity[attr] = value
        for kind, data in by_kind.items():
            if not any(v.strip() for v in data.values() if v):
                continue
            # Entity columns repeat on every row; a sub-record repeats when the row is a
            # cross product, so its own logical id (or its content) identifies it.
            identity: Any = (data.get("logicalId") or "").strip() or tuple(sorted(
                (k, (v or "").strip()) for k, v in data.items()))
            group.parts[kind].setdefault(identity, (line, data))

    def _subject(self, group: _CsvGroup, file: str) -> _Subject:
        record = Record(group.entity, file=file, line=group.line)
        subject = _Subject(record, Provenance(file, group.line))
        for kind, parts in group.parts.items():
            for line, data in parts.values():
                contacts = data.pop("contactInfo", None)
                part = _Part(kind, Record(data, file=file, line=line))
                if contacts and contacts.strip():
                    part.contacts = self._contacts(contacts.strip(), line, file)
                subject.parts[kind].append(part)
        return subject

    def _contacts(self, text: str, line: int, file: str) -> list[tuple[str, str]]:
        """Split Address_ContactInfo ("PHONE +7 495 …;EMAIL a@b.ru") into (key, value)."""
        pattern = lookups().contact_pattern
        matches = list(pattern.finditer(text))
        if not matches or matches[0].start() != 0:
            self.report.warn("contact info without a known key; kept as a note", line=line,
                             field_name="Address_ContactInfo", value=text, file=file)
            return [("", text)]
        pairs: list[tuple[str, str]] = []
        for match, following in zip(matches, [*matches[1:], None], strict=True):
            end = following.start() if following else len(text)
            value = text[match.end():end].strip(" ;,")
            if value:
                pairs.append((match.group(1), value))
        return pairs


def _published(value: str) -> str | None:
    dmy = _DMY_DATE.match(value)
    if dmy:
        day, month, year = (int(p) for p in dmy.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return value if _ISO_DATE.match(value) else None
