"""OFAC Enhanced XML: SDN_ENHANCED.XML and CONS_ENHANCED.XML, plain or zipped.

Layout (namespace ``…/api/PublicationPreview/exports/ENHANCED_XML``)::

    sanctionsData
      publicationInfo   dataAsOf, filters/sanctionsLists/sanctionsList ("SDN List" | …)
      referenceValues   referenceValue[@refId] -> type, value, isoCode, code
      featureTypes      featureType[@featureTypeId] -> type, detailType, publish…
      entities/entity[@id]
        generalInfo       identityId, entityType[@refId], remarks, title
        sanctionsLists, sanctionsPrograms, sanctionsTypes, legalAuthorities
        names/name        isPrimary, aliasType, isLowQuality, translations/translation
        addresses/address country, translations/translation/addressParts/addressPart
        features/feature  type[@featureTypeId], value, valueDate, valueRefId, reliability
        identityDocuments/identityDocument   type, documentNumber, issuingCountry, …
        relationships/relationship           type, relatedEntity[@entityId], quality

References precede the entities, so they are read into tables as the stream passes them and
every ``refId`` is resolved through them; the inline text beside a ``refId`` is OFAC's copy of
the same value and serves as fallback when a refId is unknown. Each element is flattened into a
:class:`Record` keyed by its relative path (``translation/script@refId``) so that every value is
consumed or reported as a leftover. The entity id is OFAC's ``entity/@id``, the same number as
the legacy CSV ``ent_num``.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from dibwatch.errors import FormatError, Location, ParseError
from dibwatch.ingest.files import read_bytes
from dibwatch.ingest.report import LoadReport
from dibwatch.lists._record import Record
from dibwatch.lists._xml import children, iter_elements, local
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

NAMESPACE_MARK = "exports/ENHANCED_XML"
AUTHORITY = "US OFAC"
ROOT = "sanctionsData"
# Only elements that never nest inside each other: iter_elements clears what it yields.
STREAM_TAGS = (ROOT, "publicationInfo", "referenceValue", "featureType", "entity")
KNOWN_SECTIONS = {"publicationInfo", "referenceValues", "featureTypes", "entities"}
# entity child container -> item element
COLLECTIONS = {
    "names": "name", "addresses": "address", "features": "feature",
    "identityDocuments": "identityDocument", "sanctionsLists": "sanctionsList",
    "sanctionsPrograms": "sanctionsProgram", "sanctionsTypes": "sanctionsType",
    "legalAuthorities": "legalAuthority", "relationships": "relationship",
}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TRAILING_COUNTRY = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
_TEXT_DATE_FORMATS = (("%d %b %Y", 10), ("%b %Y", 7), ("%Y", 4))


# --- lookup tables -------------------------------------------------------------------------


def _data_file(name: str) -> Any:
    return resources.files("dibwatch.lists.sources").joinpath(f"data/{name}")


@lru_cache(maxsize=1)
def _lookups() -> dict[str, Any]:
    with _data_file("ofac_xml_lookups.yml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


@dataclass(frozen=True)
class FeatureRule:
    feature_type: str
    prefix: bool
    action: str
    arg: str


@lru_cache(maxsize=1)
def _feature_rules() -> tuple[FeatureRule, ...]:
    with _data_file("ofac_xml_features.csv").open(encoding="utf-8") as fh:
        return tuple(FeatureRule(r["feature_type"], r["match"] == "prefix", r["action"],
                                 r["arg"]) for r in csv.DictReader(fh))


def feature_rule(feature_type: str) -> FeatureRule | None:
    for rule in _feature_rules():
        if (feature_type.startswith(rule.feature_type) if rule.prefix
                else feature_type == rule.feature_type):
            return rule
    return None


@dataclass(frozen=True)
class IdRule:
    doc_type: str
    country: str
    pattern: re.Pattern[str] | None
    scheme: str
    prop: str | None


@lru_cache(maxsize=1)
def _id_rules() -> dict[str, tuple[IdRule, ...]]:
    rules: dict[str, list[IdRule]] = {}
    with _data_file("ofac_xml_id_types.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rule = IdRule(r["doc_type"], r["country"].upper(),
                          re.compile(r["pattern"]) if r["pattern"] else None, r["scheme"],
                          r["prop"] or None)
            rules.setdefault(rule.doc_type, []).append(rule)
    return {k: tuple(v) for k, v in rules.items()}


def id_rule(doc_type: str, country: str | None, number: str) -> IdRule | None:
    """The first rule for ``doc_type`` whose country and number pattern fit."""
    compact = re.sub(r"[\s\-./]", "", number).upper()
    for rule in _id_rules().get(doc_type, ()):
        if rule.country and rule.country != (country or "").upper():
            continue
        if rule.pattern and not rule.pattern.search(compact):
            continue
        return rule
    return None


@lru_cache(maxsize=1)
def _company_form_pattern() -> re.Pattern[str]:
    forms = _lookups()["company_forms"]
    words = "|".join(re.escape(w) for w in sorted(forms["words"], key=len, reverse=True))
    subs = "|".join(re.escape(s) for s in forms["substrings"])
    return re.compile(rf"(?<![\w.])(?:{words})(?![\w])|{subs}")


def has_company_form(name: str) -> bool:
    return bool(_company_form_pattern().search(name.upper().replace(",", " ")))


# --- small value helpers ------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """One referenceValue: e.g. type "COUNTRY", value "Russia", iso "RU"."""

    type: str
    value: str
    iso: str | None = None
    code: str | None = None


def _flatten(elem: etree._Element, skip: tuple[str, ...] = ()) -> dict[str, str | None]:
    """Every attribute and leaf text below ``elem`` keyed by relative path (``a/b@attr``);
    direct children named in ``skip`` are left for the caller."""
    out: dict[str, str | None] = {}

    def put(key: str, value: str | None) -> None:
        n, unique = 2, key
        while unique in out:
            unique, n = f"{key}#{n}", n + 1
        out[unique] = value

    def walk(node: etree._Element, path: str, top: bool) -> None:
        for name, value in node.attrib.items():
            put(f"{path}@{_text(name)}", _text(value))
        text = (node.text or "").strip()
        if text:
            put(path or ".", text)
        for child in node:
            if not isinstance(child.tag, str):
                continue
            name = local(child)
            if top and name in skip:
                continue
            walk(child, f"{path}/{name}" if path else name, False)

    walk(elem, "", True)
    return out


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _line(elem: etree._Element) -> int | None:
    line = getattr(elem, "sourceline", None)  # lxml-stubs type it loosely
    return line if isinstance(line, int) else None


def _drop_done_siblings(elem: etree._Element) -> None:
    """Detach the already cleared elements before ``elem``: clearing alone leaves one empty
    node per entity in the tree, deleting them keeps memory flat on the full SDN file."""
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def _append_new(target: list[str], value: str) -> None:
    if value not in target:
        target.append(value)


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _partial(begin: str, end: str) -> str | None:
    """The ISO (partial) date a begin/end pair spans exactly: a day, a month or a year."""
    if begin == end:
        return begin
    if begin[:4] == end[:4] and begin[5:] == "01-01" and end[5:] == "12-31":
        return begin[:4]
    if begin[:7] == end[:7] and begin[8:] == "01":
        try:
            if int(end[8:]) == _last_day(int(end[:4]), int(end[5:7])):
                return begin[:7]
        except ValueError:
            return None
    return None


def _text_date(value: str) -> str | None:
    for fmt, width in _TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()[:width]
        except ValueError:
            continue
    return None


class OfacEnhancedXmlParser(ListParser):
    """OFAC SDN / Consolidated list in the Enhanced XML format."""

    format = "ofac_xml"
    version = "1"
    sources = ("us_ofac_sdn", "us_ofac_cons")

    def __init__(self, path: Path, source: str, report: LoadReport) -> None:
        super().__init__(path, source, report)
        self.file = str(path)
        self.refs: dict[str, Ref] = {}
        self.feature_types: dict[str, str] = {}

    # --- recognition ---------------------------------------------------------------------

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path, 8192)
        if NAMESPACE_MARK.encode() not in head or f"<{ROOT}".encode() not in head:
            return None
        info = head.split(b"</publicationInfo>", 1)[0]
        for match in re.finditer(rb"<sanctionsList\b[^>]*>([^<]+)</sanctionsList>", info):
            name = match.group(1).decode("utf-8", "replace").strip()
            source = _lookups()["list_sources"].get(name)
            if source:
                return str(source)
        return None

    # --- stream --------------------------------------------------------------------------

    def parse(self) -> Iterator[Entity]:
        data = read_bytes(self.path)
        seen_root = False
        for elem in iter_elements(data, self.file, STREAM_TAGS):
            if not seen_root:
                self._check_root(elem)
                seen_root = True
            name = local(elem)
            if name == "entity":
                entity = self._entity(elem)
                _drop_done_siblings(elem)
                yield entity
            elif name == "referenceValue":
                self._reference_value(elem)
                _drop_done_siblings(elem)
            elif name == "featureType":
                self._feature_type(elem)
            elif name == "publicationInfo":
                self._publication_info(elem)
            else:
                self._sections(elem)
        if not seen_root:
            raise FormatError("not an OFAC Enhanced XML file (no sanctionsData root)",
                              Location(self.file, 1))

    def _check_root(self, elem: etree._Element) -> None:
        root = elem.getroottree().getroot()
        tag = root.tag if isinstance(root.tag, str) else ""
        namespace, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        if name != ROOT or NAMESPACE_MARK not in namespace:
            raise FormatError(
                f"not an OFAC Enhanced XML file: root <{name}> in namespace "
                f"{namespace!r}", Location(self.file, _line(root), name))

    def _sections(self, root: etree._Element) -> None:
        """At the end of the document: report top-level sections this parser does not know."""
        for child in root:
            if isinstance(child.tag, str) and local(child) not in KNOWN_SECTIONS:
                rec = Record({f"{local(child)}/{k}": v for k, v in _flatten(child).items()},
                             file=self.file, line=_line(child), element=local(child))
                rec.finish(self.report)

    def _record(self, elem: etree._Element, element: str,
                skip: tuple[str, ...] = ()) -> Record:
        return Record(_flatten(elem, skip), file=self.file, line=_line(elem),
                      element=element)

    def _publication_info(self, elem: etree._Element) -> None:
        rec = self._record(elem, "publicationInfo")
        as_of = rec.pop("dataAsOf")
        if as_of and _ISO_DAY.match(as_of):
            self.published_at = as_of[:10] if as_of[10:] in ("", "T00:00:00") else as_of
        elif as_of:
            self.report.warn("dataAsOf is not an ISO date", element="publicationInfo",
                             field_name="dataAsOf", value=as_of)
        list_name = rec.pop("filters/sanctionsLists/sanctionsList")
        rec.ignore("filters/sanctionsLists/sanctionsList@refId")  # same as the text
        stated = _lookups()["list_sources"].get(list_name or "")
        if stated and stated != self.source:
            self.report.warn(f"file is the {list_name!r}, loaded as {self.source}",
                             element="publicationInfo", field_name="sanctionsList")
        rec.finish(self.report)

    def _reference_value(self, elem: etree._Element) -> None:
        ref_id = elem.get("refId")
        rec = self._record(elem, f"referenceValue[@refId={ref_id}]")
        rec.ignore("@refId")
        ref_type, value = rec.pop("type"), rec.pop("value")
        if ref_id and ref_type and value:
            self.refs[ref_id] = Ref(ref_type, value, rec.pop("isoCode"), rec.pop("code"))
        else:
            self.report.warn("referenceValue without refId, type or value",
                             line=_line(elem), value=value)
        rec.finish(self.report)

    def _feature_type(self, elem: etree._Element) -> None:
        type_id = elem.get("featureTypeId")
        rec = self._record(elem, f"featureType[@featureTypeId={type_id}]")
        rec.ignore("@featureTypeId")
        name = rec.pop("type")
        if type_id and name:
            self.feature_types[type_id] = name
        # How OFAC prints the feature in its own human-readable lists; the detail type is
        # implied by which value child a feature carries (value, valueDate, valueRefId).
        rec.ignore("detailType", "detailType@refId", "publishExclude", "publishDescription",
                   "publishOrder")
        rec.finish(self.report)

    # --- references ----------------------------------------------------------------------

    def _ref(self, rec: Record, key: str, expect: str | None = None) -> Ref | None:
        """Resolve ``key@refId``; the inline text is OFAC's copy, kept when the ref is unknown."""
        ref_id = rec.pop("@refId" if key == "." else f"{key}@refId")
        text = rec.pop(key)
        if ref_id is None:
            return Ref("", text) if text else None
        ref = self.refs.get(ref_id)
        if ref is None:
            self.report.warn(f"unknown refId {ref_id}", line=rec.line, element=rec.element,
                             field_name=key, value=text)
            return Ref(expect or "", text) if text else None
        if expect and ref.type != expect:
            self.report.warn(f"refId {ref_id} is a {ref.type!r}, expected {expect!r}",
                             line=rec.line, element=rec.element, field_name=key,
                             value=ref.value)
        return ref

    def _country(self, ref: Ref | None, rec: Record, key: str) -> str | None:
        """Lower-case ISO code of a COUNTRY reference."""
        if ref is None:
            return None
        table: dict[str, str] = _lookups()["countries"]
        code = ref.iso if ref.iso and len(ref.iso) == 2 else table.get(ref.value)
        if code is None:
            code = country_code(ref.value)
        if code is None:
            self.report.warn("country without ISO code", line=rec.line, element=rec.element,
                             field_name=key, value=ref.value)
        return code.lower() if code else None

    # --- entity --------------------------------------------------------------------------

    def _entity(self, elem: etree._Element) -> Entity:
        source_id = (elem.get("id") or "").strip()
        if not source_id:
            raise ParseError("entity without id", Location(self.file, _line(elem), "entity"))
        where = f"entity[@id={source_id}]"
        entity = Entity(id=make_id(self.source, source_id), schema=Schema.ORGANIZATION,
                        source=self.source, source_id=source_id)
        entity.provenance.append(Provenance(self.file, _line(elem), where))
        groups: dict[str, list[etree._Element]] = {}
        general: etree._Element | None = None
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            name = local(child)
            if name == "generalInfo" and general is None:
                general = child
            elif name in COLLECTIONS:
                groups.setdefault(name, []).extend(children(child, COLLECTIONS[name]))
                self._stray_children(child, COLLECTIONS[name], f"{where}/{name}")
            else:
                rec = Record({f"{name}/{k}": v for k, v in _flatten(child).items()},
                             file=self.file, line=_line(child), element=where)
                rec.finish(self.report)
        entity_type = self._general_info(entity, general, where)
        for item in groups.get("names", []):
            self._name(entity, item, where)
        for item in groups.get("addresses", []):
            self._address(entity, item, where)
        for item in groups.get("features", []):
            self._feature(entity, item, where)
        for item in groups.get("identityDocuments", []):
            self._document(entity, item, where)
        for item in groups.get("relationships", []):
            self._relationship(entity, item, where)
        self._sanctions(entity, groups, where)
        entity.schema = self._schema(entity, entity_type, where)
        return entity

    def _stray_children(self, container: etree._Element, item: str, where: str) -> None:
        rest = {k: v for k, v in _flatten(container, (item,)).items()}
        Record(rest, file=self.file, line=_line(container), element=where).finish(
            self.report)

    def _general_info(self, entity: Entity, elem: etree._Element | None,
                      where: str) -> str | None:
        if elem is None:
            self.report.warn("entity without generalInfo", element=where)
            return None
        rec = self._record(elem, f"{where}/generalInfo")
        # The internal identity key; documents and relationships use entity and name ids.
        rec.ignore("identityId")
        ref = self._ref(rec, "entityType", "SDN TYPE")
        if remarks := rec.pop("remarks"):
            _append_new(entity.notes, remarks)
        entity.add_extra("position", rec.pop("title"))
        rec.finish(self.report)
        return ref.value if ref else None

    def _schema(self, entity: Entity, entity_type: str | None, where: str) -> str:
        schema = _lookups()["entity_types"].get(entity_type or "")
        if schema is None:
            self.report.warn("unknown entity type; kept as LegalEntity", element=where,
                             field_name="generalInfo/entityType", value=entity_type)
            return Schema.LEGAL_ENTITY.value
        if schema == Schema.ORGANIZATION.value and any(
                has_company_form(n.value) for n in entity.names if n.strong):
            return Schema.COMPANY.value
        return str(schema)

    # --- names ---------------------------------------------------------------------------

    def _name(self, entity: Entity, elem: etree._Element, where: str) -> None:
        element = f"{where}/names/name[@id={elem.get('id')}]"
        rec = self._record(elem, element, ("translations",))
        rec.ignore("@id")
        primary = _is_true(rec.pop("isPrimary"))
        low_quality = _is_true(rec.pop("isLowQuality"))
        alias = self._ref(rec, "aliasType", "ALIAS TYPE")
        kind = NameKind.PRIMARY
        if not primary:
            kinds: dict[str, str] = _lookups()["alias_kinds"]
            label = kinds.get(alias.value if alias else "")
            if label is None:
                self.report.warn("unknown alias type; kept as alias", element=element,
                                 field_name="aliasType", value=alias.value if alias else None)
            kind = NameKind(label or "alias")
            if low_quality:
                kind = NameKind.WEAK
        rec.finish(self.report)
        translations = [t for c in children(elem, "translations")
                        for t in children(c, "translation")]
        for c in children(elem, "translations"):
            self._stray_children(c, "translation", element)
        # The primary translation first, so the caption is the Latin name.
        translations.sort(key=lambda t: 0 if _is_true(_child_text(t, "isPrimary")) else 1)
        for tr in translations:
            self._translation(entity, tr, kind, element)

    def _translation(self, entity: Entity, elem: etree._Element, kind: NameKind,
                     where: str) -> None:
        element = f"{where}/translation[@id={elem.get('id')}]"
        rec = self._record(elem, element, ("nameParts",))
        rec.ignore("@id", "isPrimary")  # isPrimary only orders the translations
        self._ref(rec, "script", "SCRIPT")  # Name.script is detected from the text itself
        full = rec.pop("formattedFullName")
        # The formatted first/last names repeat the name parts below.
        rec.ignore("formattedFirstName", "formattedLastName", "formattedMiddleName")
        rec.finish(self.report)
        parts: list[tuple[str, str]] = []
        for container in children(elem, "nameParts"):
            self._stray_children(container, "namePart", element)
            for part in children(container, "namePart"):
                prec = self._record(part, f"{element}/namePart[@id={part.get('id')}]")
                prec.ignore("@id")
                ptype = self._ref(prec, "type", "NAME PART TYPE")
                value = prec.pop("value")
                prec.finish(self.report)
                if ptype is None or value is None:
                    continue
                props: dict[str, str] = _lookups()["name_parts"]
                prop = props.get(ptype.value)
                if prop is None:
                    self.report.leftover(f"namePart:{ptype.value}", value, element=element)
                    continue
                parts.append((prop, value))
        if full is None:
            full = " ".join(v for _, v in parts) or None
            if full is None:
                self.report.warn("name translation without a name", element=element)
                return
        entity.add_name(full, kind)
        for prop, value in parts:
            if prop == "weakAlias":
                entity.add_name(value, NameKind.WEAK)
            elif prop and kind == NameKind.PRIMARY:  # first/last names of the primary name
                entity.add_extra(prop, value)

    # --- addresses -----------------------------------------------------------------------

    def _address(self, entity: Entity, elem: etree._Element, where: str) -> None:
        element = f"{where}/addresses/address[@id={elem.get('id')}]"
        rec = self._record(elem, element, ("translations",))
        rec.ignore("@id")
        country_ref = self._ref(rec, "country", "COUNTRY")
        country = self._country(country_ref, rec, "country")
        rec.finish(self.report)
        if country:
            self._add_country(entity, country, "country")
        translations = [t for c in children(elem, "translations")
                        for t in children(c, "translation")]
        for c in children(elem, "translations"):
            self._stray_children(c, "translation", element)
        for tr in translations:
            fields = self._address_parts(tr, element)
            name = country_ref.value if country_ref else None
            full = ", ".join([*fields.get("street", []), *fields.get("city", []),
                              *fields.get("region", []), *fields.get("postal_code", []),
                              *([name] if name else [])])
            if not full:
                continue
            entity.addresses.append(Address(
                full=full,
                street=", ".join(fields["street"]) if "street" in fields else None,
                city=", ".join(fields["city"]) if "city" in fields else None,
                postal_code=", ".join(fields["postal_code"]) if "postal_code" in fields
                else None,
                region=", ".join(fields["region"]) if "region" in fields else None,
                country=country,
            ))

    def _address_parts(self, elem: etree._Element, where: str) -> dict[str, list[str]]:
        element = f"{where}/translation[@id={elem.get('id')}]"
        rec = self._record(elem, element, ("addressParts",))
        rec.ignore("@id", "isPrimary")  # isPrimary marks the main script version
        self._ref(rec, "script", "SCRIPT")
        rec.finish(self.report)
        fields: dict[str, list[str]] = {}
        table: dict[str, str] = _lookups()["address_parts"]
        for container in children(elem, "addressParts"):
            self._stray_children(container, "addressPart", element)
            for part in children(container, "addressPart"):
                prec = self._record(part, f"{element}/addressPart[@id={part.get('id')}]")
                prec.ignore("@id")
                ptype = self._ref(prec, "type", "LOCATION PART TYPE")
                value = prec.pop("value")
                prec.finish(self.report)
                if value is None:
                    continue
                field = table.get(ptype.value if ptype else "")
                if field is None:
                    self.report.leftover(f"addressPart:{ptype.value if ptype else '?'}", value,
                                         element=element)
                    continue
                fields.setdefault(field, []).append(value)
        return fields

    @staticmethod
    def _add_country(entity: Entity, code: str, role: str) -> None:
        link = CountryLink(code, role)
        if link not in entity.countries:
            entity.countries.append(link)

    # --- features ------------------------------------------------------------------------

    def _feature(self, entity: Entity, elem: etree._Element, where: str) -> None:
        element = f"{where}/features/feature[@id={elem.get('id')}]"
        rec = self._record(elem, element, ("valueDate",))
        # Revision counter and preferred-value flag of OFAC's database; order is kept anyway.
        rec.ignore("@id", "versionId", "isPrimary")
        type_id, type_text = rec.pop("type@featureTypeId"), rec.pop("type")
        ftype = self.feature_types.get(type_id or "")
        if ftype is None:
            if type_id is not None:
                self.report.warn(f"unknown featureTypeId {type_id}", element=element,
                                 field_name="type", value=type_text)
            ftype = type_text or "?"
        text = rec.pop("value")
        ref: Ref | None = None
        if (ref_id := rec.pop("valueRefId")) is not None:
            ref = self.refs.get(ref_id)
            if ref is None:  # keep OFAC's inline copy of the value
                self.report.warn(f"unknown refId {ref_id}", element=element,
                                 field_name="valueRefId", value=text)
        reliability = self._ref(rec, "reliability", "RELIABILITY")
        comments = rec.pop("comments")
        rec.finish(self.report)
        rule = feature_rule(ftype)
        dates = [d for vd in children(elem, "valueDate") for d in self._value_date(vd, element)]
        if not dates and text and ref is None and rule and rule.action.endswith("_date"):
            dates = [d for d in (_text_date(text),) if d]
        value = ref.value if ref is not None else text
        if value is None and not dates:
            return
        if reliability is not None and reliability.value.lower() == "false":
            # OFAC keeps values it knows to be false (e.g. a fraudulent document) for context.
            _append_new(entity.notes, f"{ftype.rstrip(' :-')} (known false): {value}")
            return
        if rule is None:
            self.report.leftover(f"feature:{ftype}", value or " to ".join(dates),
                                 element=element)
            return
        self._apply_feature(entity, rule, ftype, value, dates, ref, rec, element)
        if comments:
            _append_new(entity.notes, f"{ftype.rstrip(' :-')} {value}: {comments}")

    def _apply_feature(self, entity: Entity, rule: FeatureRule, ftype: str,
                       value: str | None, dates: list[str], ref: Ref | None, rec: Record,
                       element: str) -> None:
        action, arg = rule.action, rule.arg
        shown = " to ".join(dates) if dates else (value or "")
        if action == "birth_date":
            self._add_dates(entity.birth_dates, dates, value, element, ftype)
        elif action == "incorporation_date":
            self._add_dates(entity.incorporation_dates, dates, value, element, ftype)
        elif action == "birth_place" and value:
            _append_new(entity.birth_places, value)
        elif action == "country":
            code = self._country(ref or (Ref("COUNTRY", value) if value else None), rec, ftype)
            if code:
                self._add_country(entity, code, arg)
        elif action == "website" and value:
            _append_new(entity.websites, value)
        elif action == "email" and value:
            _append_new(entity.emails, value)
        elif action == "phone" and value:
            _append_new(entity.phones, value)
        elif action == "extra":
            entity.add_extra(arg, shown)
        elif action == "name":
            known = {n.value.casefold() for n in entity.names}
            if value and " ".join(value.split()).casefold() not in known:
                entity.add_name(value, NameKind(arg))
        elif action == "identifier" and value:
            scheme, _, prop = arg.partition(":")
            entity.identifiers.append(
                make_identifier(scheme, value, note=ftype, prop=prop or None))
        elif action == "note":
            _append_new(entity.notes, f"{ftype.rstrip(' :-')}: {shown}")
        else:
            self.report.leftover(f"feature:{ftype}", shown, element=element)

    def _add_dates(self, target: list[str], dates: list[str], value: str | None,
                   element: str, ftype: str) -> None:
        if not dates:
            self.report.warn(f"{ftype} is not a date", element=element, field_name="value",
                             value=value)
            return
        for date in dates:
            if date not in target:
                target.append(date)

    def _value_date(self, elem: etree._Element, where: str) -> list[str]:
        """ISO (partial) dates of a valueDate: one for a date, two for a range."""
        rec = self._record(elem, f"{where}/valueDate")
        rec.ignore("@id")
        keys = ("fromDateBegin", "fromDateEnd", "toDateBegin", "toDateEnd")
        values = {k: rec.pop(k) for k in keys}
        approximate = _is_true(rec.pop("isApproximate"))
        is_range = _is_true(rec.pop("isDateRange"))
        rec.finish(self.report)
        bad = [k for k, v in values.items() if v is not None and not _ISO_DAY.match(v)]
        if bad:
            self.report.warn("valueDate with a non-ISO date", element=where, field_name=bad[0],
                             value=values[bad[0]])
            return []
        fb, fe = values["fromDateBegin"], values["fromDateEnd"] or values["fromDateBegin"]
        tb, te = values["toDateBegin"] or fb, values["toDateEnd"] or values["toDateBegin"] or fe
        if fb is None or te is None or fe is None or tb is None:
            return []
        fb, fe, tb, te = fb[:10], fe[:10], tb[:10], te[:10]
        if is_range or approximate:
            start = _partial(fb, fe) or fb
            end = _partial(tb, te) or te
            return [start] if start == end else [start, end]
        single = _partial(fb, te)
        if single is not None:
            return [single]
        return [fb[:4], te[:4]] if fb[:4] != te[:4] else [fb[:4]]

    # --- identity documents --------------------------------------------------------------

    def _home_country(self, entity: Entity) -> str | None:
        """The one country an entity is registered or located in, if there is exactly one."""
        codes = {c.code for c in entity.countries if c.role in ("country", "jurisdiction")}
        return next(iter(codes)) if len(codes) == 1 else None

    def _document(self, entity: Entity, elem: etree._Element, where: str) -> None:
        element = f"{where}/identityDocuments/identityDocument[@id={elem.get('id')}]"
        rec = self._record(elem, element)
        # Which name and name translation the document was issued to; the entity has them all.
        rec.ignore("@id", "name", "name@nameId", "name@nameTranslationId")
        dtype = self._ref(rec, "type", "ID DOCUMENT TYPE")
        number = rec.pop("documentNumber")
        issuing = self._ref(rec, "issuingCountry", "COUNTRY")
        country = self._country(issuing, rec, "issuingCountry")
        notes = [n for n in (rec.pop("issuingAuthority"), rec.pop("issuingLocation")) if n]
        valid = rec.pop("isValid")
        if valid is not None and not _is_true(valid):
            notes.append("marked not valid by OFAC")
        for key in ("issueDate", "expirationDate"):
            if (date := rec.pop(key)) is not None:
                notes.append(f"{key} {date}")
        rec.finish(self.report)
        if number is None:
            return
        # "33556474 (Russia)": a country written into the number.
        match = _TRAILING_COUNTRY.match(number)
        if match and country is None and (code := country_code(match.group(2))):
            number, country = match.group(1), code.lower()
        type_name = dtype.value if dtype else ""
        # Many Russian numbers carry no issuing country; the entity's only country decides.
        home = None if country else self._home_country(entity)
        rule = id_rule(type_name, country or home, number)
        if rule is None:
            self.report.warn("unmapped identity document type; kept as ID", element=element,
                             field_name="type", value=type_name)
            scheme, prop = "ID", None
        else:
            scheme, prop = rule.scheme, rule.prop
            if rule.country and country is None:
                country = home
                notes.append("issuing country inferred from the entity's country")
        entity.identifiers.append(make_identifier(
            scheme, number, country=country,
            note="; ".join([type_name, *notes]) if type_name else "; ".join(notes) or None,
            prop=prop))

    # --- relationships and sanctions -----------------------------------------------------

    def _relationship(self, entity: Entity, elem: etree._Element, where: str) -> None:
        element = f"{where}/relationships/relationship[@id={elem.get('id')}]"
        rec = self._record(elem, element)
        rec.ignore("@id")
        rtype = self._ref(rec, "type", "RELATIONSHIP TYPE")
        quality = self._ref(rec, "quality", "RELATIONSHIP QUALITY")
        other_id, other = rec.pop("relatedEntity@entityId"), rec.pop("relatedEntity")
        rec.finish(self.report)
        label = rtype.value if rtype else "Related to"
        text = f"{label}: {other or '?'}"
        if other_id:
            text += f" (OFAC entity {other_id})"
        if quality:
            text += f" [{quality.value.rstrip(':')}]"
        _append_new(entity.notes, text)

    def _sanctions(self, entity: Entity, groups: dict[str, list[etree._Element]],
                   where: str) -> None:
        lists: dict[str, str | None] = {}
        for item in groups.get("sanctionsLists", []):
            rec = self._record(item, f"{where}/sanctionsLists")
            rec.ignore("@id")
            ref = self._ref(rec, ".", "ENTITY LISTING TYPE")
            published = rec.pop("@datePublished")
            rec.finish(self.report)
            if ref:
                lists.setdefault(ref.value, published)
        provisions = self._plain_refs(groups.get("sanctionsTypes", []), where, "SANCTIONS TYPE")
        authorities = self._plain_refs(groups.get("legalAuthorities", []), where,
                                       "LEGAL AUTHORITY")
        programs = self._plain_refs(groups.get("sanctionsPrograms", []), where, "PROGRAM")
        umbrella = set(_lookups()["umbrella_lists"])
        sub_lists = [name for name in lists if name not in umbrella] or list(lists)
        extra: dict[str, list[str]] = {}
        if provisions:
            extra["provisions"] = provisions
        if authorities:
            extra["legalAuthority"] = authorities
        program_names: list[str | None] = [*programs] or [None]
        for program in program_names:
            list_name = self._program_list(program, sub_lists)
            entity.sanctions.append(Sanction(
                authority=AUTHORITY, program=program, list_name=list_name,
                listing_date=lists.get(list_name or ""),
                extra={k: list(v) for k, v in extra.items()}))

    def _plain_refs(self, items: list[etree._Element], where: str, expect: str) -> list[str]:
        values: list[str] = []
        for item in items:
            rec = self._record(item, where)
            rec.ignore("@id")
            ref = self._ref(rec, ".", expect)
            rec.finish(self.report)
            if ref and ref.value not in values:
                values.append(ref.value)
        return values

    @staticmethod
    def _program_list(program: str | None, sub_lists: list[str]) -> str | None:
        if len(sub_lists) <= 1:
            return sub_lists[0] if sub_lists else None
        table: dict[str, list[str]] = _lookups()["program_lists"]
        for candidate in table.get(program or "", []):
            if candidate in sub_lists:
                return candidate
        if "SDN List" in sub_lists:
            return "SDN List"
        return "; ".join(sub_lists)


def _child_text(elem: etree._Element, name: str) -> str | None:
    for child in elem:
        if isinstance(child.tag, str) and local(child) == name:
            return (child.text or "").strip() or None
    return None
