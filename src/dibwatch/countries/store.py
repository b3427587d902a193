"""All SQL of the countries stage. Nothing else in the stage writes SQL."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from dibwatch.countries.model import FlowRow
from dibwatch.engine import Engine


@dataclass(frozen=True)
class CountrySnapshot:
    snapshot_id: int
    source: str
    format: str
    parser_version: str
    file: str
    sha256: str
    bytes: int
    loaded_at: datetime
    row_count: int
    skipped_count: int
    warning_count: int
    leftover_count: int
    report: str  # JSON: counts, leftover fields and the first issues
    seconds: float | None = None


@dataclass(frozen=True)
class AnnualValue:
    """One reporter/partner/flow/year total of a source. ``months`` is 12 for a year given as
    such, else the number of months summed (fewer than 12: a partial year)."""

    source: str
    reporter: str
    partner: str
    flow: str
    year: int
    value: float
    currency: str
    months: int
    valuation: str | None


_SNAPSHOT_COLS = list(CountrySnapshot.__dataclass_fields__)
FLOW_COLUMNS = ("snapshot_id", "line_no", "source", "reporter", "partner", "flow", "period",
                "granularity", "year", "month", "hs_code", "value", "currency", "valuation")
_FLOW_SCHEMA = pa.schema([
    ("snapshot_id", pa.int32()), ("line_no", pa.int64()), ("source", pa.string()),
    ("reporter", pa.string()), ("partner", pa.string()), ("flow", pa.string()),
    ("period", pa.string()), ("granularity", pa.string()), ("year", pa.int32()),
    ("month", pa.int32()), ("hs_code", pa.string()), ("value", pa.float64()),
    ("currency", pa.string()), ("valuation", pa.string())])


def has_tables(engine: Engine) -> bool:
    """False for a workspace opened read-only before migration 7 ran."""
    return bool(engine.scalar("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_name = 'country_snapshots'"))


def next_snapshot_id(engine: Engine) -> int:
    return int(engine.scalar("SELECT nextval('country_snapshot_seq')"))


def find_snapshot(engine: Engine, sha256: str) -> CountrySnapshot | None:
    rows = engine.query(f"SELECT {', '.join(_SNAPSHOT_COLS)} FROM country_snapshots "
                        "WHERE sha256 = ? ORDER BY snapshot_id LIMIT 1", [sha256])
    return CountrySnapshot(*rows[0]) if rows else None


def list_snapshots(engine: Engine) -> list[CountrySnapshot]:
    if not has_tables(engine):
        return []
    return [CountrySnapshot(*r) for r in engine.query(
        f"SELECT {', '.join(_SNAPSHOT_COLS)} FROM country_snapshots ORDER BY snapshot_id")]


def insert_snapshot(engine: Engine, snapshot: CountrySnapshot) -> None:
    data = asdict(snapshot)
    marks = ", ".join("?" for _ in _SNAPSHOT_COLS)
    engine.execute(f"INSERT INTO country_snapshots ({', '.join(_SNAPSHOT_COLS)}) "
                   f"VALUES ({marks})", [data[c] for c in _SNAPSHOT_COLS])


def insert_flows(engine: Engine, snapshot_id: int, source: str, rows: list[FlowRow]) -> None:
    columns: dict[str, list[Any]] = {c: [] for c in FLOW_COLUMNS}
    for r in rows:
        for col, val in zip(FLOW_COLUMNS, (
                snapshot_id, r.line_no, source, r.reporter, r.partner, r.flow, r.period,
                r.granularity, r.year, r.month, r.hs_code, r.value, r.currency, r.valuation),
                strict=True):
            columns[col].append(val)
    engine.insert_arrow("country_flows", pa.table(columns, schema=_FLOW_SCHEMA))


def flow_count(engine: Engine) -> int:
    return int(engine.scalar("SELECT count(*) FROM country_flows") or 0)


def annual_values(engine: Engine, *, source: str | None = None, reporter: str | None = None,
                  partner: str | None = None, flow: str | None = None,
                  hs_code: str = "TOTAL") -> list[AnnualValue]:
    """Yearly totals from the current flows. Where a source gives a year as such it is used;
    otherwise its months are summed and ``months`` says how many there were."""
    if not has_tables(engine):
        return []
    where, params = _filters(source=source, reporter=reporter, partner=partner, flow=flow)
    sql = f"""
        WITH f AS (SELECT * FROM country_flows_current WHERE hs_code = ? {where}),
        yearly AS (SELECT source, reporter, partner, flow, year, sum(value) AS value,
                          currency, 12 AS months, max(valuation) AS valuation
                   FROM f WHERE granularity = 'year'
                   GROUP BY source, reporter, partner, flow, year, currency),
        monthly AS (SELECT source, reporter, partner, flow, year, sum(value) AS value,
                           currency, count(DISTINCT month) AS months,
                           max(valuation) AS valuation
                    FROM f WHERE granularity = 'month'
                    GROUP BY source, reporter, partner, flow, year, currency)
        SELECT * FROM yearly
        UNION ALL
        SELECT m.* FROM monthly m ANTI JOIN yearly y
            USING (source, reporter, partner, flow, year)
        ORDER BY source, reporter, partner, flow, year"""
    return [AnnualValue(r[0], r[1], r[2], r[3], int(r[4]), float(r[5]), r[6], int(r[7]), r[8])
            for r in engine.query(sql, [hs_code, *params])]


def hs_rows(engine: Engine, *, source: str | None = None, reporter: str | None = None,
            flow: str | None = None) -> list[tuple[str, str, str, str, int, str, float, str]]:
    """(source, reporter, partner, flow, year, hs_code, value, currency) of every current
    flow at HS-6 level or finer, yearly (months summed)."""
    if not has_tables(engine):
        return []
    where, params = _filters(source=source, reporter=reporter, flow=flow)
    sql = f"""SELECT source, reporter, partner, flow, year, hs_code, sum(value), currency
              FROM country_flows_current
              WHERE hs_code <> 'TOTAL' AND length(hs_code) >= 6 {where}
              GROUP BY ALL ORDER BY ALL"""
    return [(r[0], r[1], r[2], r[3], int(r[4]), r[5], float(r[6]), r[7])
            for r in engine.query(sql, params)]


def _filters(**values: str | None) -> tuple[str, list[Any]]:
    clauses = [f"AND {col} = ?" for col, val in values.items() if val is not None]
    return " ".join(clauses), [val for val in values.values() if val is not None]


def export_flows(engine: Engine, path: Path, fmt: str) -> None:
    """Every current flow to CSV or Parquet."""
    engine.copy_to(f"SELECT {', '.join(FLOW_COLUMNS)} FROM country_flows_current "
                   "ORDER BY source, reporter, partner, flow, period, hs_code", str(path), fmt)
