"""FollowTheMoney JSON lines (one entity per line), as exported by OpenSanctions and yente.

OpenSanctions data is licensed CC BY-NC; dibwatch uses it as test fixtures only.

Each FtM entity becomes an Entity whose id and source_id are the FtM id and whose schema is the
FtM schema name; the property mapping is :mod:`dibwatch.model.ftm`. ``Sanction`` entities are
folded into the ``sanctions`` of the entity they designate (the first of their ``entity`` values
present in the file); a Sanction whose target is absent is kept as an entity of its own. Other
non-party entities (Ownership, Family, Directorship, Address, Passport, …) are kept with every
property in ``extra``. Top-level fields (caption, datasets, referents, target, first_seen,
last_seen, last_change) are kept in ``extra`` as ``_caption``, ``_datasets``, …

The file is read twice (the Sanction of an entity may come before or after it): the first pass
validates every line and keeps the Sanctions, the second builds the entities.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dibwatch.errors import Location, ParseError
from dibwatch.ingest.files import decode, read_bytes
from dibwatch.lists.base import ListParser, read_head
from dibwatch.model.entity import Entity, Provenance, Sanction
from dibwatch.model.ftm import (
    TOP_LEVEL_FIELDS,
    entity_from_ftm,
    ftm_model,
    reserved_extra,
    sanction_from_ftm,
)

_SNIFF = re.compile(rb'^\s*\{.*"schema"\s*:\s*"[A-Z][A-Za-z]+".*"properties"\s*:\s*\{',
                    re.DOTALL)
_STRING_FIELDS = ("caption", "first_seen", "last_seen", "last_change")
_LIST_FIELDS = ("datasets", "referents")


def _top_level_type_ok(key: str, value: Any) -> bool:
    if key in _STRING_FIELDS:
        return isinstance(value, str)
    if key in _LIST_FIELDS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, bool)  # "target"


@dataclass(frozen=True)
class FtmLine:
    """One validated line: an FtM entity with its properties and top-level fields."""

    line: int
    id: str
    schema: str
    properties: dict[str, list[str]]
    top: dict[str, list[str]]


class FtmJsonParser(ListParser):
    format = "ftm_json"
    version = "1"
    sources = ("ftm",)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path).lstrip(b"\xef\xbb\xbf")
        first = head.split(b"\n", 1)[0]
        # a first line longer than the head is cut off: the pattern only needs its start
        return "ftm" if _SNIFF.match(first) else None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file, self.report)
        lines = text.split("\n")
        hosts: set[str] = set()
        sanctions: list[FtmLine] = []
        for record in self._records(lines, first_pass=True):
            if record.schema == "Sanction":
                sanctions.append(record)
            elif record.id in hosts:
                self.report.warn("duplicate entity id; the later line is skipped",
                                 line=record.line, field_name="id", value=record.id)
            else:
                hosts.add(record.id)
        folded = self._fold(sanctions, hosts)
        emitted: set[str] = set()
        for record in self._records(lines, first_pass=False):
            if record.schema == "Sanction" or record.id in emitted:
                continue
            emitted.add(record.id)
            entity = self._entity(record)
            entity.sanctions.extend(folded.get(record.id, []))
            yield entity
        for record in sanctions:
            if self._host(record, hosts) is not None:
                continue
            if record.id in emitted:
                self.report.warn("duplicate entity id; the later line is skipped",
                                 line=record.line, field_name="id", value=record.id)
                continue
            emitted.add(record.id)
            yield self._entity(record)

    # --- lines -------------------------------------------------------------------------

    def _records(self, lines: list[str], *, first_pass: bool) -> Iterator[FtmLine]:
        """Validated lines; leftovers are reported in the first pass only."""
        for number, raw in enumerate(lines, start=1):
            if raw.strip():
                yield self._record(number, raw, report_leftovers=first_pass)

    def _location(self, line: int, field: str | None = None) -> Location:
        return Location(str(self.path), line, field=field)

    def _record(self, line: int, raw: str, *, report_leftovers: bool) -> FtmLine:
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
            raise ParseError(f"malformed JSON: {exc}", self._location(line)) from exc
        if not isinstance(data, dict):
            raise ParseError("a line must hold one JSON object (an FtM entity)",
                             self._location(line))
        # The object's keys are consumed one by one (zavod style); values are JSON, not
        # strings, so the Record helper does not fit. What is left goes to the report.
        entity_id = data.pop("id", None)
        if not isinstance(entity_id, str) or not entity_id.strip():
            raise ParseError("missing or empty entity id", self._location(line, "id"))
        schema = data.pop("schema", None)
        if not isinstance(schema, str) or not ftm_model().has_schema(schema):
            raise ParseError(f"unknown FtM schema: {schema!r}", self._location(line, "schema"))
        properties = self._properties(line, data.pop("properties", {}))
        top = self._top_level(line, {k: data.pop(k) for k in TOP_LEVEL_FIELDS if k in data})
        for key, value in data.items() if report_leftovers else ():
            self.report.leftover(key, json.dumps(value, ensure_ascii=False), line=line)
        return FtmLine(line, entity_id, schema, properties, top)

    def _properties(self, line: int, value: Any) -> dict[str, list[str]]:
        if not isinstance(value, dict):
            raise ParseError("'properties' must be an object", self._location(line, "properties"))
        properties: dict[str, list[str]] = {}
        for prop, values in value.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ParseError("property values must be a list of strings",
                                 self._location(line, prop))
            properties[prop] = values
        return properties

    def _top_level(self, line: int, fields: dict[str, Any]) -> dict[str, list[str]]:
        for key, value in fields.items():
            if value is not None and not _top_level_type_ok(key, value):
                raise ParseError(f"top-level field {key!r} has the wrong type",
                                 self._location(line, key))
        return reserved_extra(fields)

    # --- entities ----------------------------------------------------------------------

    def _entity(self, record: FtmLine) -> Entity:
        def warn(message: str, prop: str, value: str) -> None:
            self.report.warn(message, line=record.line, field_name=prop, value=value)

        entity = entity_from_ftm(record.id, record.schema, record.properties,
                                 source=self.source, top=record.top, warn=warn)
        entity.provenance.append(Provenance(str(self.path), record.line))
        return entity

    @staticmethod
    def _host(record: FtmLine, hosts: set[str]) -> str | None:
        return next((t for t in record.properties.get("entity", []) if t in hosts), None)

    def _fold(self, sanctions: list[FtmLine], hosts: set[str]) -> dict[str, list[Sanction]]:
        folded: dict[str, list[Sanction]] = {}
        seen: set[str] = set()
        for record in sanctions:
            host = self._host(record, hosts)
            if host is None:
                continue
            if record.id in seen:
                self.report.warn("duplicate Sanction id; the later line is skipped",
                                 line=record.line, field_name="id", value=record.id)
                continue
            seen.add(record.id)
            for prop, values in record.properties.items():
                if values and ftm_model().prop_type("Sanction", prop) is None:
                    self.report.warn("property not in FtM schema Sanction; kept in extra",
                                     line=record.line, field_name=prop, value=values[0])
            folded.setdefault(host, []).append(
                sanction_from_ftm(record.id, record.properties, host, record.top))
        return folded
