"""All SQL of the risk stage. Parameters are bound, never formatted in; the only text spliced
into a statement is an indicator's own rule from this module."""

from __future__ import annotations

LINES_TABLE = "_risk_lines"
HITS_TABLE = "_risk_hits"
HUBS_TABLE = "_risk_hubs"

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
        "list_contains(?, l.chpl_tier) AND l.destination_country = ?",
        ("tiers", "destination")),
    "listed_counterparty": (
        f"""EXISTS (SELECT 1 FROM {LINES_TABLE} o JOIN firm_screening fs USING (firm_id)
                   WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                     AND o.firm_id <> l.firm_id AND fs.score >= ?)""",
        ("min_score",)),
    "new_entrant": (
        "l.firm_first_seen > CAST(? AS DATE) AND list_contains(?, l.chpl_tier)",
        ("invasion", "tiers")),
    # Routing through a hub: dispatched from a hub country that is not where the goods were
    # made, on or after the day that hub counts, bound for the destination.
    "hub_routing": (
        f"""l.destination_country = ? AND l.dispatch_country IS DISTINCT FROM l.origin_country
            AND EXISTS (SELECT 1 FROM {HUBS_TABLE} h
                        WHERE h.country = l.dispatch_country AND l.day >= h.since)""",
        ("destination",)),
    # Three different countries of origin, dispatch and trade on one line to the destination.
    "chain_mismatch": (
        """l.destination_country = ? AND l.origin_country IS NOT NULL
           AND l.dispatch_country IS NOT NULL AND l.trading_country IS NOT NULL
           AND l.origin_country <> l.dispatch_country
           AND l.trading_country <> l.dispatch_country
           AND l.trading_country <> l.origin_country""",
        ("destination",)),
    "coalition_brand_third_country": (
        """l.coalition_brand AND l.destination_country = ?
           AND l.exporter_country IS NOT NULL AND NOT list_contains(?, l.exporter_country)""",
        ("destination", "coalition")),
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
SELECT DISTINCT l.firm_id, l.load_id, l.line_no, l.value_usd
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
# firm's trade (distinct lines in the same roles) over the share that counts in full.
# Parameters ($1…$7): run_id, last flag_no, indicator, version, full_share, roles,
# min_lines.
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
)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3,
       $4, least(1.0, share / $5), value_usd,
       json_object('lines', lines, 'value_usd', value_usd, 'total_usd', total_usd,
                   'share', share)
FROM shares
"""

INSERT_LINE_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT f.run_id, f.flag_no, h.load_id, h.line_no, NULL
FROM risk_flags f JOIN {HITS_TABLE} h USING (firm_id)
WHERE f.run_id = ? AND f.indicator = ?
"""

DROP_TEMP = [f"DROP TABLE IF EXISTS {HITS_TABLE}", f"DROP TABLE IF EXISTS {LINES_TABLE}"]

# Listed party: the firm itself matches list entities at or above min_score. Parameters:
# run_id, last flag_no, indicator, version, min_score.
INSERT_LISTED_FLAGS = """
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $1, $2 + row_number() OVER (ORDER BY firm_id), firm_id, $3,
       $4, 1.0, max(score),
       json_object('entities', list(entity_id ORDER BY entity_id),
                   'matched_names', list(matched_name ORDER BY entity_id))
FROM firm_screening WHERE score >= $5 GROUP BY firm_id
"""
INSERT_LISTED_EVIDENCE = """
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, NULL, NULL, fs.entity_id
FROM risk_flags f JOIN firm_screening fs USING (firm_id)
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
    FROM firm_screening GROUP BY firm_id
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
