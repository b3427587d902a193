"""Entities to FollowTheMoney (FtM) JSON and back.

FtM is the entity model of OpenSanctions and Aleph. This module is the property mapping in both
directions; it does not import ``followthemoney`` (the core must run without it). What it needs
of the FtM model — schemata, their properties and property types, the country/topic/gender/
language vocabularies and the entity-id pattern — is a table generated from the library,
``lists/sources/data/ftm_schemata.json`` (a test checks it matches the installed library).

Mapping (export and import are inverse for FtM-imported entities):

- names: ``name`` <-> PRIMARY, ``alias`` <-> ALIAS, ``weakAlias`` <-> WEAK, ``previousName`` <->
  PREVIOUS. Every PRIMARY name is exported as ``name`` (FtM's ``name`` is multi-valued and
  OpenSanctions puts all primary names there); ``extra_primaries="alias"`` exports only the
  first as ``name`` and the others as ``alias``.
- identifiers: FtM property = ``Identifier.prop`` or the scheme's ``ftm_prop``; when the schema
  lacks it, ``registrationNumber`` then ``idNumber``. FtM validates INN/OGRN/LEI/USCC/BIC/IMO
  properties by checksum and silently drops failures, so an identifier that fails the check goes
  to the fallback property instead (as written).
- countries: ``CountryLink.role`` is the property when the schema has it (``nationality``,
  ``jurisdiction``, …), else ``_ROLE_FALLBACK`` then ``country``.
- ``address`` (full text), ``birthDate``, ``birthPlace``, ``incorporationDate``, ``website``,
  ``email``, ``phone``, ``notes``; ``topics`` gains ``sanction`` when the entity has sanctions.
- ``extra`` holds every other FtM property by name. Keys starting with ``_`` are reserved for FtM
  top-level fields (``_caption``, ``_datasets``, ``_referents``, ``_target``, ``_first_seen``,
  ``_last_seen``, ``_last_change``) and are written back at top level, not as properties.
- each :class:`Sanction` becomes an FtM ``Sanction`` entity (``entity``, ``authority``,
  ``program`` (+ ``list_name``), ``listingDate``, ``endDate``, ``reason``, ``sourceUrl`` and its
  ``extra``) with id ``ftm_id`` or a stable hash.

Export never emits a value FtM would reject for the property's type where this can be decided
without the library (unknown property for the schema, stub property, non-ISO date, unknown
country/topic/gender/language code, failed identifier checksum, empty value): such values are
left out and recorded as :class:`DroppedValue` in the optional ``dropped`` list, in export
order. A date followed by a time zone (``2015-04-07-04:00``) is cut to the date, as FtM
does. E-mail, phone and URL values are passed through as they are (FtM normalises them and
drops what it cannot parse).

Entity ids that FtM would not accept as references (``us_ofac_sdn-123`` has an underscore) are
rewritten by :func:`ftm_id` to a safe, stable form; the original id goes into ``referents``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import IO, Any, Literal

from dibwatch.model.entity import (
    Address,
    CountryLink,
    Entity,
    Identifier,
    NameKind,
    Sanction,
    Schema,
)
from dibwatch.model.identifiers import FTM_PROP_SCHEMES, SCHEMES, make_identifier

RESERVED_PREFIX = "_"
#: FtM top-level fields kept in ``extra`` as ``_<field>`` on import
TOP_LEVEL_FIELDS = ("caption", "datasets", "referents", "target", "first_seen", "last_seen",
                    "last_change")

NAME_PROPS: dict[str, NameKind] = {
    "name": NameKind.PRIMARY,
    "alias": NameKind.ALIAS,
    "weakAlias": NameKind.WEAK,
    "previousName": NameKind.PREVIOUS,
}
_KIND_PROPS = {kind: prop for prop, kind in NAME_PROPS.items()}

#: country-typed properties imported as CountryLink(role=<property>); others (flag,
#: pastFlags, …) stay in extra, as the native parsers keep them.
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "birthCountry",
                 "mainCountry")
_ROLE_FALLBACK = {"residence": "country", "registration": "jurisdiction",
                  "incorporation": "jurisdiction", "birth": "birthCountry",
                  "citizenship": "nationality", "nationality": "citizenship"}

#: simple list fields of Entity <-> FtM property
LIST_PROPS: dict[str, str] = {
    "birthDate": "birth_dates",
    "birthPlace": "birth_places",
    "incorporationDate": "incorporation_dates",
    "website": "websites",
    "email": "emails",
    "phone": "phones",
    "notes": "notes",
}

_ID_FALLBACK_PROPS = ("registrationNumber", "idNumber")
# FtM (prefixdate) accepts the years 1000-2999 only
_DATE = re.compile(
    r"^[12]\d{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?$")

_DATE_PREFIX = re.compile(r"^([12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))[^\d]")


# --- the FtM model table ------------------------------------------------------------------


@dataclass(frozen=True)
class FtmModel:
    """The parts of the FtM model dibwatch needs: property types per schema, vocabularies."""

    properties: dict[str, dict[str, str]]  # schema -> property -> "type" or "type:format"
    ancestors: dict[str, frozenset[str]]  # schema -> itself and every schema it extends
    vocabularies: dict[str, frozenset[str]]
    entity_id: re.Pattern[str]
    version: str

    def has_schema(self, schema: str) -> bool:
        return schema in self.properties

    def prop_type(self, schema: str, prop: str) -> str | None:
        """``"identifier:inn"``, ``"date"``, … or None when the schema has no such property."""
        return self.properties.get(schema, {}).get(prop)

    def is_a(self, schema: str, parent: str) -> bool:
        return parent in self.ancestors.get(schema, frozenset())

    def is_party(self, schema: str) -> bool:
        """Schemata whose properties map to Entity's typed fields: the dibwatch Schema values
        and their FtM descendants (PublicBody is an Organization)."""
        return any(self.is_a(schema, s.value) for s in Schema)


@lru_cache(maxsize=1)
def ftm_model() -> FtmModel:
    text = (resources.files("dibwatch.lists.sources") / "data" / "ftm_schemata.json"
            ).read_text(encoding="utf-8")
    table = json.loads(text)
    own: dict[str, dict[str, str]] = {k: v["properties"] for k, v in table["schemata"].items()}
    parents: dict[str, list[str]] = {k: v["extends"] for k, v in table["schemata"].items()}

    def lineage(schema: str) -> list[str]:
        seen = [schema]
        for parent in parents[schema]:
            seen.extend(s for s in lineage(parent) if s not in seen)
        return seen

    properties: dict[str, dict[str, str]] = {}
    ancestors: dict[str, frozenset[str]] = {}
    for schema in own:
        line = lineage(schema)
        ancestors[schema] = frozenset(line)
        merged: dict[str, str] = {}
        for ancestor in reversed(line):
            merged.update(own[ancestor])
        properties[schema] = merged
    return FtmModel(
        properties=properties,
        ancestors=ancestors,
        vocabularies={k: frozenset(v) for k, v in table["vocabularies"].items()},
        entity_id=re.compile(table["entity_id_pattern"]),
        version=table["followthemoney"],
    )


# --- ids -----------------------------------------------------------------------------------


def ftm_id(entity_id: str) -> str:
    """``entity_id`` if FtM accepts it as a reference, else a readable safe form with a short
    hash of the original (so ``a_b`` and ``a-b`` cannot collide)."""
    model = ftm_model()
    if model.entity_id.match(entity_id):
        return entity_id
    slug = re.sub(r"[^0-9A-Za-z.\-]+", "-", entity_id).strip(".-")
    digest = hashlib.sha1(entity_id.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else f"dw-{digest}"


def sanction_id(entity: Entity, sanction: Sanction) -> str:
    if sanction.ftm_id:
        return ftm_id(sanction.ftm_id)
    blob = json.dumps([entity.id, sanction.authority, sanction.program, sanction.list_name,
                       sanction.listing_date, sanction.end_date, sanction.reason,
                       sanction.source_url, sorted(sanction.extra.items())],
                      ensure_ascii=False)
    return f"{ftm_id(entity.id)}-sanction-{hashlib.sha1(blob.encode('utf-8')).hexdigest()[:16]}"


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DroppedValue:
    """A value left out of the export because FtM would reject it."""

    entity_id: str
    schema: str
    prop: str
    value: str
    reason: str


#: FtM identifier formats (rigour) and the dibwatch scheme that checks the same numbers
_FORMAT_SCHEMES = {"inn": "INN", "ogrn": "OGRN", "lei": "LEI", "uscc": "USCC", "bic": "BIC",
                   "imo": "IMO"}


def _format_value(fmt: str, value: str) -> str | None:
    """The value as FtM's ``fmt`` checker accepts it, or None when it would be rejected.

    Formats dibwatch cannot check (uei, npi, ssn, wikidata) give None: such values go to a
    generic property instead.
    """
    scheme_name = _FORMAT_SCHEMES.get(fmt)
    if scheme_name is None:
        return None
    scheme = SCHEMES[scheme_name]
    clean = scheme.clean(value)
    if not (scheme.validate(clean) or (fmt == "imo" and _imo_company_number(clean))):
        return None
    if fmt == "ogrn" and len(clean) == 15:
        # rigour takes the mod-13 remainder as the check digit (10 -> 0); 11 and 12 fail.
        remainder = int(clean[:14]) % 13
        if (remainder if remainder != 10 else 0) != int(clean[14]):
            return None
    if fmt == "uscc" and not clean[:8].isdigit():  # python-stdnum wants 8 leading digits
        return None
    if fmt == "imo" and not clean.strip("0"):  # rigour rejects IMO0000000
        return None
    return f"IMO{clean}" if fmt == "imo" else clean


def _imo_company_number(value: str) -> bool:
    """IMO company (owner/manager) numbers: 7 digits, weights 8 6 4 2 9 7, mod 11. dibwatch's
    IMO scheme checks ship numbers only; FtM's imoNumber accepts both."""
    if len(value) != 7 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value, (8, 6, 4, 2, 9, 7), strict=False))
    return (11 - total % 11) % 10 == int(value[6])


class _PropertyWriter:
    """Collects the properties of one FtM entity, keeping only values FtM will accept."""

    def __init__(self, entity_id: str, schema: str, dropped: list[DroppedValue] | None) -> None:
        self.model = ftm_model()
        self.entity_id = entity_id
        self.schema = schema
        self.dropped = dropped
        self.properties: dict[str, list[str]] = {}

    def has(self, prop: str) -> bool:
        return self.model.prop_type(self.schema, prop) is not None

    def drop(self, prop: str, value: str, reason: str) -> None:
        if self.dropped is not None:
            self.dropped.append(DroppedValue(self.entity_id, self.schema, prop, value, reason))

    def add(self, prop: str, value: str | None) -> None:
        if value is None or not value.strip():
            return
        ptype = self.model.prop_type(self.schema, prop)
        if ptype is None:
            self.drop(prop, value, f"{self.schema} has no property {prop!r}")
            return
        if ptype == "date" and not _DATE.match(value.strip()):
            # "2015-04-07-04:00" (a time zone after the date): FtM keeps the date; so do we
            prefix = _DATE_PREFIX.match(value.strip())
            if prefix is None:
                self.drop(prop, value, "not an ISO date")
                return
            value = prefix.group(1)
        problem = self._type_problem(ptype, value)
        if problem:
            self.drop(prop, value, problem)
            return
        values = self.properties.setdefault(prop, [])
        if value not in values:
            values.append(value)

    def _type_problem(self, ptype: str, value: str) -> str | None:
        kind, _, fmt = ptype.partition(":")
        if kind in self.model.vocabularies:
            vocabulary = self.model.vocabularies[kind]
            if value not in vocabulary and value.strip().lower() not in vocabulary:
                return f"unknown {kind} code"
        if kind == "entity" and not self.model.entity_id.match(value):
            return "not an FtM entity id"
        # values of formats dibwatch cannot check (uei, npi, …) come from FtM: trusted
        if kind == "identifier" and fmt and fmt in _FORMAT_SCHEMES:
            return None if _format_value(fmt, value) else f"fails the {fmt} check"
        return None


def _identifier_prop(writer: _PropertyWriter, ident: Identifier) -> tuple[str | None, str]:
    """(property, value) for an identifier; property None when the schema has no place."""
    scheme = SCHEMES.get(ident.scheme)
    candidates = [p for p in (ident.prop, scheme.ftm_prop if scheme else None) if p]
    written = ident.raw if ident.raw is not None else ident.value
    for prop in candidates:
        ptype = writer.model.prop_type(writer.schema, prop)
        if ptype is None or not ptype.startswith("identifier"):
            continue
        fmt = ptype.partition(":")[2]
        if not fmt:
            return prop, written
        # FtM drops values that fail its checksum: only a passing one goes there, in the
        # canonical form FtM itself writes ("IMO1234567" for IMO numbers).
        canonical = _format_value(fmt, ident.value)
        if canonical is not None:
            return prop, written if written == canonical else canonical
    for prop in _ID_FALLBACK_PROPS:
        if writer.has(prop):
            return prop, written
    return None, written


def _country_prop(writer: _PropertyWriter, role: str) -> str:
    for prop in (role, _ROLE_FALLBACK.get(role, "country")):
        ptype = writer.model.prop_type(writer.schema, prop)
        if ptype == "country":
            return prop
    return "country"


def _write_extra(writer: _PropertyWriter, extra: dict[str, list[str]]) -> None:
    for prop, values in extra.items():
        if prop.startswith(RESERVED_PREFIX):
            continue
        for value in values:
            writer.add(prop, value)


def _top_level(extra: dict[str, list[str]], caption: str, source: str,
               original_id: str, exported_id: str) -> dict[str, Any]:
    def reserved(key: str) -> list[str] | None:
        return extra.get(RESERVED_PREFIX + key)

    referents = list(reserved("referents") or [])
    if original_id != exported_id and original_id not in referents:
        referents.append(original_id)
    data: dict[str, Any] = {
        "caption": (reserved("caption") or [caption])[0],
        "datasets": list(reserved("datasets") or [source]),
        "referents": referents,
    }
    target = reserved("target")
    if target:
        data["target"] = target[0] == "true"
    for key in ("first_seen", "last_seen", "last_change"):
        value = reserved(key)
        if value:
            data[key] = value[0]
    return data


def _assemble(entity_id: str, schema: str, writer: _PropertyWriter,
              top: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"id": entity_id, "schema": schema, "properties": writer.properties}
    data.update(top)
    return data


def _main_entity(entity: Entity, dropped: list[DroppedValue] | None,
                 extra_primaries: Literal["name", "alias"]) -> dict[str, Any]:
    model = ftm_model()
    if not model.has_schema(entity.schema):
        raise ValueError(f"entity {entity.id}: {entity.schema!r} is not an FtM schema")
    exported_id = ftm_id(entity.id)
    writer = _PropertyWriter(entity.id, entity.schema, dropped)
    first_primary = True
    for name in entity.names:
        prop = _KIND_PROPS[name.kind]
        if name.kind == NameKind.PRIMARY:
            if not first_primary and extra_primaries == "alias":
                prop = "alias"
            first_primary = False
        writer.add(prop, name.value)
    for ident in entity.identifiers:
        id_prop, id_value = _identifier_prop(writer, ident)
        if id_prop is None:
            writer.drop(ident.prop or ident.scheme, id_value, "no identifier property in schema")
        else:
            writer.add(id_prop, id_value)
    for link in entity.countries:
        writer.add(_country_prop(writer, link.role), link.code.lower())
    for address in entity.addresses:
        full = address.full or ", ".join(
            p for p in (address.street, address.postal_code, address.city, address.region,
                        address.country) if p)
        writer.add("address", full)
    for prop, attr in LIST_PROPS.items():
        for value in getattr(entity, attr):
            writer.add(prop, value)
    _write_extra(writer, entity.extra)
    if entity.sanctions and writer.has("topics"):
        writer.add("topics", "sanction")
    top = _top_level(entity.extra, entity.caption, entity.source, entity.id, exported_id)
    return _assemble(exported_id, entity.schema, writer, top)


def _sanction_entity(entity: Entity, sanction: Sanction,
                     dropped: list[DroppedValue] | None) -> dict[str, Any]:
    sid = sanction_id(entity, sanction)
    writer = _PropertyWriter(sid, "Sanction", dropped)
    writer.add("entity", ftm_id(entity.id))
    writer.add("authority", sanction.authority)
    writer.add("program", sanction.program)
    writer.add("program", sanction.list_name)
    writer.add("listingDate", sanction.listing_date)
    writer.add("endDate", sanction.end_date)
    writer.add("reason", sanction.reason)
    writer.add("sourceUrl", sanction.source_url)
    _write_extra(writer, sanction.extra)
    caption = sanction.program or sanction.list_name or sanction.authority or "Sanction"
    top = _top_level(sanction.extra, caption, entity.source, sid, sid)
    return _assemble(sid, "Sanction", writer, top)


def entity_to_ftm(entity: Entity, *, dropped: list[DroppedValue] | None = None,
                  extra_primaries: Literal["name", "alias"] = "name") -> list[dict[str, Any]]:
    """FtM JSON dicts for ``entity``: the entity itself, then one ``Sanction`` per sanction.

    Values FtM would reject are left out; pass a list as ``dropped`` to learn which. Raises
    ValueError when ``entity.schema`` is not an FtM schema (a programming error).
    """
    out = [_main_entity(entity, dropped, extra_primaries)]
    out.extend(_sanction_entity(entity, s, dropped) for s in entity.sanctions)
    return out


def write_ftm_lines(entities: Iterable[Entity], fh: IO[str], *,
                    dropped: list[DroppedValue] | None = None,
                    extra_primaries: Literal["name", "alias"] = "name") -> int:
    """Write FtM JSON lines (one entity per line, as OpenSanctions publishes); returns the
    number of lines written."""
    count = 0
    for entity in entities:
        for data in entity_to_ftm(entity, dropped=dropped, extra_primaries=extra_primaries):
            fh.write(json.dumps(data, ensure_ascii=False) + "\n")
            count += 1
    return count


# --- import --------------------------------------------------------------------------------

Warn = Callable[[str, str, str], None]  # (message, property, value)


def _dedup(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value.strip() and value not in out:
            out.append(value)
    return out


def reserved_extra(data: dict[str, Any]) -> dict[str, list[str]]:
    """The FtM top-level fields of ``data`` (already type-checked) as reserved extra keys."""
    extra: dict[str, list[str]] = {}
    for key in TOP_LEVEL_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            values = ["true" if value else "false"]
        elif isinstance(value, str):
            values = [value]
        else:
            values = list(value)
        if values:
            extra[RESERVED_PREFIX + key] = values
    return extra


def entity_from_ftm(entity_id: str, schema: str, properties: dict[str, list[str]], *,
                    source: str, top: dict[str, list[str]] | None = None,
                    warn: Warn | None = None) -> Entity:
    """An Entity from one FtM entity's (validated) parts.

    Properties the schema lacks are kept in ``extra`` (not in typed fields) and reported
    through ``warn``; an export leaves them out again.
    """
    model = ftm_model()
    entity = Entity(id=entity_id, schema=schema, source=source, source_id=entity_id)
    party = model.is_party(schema)
    for prop, raw_values in properties.items():
        values = _dedup(raw_values)
        if not values:
            continue
        if model.prop_type(schema, prop) is None:
            if warn is not None:
                warn(f"property not in FtM schema {schema}; kept in extra", prop, values[0])
        elif party and _take_typed(entity, prop, values):
            continue
        entity.extra[prop] = values
    if top:
        entity.extra.update(top)
    return entity


def _take_typed(entity: Entity, prop: str, values: list[str]) -> bool:
    """Put ``values`` of ``prop`` into typed fields; False when the property is not typed."""
    if prop in NAME_PROPS:
        for value in values:
            entity.add_name(value, NAME_PROPS[prop])
    elif prop in FTM_PROP_SCHEMES:
        entity.identifiers.extend(
            make_identifier(FTM_PROP_SCHEMES[prop], v, prop=prop) for v in values)
    elif prop in COUNTRY_PROPS:
        entity.countries.extend(CountryLink(v.lower(), prop) for v in values)
    elif prop == "address":
        entity.addresses.extend(Address(full=v) for v in values)
    elif prop in LIST_PROPS:
        getattr(entity, LIST_PROPS[prop]).extend(values)
    else:
        return False
    return True


#: Sanction properties with a typed field: the first value goes there, the rest to extra.
SANCTION_FIELDS = {"authority": "authority", "program": "program",
                   "listingDate": "listing_date", "endDate": "end_date", "reason": "reason",
                   "sourceUrl": "source_url"}


def sanction_from_ftm(sanction_id_: str, properties: dict[str, list[str]], host_id: str,
                      top: dict[str, list[str]] | None = None) -> Sanction:
    """A Sanction folded into the entity ``host_id`` (one of its ``entity`` values); every
    property not in a typed field, and the other ``entity`` values, are kept in ``extra``."""
    fields: dict[str, str | None] = {}
    extra: dict[str, list[str]] = {}
    for prop, raw_values in properties.items():
        values = _dedup(raw_values)
        if prop == "entity":
            values = [v for v in values if v != host_id]
        elif prop in SANCTION_FIELDS and values:
            fields[SANCTION_FIELDS[prop]] = values[0]
            values = values[1:]
        if values:
            extra[prop] = values
    if top:
        extra.update(top)
    return Sanction(
        authority=fields.get("authority") or "",
        program=fields.get("program"),
        listing_date=fields.get("listing_date"),
        end_date=fields.get("end_date"),
        reason=fields.get("reason"),
        source_url=fields.get("source_url"),
        ftm_id=sanction_id_,
        extra=extra,
    )
