"""All SQL of the risk stage. Parameters are bound, never formatted in; the only text spliced
into a statement is an indicator's own rule from this module."""

from __future__ import annotations

LINES_TABLE = "_risk_lines"
HITS_TABLE = "_risk_hits"
SCOPE_TABLE = "_risk_scope"
HUBS_TABLE = "_risk_hubs"
SCREENING_TABLE = "_risk_screening"
CONFIRMED_TABLE = "_risk_confirmed"
DISMISSED_TABLE = "_risk_dismissed"

# The list matches a run scores with: the screening stage's, less the pairs an analyst
# dismissed while the list entry still reads as it did then (same content hash in its newest
# snapshot), plus the pairs an analyst confirmed (score 1). Analysts' decisions come from the
# casework state (``dibwatch.casework.cases.confirmed_links`` / ``dismissed_links``).
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

# One row per firm × role × shipment line, with everything a line rule looks at;
# ``own_import``: the firm is the importer on that line too (a consignee named as its own
# contract holder pays for its own goods).
CREATE_LINES = f"""
CREATE OR REPLACE TEMP TABLE {LINES_TABLE} AS
SELECT m.firm_id, m.role, s.load_id, s.line_no, s."date" AS day,
       bool_or(m.role = 'importer') OVER (PARTITION BY m.firm_id, s.load_id, s.line_no)
           AS own_import,
       coalesce(s.value_usd, 0) AS value_usd,
       s.exporter_country, s.importer_country, s.origin_country, s.dispatch_country,
       s.trading_country, s.destination_country,
       c.hs6, c.chpl_tier, c.brand_canonical, c.coalition_brand, c.misdeclared,
       min(s."date") OVER (PARTITION BY m.firm_id) AS firm_first_seen
FROM firm_lines m
JOIN shipments s USING (load_id, line_no)
LEFT JOIN shipment_classes c USING (load_id, line_no)
"""


# A line on which the firm supplies: as exporter, or as contract holder paying for another
# firm's goods (not its own imports).
SUPPLIES = "(l.role <> 'contract_holder' OR NOT l.own_import)"


def create_hits(rule: str) -> str:
    """The distinct (firm, line) pairs meeting ``rule`` (a line indicator's condition over
    ``l``) in the roles ``$roles``."""
    return f"""
CREATE OR REPLACE TEMP TABLE {HITS_TABLE} AS
SELECT DISTINCT l.firm_id, l.load_id, l.line_no, l.value_usd, l.chpl_tier
FROM {LINES_TABLE} l WHERE list_contains($roles, l.role) AND ({rule})
"""


def create_scope(scope: str) -> str:
    """The distinct (firm, line) pairs a line indicator's share is taken over: the firm's
    lines in the roles ``$roles`` that meet ``scope`` (a condition over ``l``; ``TRUE`` for all
    its trade in those roles). A rule's hits must lie within its scope."""
    return f"""
CREATE OR REPLACE TEMP TABLE {SCOPE_TABLE} AS
SELECT DISTINCT l.firm_id, l.load_id, l.line_no, l.value_usd
FROM {LINES_TABLE} l WHERE list_contains($roles, l.role) AND ({scope})
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
# firm's trade in scope (distinct lines in the same roles meeting the indicator's scope,
# by default all of them) over the share that counts in full, or the
# hit lines over the line count that counts in full, whichever is higher (so a large firm's
# other trade does not dilute many suspect lines away), times lines / (lines + prior) so that
# a flag resting on a line or two (often a stray spelling resolved into a firm of its own)
# is not taken for a pattern. The detail breaks the hit value down by CHPL tier.
INSERT_LINE_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
WITH hits AS (
    SELECT firm_id, count(*) AS lines, sum(value_usd) AS value_usd
    FROM {HITS_TABLE} GROUP BY firm_id
), totals AS (
    SELECT firm_id, sum(value_usd) AS total_usd FROM {SCOPE_TABLE} GROUP BY firm_id
), shares AS (
    SELECT h.firm_id, h.lines, h.value_usd, t.total_usd,
           CASE WHEN t.total_usd > 0 THEN h.value_usd / t.total_usd ELSE 1.0 END AS share
    FROM hits h JOIN totals t USING (firm_id)
    WHERE h.lines >= $min_lines
), tiers AS (
    SELECT firm_id, json_group_object(tier, value_usd) AS by_tier
    FROM (SELECT firm_id, coalesce(chpl_tier, 'not CHPL') AS tier, sum(value_usd) AS value_usd
          FROM {HITS_TABLE} GROUP BY ALL ORDER BY tier)
    GROUP BY firm_id
)
SELECT $run_id, $last_flag + row_number() OVER (ORDER BY firm_id), firm_id, $indicator,
       $version,
       least(1.0, greatest(share / $full_share, lines / $full_lines))
           * lines / (lines + $evidence_prior),
       value_usd,
       json_object('lines', lines, 'value_usd', value_usd, 'total_usd', total_usd,
                   'share', share, 'by_tier', by_tier)
FROM shares JOIN tiers USING (firm_id)
"""

INSERT_LINE_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT f.run_id, f.flag_no, h.load_id, h.line_no, NULL
FROM risk_flags f JOIN {HITS_TABLE} h USING (firm_id)
WHERE f.run_id = $run_id AND f.indicator = $indicator
"""

DROP_TEMP = [f"DROP TABLE IF EXISTS {HITS_TABLE}", f"DROP TABLE IF EXISTS {SCOPE_TABLE}",
             f"DROP TABLE IF EXISTS {LINES_TABLE}", f"DROP TABLE IF EXISTS {SCREENING_TABLE}"]

FLAGS_OF_RUN = """
SELECT firm_id, indicator, score FROM risk_flags WHERE run_id = ? ORDER BY firm_id, indicator
"""
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
    FROM risk_flags f WHERE f.run_id = $run_id AND f.indicator = 'chpl_exposure'
    GROUP BY f.firm_id
), listed AS (
    SELECT firm_id,
           string_agg(entity_id || ' ' || coalesce(matched_name, '') || ' ('
                      || printf('%.2f', score) || ')', '|' ORDER BY score DESC, entity_id)
               AS listed_matches
    FROM risk_matches WHERE run_id = $run_id GROUP BY firm_id
), flags AS (
    SELECT firm_id, string_agg(indicator, '|' ORDER BY score DESC, indicator) AS flags
    FROM risk_flags WHERE run_id = $run_id GROUP BY firm_id
)
SELECT s.rank, s.firm_id, f.caption, f.country, s.score, coalesce(fl.flags, '') AS flags,
       coalesce(n.member_names, '') AS member_names, coalesce(n.identifiers, '') AS identifiers,
       coalesce(c.chpl_value_usd, 0.0) AS chpl_value_usd,
       coalesce(l.listed_matches, '') AS listed_matches
FROM firm_scores s JOIN firms f USING (firm_id)
LEFT JOIN names n USING (firm_id) LEFT JOIN chpl c USING (firm_id)
LEFT JOIN listed l USING (firm_id) LEFT JOIN flags fl USING (firm_id)
WHERE s.run_id = $run_id
ORDER BY s.rank
LIMIT $limit
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
    WHERE f.run_id = $run_id
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
SELECT $run_id, f.firm_id,
       row_number() OVER (ORDER BY coalesce(s.score, 0) DESC, f.firm_id),
       coalesce(s.score, 0.0), coalesce(c.contributions, json_object())
FROM firms f LEFT JOIN totals s USING (firm_id) LEFT JOIN contributions c USING (firm_id)
"""
