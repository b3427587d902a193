"""OFAC legacy CSV sets: the SDN list (sdn.csv, add.csv, alt.csv, sdn_comments.csv) and the
Non-SDN Consolidated list (cons_prim.csv, cons_add.csv, cons_alt.csv, cons_comments.csv).

Layout per OFAC's data specification (dat_spec.txt): no header, quoted fields, ``-0-`` for
empty, a DOS EOF byte at the end. Primary rows carry ent_num, name, type, programs, vessel data
and a Remarks field that is cut at 1,000 characters and continued in the comments file. The
remarks are parsed by :mod:`dibwatch.lists.sources.ofac_remarks`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import ClassVar

from dibwatch.errors import FormatError, Location, ParseError
from dibwatch.ingest.files import csv_rows, decode, read_bytes
from dibwatch.ingest.report import LoadReport
from dibwatch.lists._record import Record
from dibwatch.lists.base import ListParser, make_id, read_head
from dibwatch.lists.sources.ofac_remarks import (
    Remarks,
    parse_remarks,
    states_no_country,
    to_country,
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

AUTHORITY = "US OFAC"
SDN_LIST = "SDN List"
CONS_LIST = "Non-SDN Consolidated"

PRIMARY_FIELDS = ("ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
                  "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks")
ADDRESS_FIELDS = ("ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country",
                  "Add_remarks")
ALIAS_FIELDS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
COMMENT_FIELDS = ("ent_num", "Remarks_Extended")

_ALIAS_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.PREVIOUS, "nka": NameKind.ALIAS}
_ENT_NUM = re.compile(r"^\d{1,10}$")
# First line of an OFAC legacy file: ent_num, then a quoted field, -0- or (add/alt) a number.
_SNIFF = re.compile(rb"^\s*\d+,(\"|-0-|\d+,)")


@dataclass(frozen=True)
class FileSet:
    source: str
    primary: str
    addresses: str
    aliases: str
    comments: str
    list_name: str

    @property
    def names(self) -> tuple[str, str, str, str]:
        return (self.primary, self.addresses, self.aliases, self.comments)


SDN_SET = FileSet("us_ofac_sdn", "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv", SDN_LIST)
CONS_SET = FileSet("us_ofac_cons", "cons_prim.csv", "cons_add.csv", "cons_alt.csv",
                   "cons_comments.csv", CONS_LIST)
FILE_SETS = {s.source: s for s in (SDN_SET, CONS_SET)}


def _set_of_name(name: str) -> FileSet | None:
    name = name.lower()
    for file_set in FILE_SETS.values():
        if name in file_set.names:
            return file_set
    return None


def _find(folder: Path, name: str) -> Path | None:
    """``name`` in ``folder``, case-insensitively (OFAC's downloads are upper case: SDN.CSV)."""
    try:
        for child in folder.iterdir():
            if child.is_file() and child.name.lower() == name:
                return child
    except OSError:
        return None
    return None


@lru_cache(maxsize=1)
def _lookups() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    def table(name: str) -> list[dict[str, str]]:
        text = resources.files("dibwatch.lists").joinpath(f"sources/data/{name}").read_text(
            "utf-8")
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        return list(csv.DictReader(lines))

    types = {r["sdn_type"].strip(): r["schema"].strip() for r in table("ofac_csv_types.csv")}
    programs = {r["program"].strip(): r["cons_list"].strip()
                for r in table("ofac_csv_programs.csv")}
    forms = frozenset(_legal_key(r["form"]) for r in table("ofac_csv_legal_forms.csv"))
    return types, programs, forms


def _legal_key(text: str) -> str:
    return " ".join(text.upper().replace(".", "").replace(",", " ").split())


def has_legal_form(name: str) -> bool:
    """Whether ``name`` contains a company legal form (LLC, OOO, S.A. …) as whole words."""
    words = _legal_key(name).split()
    forms = _lookups()[2]
    for size in (1, 2, 3, 4):
        for i in range(len(words) - size + 1):
            if " ".join(words[i:i + size]) in forms:
                return True
    return False


def split_programs(value: str | None) -> list[str]:
    """["SDGT", "IRGC"] from "[SDGT] [IRGC]" or the legacy file's "SDGT] [IRGC"."""
    if not value:
        return []
    return [p.strip() for p in re.split(r"[\[\]]", value) if p.strip()]


class OfacCsvParser(ListParser):
    format: ClassVar[str] = "ofac_csv"
    version: ClassVar[str] = "1"
    sources: ClassVar[tuple[str, ...]] = ("us_ofac_sdn", "us_ofac_cons")

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        try:
            if path.is_dir():
                # Primary files decide first, so a folder holding both sets reads as SDN; a set
                # without its primary file is still recognised, for parse() to name what lacks.
                for file_set, names in ((SDN_SET, (SDN_SET.primary,)),
                                        (CONS_SET, (CONS_SET.primary,)),
                                        (SDN_SET, SDN_SET.names), (CONS_SET, CONS_SET.names)):
                    for name in names:
                        member = _find(path, name)
                        if member is not None and _SNIFF.match(read_head(member, 512)):
                            return file_set.source
                return None
            named = _set_of_name(path.name)
            if named is not None and _SNIFF.match(read_head(path, 512)):
                return named.source
        except OSError:
            return None
        return None

    @property
    def file_set(self) -> FileSet:
        if self.source in FILE_SETS:
            return FILE_SETS[self.source]
        return _set_of_name(self.path.name) or SDN_SET

    @property
    def folder(self) -> Path:
        return self.path if self.path.is_dir() else self.path.parent

    def input_files(self) -> list[Path]:
        found = (_find(self.folder, name) for name in self.file_set.names)
        return [p for p in found if p is not None]

    # -- reading -------------------------------------------------------------------------------

    def _rows(self, name: str,
              fields: tuple[str, ...]) -> Iterator[tuple[int, str, Record]]:
        path = _find(self.folder, name)
        if path is None:
            return
        file = str(path)
        text = self._decode(read_bytes(path), file)
        for line, row in csv_rows(text, file):
            # OFAC pads "-0- " fields with a space; a trailing empty field is harmless.
            if len(row) == len(fields) + 1 and not row[-1].strip():
                row = row[:-1]
            if len(row) != len(fields):
                raise ParseError(f"{len(row)} fields where {name} has {len(fields)}",
                                 Location(file, line))
            record = Record(dict(zip(fields, row, strict=True)), file=file, line=line)
            ent_num = (record.pop("ent_num") or "").strip()
            if not _ENT_NUM.match(ent_num):
                raise ParseError(f"ent_num is not a number: {ent_num!r}",
                                 Location(file, line, field="ent_num"))
            yield line, ent_num, record

    def _decode(self, data: bytes, file: str) -> str:
        # OFAC publishes the legacy files in a Windows code page; decode() records its fallback
        # warning against the report's file, so it is re-issued here naming the actual file.
        local = LoadReport(file)
        text = decode(data, file, local, fallback="cp1252")
        for issue in local.issues:
            self.report.warn(issue.message, line=issue.location.line, file=file)
        return text

    def _group(self, name: str, fields: tuple[str, ...],
               known: set[str]) -> dict[str, list[Record]]:
        groups: dict[str, list[Record]] = {}
        path = _find(self.folder, name)
        if path is None:
            self.report.warn(f"{name} is missing from the set: its data is not loaded",
                             file=str(self.folder / name))
            return groups
        for line, ent_num, record in self._rows(name, fields):
            if ent_num not in known:
                self.report.warn(f"ent_num {ent_num} has no row in {self.file_set.primary}",
                                 line=line, field_name="ent_num", value=ent_num,
                                 file=record.file)
                record.ignore(*fields)  # reported above as a whole row
                continue
            groups.setdefault(ent_num, []).append(record)
        return groups

    def parse(self) -> Iterator[Entity]:
        file_set = self.file_set
        primary_path = _find(self.folder, file_set.primary)
        if primary_path is None:
            raise FormatError(
                f"{file_set.primary} (the primary records of the {file_set.source} set) is "
                f"missing from {self.folder}; add/alt/comments files cannot be loaded alone",
                Location(str(self.folder / file_set.primary)))
        primaries: list[tuple[int, str, Record]] = []
        known: set[str] = set()
        for line, ent_num, record in self._rows(file_set.primary, PRIMARY_FIELDS):
            if ent_num in known:
                self.report.warn(f"ent_num {ent_num} repeated; the later row is dropped",
                                 line=line, field_name="ent_num", value=ent_num,
                                 file=record.file)
                record.ignore(*PRIMARY_FIELDS)
                continue
            known.add(ent_num)
            primaries.append((line, ent_num, record))
        comments = self._group(file_set.comments, COMMENT_FIELDS, known)
        addresses = self._group(file_set.addresses, ADDRESS_FIELDS, known)
        aliases = self._group(file_set.aliases, ALIAS_FIELDS, known)
        for line, ent_num, record in primaries:
            entity = self._entity(ent_num, line, record, comments.get(ent_num, []))
            for add in addresses.get(ent_num, []):
                self._add_address(entity, add)
            for alt in aliases.get(ent_num, []):
                self._add_alias(entity, alt)
            yield entity

    # -- building ------------------------------------------------------------------------------

    def _entity(self, ent_num: str, line: int, record: Record,
                comments: list[Record]) -> Entity:
        types, _, _ = _lookups()
        name = record.pop("SDN_Name")
        sdn_type = record.pop("SDN_Type")
        if sdn_type is None:
            schema = Schema.COMPANY if name and has_legal_form(name) else Schema.ORGANIZATION
        elif sdn_type.lower() in types:
            schema = Schema(types[sdn_type.lower()])
        else:
            self.report.warn(f"unknown SDN_Type {sdn_type!r}; loaded as LegalEntity", line=line,
                             field_name="SDN_Type", value=sdn_type, file=record.file)
            schema = Schema.LEGAL_ENTITY
        entity = Entity(id=make_id(self.source, ent_num), schema=schema.value,
                        source=self.source, source_id=ent_num,
                        provenance=[Provenance(record.file, line)])
        if name is None:
            self.report.warn("row without SDN_Name", line=line, field_name="SDN_Name",
                             file=record.file)
        # Individuals are listed "LAST, First": that is the form OFAC publishes, kept as is.
        entity.add_name(name)

        title = record.pop("Title")
        if title and schema == Schema.PERSON:
            entity.add_extra("position", title)
        elif title:
            entity.notes.append(f"Title: {title}")
        self._add_vessel_fields(entity, record, line)

        remarks_text = record.pop("Remarks") or ""
        for comment in comments:
            # The Remarks field is cut mid-word at 1,000 characters: join without a space.
            remarks_text += comment.pop("Remarks_Extended") or ""
            comment.finish(self.report)
        remarks = parse_remarks(remarks_text, known=frozenset([title] if title else []))
        self._apply_remarks(entity, remarks, record, line)
        entity.sanctions = self._sanctions(record.pop("Program"), remarks, record.file, line)
        record.finish(self.report)
        return entity

    def _add_vessel_fields(self, entity: Entity, record: Record, line: int) -> None:
        for field_name, prop in (("Call_Sign", "callSign"), ("Vess_type", "type"),
                                 ("Tonnage", "tonnage"), ("GRT", "grossRegisteredTonnage")):
            value = record.pop(field_name)
            if value and prop in ("tonnage", "grossRegisteredTonnage"):
                value = value.replace(",", "")  # "318,000": FtM numbers have no separators
            entity.add_extra(prop, value)
        flag = record.pop("Vess_flag")
        if flag:
            code = to_country(flag)
            if code is None and states_no_country(flag):
                entity.notes.append(f"Flag: {flag}")
            elif code is None:
                self.report.warn("vessel flag is not a known country", line=line,
                                 field_name="Vess_flag", value=flag, file=record.file)
                entity.notes.append(f"Flag: {flag}")
            else:
                entity.add_extra("flag", code)
                entity.countries.append(CountryLink(code, "flag"))
        owner = record.pop("Vess_owner")
        if owner:
            # FtM's owner is an entity reference, not text: kept as a note.
            entity.notes.append(f"Vessel owner: {owner}")

    def _apply_remarks(self, entity: Entity, remarks: Remarks, record: Record,
                       line: int) -> None:
        entity.identifiers.extend(remarks.identifiers)
        entity.birth_dates.extend(remarks.birth_dates)
        entity.birth_places.extend(remarks.birth_places)
        entity.incorporation_dates.extend(remarks.incorporation_dates)
        for link in remarks.countries:
            if link not in entity.countries:
                entity.countries.append(link)
        for name, kind in remarks.names:
            entity.add_name(name, kind)
        entity.websites.extend(remarks.websites)
        entity.emails.extend(remarks.emails)
        entity.phones.extend(remarks.phones)
        for target in remarks.linked_to:
            # No FtM property holds a free-text link; "linkedTo" marks OFAC's "Linked To:".
            entity.add_extra("linkedTo", target)
        for prop, values in remarks.extra.items():
            for value in values:
                entity.add_extra(prop, value)
        entity.notes.extend(remarks.notes)
        for key, segment in remarks.leftovers:
            self.report.leftover(f"Remarks:{key}", segment, line=line, file=record.file)

    def _sanctions(self, program_field: str | None, remarks: Remarks, file: str,
                   line: int) -> list[Sanction]:
        programs = split_programs(program_field)
        if not programs:
            self.report.warn("row without a program", line=line, field_name="Program",
                             file=file)
            return []
        list_name = self.file_set.list_name
        if self.file_set is CONS_SET:
            cons_lists = _lookups()[1]
            list_name = next((cons_lists[p] for p in programs if p in cons_lists), CONS_LIST)
        # The legacy format does not say which program a remark belongs to: all get them.
        return [Sanction(authority=AUTHORITY, program=p, list_name=list_name,
                         extra={k: list(v) for k, v in remarks.sanction_extra.items()})
                for p in programs]

    def _add_address(self, entity: Entity, record: Record) -> None:
        record.ignore("Add_num")  # OFAC's row number for the address; no meaning of its own
        street = record.pop("Address")
        city = record.pop("City/State/Province/Postal Code")
        country_text = record.pop("Country")
        note = record.pop("Add_remarks")
        parts = [p for p in (street, city, country_text) if p]
        if note:
            entity.notes.append(f"Address remarks: {note}")
        if not parts:
            record.finish(self.report)
            return  # OFAC writes an all -0- address row for entries without an address
        code = to_country(country_text) if country_text else None
        if country_text and code is None and not states_no_country(country_text):
            self.report.warn("address country is not a known country", line=record.line,
                             field_name="Country", value=country_text, file=record.file)
        entity.addresses.append(Address(full=", ".join(parts), street=street, city=city,
                                        country=code))
        if code and CountryLink(code) not in entity.countries:
            entity.countries.append(CountryLink(code))
        record.finish(self.report)

    def _add_alias(self, entity: Entity, record: Record) -> None:
        record.ignore("alt_num")  # OFAC's row number for the alias; no meaning of its own
        alt_type = record.pop("alt_type")
        name = record.pop("alt_name")
        remarks = record.pop("alt_remarks")
        kind = _ALIAS_KINDS.get((alt_type or "").lower())
        if kind is None:
            self.report.warn(f"unknown alt_type {alt_type!r}; loaded as alias",
                             line=record.line, field_name="alt_type", value=alt_type,
                             file=record.file)
            kind = NameKind.ALIAS
        if remarks and "weak" in remarks.lower():
            kind = NameKind.WEAK
        elif remarks:
            entity.notes.append(f"Alias {name}: {remarks}")
        if name is None:
            self.report.warn("alias row without alt_name", line=record.line,
                             field_name="alt_name", file=record.file)
        entity.add_name(name, kind)
        record.finish(self.report)
