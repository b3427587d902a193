"""Batch screening files: parties in (CSV or Parquet), one row per query and candidate out."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from dibwatch.csvout import write_dicts
from dibwatch.errors import FormatError, Location, ParseError, TooLargeError
from dibwatch.ingest import detect_delimiter
from dibwatch.ingest.files import check_parquet, decode, read_bytes
from dibwatch.match.algorithm import Query
from dibwatch.match.screen import ScreeningRun
from dibwatch.model.country import country_code
from dibwatch.model.identifiers import make_identifier

MAX_NAME = 1000  # longer names are cut (with a warning): nobody's name is 10 kB
KNOWN = ("name", "country", "id", "schema")
SCHEMATA = {"person": "Person", "company": "Company", "organization": "Organization",
            "organisation": "Organization", "legalentity": "LegalEntity", "vessel": "Vessel",
            "airplane": "Airplane", "aircraft": "Airplane", "entity": "LegalEntity"}
OUTPUT_COLUMNS = ["query_no", "score", "is_match", "matched_entity_id", "matched_caption",
                  "matched_name", "source", "source_entity_id", "programs", "explanation",
                  "warnings"]


@dataclass
class InputRow:
    line: int
    query: Query
    passthrough: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def parse_id(text: str) -> tuple[str, str] | None:
    scheme, sep, value = text.partition(":")
    if not sep or not scheme.strip() or not value.strip():
        return None
    return scheme.strip().upper(), value.strip()


def make_query(name: str, *, country: str | None = None, ident: str | None = None,
               schema: str | None = None) -> tuple[Query, list[str]]:
    warnings: list[str] = []
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        warnings.append(f"name of {len(name)} characters cut to {MAX_NAME}")
        name = name[:MAX_NAME]
    if not name:
        warnings.append("empty name: not screened")
    countries: tuple[str, ...] = ()
    if country and country.strip():
        code = country_code(country)
        if code is None:
            warnings.append(f"unknown country {country!r} ignored")
        else:
            countries = (code.lower(),)
    ids = []
    for part in (ident or "").split("|"):
        if not part.strip():
            continue
        parsed = parse_id(part)
        if parsed is None:
            warnings.append(f"identifier {part!r} is not SCHEME:VALUE; ignored")
            continue
        identifier = make_identifier(*parsed)
        if identifier.valid is False:
            warnings.append(f"identifier {part!r} fails its check digits; not used")
        ids.append(identifier)
    schema_name = None
    if schema and schema.strip():
        schema_name = SCHEMATA.get(schema.strip().lower().replace(" ", ""))
        if schema_name is None:
            warnings.append(f"unknown schema {schema!r} ignored")
    return Query(name, schema_name, countries, tuple(ids)), warnings


def _too_many(path: Path, rows: int | str, max_rows: int) -> TooLargeError:
    return TooLargeError(f"{rows} rows: a batch takes at most {max_rows:,}; split the file",
                         Location(str(path)))


def read_parties(path: Path, *, max_rows: int | None = None) -> list[InputRow]:
    """Parties to screen; a bad row becomes a warning on that row, never a failed batch.
    More than ``max_rows`` rows, or data inflating past the current decompression limit,
    is refused before the rows are built."""
    if path.suffix.lower() == ".parquet":
        try:
            meta = pq.ParquetFile(path).metadata
            if max_rows is not None and meta.num_rows > max_rows:
                raise _too_many(path, f"{meta.num_rows:,}", max_rows)
            check_parquet(path, meta.num_rows, sum(meta.row_group(i).total_byte_size
                                                   for i in range(meta.num_row_groups)))
            table = pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise FormatError(f"not a readable Parquet file: {exc}", Location(str(path))) from exc
        records = table.to_pylist()
        lines = range(1, len(records) + 1)
        columns = table.column_names
    else:
        text = decode(read_bytes(path), str(path), fallback="cp1252")
        delimiter = detect_delimiter(text.split("\n", 1)[0])
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        reader.fieldnames = columns
        records = []
        line_numbers = []
        try:
            for row in reader:
                if max_rows is not None and len(records) >= max_rows:
                    raise _too_many(path, f"more than {max_rows:,}", max_rows)
                line_numbers.append(reader.line_num)
                records.append(row)
        except csv.Error as exc:
            raise ParseError(f"malformed CSV: {exc}", Location(str(path), reader.line_num)) \
                from exc
        lines = line_numbers  # type: ignore[assignment]
    if "name" not in columns:
        raise FormatError("the input needs a 'name' column", Location(str(path), 1, field="name"))
    rows = []
    for line, rec in zip(lines, records, strict=True):
        values = {k: ("" if v is None else str(v)) for k, v in rec.items() if k is not None}
        query, warnings = make_query(values.get("name", ""), country=values.get("country"),
                                     ident=values.get("id"), schema=values.get("schema"))
        extra = {k: rec[k] for k in rec if k is not None and k not in KNOWN}
        if None in rec:
            warnings.append("row has more fields than the header")
        rows.append(InputRow(int(line), query, extra, warnings))
    return rows


def result_rows(rows: list[InputRow], run: ScreeningRun) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for no, (row, result) in enumerate(zip(rows, run.results, strict=True)):
        base = {"name": row.query.name, **row.passthrough, "query_no": no}
        warnings = "; ".join(row.warnings + result.warnings)
        if not result.hits:
            out.append({**base, **dict.fromkeys(OUTPUT_COLUMNS[1:], None),
                        "is_match": False, "warnings": warnings})
            continue
        for hit in result.hits:
            out.append({
                **base,
                "score": round(hit.match.score, 4),
                "is_match": hit.match.is_match,
                "matched_entity_id": hit.entity.entity_id,
                "matched_caption": hit.entity.caption,
                "matched_name": hit.match.matched_name,
                "source": hit.entity.source,
                "source_entity_id": hit.entity.source_id,
                "programs": hit.entity.programs,
                "explanation": json.dumps(hit.match.explanation(), ensure_ascii=False),
                "warnings": warnings,
            })
    return out


def write_results(records: list[dict[str, Any]], path: Path, *, private: bool = False) -> None:
    """Results as Parquet or as CSV through the one CSV writer (formula cells neutralised);
    ``private`` creates the file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        pq.write_table(pa.Table.from_pylist(records), path)
        if private:
            path.chmod(0o600)
        return
    write_dicts(path, records, private=private)
