"""DoD Section 1260H list of "Chinese military companies" (hand-kept CSV by OpenSanctions).

Columns ``Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date,Source Url``.
One row per company *per annual DoD notice*: the same company appears once for each list that
named it (2021, 2022, 2024, 2025, 2026). Rows are grouped by ``Clean Name`` into one entity with
one Sanction per notice; the record id is a slug of the clean name (unique per company).
``Name`` is the list's own spelling, usually ``"<clean name> (<alias>)*"``: when it says more
than clean name and alias ("formerly …", "also known as …", spelling variants), that is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from dibwatch.errors import FormatError, Location
from dibwatch.ingest.files import csv_dicts, decode, read_bytes
from dibwatch.lists._record import Record
from dibwatch.lists.base import ListParser, make_id
from dibwatch.lists.sources.us_mieu import header_of, slug
from dibwatch.model import CountryLink, Entity, NameKind, Provenance, Sanction, Schema

SOURCE = "us_dod_1260h"
HEADER = ("Name", "Clean Name", "Alias", "Previous Name", "Parent Name", "Note", "Start date",
          "End date", "Source Url")
# "*" marks entities carried over from earlier notices in the 2021/2022 PDFs; a trailing "."
# is a typo in the 2025 notice. Neither is part of the name.
_MARKERS = re.compile(r"[\s*.]+$")
_FORMERLY = re.compile(r"^(?P<name>.+?)\s*\((?P<kind>formerly|also known as)\s+(?P<other>.+)\)$")
_TRAILING_ALIAS = re.compile(r"^(?P<name>.+?)\s*\((?P<alias>[^()]+)[)\]]$")
# Aliases are ';'- or ','-separated, but company names contain ", Ltd.": only a comma not
# followed by a space separates ("Knownsec,Beijing Kownsec").
_ALIAS_SPLIT = re.compile(r";|,(?=\S)")


class DoD1260HParser(ListParser):
    format = "dod1260h_csv"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        return SOURCE if tuple(header_of(path)) == HEADER else None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file, self.report)
        entities: dict[str, Entity] = {}
        for line, row in csv_dicts(text, file, required=HEADER):
            rec = Record(dict(row), file=file, line=line)
            self._row(rec, line, entities)
            rec.finish(self.report)
        if not entities:
            raise FormatError("no 1260H rows in the file", Location(file, 1))
        yield from entities.values()

    def _row(self, rec: Record, line: int, entities: dict[str, Entity]) -> None:
        file = str(self.path)
        raw_name = rec.pop("Name")
        clean = rec.pop("Clean Name") or (_MARKERS.sub("", raw_name) if raw_name else None)
        if not clean:
            raise FormatError("row without a name", Location(file, line, field="Clean Name"))
        source_id = slug(clean) or f"line{line}"
        entity = entities.get(source_id)
        if entity is None:
            entity = Entity(id=make_id(self.source, source_id), schema=Schema.COMPANY.value,
                            source=self.source, source_id=source_id)
            entity.countries.append(CountryLink("cn", "country"))
            entity.add_name(clean)
            entities[source_id] = entity
        elif clean not in {n.value for n in entity.names}:
            # Two spellings that slug alike ("Co., Ltd" / "Co. Ltd"): one company.
            entity.add_name(clean, NameKind.ALIAS)
        entity.provenance.append(Provenance(file, line))
        aliases = [a.strip() for v in rec.pop_list("Alias") for a in _ALIAS_SPLIT.split(v)]
        for alias in aliases:
            entity.add_name(alias, NameKind.ALIAS)
        for previous in rec.pop_list("Previous Name"):
            entity.add_name(previous, NameKind.PREVIOUS)
        if raw_name:
            self._listed_name(entity, _MARKERS.sub("", raw_name), clean, aliases)
        parent = rec.pop("Parent Name")
        # FtM's Organization.parent is an entity reference, and the list names the parent
        # only by name, so it is kept as a note.
        if parent and f"Parent: {parent}" not in entity.notes:
            entity.notes.append(f"Parent: {parent}")
        entity.sanctions.append(Sanction(
            authority="US DoD", program="Section 1260H", list_name="Chinese Military Companies",
            listing_date=rec.pop("Start date"), end_date=rec.pop("End date"),
            reason=rec.pop("Note"), source_url=rec.pop("Source Url")))

    @staticmethod
    def _listed_name(entity: Entity, listed: str, clean: str, aliases: list[str]) -> None:
        if listed == clean:
            return
        formerly = _FORMERLY.match(listed)
        if formerly:
            kind = NameKind.PREVIOUS if formerly.group("kind") == "formerly" else NameKind.ALIAS
            entity.add_name(formerly.group("other"), kind)
            listed = formerly.group("name")
        else:
            trailing = _TRAILING_ALIAS.match(listed)
            if trailing and trailing.group("name") != clean:
                entity.add_name(trailing.group("alias"), NameKind.ALIAS)
                listed = trailing.group("name")
            elif trailing:
                entity.add_name(trailing.group("alias"), NameKind.ALIAS)
                return
        if listed != clean:
            entity.add_name(listed, NameKind.ALIAS)
