"""trade.gov Consolidated Screening List (CSL), source ``us_csl``: CSV and JSON.

The CSL merges thirteen US lists (OFAC SDN/SSI/CAP/…, BIS Entity List/DPL/UVL/MEU, State
DDTC/ISN). Every row keeps its sub-list: the ``source`` column is mapped through
``data/csl_sources.csv`` to a short ``Sanction.list_name`` and an authority.

CSV layouts (format ``csl_csv``). The column set has stayed the same since 2018 (``_id, source,
entity_number, type, programs, name, … , source_information_url, ids``; the API's JSON calls the
first one ``id``, which is accepted too), but the files differ in how they were written:

- 2022 (and older): minimal quoting; each ``ids`` entry lists the id object's fields in
  *alphabetical key order* with empty ones dropped: ``country, expiration_date, issue_date,
  number, type`` -> ``RU, 7736640919, Tax ID No.``; ``JO, 2014-08-30, 2009-08-31, K475336,
  Passport``. The type is the last component.
- 2023 and 2025: every field quoted, the header line may be written twice (the 2023 file), and
  ``ids`` entries list the fields in the JSON order ``type, number, country, issue_date,
  expiration_date`` -> ``Tax ID No., 7736640919, RU``; ``Passport, E590976, TN, 19 Jun 1987,
  18 Jun 1992``. The type is the first component.

Nothing in the header tells the two apart, so the layout is detected per file from the ``ids``
column itself: which end of the entries holds a known id type (``data/csl_id_types.csv``).
Entries are separated by ``"; "`` and components by ``", "``; values may contain ``", "`` (the
component count then exceeds five), so the number is whatever is left between the recognised
country / date components and the type. When only one date is given its role (issue or
expiry) cannot be known: it is kept in the identifier note as "date …".

JSON (format ``csl_json``): ``{"results": [{…}], "total": n, "sources_used": [...]}`` with list
values (``alt_names``, ``programs``, …), ``addresses`` as objects (``address, city, state,
postal_code, country``) and ``ids`` as objects (``type, number, country, issue_date,
expiration_date``).

Rows sharing an id are one record on several sub-lists (an OFAC entity on SDN, SSI and CAP has
the same ent_num on each row): they become one entity with one Sanction per sub-list and
program. ``report.counts["list:<name>"]`` counts rows per sub-list, ``report.counts["rows"]``
all rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dibwatch.errors import FormatError, Location, ParseError
from dibwatch.ingest.files import csv_dicts, csv_rows, decode, read_bytes
from dibwatch.ingest.report import LoadReport
from dibwatch.lists._record import EMPTY, Record
from dibwatch.lists.base import ListParser, read_head
from dibwatch.lists.sources.csl_builder import CslBuilder
from dibwatch.lists.sources.csl_rows import (
    _CSV_ID_COLUMNS,
    _LISTS,
    _SCALARS,
    SOURCE,
    TYPE_FIRST,
    TYPE_LAST,
    CslRow,
    IdEntry,
    RawAddress,
    detect_ids_layout,
    iso_date,
    lower_country,
    parse_ids,
    schema_by_legal_form,
    split_name,
)
from dibwatch.model.entity import (
    Entity,
)

__all__ = ["TYPE_FIRST", "TYPE_LAST", "CslCsvParser", "CslJsonParser", "detect_ids_layout",
           "iso_date", "lower_country", "parse_ids", "schema_by_legal_form", "split_name"]


def _head_text(path: Path) -> str:
    head = read_head(path, 4096)
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                     (b"\xfe\xff", "utf-16")):
        if head.startswith(bom):
            return head[: len(head) // 2 * 2 if enc == "utf-16" else len(head)].decode(
                enc, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _csv_row(record: Record, layout: str, line: int) -> CslRow:
    row = CslRow(line=line, element=None)
    ids = [record.pop(c) for c in _CSV_ID_COLUMNS]
    row.source_id = next((i for i in ids if i), None)
    row.source_label = record.pop("source")
    for name in _SCALARS:
        setattr(row, name, record.pop(name))
    for name in _LISTS:
        setattr(row, name, record.pop_list(name, ";"))
    row.addresses = [RawAddress(full=a) for a in record.pop_list("addresses", "; ")]
    row.ids = parse_ids(record.pop("ids"), layout)
    return row


def _is_truncated_tail(exc: ParseError, text: str) -> bool:
    """The error is in the file's last line and that line has no end: a cut-off download."""
    if exc.location is None or exc.location.line is None or text.endswith(("\n", "\r")):
        return False
    return exc.location.line == text.count("\n") + 1


class CslCsvParser(ListParser):
    format = "csl_csv"
    version = "1"
    sources = (SOURCE,)

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        try:
            first = _head_text(path).splitlines()[0]
            header = {h.strip().lstrip("\ufeff") for h in next(csv.reader([first]))}
        except (IndexError, StopIteration, csv.Error):
            return None
        wanted = {"source", "name", "alt_names", "source_information_url"}
        if wanted <= header and header & set(_CSV_ID_COLUMNS):
            return SOURCE
        return None

    def _header(self, text: str, file: str) -> list[str]:
        try:
            _, header = next(csv_rows(text, file))
        except StopIteration:
            raise ParseError("empty file: no header row", Location(file, 1)) from None
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in ("source", "name") if c not in header]
        if not set(header) & set(_CSV_ID_COLUMNS):
            missing.append("_id (or id)")
        if missing:
            raise FormatError(f"not a CSL CSV: missing columns {', '.join(missing)}",
                              Location(file, 1))
        return header

    def _rows(self, text: str, file: str) -> list[tuple[int, dict[str, str]]]:
        self._header(text, file)
        rows: list[tuple[int, dict[str, str]]] = []
        try:
            rows.extend(csv_dicts(text, file))
        except ParseError as exc:
            if not _is_truncated_tail(exc, text):
                raise
            # Loading what precedes a cut-off last line beats refusing the file; the lost
            # record is named in the report so the user knows the snapshot is incomplete.
            self.report.warn(f"file ends inside a record (truncated?): the last record was "
                             f"dropped ({exc.message})", line=exc.location.line
                             if exc.location else None)
            self.report.counts["truncated_records"] += 1
        return rows

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        # trade.gov publishes UTF-8; other bytes mean a damaged or foreign file.
        text = decode(read_bytes(self.path), file)
        rows = self._rows(text, file)
        layout = detect_ids_layout(r.get("ids", "") for _, r in rows)
        self.report.counts[f"ids_layout:{layout}"] += 1
        builder = CslBuilder(self.report, file, self.source)
        for line, data in rows:
            record = Record(dict(data), file=file, line=line)
            builder.add(_csv_row(record, layout, line))
            record.finish(self.report)
        yield from builder.entities()


# --------------------------------------------------------------------------- JSON


def _json_text(item: dict[str, Any], key: str, where: Location) -> str | None:
    value = item.pop(key, None)
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise ParseError(f"expected text, found {type(value).__name__}",
                         Location(where.file, element=where.element, field=key))
    value = value.strip()
    return None if value in EMPTY else value


def _json_list(item: dict[str, Any], key: str, where: Location) -> list[str]:
    value = item.pop(key, None)
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list):
        raise ParseError(f"expected a list, found {type(value).__name__}",
                         Location(where.file, element=where.element, field=key))
    out = []
    for entry in value:
        if isinstance(entry, int | float) and not isinstance(entry, bool):
            entry = str(entry)
        if not isinstance(entry, str):
            raise ParseError(f"expected a list of text, found {type(entry).__name__}",
                             Location(where.file, element=where.element, field=key))
        if entry.strip() and entry.strip() not in EMPTY:
            out.append(entry.strip())
    return out


def _json_objects(item: dict[str, Any], key: str, where: Location) -> list[dict[str, Any]]:
    value = item.pop(key, None)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict | str) for v in value):
        raise ParseError("expected a list of objects",
                         Location(where.file, element=where.element, field=key))
    return [v if isinstance(v, dict) else {"address": v} for v in value]


def _finish_json(item: dict[str, Any], where: Location, report: LoadReport,
                 prefix: str = "") -> None:
    leftovers: dict[str, str | None] = {
        f"{prefix}{k}": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        for k, v in item.items() if v not in (None, "", [], {})}
    Record(leftovers, file=where.file, element=where.element).finish(report)


def _json_row(item: dict[str, Any], where: Location, report: LoadReport) -> CslRow:
    row = CslRow(line=None, element=where.element)
    ids = [_json_text(item, c, where) for c in ("id", "_id")]
    row.source_id = next((i for i in ids if i), None)
    row.source_label = _json_text(item, "source", where)
    for name in _SCALARS:
        setattr(row, name, _json_text(item, name, where))
    for name in _LISTS:
        setattr(row, name, _json_list(item, name, where))
    for i, obj in enumerate(_json_objects(item, "addresses", where)):
        at = Location(where.file, element=f"{where.element}/addresses[{i}]")
        row.addresses.append(RawAddress(
            full=_json_text(obj, "full", at) if "full" in obj else None,
            street=_json_text(obj, "address", at), city=_json_text(obj, "city", at),
            state=_json_text(obj, "state", at), postal_code=_json_text(obj, "postal_code", at),
            country=_json_text(obj, "country", at)))
        _finish_json(obj, at, report, "addresses.")
    for i, obj in enumerate(_json_objects(item, "ids", where)):
        at = Location(where.file, element=f"{where.element}/ids[{i}]")
        id_type = _json_text(obj, "type", at)
        entry = IdEntry(id_type or "", _json_text(obj, "number", at) or "",
                        _json_text(obj, "country", at), _json_text(obj, "issue_date", at),
                        _json_text(obj, "expiration_date", at))
        _finish_json(obj, at, report, "ids.")
        if id_type:
            row.ids.append(entry)
        elif entry.number:
            report.leftover("ids[]", entry.number, element=at.element, file=at.file)
    _finish_json(item, where, report)
    return row


class CslJsonParser(ListParser):
    format = "csl_json"
    version = "1"
    sources = (SOURCE,)

    _MARKERS = ('"alt_names"', '"source_list_url"', '"source_information_url"',
                '"entity_number"')

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = _head_text(path).lstrip()
        if head.startswith("{") and '"results"' in head and any(m in head for m in cls._MARKERS):
            return SOURCE
        return None

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file)
        if not text.strip():
            raise ParseError("empty file", Location(file, 1))
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"malformed JSON: {exc.msg}", Location(file, exc.lineno)) from exc
        except RecursionError as exc:
            raise ParseError("JSON nested too deeply", Location(file)) from exc
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise FormatError('not a CSL JSON file: no "results" list', Location(file))
        results: list[Any] = data.pop("results")
        self._top_level(data, file, len(results))
        builder = CslBuilder(self.report, file, self.source)
        for i, item in enumerate(results):
            where = Location(file, element=f"/results[{i}]")
            if not isinstance(item, dict):
                raise ParseError("expected an object", where)
            builder.add(_json_row(dict(item), where, self.report))
        yield from builder.entities()

    def _top_level(self, data: dict[str, Any], file: str, count: int) -> None:
        total = data.pop("total", None)
        if total is not None and total != count:
            self.report.warn(f'"total" says {total} but the file has {count} results',
                             element="/total")
        # Per-list import dates: the newest one dates the snapshot.
        used = data.pop("sources_used", None)
        if isinstance(used, list):
            dates = [iso_date(str(u.get("source_last_updated", ""))[:10]) for u in used
                     if isinstance(u, dict)]
            self.published_at = max((d for d in dates if d), default=None)
        # "sources" is the API's facet count per list: derived data, recomputed by us.
        data.pop("sources", None)
        _finish_json(data, Location(file, element="/"), self.report)


__all__ = [
    "CslBuilder",
    "CslCsvParser",
    "CslJsonParser",
    "iso_date",
    "lower_country",
    "schema_by_legal_form",
    "split_name",
]
