"""The domain model shared by every stage: entities and their typed values.

Property names in ``Entity.extra`` use the FollowTheMoney vocabulary (``gender``, ``position``,
``flag``, ``tonnage`` …) so that FtM export and import are a mapping, not a translation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

# Names kept per entity: far above any real record, far below what makes the name index
# take minutes (dibwatch.lists.loader cuts and warns).
MAX_NAMES = 2_000


class Schema(StrEnum):
    """Entity schemata; values are FollowTheMoney schema names (FtM calls aircraft Airplane)."""

    PERSON = "Person"
    COMPANY = "Company"
    ORGANIZATION = "Organization"
    LEGAL_ENTITY = "LegalEntity"
    VESSEL = "Vessel"
    AIRCRAFT = "Airplane"

    @classmethod
    def is_thing(cls, schema: str) -> bool:
        return schema in {s.value for s in cls}


class NameKind(StrEnum):
    """How a list presents a name. ``weak`` aliases (OFAC "f.k.a."-weak, UN low quality) are
    shown to users but must not drive a match on their own."""

    PRIMARY = "primary"
    ALIAS = "alias"
    WEAK = "weak"
    PREVIOUS = "previous"


@dataclass(frozen=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    script: str | None = None  # "Latin", "Cyrillic", "Han", … filled by normalise()
    lang: str | None = None  # ISO 639 code when the list says so

    @property
    def strong(self) -> bool:
        return self.kind != NameKind.WEAK


@dataclass(frozen=True)
class Identifier:
    """A registry or document number. ``valid`` is the check-digit verdict: True/False where the
    scheme has a checksum, None where it has none (passport numbers, free text)."""

    scheme: str  # INN, OGRN, OGRNIP, KPP, OKPO, USCC, LEI, IMO, BIC, PASSPORT, NATIONAL_ID, …
    value: str  # cleaned (spaces, dashes removed where the scheme allows)
    raw: str | None = None  # as written in the list, when it differs
    valid: bool | None = None
    country: str | None = None
    note: str | None = None  # issuing authority, "expires 2020", …
    prop: str | None = None  # FtM property it came from / goes to, when not the scheme default


@dataclass(frozen=True)
class Address:
    full: str
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, lower-case as in FtM


@dataclass(frozen=True)
class CountryLink:
    code: str  # ISO 3166-1 alpha-2, lower-case ("ru", "cn", "hk"); FtM codes like "suhh" kept
    role: str = "country"  # country | nationality | citizenship | jurisdiction | residence | …


@dataclass(frozen=True)
class Sanction:
    """One designation of an entity by an authority."""

    authority: str  # "US OFAC", "US BIS", "UN Security Council", "EU", "UK OFSI", …
    program: str | None = None  # "RUSSIA-EO14024", "Entity List", "833/2014 Annex IV", …
    list_name: str | None = None  # the sub-list: "Entity List", "SDN", "MEU", …
    listing_date: str | None = None  # ISO date, possibly partial
    end_date: str | None = None
    reason: str | None = None
    source_url: str | None = None
    ftm_id: str | None = None  # id of the FtM Sanction entity it came from, for round trips
    extra: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Provenance:
    """Where the entity was read: snapshot, file and line / XML element."""

    file: str
    line: int | None = None
    element: str | None = None


@dataclass
class Entity:
    id: str  # dibwatch id: "<source>-<source_id>" for native lists, FtM id for FtM imports
    schema: str  # a Schema value for list things; other FtM schemata for FtM imports
    source: str  # registry name of the list, e.g. "us_ofac_sdn"
    source_id: str  # the list's own record id: SDN ent_num, CSL id, EU record id …
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    countries: list[CountryLink] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)  # ISO, possibly partial (1970, 1970-05)
    birth_places: list[str] = field(default_factory=list)
    incorporation_dates: list[str] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)  # other FtM properties
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind == NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.source_id

    def add_name(self, value: str | None, kind: NameKind = NameKind.PRIMARY,
                 lang: str | None = None) -> None:
        if value is None:
            return
        value = " ".join(value.split())
        if not value:
            return
        if len(self.names) > MAX_NAMES:
            return  # the loader keeps MAX_NAMES and warns; the check below is linear
        if any(n.value == value and n.kind == kind for n in self.names):
            return
        from dibwatch.model.script import detect_script

        self.names.append(Name(value, kind, detect_script(value), lang))

    def add_extra(self, prop: str, value: str | None) -> None:
        if value is None:
            return
        value = value.strip()
        if value and value not in self.extra.get(prop, []):
            self.extra.setdefault(prop, []).append(value)

    def to_dict(self) -> dict[str, Any]:
        """Lossless plain-dict form (stored as JSON in the workspace)."""
        data = asdict(self)
        return {k: v for k, v in data.items() if v not in ([], {}, None)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            schema=data["schema"],
            source=data["source"],
            source_id=data["source_id"],
            names=[Name(n["value"], NameKind(n["kind"]), n.get("script"), n.get("lang"))
                   for n in data.get("names", [])],
            identifiers=[Identifier(**i) for i in data.get("identifiers", [])],
            addresses=[Address(**a) for a in data.get("addresses", [])],
            countries=[CountryLink(**c) for c in data.get("countries", [])],
            birth_dates=list(data.get("birth_dates", [])),
            birth_places=list(data.get("birth_places", [])),
            incorporation_dates=list(data.get("incorporation_dates", [])),
            sanctions=[Sanction(**s) for s in data.get("sanctions", [])],
            websites=list(data.get("websites", [])),
            emails=list(data.get("emails", [])),
            phones=list(data.get("phones", [])),
            notes=list(data.get("notes", [])),
            extra={k: list(v) for k, v in data.get("extra", {}).items()},
            provenance=[Provenance(**p) for p in data.get("provenance", [])],
        )

    def content_hash(self) -> str:
        """Hash of the content, ignoring provenance, so re-published unchanged records compare
        equal across snapshots."""
        data = self.to_dict()
        data.pop("provenance", None)
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:32]
