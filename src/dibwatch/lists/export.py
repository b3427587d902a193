"""Exporting snapshots: FollowTheMoney JSON lines, or one flat row per entity (CSV/Parquet)."""

from __future__ import annotations

from pathlib import Path

from dibwatch.engine import Engine
from dibwatch.errors import ConfigError, NotFoundError
from dibwatch.lists import store

# One row per entity; multi-valued columns are "|"-joined, identifiers as SCHEME:VALUE.
FLAT_SQL = """
WITH sel AS (SELECT unnest(CAST(? AS INTEGER[])) AS snapshot_id),
n AS (SELECT snapshot_id, entity_id,
             string_agg(name, '|' ORDER BY kind <> 'primary', name) AS names
      FROM names WHERE snapshot_id IN (SELECT snapshot_id FROM sel) GROUP BY ALL),
i AS (SELECT snapshot_id, entity_id,
             string_agg(scheme || ':' || value, '|' ORDER BY scheme, value) AS identifiers
      FROM identifiers WHERE snapshot_id IN (SELECT snapshot_id FROM sel) GROUP BY ALL),
c AS (SELECT snapshot_id, entity_id, string_agg(DISTINCT code, '|') AS countries
      FROM countries WHERE snapshot_id IN (SELECT snapshot_id FROM sel) GROUP BY ALL),
a AS (SELECT snapshot_id, entity_id, string_agg("full", '|') AS addresses
      FROM addresses WHERE snapshot_id IN (SELECT snapshot_id FROM sel) GROUP BY ALL),
s AS (SELECT snapshot_id, entity_id,
             string_agg(DISTINCT coalesce(list_name, authority), '|') AS lists,
             string_agg(DISTINCT program, '|') AS programs,
             min(listing_date) AS first_listed
      FROM sanctions WHERE snapshot_id IN (SELECT snapshot_id FROM sel) GROUP BY ALL)
SELECT e.entity_id, sn.source, e.source_id, e.schema, e.caption, n.names, i.identifiers,
       c.countries, a.addresses, s.lists, s.programs, s.first_listed, e.snapshot_id
FROM entities e
JOIN snapshots sn USING (snapshot_id)
LEFT JOIN n USING (snapshot_id, entity_id)
LEFT JOIN i USING (snapshot_id, entity_id)
LEFT JOIN c USING (snapshot_id, entity_id)
LEFT JOIN a USING (snapshot_id, entity_id)
LEFT JOIN s USING (snapshot_id, entity_id)
WHERE e.snapshot_id IN (SELECT snapshot_id FROM sel)
ORDER BY sn.source, e.entity_id
"""


def choose_snapshots(engine: Engine, sources: list[str] | None,
                     snapshot_ids: list[int] | None) -> list[int]:
    if snapshot_ids:
        return [store.get_snapshot(engine, i).snapshot_id for i in snapshot_ids]
    latest = store.latest_snapshots(engine)
    if sources:
        unknown = set(sources) - {s.source for s in latest}
        if unknown:
            raise NotFoundError(f"no snapshots for source(s): {', '.join(sorted(unknown))}")
        latest = [s for s in latest if s.source in sources]
    if not latest:
        raise NotFoundError("the workspace has no snapshots; run `dibwatch lists load` first")
    return [s.snapshot_id for s in latest]


def export(engine: Engine, snapshot_ids: list[int], output: Path, fmt: str) -> int:
    """Write the entities of ``snapshot_ids`` to ``output``; returns the entity count."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("csv", "parquet"):
        engine.copy_to(FLAT_SQL, str(output), fmt, [snapshot_ids])
        marks = ", ".join("?" for _ in snapshot_ids)
        return int(engine.scalar(
            f"SELECT count(*) FROM entities WHERE snapshot_id IN ({marks})", snapshot_ids))
    if fmt == "ftm":
        import json

        from dibwatch.model.ftm import entity_to_ftm

        count = 0
        tmp = output.with_name(output.name + ".part")
        with tmp.open("w", encoding="utf-8") as fh:
            for entity in store.iter_entities(engine, snapshot_ids):
                for obj in entity_to_ftm(entity):
                    fh.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        tmp.replace(output)
        return count
    raise ConfigError(f"unknown export format {fmt!r} (ftm, csv, parquet)")
