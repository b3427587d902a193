"""All SQL of the report. Parameters are bound, never formatted in.

Every function returns plain Python rows (dicts keyed by column name), so the page builders
never see the engine. "CHPL value" always means the value of lines classified into a Common
High Priority List tier and bound for the destination of the run's ``chpl_exposure`` rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from dibwatch.engine import Engine

Row = dict[str, Any]


def rows(engine: Engine, sql: str, params: dict[str, Any] | list[Any] | None = None
         ) -> list[Row]:
    """The result of ``sql`` as a list of dicts."""
    result: list[Row] = engine.query_arrow(sql, params).to_pylist()
    return result


def as_json(raw: Any) -> Any:
    """A JSON column as Python, whichever way the engine returns it."""
    return json.loads(raw) if isinstance(raw, str) else raw


RANKED_TOTAL = "SELECT count(*) FROM firm_scores WHERE run_id = $run_id"

RUN = """
SELECT run_id, started_at, finished_at, config, flag_count, firm_count
FROM risk_runs WHERE run_id = ? AND finished_at IS NOT NULL
"""

# ---------------------------------------------------------------------------------------------
# Overview. Parameters of every CHPL query: destination country first.

_CHPL_LINES = """
SELECT s.load_id, s.line_no, s."date" AS day, coalesce(s.value_usd, 0) AS value_usd,
       c.chpl_tier AS tier, s.exporter_country, s.dispatch_country, c.brand_canonical AS brand
FROM shipments s JOIN shipment_classes c USING (load_id, line_no)
WHERE c.chpl_tier IS NOT NULL AND s.destination_country = $destination
"""

# CHPL value by month and tier.
CHPL_MONTHLY = f"""
WITH l AS ({_CHPL_LINES})
SELECT CAST(date_trunc('month', day) AS DATE) AS month, tier, sum(value_usd) AS value_usd,
       count(*) AS lines
FROM l GROUP BY ALL ORDER BY month, tier
"""

# The months the data covers (first to last shipment month, destination or not), so a
# monthly average counts months without any CHPL trade as zero.
MONTH_SPAN = """
SELECT CAST(date_trunc('month', min("date")) AS DATE), CAST(date_trunc('month', max("date"))
       AS DATE)
FROM shipments
"""

# CHPL value before / since the invasion by one dimension. ``dimension`` is one of the
# columns of ``_CHPL_LINES`` picked from the fixed table below, never user text.
# Parameters: destination, invasion day.
BY_DIMENSION = {
    dim: f"""
WITH l AS ({_CHPL_LINES})
SELECT coalesce(CAST({dim} AS VARCHAR), '?') AS key,
       sum(value_usd) FILTER (WHERE day < CAST($invasion AS DATE)) AS before_usd,
       sum(value_usd) FILTER (WHERE day >= CAST($invasion AS DATE)) AS since_usd,
       count(*) AS lines
FROM l GROUP BY ALL ORDER BY coalesce(since_usd, 0) DESC, key
"""
    for dim in ("tier", "exporter_country", "dispatch_country", "brand")
}

# Firms by CHPL value in one role. Parameters: destination, role, limit.
TOP_FIRMS = f"""
WITH l AS ({_CHPL_LINES}), f AS (
    SELECT DISTINCT m.firm_id, l.load_id, l.line_no, l.value_usd
    FROM l JOIN firm_lines m USING (load_id, line_no)
    WHERE m.role = $role
)
SELECT f.firm_id, firms.caption, firms.country, sum(f.value_usd) AS value_usd,
       count(*) AS lines
FROM f JOIN firms USING (firm_id)
GROUP BY ALL ORDER BY value_usd DESC, f.firm_id LIMIT $limit
"""

# ---------------------------------------------------------------------------------------------
# Dossier. Parameters: run_id, firm_id unless said otherwise.

FIRM = """
SELECT f.firm_id, f.caption, f.country, f.ids, f.roles, f.member_count, f.mention_count,
       f.first_seen, f.last_seen, s.rank, s.score, s.contributions
FROM firms f JOIN firm_scores s USING (firm_id)
WHERE s.run_id = $run_id AND f.firm_id = $firm_id
"""

FLAGS = """
SELECT f.flag_no, f.indicator, f.version, f.score, f.value, f.detail,
       (SELECT count(*) FROM risk_evidence e
        WHERE e.run_id = f.run_id AND e.flag_no = f.flag_no) AS evidence_count
FROM risk_flags f WHERE f.run_id = $run_id AND f.firm_id = $firm_id
ORDER BY f.score DESC, f.indicator
"""

# The shipment lines behind the firm's flags, the first ``$cap`` of each flag by date, with the
# parties as written on the declaration. Parameters: run_id, firm_id, cap per flag.
EVIDENCE_LINES = """
WITH ev AS (
    SELECT e.flag_no, e.load_id, e.line_no,
           row_number() OVER (PARTITION BY e.flag_no ORDER BY s."date", e.load_id, e.line_no)
               AS n
    FROM risk_evidence e
    JOIN risk_flags f USING (run_id, flag_no)
    JOIN shipments s ON s.load_id = e.load_id AND s.line_no = e.line_no
    WHERE e.run_id = $run_id AND f.firm_id = $firm_id AND e.load_id IS NOT NULL
)
SELECT ev.flag_no, ev.load_id, ev.line_no, s."date" AS day, s.declaration_id, s.item_no,
       ld.file, s.hs_code,
       c.chpl_tier AS tier, s.description, coalesce(c.brand_canonical, s.brand) AS brand,
       s.model, s.quantity, s.unit, s.value_usd, s.exporter_name, s.exporter_country,
       s.importer_name, s.importer_country, s.contract_holder_name, s.origin_country,
       s.dispatch_country, s.trading_country, s.destination_country
FROM ev JOIN shipments s USING (load_id, line_no)
LEFT JOIN shipment_classes c USING (load_id, line_no)
LEFT JOIN shipment_loads ld ON ld.load_id = ev.load_id
WHERE ev.n <= $cap
ORDER BY ev.flag_no, ev.n
"""

# Every shipment line behind the firm's flags (for the evidence CSV, uncapped).
EVIDENCE_ALL = """
SELECT f.indicator, e.flag_no, s.declaration_id, s.item_no, ld.file, e.line_no, e.load_id,
       s."date" AS day, s.hs_code, c.chpl_tier AS tier, s.description,
       coalesce(c.brand_canonical, s.brand) AS brand, s.quantity, s.unit, s.value_usd,
       s.exporter_name, s.exporter_country,
       s.importer_name, s.importer_country, s.contract_holder_name, s.origin_country,
       s.dispatch_country, s.trading_country, s.destination_country
FROM risk_evidence e JOIN risk_flags f USING (run_id, flag_no)
JOIN shipments s ON s.load_id = e.load_id AND s.line_no = e.line_no
LEFT JOIN shipment_classes c ON c.load_id = e.load_id AND c.line_no = e.line_no
LEFT JOIN shipment_loads ld ON ld.load_id = e.load_id
WHERE e.run_id = $run_id AND f.firm_id = $firm_id
ORDER BY e.flag_no, s."date", e.load_id, e.line_no
"""

# The list entities behind the firm's flags (listed_party).
EVIDENCE_ENTITIES = """
SELECT e.flag_no, e.entity_id, me.caption, me.source, me.programs, fs.score,
       fs.matched_name
FROM risk_evidence e
JOIN risk_flags f USING (run_id, flag_no)
LEFT JOIN match_entities me ON me.entity_id = e.entity_id
LEFT JOIN firm_screening fs ON fs.entity_id = e.entity_id AND fs.firm_id = f.firm_id
WHERE e.run_id = $run_id AND f.firm_id = $firm_id AND e.entity_id IS NOT NULL
ORDER BY e.flag_no, e.entity_id
"""

# The firm's list matches with the matcher's explanation. Parameters: firm_id.
SCREENING = """
SELECT fs.entity_id, fs.score, fs.matched_name, fs.explanation, me.caption, me.source,
       me.programs, me.countries
FROM firm_screening fs LEFT JOIN match_entities me USING (entity_id)
WHERE fs.firm_id = $firm_id ORDER BY fs.score DESC, fs.entity_id
"""

# Monthly value of the firm's lines by the role it played. Parameters: firm_id.
TIMELINE = """
WITH mine AS (SELECT load_id, line_no, role FROM firm_lines WHERE firm_id = $firm_id)
SELECT mine.role, CAST(date_trunc('month', s."date") AS DATE) AS month,
       sum(coalesce(s.value_usd, 0)) AS value_usd, count(*) AS lines
FROM mine JOIN shipments s USING (load_id, line_no)
GROUP BY ALL ORDER BY mine.role, month
"""

# -- The dossier's plain-language summary and its fact tables. ---------------------------

# The firm's trade, each line once: lines, value, CHPL lines and value, value bound for the
# destination, CHPL value to the destination before and since the invasion (and the months
# with trade in each), first and last day, first CHPL line. Parameters: firm_id,
# destination, invasion.
FIRM_TRADE = """
WITH mine AS (SELECT DISTINCT load_id, line_no FROM firm_lines WHERE firm_id = $firm_id),
x AS (
    SELECT s."date" AS day, coalesce(s.value_usd, 0) AS usd, c.chpl_tier IS NOT NULL AS chpl,
           s.destination_country = $destination AS bound
    FROM mine JOIN shipments s USING (load_id, line_no)
    LEFT JOIN shipment_classes c USING (load_id, line_no)
)
SELECT count(*) AS lines, coalesce(sum(usd), 0) AS value_usd,
       count(*) FILTER (WHERE chpl) AS chpl_lines,
       coalesce(sum(usd) FILTER (WHERE chpl), 0) AS chpl_usd,
       coalesce(sum(usd) FILTER (WHERE bound), 0) AS destination_usd,
       coalesce(sum(usd) FILTER (WHERE chpl AND bound AND day < $invasion), 0)
           AS chpl_destination_before,
       coalesce(sum(usd) FILTER (WHERE chpl AND bound AND day >= $invasion), 0)
           AS chpl_destination_since,
       min(day) AS first_day, max(day) AS last_day,
       min(day) FILTER (WHERE chpl) AS first_chpl_day,
       min(day) FILTER (WHERE chpl AND bound) AS first_chpl_destination_day
FROM x
"""

# The firm's CHPL goods by tier, each line once. Parameters: firm_id.
FIRM_TIERS = """
WITH mine AS (SELECT DISTINCT load_id, line_no FROM firm_lines WHERE firm_id = $firm_id)
SELECT c.chpl_tier AS tier, count(*) AS lines, sum(coalesce(s.value_usd, 0)) AS value_usd,
       list(DISTINCT c.brand_canonical ORDER BY c.brand_canonical)
           FILTER (WHERE c.brand_canonical IS NOT NULL) AS brands
FROM mine JOIN shipments s USING (load_id, line_no)
JOIN shipment_classes c USING (load_id, line_no)
WHERE c.chpl_tier IS NOT NULL
GROUP BY c.chpl_tier ORDER BY round(sum(coalesce(s.value_usd, 0)), 2) DESC, tier
"""

# Countries the firm's goods passed through on the way (dispatch or trading country other
# than origin and destination), by value. Parameters: firm_id.
FIRM_TRANSIT = """
WITH mine AS (SELECT DISTINCT load_id, line_no FROM firm_lines WHERE firm_id = $firm_id),
via AS (
    SELECT s.load_id, s.line_no, coalesce(s.value_usd, 0) AS value_usd, v.country
    FROM mine JOIN shipments s USING (load_id, line_no),
         unnest([s.dispatch_country, s.trading_country]) AS v(country)
    WHERE v.country IS NOT NULL AND v.country IS DISTINCT FROM s.origin_country
      AND v.country IS DISTINCT FROM s.destination_country
)
SELECT country, count(DISTINCT (load_id, line_no)) AS lines, sum(value_usd) AS value_usd
FROM (SELECT DISTINCT load_id, line_no, value_usd, country FROM via)
GROUP BY country ORDER BY round(sum(value_usd), 2) DESC, country
"""

# The listed counterparties behind the firm's listed_counterparty flag: per counterparty
# firm, its best list match, the designation date the list gives (``listing_date``) or the
# first snapshot of that list holding the entity (``on_list_by``: published or loaded), and
# the firm's lines with it in all and on or after that date. Parameters: run_id, firm_id,
# min_score.
LISTED_COUNTERPARTIES = """
WITH ev AS (
    SELECT DISTINCT e.load_id, e.line_no
    FROM risk_evidence e JOIN risk_flags f USING (run_id, flag_no)
    WHERE e.run_id = $run_id AND f.firm_id = $firm_id
      AND f.indicator = 'listed_counterparty' AND e.load_id IS NOT NULL
), other AS (
    SELECT DISTINCT ev.load_id, ev.line_no, o.firm_id AS other_id
    FROM ev JOIN firm_lines o USING (load_id, line_no) WHERE o.firm_id <> $firm_id
), best AS (
    SELECT firm_id, entity_id, score, matched_name FROM firm_screening
    WHERE score >= $min_score
    QUALIFY row_number() OVER (PARTITION BY firm_id ORDER BY score DESC, entity_id) = 1
), listed AS (
    SELECT b.firm_id, b.entity_id, b.score, b.matched_name, me.caption AS entity_caption,
           me.source, me.programs,
           (SELECT min(x.listing_date) FROM sanctions x WHERE x.snapshot_id = me.snapshot_id
              AND x.entity_id = me.entity_id AND x.listing_date IS NOT NULL) AS listing_date,
           (SELECT min(coalesce(TRY_CAST(left(sn.published_at, 10) AS DATE),
                                CAST(sn.loaded_at AS DATE)))
            FROM entities en JOIN snapshots sn USING (snapshot_id)
            WHERE en.entity_id = me.entity_id AND sn.source = me.source) AS on_list_by
    FROM best b LEFT JOIN match_entities me USING (entity_id)
), dated AS (
    SELECT *, TRY_CAST(left(listing_date, 10) AS DATE) AS designated FROM listed
)
SELECT d.firm_id, fi.caption, fi.country, d.entity_id, d.score, d.matched_name,
       d.entity_caption, d.source, d.programs, d.designated, d.on_list_by,
       count(*) AS lines, sum(coalesce(s.value_usd, 0)) AS value_usd,
       min(s."date") AS first_day, max(s."date") AS last_day,
       count(*) FILTER (WHERE s."date" >= d.designated) AS lines_after,
       coalesce(sum(s.value_usd) FILTER (WHERE s."date" >= d.designated), 0) AS value_after,
       min(s."date") FILTER (WHERE s."date" >= d.designated) AS first_after
FROM other o JOIN dated d ON d.firm_id = o.other_id
JOIN firms fi ON fi.firm_id = d.firm_id
JOIN shipments s ON s.load_id = o.load_id AND s.line_no = o.line_no
GROUP BY ALL ORDER BY value_after DESC, value_usd DESC, d.firm_id
"""

# The firms at the addresses behind the firm's shared_address flag, with their rank and
# flags in the run. Parameters: run_id, addresses (normalised), limit.
ADDRESS_FIRMS = """
WITH here AS (
    SELECT p.address_norm, m.firm_id, min(p.address) AS address_written,
           sum(p.shipment_count) AS lines
    FROM party_mentions p JOIN firm_members m USING (mention_id)
    WHERE list_contains($addresses, p.address_norm)
    GROUP BY p.address_norm, m.firm_id
), flags AS (
    SELECT firm_id, list(DISTINCT indicator ORDER BY indicator) AS indicators
    FROM risk_flags WHERE run_id = $run_id AND indicator <> 'shared_address'
    GROUP BY firm_id
), numbered AS (
    SELECT here.*, row_number() OVER (PARTITION BY here.address_norm
                                       ORDER BY sc.rank NULLS LAST, here.firm_id) AS n,
           count(*) OVER (PARTITION BY here.address_norm) AS firms
    FROM here LEFT JOIN firm_scores sc ON sc.firm_id = here.firm_id AND sc.run_id = $run_id
)
SELECT n.address_norm, n.address_written, n.firms, n.firm_id, fi.caption, fi.country,
       sc.rank, sc.score, coalesce(fl.indicators, []) AS indicators, n.lines
FROM numbered n JOIN firms fi USING (firm_id)
LEFT JOIN firm_scores sc ON sc.firm_id = n.firm_id AND sc.run_id = $run_id
LEFT JOIN flags fl ON fl.firm_id = n.firm_id
WHERE n.n <= $limit
ORDER BY n.address_norm, n.n
"""

# The names, ids, addresses and countries the firm used. Parameters: firm_id.
MEMBERS = """
SELECT p.name, p.country, p.id_value, p.address, list_sort(p.roles) AS roles,
       p.shipment_count, p.first_seen, p.last_seen, m.match_probability
FROM firm_members m JOIN party_mentions p USING (mention_id)
WHERE m.firm_id = $firm_id
ORDER BY p.shipment_count DESC, p.name, p.mention_id
"""


def run(engine: Engine, run_id: int) -> Row | None:
    found = rows(engine, RUN, [run_id])
    return found[0] if found else None


def month_span(engine: Engine) -> tuple[date, date] | None:
    first, last = engine.query(MONTH_SPAN)[0]
    return None if first is None else (first, last)


# The rows every dossier of a report reads, for its firms only: the lines they were a party
# to or that back their flags, with every party to those lines; the lines themselves and
# their classes; the evidence of their flags. Each is a temporary table named after the
# workspace table or view it stands for, so it shadows that name on this connection only.
_SCOPE_LINES = """
CREATE OR REPLACE TEMP TABLE _dossier_lines AS
SELECT load_id, line_no FROM main.firm_lines WHERE firm_id IN (SELECT unnest($firms::INTEGER[]))
UNION
SELECT e.load_id, e.line_no
FROM main.risk_evidence e JOIN main.risk_flags f USING (run_id, flag_no)
WHERE f.run_id = $run_id AND f.firm_id IN (SELECT unnest($firms::INTEGER[]))
  AND e.load_id IS NOT NULL
"""
_SCOPED = {
    "firm_lines": "SELECT t.* FROM main.firm_lines t SEMI JOIN _dossier_lines USING "
                  "(load_id, line_no)",
    "shipments": "SELECT t.* FROM main.shipments t SEMI JOIN _dossier_lines USING "
                 "(load_id, line_no)",
    "shipment_classes": "SELECT t.* FROM main.shipment_classes t SEMI JOIN _dossier_lines "
                        "USING (load_id, line_no)",
    "risk_evidence": "SELECT e.* FROM main.risk_evidence e JOIN main.risk_flags f USING "
                     "(run_id, flag_no) WHERE f.run_id = $run_id AND f.firm_id IN "
                     "(SELECT unnest($firms::INTEGER[]))",
}


@contextmanager
def dossier_scope(engine: Engine, run_id: int, firm_ids: Sequence[int]) -> Iterator[None]:
    """Within the block, what the dossiers of ``firm_ids`` in run ``run_id`` read stands in
    small temporary tables (``_SCOPED``): their answers are unchanged (the report at 1M
    lines is byte-identical) and no read scans the whole workspace — at 10M lines each scan
    took seconds and a dossier makes a dozen. Reading any other firm or run inside the
    block is wrong."""
    params = {"run_id": run_id, "firms": [int(f) for f in firm_ids]}
    engine.execute(_SCOPE_LINES, params)
    try:
        for name, sql in _SCOPED.items():
            engine.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}",
                           params if "$" in sql else None)
        yield
    finally:
        for name in (*_SCOPED, "_dossier_lines"):
            engine.execute(f"DROP TABLE IF EXISTS temp.{name}")
