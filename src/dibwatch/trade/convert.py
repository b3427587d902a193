"""Rows of a source file -> canonical shipment rows or quarantine entries.

The policy: a row is quarantined only when it cannot be used — no valid date, no party (name
or id of exporter, importer or contract holder), a number that does not parse, or a row whose
shape is broken. A value that is merely unrecognised (an unknown country or direction, a
malformed HS code, an id failing its check digit) leaves the row in, with the field NULL (or
kept unverified, for ids) and the reason in the row's ``warnings``: dropping a shipment for an
unreadable country would lose a party, and the goods stage can still classify by description.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from dibwatch.trade.mapping import Mapping, Part, Rule, header_key
from dibwatch.trade.readers import RawRow
from dibwatch.trade.schema import (
    COLUMNS,
    FIELD_BY_NAME,
    PARTY_FIELDS,
    QUARANTINE_ARROW,
    SHIPMENTS_ARROW,
    Kind,
)
from dibwatch.trade.validate import (
    Invalid,
    Raw,
    clean_hs,
    clean_text,
    format_date,
    normalise_country,
    normalise_direction,
    parse_date,
    parse_integer,
    parse_number,
    party_id,
)

Value = str | int | float | date | None
# A field converter returns the value, or raises Invalid; a second item is a warning.
Converter = Callable[[Raw], tuple[Value, str | None]]


@dataclass(frozen=True)
class Problem:
    line: int
    field: str | None
    reason: str


@dataclass
class Batch:
    """One batch converted: good rows as Arrow, quarantine entries, counts."""

    shipments: pa.Table
    quarantine: pa.Table
    rows: int
    quarantined_rows: int
    warnings: int
    problems: list[Problem] = field(default_factory=list)


def _converter(rule: Rule) -> Converter:
    kind = FIELD_BY_NAME[rule.field].kind

    def text(raw: Raw) -> tuple[Value, str | None]:
        return (raw if isinstance(raw, str) else clean_text(raw)), None  # str: cleaned already

    def integer(raw: Raw) -> tuple[Value, str | None]:
        return parse_integer(raw), None

    def day(raw: Raw) -> tuple[Value, str | None]:
        return parse_date(raw, rule.date_formats), None

    def number(raw: Raw) -> tuple[Value, str | None]:
        return parse_number(raw, rule.decimal_comma) * rule.multiply, None

    def hs(raw: Raw) -> tuple[Value, str | None]:
        try:
            return clean_hs(raw), None
        except Invalid as exc:
            return None, str(exc)

    def country(raw: Raw) -> tuple[Value, str | None]:
        code = normalise_country(raw)
        return code, None if code else f"unknown country {clean_text(raw)!r}"

    def direction(raw: Raw) -> tuple[Value, str | None]:
        code = normalise_direction(raw)
        return code, None if code else f"unknown direction {clean_text(raw)!r}"

    def ident(raw: Raw) -> tuple[Value, str | None]:
        value, valid = party_id(raw, rule.id_scheme)
        return value, f"{value} fails its check digit" if valid is False else None

    return {Kind.TEXT: text, Kind.INTEGER: integer, Kind.DATE: day, Kind.NUMBER: number,
            Kind.HS: hs, Kind.COUNTRY: country, Kind.DIRECTION: direction,
            Kind.IDENTIFIER: ident}[kind]


@dataclass(frozen=True)
class _BoundRule:
    rule: Rule
    columns: tuple[str | None, ...]  # the header name each part was found under
    convert: Converter


class Binding:
    """A mapping resolved against one file's header."""

    def __init__(self, mapping: Mapping, header: list[str]) -> None:
        self.mapping = mapping
        self.header = header
        by_key: dict[str, str] = {}
        for name in header:
            by_key.setdefault(header_key(name), name)

        def find(part: Part) -> str | None:
            return next((by_key[header_key(n)] for n in part.names
                         if header_key(n) in by_key), None)

        self.rules: list[_BoundRule] = []
        self.missing: list[str] = []
        used: set[str] = set()
        for rule in mapping.rules:
            cols = tuple(find(p) for p in rule.parts)
            used.update(c for c in cols if c)
            if rule.value is None and not any(cols):
                self.missing.append(f"{rule.field} ({' + '.join(p.names[0] for p in rule.parts)})")
                continue
            self.rules.append(_BoundRule(rule, cols, _converter(rule)))
        self.extra = [c for c in (find(Part(mapping.names_of(e))) for e in mapping.extra) if c]
        used.update(self.extra)
        self.unused = [h for h in header if h not in used and h.strip()]

    def _raw(self, bound: _BoundRule, row: dict[str, Raw]) -> Raw:
        rule = bound.rule
        if rule.value is not None:
            return rule.value
        if len(bound.columns) == 1:
            raw = row.get(bound.columns[0]) if bound.columns[0] else None
        else:
            pieces = []
            for part, col in zip(rule.parts, bound.columns, strict=True):
                value = row.get(col) if col else None
                if part.date and clean_text(value) is not None:
                    value = format_date(value, part.date, self.mapping.date_formats)
                text = clean_text(value)
                if text is not None:
                    pieces.append(text)
            raw = rule.separator.join(pieces) or None
        if rule.lookup and raw is not None:
            raw = rule.lookup.get(header_key(str(raw)), raw)
        return raw

    def convert(self, row: dict[str, Raw]) -> tuple[dict[str, Value], dict[str, str],
                                                   list[tuple[str | None, str]]]:
        """(values, warnings, problems) for one row; problems make it quarantined."""
        # As list files are refused: a NUL byte is never part of a name or a description.
        nul = next((k for k, v in row.items() if isinstance(v, str) and "\x00" in v), None)
        if nul is not None:
            return {}, {}, [(None, f"NUL byte in column {nul!r}")]
        values: dict[str, Value] = {}
        warnings: dict[str, str] = {}
        problems: list[tuple[str | None, str]] = []
        for bound in self.rules:
            name = bound.rule.field
            try:
                raw = self._raw(bound, row)
                if isinstance(raw, str):
                    raw = clean_text(raw)
                if raw is None:
                    continue
                value, warning = bound.convert(raw)
            except Invalid as exc:
                problems.append((name, str(exc)))
                continue
            values[name] = value
            if warning:
                warnings[name] = warning
        if values.get("date") is None and not any(f == "date" for f, _ in problems):
            problems.append(("date", "missing date"))
        if not any(values.get(f) for f in PARTY_FIELDS):
            problems.append((None, "no party: exporter, importer and contract holder are "
                                   "all empty"))
        return values, warnings, problems


def _json(data: AbcMapping[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def convert_batch(binding: Binding, rows: list[RawRow], load_id: int, file: str) -> Batch:
    cols: dict[str, list[object]] = {name: [] for name in SHIPMENTS_ARROW.names}
    quarantine: dict[str, list[object]] = {name: [] for name in QUARANTINE_ARROW.names}
    problems: list[Problem] = []
    warned = 0
    bad_rows = 0
    for raw in rows:
        if raw.problem is not None:
            found: list[tuple[str | None, str]] = [(None, raw.problem)]
            values: dict[str, Value] = {}
            warnings: dict[str, str] = {}
        else:
            values, warnings, found = binding.convert(raw.values)
        if raw.warning is not None:
            warnings["_row"] = raw.warning
        if found:
            bad_rows += 1
            raw_json = _json(raw.values)
            for field_name, reason in found:
                problems.append(Problem(raw.line, field_name, reason))
                for key, value in (("load_id", load_id), ("file", file), ("line_no", raw.line),
                                   ("field", field_name), ("reason", reason),
                                   ("raw_row", raw_json)):
                    quarantine[key].append(value)
            continue
        warned += len(warnings)
        cols["load_id"].append(load_id)
        cols["line_no"].append(raw.line)
        for name in COLUMNS:
            cols[name].append(values.get(name))
        cols["warnings"].append(_json(warnings) if warnings else None)
        extra = {c: raw.values.get(c) for c in binding.extra
                 if clean_text(raw.values.get(c)) is not None}
        cols["extra"].append(_json(extra) if extra else None)
    return Batch(
        shipments=pa.table(cols, schema=SHIPMENTS_ARROW),
        quarantine=pa.table(quarantine, schema=QUARANTINE_ARROW),
        rows=len(rows) - bad_rows, quarantined_rows=bad_rows, warnings=warned,
        problems=problems)
