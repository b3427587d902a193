"""All SQL of the risk stage. Parameters are bound, never formatted in; the only text spliced
into a statement is an indicator's own rule from this module."""

from __future__ import annotations

LINES_TABLE = "_risk_lines"
HITS_TABLE = "_risk_hits"
HUBS_TABLE = "_risk_hubs"
SCREENING_TABLE = "_risk_screening"
CONFIRMED_TABLE = "_risk_confirmed"
DISMISSED_TABLE = "_risk_dismissed"

# The list matches a run scores with: the screening stage's, less the pairs an analyst
# dismissed while the list entry still reads as it did then (same content hash in its newest
# snapshot), plus the pairs an analyst confirmed (score 1). Analysts' decisions come from the
# web app's case log (``dibwatch.web.confirmed_links`` / ``dismissed_links``).
KEEP_MATCHES = f"""
INSERT INTO risk_matches (run_id, firm_id, entity_id, score, matched_name)
SELECT ?, firm_id, entity_id, score, matched_name FROM {SCREENING_TABLE}
"""

CREATE_SCREENING = f"""
CREATE OR REPLACE TEMP TABLE {SCREENING_TABLE} AS
WITH current_hash AS (
    SELECT entity_id, arg_max(content_hash, snapshot_id) AS content_hash
    FROM entities GROUP BY entity_id
)
SELECT fs.firm_id, fs.entity_id, fs.score, fs.matched_name
FROM firm_screening fs
WHERE NOT EXISTS (SELECT 1 FROM {DISMISSED_TABLE} d JOIN current_hash h USING (entity_id)
                  WHERE d.firm_id = fs.firm_id AND d.entity_id = fs.entity_id
                    AND d.content_hash = h.content_hash)
  AND NOT EXISTS (SELECT 1 FROM {CONFIRMED_TABLE} c
                  WHERE c.firm_id = fs.firm_id AND c.entity_id = fs.entity_id)
UNION ALL
SELECT c.firm_id, c.entity_id, 1.0, 'confirmed by an analyst'
FROM {CONFIRMED_TABLE} c WHERE c.firm_id IN (SELECT firm_id FROM firms)
"""
FORWARDERS_TABLE = "_risk_forwarders"
MIRROR_TABLE = "_risk_mirror"

# One row per firm × role × shipment line, with everything a line rule looks at. The robust
# z-score of the log unit value is computed within HS-6 × brand (median and MAD; 1.4826 makes
# the MAD estimate a standard deviation) and left NULL for groups smaller than the bound
# minimum or without spread. Parameters: minimum group size.
CREATE_LINES = f"""
CREATE OR REPLACE TEMP TABLE {LINES_TABLE} AS
WITH priced AS (
    SELECT load_id, line_no, ln(s.value_usd / s.quantity) AS log_unit,
           c.hs6, coalesce(c.brand_canonical, '') AS brand
    FROM shipments s JOIN shipment_classes c USING (load_id, line_no)
    WHERE s.value_usd > 0 AND s.quantity > 0 AND c.hs6 IS NOT NULL
), groups AS (
    SELECT hs6, brand, median(log_unit) AS med, mad(log_unit) AS mad, count(*) AS n
    FROM priced GROUP BY hs6, brand
), z AS (
    SELECT p.load_id, p.line_no,
           CASE WHEN g.n >= ? AND g.mad > 0 THEN (p.log_unit - g.med) / (1.4826 * g.mad) END
               AS price_z
    FROM priced p JOIN groups g USING (hs6, brand)
)
SELECT m.firm_id, sp.role, s.load_id, s.line_no, s."date" AS day,
       coalesce(s.value_usd, 0) AS value_usd,
       s.exporter_country, s.importer_country, s.origin_country, s.dispatch_country,
       s.trading_country, s.destination_country,
       c.hs6, c.chpl_tier, c.brand_canonical, c.coalition_brand, c.misdeclared, z.price_z,
       min(s."date") OVER (PARTITION BY m.firm_id) AS firm_first_seen
FROM shipment_parties sp
JOIN firm_members m USING (mention_id)
JOIN shipments s USING (load_id, line_no)
LEFT JOIN shipment_classes c USING (load_id, line_no)
LEFT JOIN z USING (load_id, line_no)
"""

# Line rules, one per line indicator: a condition over ``l`` (a row of the lines table) and
# the parameter names it binds, in order.
RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "chpl_exposure": (
        """list_contains(?, l.chpl_tier) AND l.destination_country = ?
           AND l.day >= CAST(? AS DATE)""",
        ("tiers", "destination", "since")),
    # Since the invasion: trade with a party before the wave of designations that followed
    # it is no sign of evasion.
    "listed_counterparty": (
        f"""l.day >= CAST(? AS DATE)
            AND EXISTS (SELECT 1 FROM {LINES_TABLE} o JOIN {SCREENING_TABLE} fs USING (firm_id)
                        WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                          AND o.firm_id <> l.firm_id AND fs.score >= ?)""",
        ("since", "min_score")),
    "new_entrant": (
        """l.firm_first_seen > CAST(? AS DATE) AND list_contains(?, l.chpl_tier)
           AND l.destination_country = ?""",
        ("invasion", "tiers", "destination")),
    # Routing through a hub: dispatched from a hub country that is not where the goods were
    # made, on or after the day that hub counts, bound for the destination. A line without a
    # declared origin shows no routing.
    "hub_routing": (
        f"""l.destination_country = ? AND list_contains(?, l.chpl_tier)
            AND l.origin_country IS NOT NULL AND l.dispatch_country <> l.origin_country
            AND EXISTS (SELECT 1 FROM {HUBS_TABLE} h
                        WHERE h.country = l.dispatch_country AND l.day >= h.since)""",
        ("destination", "tiers")),
    # EU-made CHPL goods shipped from a neighbour in a year of a large mirror gap between
    # the EU's exports to it and its imports from the EU (prepared by the indicator).
    "mirror_gap": (
        f"""l.destination_country = ? AND list_contains(?, l.chpl_tier)
            AND EXISTS (SELECT 1 FROM {MIRROR_TABLE} g
                        WHERE g.country = l.dispatch_country AND g.year = year(l.day)
                          AND list_contains(g.origins, l.origin_country))""",
        ("destination", "tiers")),
    # CHPL goods consigned to a freight forwarder or logistics firm (a name in the forwarder
    # terms table), bound for the destination or a hub: the BIS red flag of a forwarder as
    # the final consignee, raised on the firm that shipped them.
    "forwarder_consignee": (
        f"""list_contains(?, l.chpl_tier) AND l.day >= CAST(? AS DATE)
            AND (l.destination_country = ?
                 OR EXISTS (SELECT 1 FROM {HUBS_TABLE} h
                            WHERE h.country = l.destination_country AND l.day >= h.since))
            AND EXISTS (SELECT 1 FROM {LINES_TABLE} o JOIN {FORWARDERS_TABLE} fw USING (firm_id)
                        WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                          AND o.role = 'importer' AND o.firm_id <> l.firm_id)""",
        ("tiers", "invasion", "destination")),
    # Three different countries of origin, dispatch and trade on one line to the destination.
    "chain_mismatch": (
        """l.destination_country = ? AND l.origin_country IS NOT NULL
           AND l.dispatch_country IS NOT NULL AND l.trading_country IS NOT NULL
           AND l.origin_country <> l.dispatch_country
           AND l.trading_country <> l.dispatch_country
           AND l.trading_country <> l.origin_country""",
        ("destination",)),
    "coalition_brand_third_country": (
        """l.coalition_brand AND l.destination_country = ? AND l.day >= CAST(? AS DATE)
           AND l.exporter_country IS NOT NULL AND NOT list_contains(?, l.exporter_country)""",
        ("destination", "since", "coalition")),
    "price_anomaly": ("abs(l.price_z) > ?", ("z_threshold",)),
    "hs_mismatch": ("l.misdeclared", ()),
    # A contract holder on a line whose consignee (importer) is another firm.
    "contract_holder_mismatch": (
        f"""l.destination_country = ?
            AND EXISTS (SELECT 1 FROM {LINES_TABLE} o
                        WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                          AND o.role = 'importer')
            AND NOT EXISTS (SELECT 1 FROM {LINES_TABLE} o
                            WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                              AND o.role = 'importer' AND o.firm_id = l.firm_id)""",
        ("destination",)),
}


def create_hits(rule: str) -> str:
    """The distinct (firm, line) pairs meeting ``rule`` in the bound roles. Parameters: roles,
    then the rule's own."""
    return f"""
CREATE OR REPLACE TEMP TABLE {HITS_TABLE} AS
SELECT DISTINCT l.firm_id, l.load_id, l.line_no, l.value_usd, l.chpl_tier
FROM {LINES_TABLE} l WHERE list_contains(?, l.role) AND ({rule})
"""


NEXT_RUN = "SELECT coalesce(max(run_id), 0) + 1 FROM risk_runs"
NEXT_FLAG = "SELECT coalesce(max(flag_no), 0) FROM risk_flags WHERE run_id = ?"

INSERT_RUN = """
INSERT INTO risk_runs (run_id, started_at, config, indicators) VALUES (?, now(), ?, ?)
"""
FINISH_RUN = """
UPDATE risk_runs SET finished_at = now(),
    flag_count = (SELECT count(*) FROM risk_flags WHERE run_id = ?),
    firm_count = (SELECT count(DISTINCT firm_id) FROM risk_flags WHERE run_id = ?)
WHERE run_id = ?
"""

# A flag for every firm with at least min_lines hits: value = hit value, score = share of the
# firm's trade (distinct lines in the same roles) over the share that counts in full, or the
# hit lines over the line count that counts in full, whichever is higher (so a large firm's
# other trade does not dilute many suspect lines away), times lines / (lines + prior) so that
# a flag resting on a line or two (often a stray spelling resolved into a firm of its own)
# is not taken for a pattern. Parameters ($1…$9): run_id, last flag_no, indicator, version,
# full_share, roles, min_lines, full_lines, evidence prior. The detail breaks the hit value
# down by CHPL tier.
INSERT_LINE_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
WITH hits AS (
    SELECT firm_id, count(*) AS lines, sum(value_usd) AS value_usd
    FROM {HITS_TABLE} GROUP BY firm_id
), totals AS (
    SELECT firm_id, sum(value_usd) AS total_usd
    FROM (SELECT DISTINCT firm_id, load_id, line_no, value_usd FROM {LINES_TABLE}
          WHERE list_contains($6, role))
    GROUP BY firm_id
), shares AS (
    SELECT h.firm_id, h.lines, h.value_usd, t.total_usd,
           CASE WHEN t.total_usd > 0 THEN h.value_usd / t.total_usd ELSE 1.0 END AS share
    FROM hits h JOIN totals t USING (firm_id)
    WHERE h.lines >= $7
), tiers AS (
    SELECT firm_id, json_group_object(tier, value_usd) AS by_tier
    FROM (SELECT firm_id, coalesce(chpl_tier, 'not CHPL') AS tier, sum(value_usd) AS value_usd
          FROM {HITS_TABLE} GROUP BY ALL ORDER BY tier)
    GROUP BY firm_id
)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3,
       $4, least(1.0, greatest(share / $5, lines / $8)) * lines / (lines + $9), value_usd,
       json_object('lines', lines, 'value_usd', value_usd, 'total_usd', total_usd,
                   'share', share, 'by_tier', by_tier)
FROM shares JOIN tiers USING (firm_id)
"""

INSERT_LINE_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT f.run_id, f.flag_no, h.load_id, h.line_no, NULL
FROM risk_flags f JOIN {HITS_TABLE} h USING (firm_id)
WHERE f.run_id = ? AND f.indicator = ?
"""

DROP_TEMP = [f"DROP TABLE IF EXISTS {HITS_TABLE}", f"DROP TABLE IF EXISTS {LINES_TABLE}",
             f"DROP TABLE IF EXISTS {SCREENING_TABLE}",
             f"DROP TABLE IF EXISTS {FORWARDERS_TABLE}", f"DROP TABLE IF EXISTS {MIRROR_TABLE}"]

CREATE_MIRROR = f"""
CREATE OR REPLACE TEMP TABLE {MIRROR_TABLE} (
    country VARCHAR, year INTEGER, gap_share DOUBLE, origins VARCHAR[])
"""

# Firms any of whose spellings matches the forwarder-terms pattern. Parameters: pattern.
CREATE_FORWARDERS = f"""
CREATE OR REPLACE TEMP TABLE {FORWARDERS_TABLE} AS
SELECT DISTINCT m.firm_id FROM firm_members m JOIN party_mentions p USING (mention_id)
WHERE regexp_matches(lower(p.name), ?)
"""

# Sudden ramp-up: a firm already trading before the invasion whose monthly value of CHPL
# goods to the destination after it is at least min_ratio times its monthly value before
# (the months counted from its first line, or from the invasion); the monthly baseline is
# floored at baseline_floor_usd so that a firm rising from nothing is measured against a small
# but non-zero base. Parameters ($1…$12): run_id, last flag_no, indicator, version, roles,
# tiers, destination, invasion, baseline_floor_usd, min_value_usd, min_ratio, full_ratio.
INSERT_RAMP_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
WITH span AS (SELECT max(day) AS last_day FROM {LINES_TABLE}),
lines AS (
    SELECT DISTINCT firm_id, load_id, line_no, day, value_usd, firm_first_seen
    FROM {LINES_TABLE}
    WHERE list_contains($5, role) AND list_contains($6, chpl_tier) AND destination_country = $7
), per_firm AS (
    SELECT firm_id, any_value(firm_first_seen) AS first_seen,
           coalesce(sum(value_usd) FILTER (WHERE day < CAST($8 AS DATE)), 0) AS before_usd,
           coalesce(sum(value_usd) FILTER (WHERE day >= CAST($8 AS DATE)), 0) AS after_usd
    FROM lines GROUP BY firm_id
), rates AS (
    SELECT p.*,
           greatest(1, date_diff('month', p.first_seen, CAST($8 AS DATE))) AS months_before,
           greatest(1, date_diff('month', CAST($8 AS DATE), s.last_day)) AS months_after
    FROM per_firm p, span s
    WHERE p.first_seen < CAST($8 AS DATE) AND p.after_usd >= $10
), ratios AS (
    SELECT *, (after_usd / months_after) / greatest(before_usd / months_before, $9) AS ratio
    FROM rates
)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3, $4,
       least(1.0, ln(ratio) / ln($12)), ratio,
       json_object('before_usd', before_usd, 'after_usd', after_usd,
                   'months_before', months_before, 'months_after', months_after,
                   'ratio', ratio)
FROM ratios WHERE ratio >= $11
"""
# The lines after the invasion behind a ramp-up flag. Parameters: run_id, indicator, roles,
# tiers, destination, invasion.
INSERT_RAMP_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, l.load_id, l.line_no, NULL
FROM risk_flags f JOIN {LINES_TABLE} l USING (firm_id)
WHERE f.run_id = $1 AND f.indicator = $2 AND list_contains($3, l.role)
  AND list_contains($4, l.chpl_tier) AND l.destination_country = $5
  AND l.day >= CAST($6 AS DATE)
"""

# Many small new suppliers: an importer receiving CHPL goods after the invasion from at least
# min_suppliers exporters that first appeared after it and that each supplied at most
# max_share of the importer's CHPL intake — the pattern of a buyer spreading orders over
# short-lived fronts. Parameters ($1…$3): tiers, invasion, max_share.
CREATE_SUPPLIERS = f"""
CREATE OR REPLACE TEMP TABLE _risk_suppliers AS
WITH intake AS (
    SELECT DISTINCT i.firm_id AS importer, e.firm_id AS supplier, i.load_id, i.line_no,
           i.value_usd, e.firm_first_seen AS supplier_first_seen
    FROM {LINES_TABLE} i
    JOIN {LINES_TABLE} e ON e.load_id = i.load_id AND e.line_no = i.line_no
                        AND e.role = 'exporter' AND e.firm_id <> i.firm_id
    WHERE i.role = 'importer' AND list_contains($1, i.chpl_tier)
      AND i.day >= CAST($2 AS DATE)
), totals AS (
    SELECT importer, sum(value_usd) AS intake_usd
    FROM (SELECT DISTINCT importer, load_id, line_no, value_usd FROM intake)
    GROUP BY importer
), pairs AS (
    SELECT importer, supplier, sum(value_usd) AS value_usd
    FROM intake WHERE supplier_first_seen > CAST($2 AS DATE)
    GROUP BY importer, supplier
)
SELECT p.importer AS firm_id, p.supplier, p.value_usd, t.intake_usd
FROM pairs p JOIN totals t USING (importer)
WHERE t.intake_usd > 0 AND p.value_usd / t.intake_usd <= $3
"""
# Parameters ($1…$6): run_id, last flag_no, indicator, version, min_suppliers, full_suppliers.
INSERT_SUPPLIER_FLAGS = """
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3, $4,
       least(1.0, count(*) / $6), count(*),
       json_object('suppliers', list(supplier ORDER BY supplier),
                   'value_usd', sum(value_usd), 'intake_usd', any_value(intake_usd))
FROM _risk_suppliers GROUP BY firm_id HAVING count(*) >= $5
"""
# Parameters: run_id, indicator, tiers, invasion.
INSERT_SUPPLIER_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, i.load_id, i.line_no, NULL
FROM risk_flags f
JOIN _risk_suppliers s USING (firm_id)
JOIN {LINES_TABLE} i ON i.firm_id = s.firm_id AND i.role = 'importer'
JOIN {LINES_TABLE} e ON e.load_id = i.load_id AND e.line_no = i.line_no
                    AND e.role = 'exporter' AND e.firm_id = s.supplier
WHERE f.run_id = $1 AND f.indicator = $2 AND list_contains($3, i.chpl_tier)
  AND i.day >= CAST($4 AS DATE)
"""
DROP_SUPPLIERS = "DROP TABLE IF EXISTS _risk_suppliers"

# Network proximity: flags computed in Python over the firm graph, registered as
# ``_risk_proximity`` (firm_id, toward, hops, proximity, score). Parameters: run_id, last
# flag_no, indicator, version.
PROXIMITY_TABLE = "_risk_proximity"
INSERT_PROXIMITY_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3, $4, score, proximity,
       json_object('hops', hops, 'toward', toward, 'proximity', proximity)
FROM {PROXIMITY_TABLE}
"""
# The lines between the firm and the next firm on its way to a listed one, whatever roles
# they played. Parameters: run_id, indicator.
INSERT_PROXIMITY_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, a.load_id, a.line_no, NULL
FROM risk_flags f JOIN {PROXIMITY_TABLE} p USING (firm_id)
JOIN {LINES_TABLE} a ON a.firm_id = f.firm_id
JOIN {LINES_TABLE} b ON b.load_id = a.load_id AND b.line_no = a.line_no
                    AND b.firm_id = p.toward
WHERE f.run_id = $1 AND f.indicator = $2
"""
# Firms listed strongly enough to seed the proximity walk. Parameters: min_score.
STRONGLY_LISTED = f"SELECT DISTINCT firm_id FROM {SCREENING_TABLE} WHERE score >= ?"

# Listed party: the firm itself matches list entities at or above min_score. Parameters:
# run_id, last flag_no, indicator, version, min_score.
INSERT_LISTED_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3,
       $4, 1.0, max(score),
       json_object('entities', list(entity_id ORDER BY entity_id),
                   'matched_names', list(matched_name ORDER BY entity_id))
FROM {SCREENING_TABLE} WHERE score >= $5 GROUP BY firm_id
"""
INSERT_LISTED_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, NULL, NULL, fs.entity_id
FROM risk_flags f JOIN {SCREENING_TABLE} fs USING (firm_id)
WHERE f.run_id = ? AND f.indicator = ? AND fs.score >= ?
"""

# Shared address: at least min_firms firms used one normalised address, and one of them is
# listed or carries a trigger flag in this run. Every firm at that address is flagged; the
# evidence is the lines where it was written with that address.
CREATE_ADDRESS_CLUSTERS = """
CREATE OR REPLACE TEMP TABLE _risk_address AS
WITH firm_addresses AS (
    SELECT DISTINCT m.firm_id, p.address_norm
    FROM firm_members m JOIN party_mentions p USING (mention_id)
    WHERE p.address_norm IS NOT NULL AND p.address_norm <> ''
), clusters AS (
    SELECT address_norm FROM firm_addresses GROUP BY address_norm
    HAVING count(DISTINCT firm_id) >= $1
       AND count(DISTINCT firm_id) FILTER (WHERE firm_id IN (
           SELECT firm_id FROM risk_flags
           WHERE run_id = $2 AND list_contains($3, indicator))) > 0
)
SELECT a.firm_id, a.address_norm,
       count(*) OVER (PARTITION BY a.address_norm) AS firms
FROM firm_addresses a JOIN clusters USING (address_norm)
"""
INSERT_ADDRESS_FLAGS = """
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3,
       $4, 1.0, max(firms),
       json_object('addresses', list(address_norm ORDER BY address_norm))
FROM _risk_address GROUP BY firm_id
"""
INSERT_ADDRESS_EVIDENCE = """
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, sp.load_id, sp.line_no, NULL
FROM risk_flags f
JOIN _risk_address a USING (firm_id)
JOIN firm_members m USING (firm_id)
JOIN party_mentions p ON p.mention_id = m.mention_id AND p.address_norm = a.address_norm
JOIN shipment_parties sp ON sp.mention_id = m.mention_id
WHERE f.run_id = ? AND f.indicator = ?
"""
DROP_ADDRESS = "DROP TABLE IF EXISTS _risk_address"

FLAGS_OF_RUN = """
SELECT firm_id, indicator, score FROM risk_flags WHERE run_id = ? ORDER BY firm_id, indicator
"""
LATEST_RUN = "SELECT max(run_id) FROM risk_runs WHERE finished_at IS NOT NULL"
DELETE_SCORES = "DELETE FROM firm_scores WHERE run_id = ?"

# The ranked firm table: every name and id the firm used, its CHPL value and list matches.
# Parameters: run_id, limit (NULL = all).
RANKED_FIRMS = """
WITH names AS (
    SELECT m.firm_id,
           string_agg(DISTINCT p.name, '|' ORDER BY p.name) AS member_names,
           string_agg(DISTINCT p.id_value, '|' ORDER BY p.id_value) AS identifiers
    FROM firm_members m JOIN party_mentions p USING (mention_id) GROUP BY m.firm_id
), chpl AS (
    SELECT f.firm_id, max(f.value) AS chpl_value_usd
    FROM risk_flags f WHERE f.run_id = $1 AND f.indicator = 'chpl_exposure'
    GROUP BY f.firm_id
), listed AS (
    SELECT firm_id,
           string_agg(entity_id || ' ' || coalesce(matched_name, '') || ' ('
                      || printf('%.2f', score) || ')', '|' ORDER BY score DESC, entity_id)
               AS listed_matches
    FROM risk_matches WHERE run_id = $1 GROUP BY firm_id
), flags AS (
    SELECT firm_id, string_agg(indicator, '|' ORDER BY score DESC, indicator) AS flags
    FROM risk_flags WHERE run_id = $1 GROUP BY firm_id
)
SELECT s.rank, s.firm_id, f.caption, f.country, s.score, coalesce(fl.flags, '') AS flags,
       coalesce(n.member_names, '') AS member_names, coalesce(n.identifiers, '') AS identifiers,
       coalesce(c.chpl_value_usd, 0.0) AS chpl_value_usd,
       coalesce(l.listed_matches, '') AS listed_matches
FROM firm_scores s JOIN firms f USING (firm_id)
LEFT JOIN names n USING (firm_id) LEFT JOIN chpl c USING (firm_id)
LEFT JOIN listed l USING (firm_id) LEFT JOIN flags fl USING (firm_id)
WHERE s.run_id = $1
ORDER BY s.rank
LIMIT $2
"""

WEIGHTS_TABLE = "_risk_weights"

# Firm score = noisy-OR of weight × flag score over the firm's flags: 1 - Π(1 - w·s), each
# term capped at 0.999 so one flag never makes a certainty. Each flag's contribution is the
# score shared in proportion to -ln(1 - w·s), its share of the log-odds mass, so the
# contributions add up to the score exactly. Every firm is ranked, unflagged ones at 0.
# Parameters: run_id.
INSERT_SCORES = f"""
INSERT INTO firm_scores (run_id, firm_id, rank, score, contributions)
WITH terms AS (
    SELECT f.firm_id, f.indicator, -ln(1 - least(f.score * w.weight, 0.999)) AS mass
    FROM risk_flags f JOIN {WEIGHTS_TABLE} w USING (indicator)
    WHERE f.run_id = $1
), totals AS (
    SELECT firm_id, sum(mass) AS mass, 1 - exp(-sum(mass)) AS score FROM terms GROUP BY firm_id
), parts AS (
    SELECT t.firm_id, t.indicator,
           CASE WHEN s.mass > 0 THEN s.score * t.mass / s.mass ELSE 0.0 END AS part
    FROM terms t JOIN totals s USING (firm_id)
), contributions AS (
    SELECT firm_id, json_group_object(indicator, part) AS contributions
    FROM parts GROUP BY firm_id
)
SELECT $1, f.firm_id,
       row_number() OVER (ORDER BY coalesce(s.score, 0) DESC, f.firm_id),
       coalesce(s.score, 0.0), coalesce(c.contributions, json_object())
FROM firms f LEFT JOIN totals s USING (firm_id) LEFT JOIN contributions c USING (firm_id)
"""
