"""BIS Military-Intelligence End-User (MIEU) list, 15 CFR 744 Supplement No. 8.

BIS publishes the list only inside the EAR text; this reads the hand-kept CSV maintained by
OpenSanctions (``Type,Name,Alias,Country,Topics,Program,Date,End date,Source URL``). Rows carry
no record id, so the dibwatch id is a slug of the name (unique in the list; a repeat is
warned about and made unique with its line number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from dibwatch.errors import FormatError, Location
from dibwatch.ingest.files import csv_dicts, decode, read_bytes
from dibwatch.lists._record import Record
from dibwatch.lists.base import ListParser, make_id, read_head
from dibwatch.model import CountryLink, Entity, NameKind, Provenance, Sanction, Schema
from dibwatch.model.country import is_country_code

SOURCE = "us_bis_mieu"
HEADER = ("Type", "Name", "Alias", "Country", "Topics", "Program", "Date", "End date",
          "Source URL")
_SLUG = re.compile(r"[^0-9a-z]+")


def slug(text: str) -> str:
    """A stable, readable record id from a name: ``"AVIC (China)"`` -> ``"avic-china"``."""
    return _SLUG.sub("-", text.casefold()).strip("-")[:100]


def header_of(path: Path) -> list[str]:
    """The first line of a CSV file as stripped column names (empty list on failure)."""
    head = read_head(path, 4096).lstrip(b"\xef\xbb\xbf")
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    return [c.strip() for c in first.split(",")]


class MIEUParser(ListParser):
    format = "mieu_csv"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        return SOURCE if tuple(header_of(path)) == HEADER else None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file, self.report)
        seen: set[str] = set()
        for line, row in csv_dicts(text, file, required=HEADER):
            rec = Record(dict(row), file=file, line=line)
            entity = self._entity(rec, line, seen)
            rec.finish(self.report)
            yield entity
        if not seen:
            raise FormatError("no MIEU rows in the file", Location(file, 1))

    def _entity(self, rec: Record, line: int, seen: set[str]) -> Entity:
        name = rec.pop("Name")
        if name is None:
            raise FormatError("row without a Name", Location(str(self.path), line, field="Name"))
        source_id = slug(name) or f"line{line}"
        if source_id in seen:
            self.report.warn("name repeats; line number appended to its id", line=line,
                             field_name="Name", value=name)
            source_id = f"{source_id}-line{line}"
        seen.add(source_id)
        kind = rec.pop("Type") or "Organization"
        schema = kind if kind in {s.value for s in Schema} else Schema.LEGAL_ENTITY.value
        if schema != kind:
            self.report.warn("unknown Type; loaded as LegalEntity", line=line,
                             field_name="Type", value=kind)
        entity = Entity(id=make_id(self.source, source_id), schema=schema, source=self.source,
                        source_id=source_id)
        entity.provenance.append(Provenance(str(self.path), line))
        entity.add_name(name)
        for alias in rec.pop_list("Alias"):
            entity.add_name(alias, NameKind.ALIAS)
        for code in rec.pop_list("Country"):
            if is_country_code(code):
                entity.countries.append(CountryLink(code.lower(), "country"))
            else:
                self.report.warn("not an ISO country code", line=line, field_name="Country",
                                 value=code)
        for topic in rec.pop_list("Topics"):
            entity.add_extra("topics", topic)
        program = rec.pop("Program")
        entity.sanctions.append(Sanction(
            authority="US BIS", program="MIEU", list_name="Military-Intelligence End User",
            listing_date=rec.pop("Date"), end_date=rec.pop("End date"),
            source_url=rec.pop("Source URL"),
            extra={"programId": [program]} if program else {}))
        return entity
