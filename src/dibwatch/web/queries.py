"""All workspace SQL of the web app. Values are bound (by name), never formatted in; the only
text spliced into a statement is a column name chosen from this module's own tables."""

from __future__ import annotations

from dibwatch.risk.store import RANKED_FIRMS

# Sort key the API accepts -> column of the ranked table.
FIRM_SORTS = {"rank": "rank", "score": "score", "chpl_value_usd": "chpl_value_usd",
              "caption": "caption", "country": "country", "firm_id": "firm_id"}

# The ranked firm table filtered: $run_id, $limit (NULL: no limit inside), $q text in a
# name or id, $country, $flag (an indicator), $min_score, $listed (only firms with matches).
_FIRM_FILTER = f"""
FROM ({RANKED_FIRMS}) r
WHERE ($q IS NULL OR r.caption ILIKE '%' || $q || '%' ESCAPE '\\'
       OR r.member_names ILIKE '%' || $q || '%' ESCAPE '\\'
       OR r.identifiers ILIKE '%' || $q || '%' ESCAPE '\\')
  AND ($country IS NULL OR r.country = $country)
  AND ($flag IS NULL OR list_contains(string_split(r.flags, '|'), $flag))
  AND ($min_score IS NULL OR r.score >= $min_score)
  AND (NOT $listed OR r.listed_matches <> '')
"""


def like_text(text: str | None) -> str | None:
    """``text`` to bind into ``ILIKE '%' || ? || '%' ESCAPE '\\'``: matched literally, so a
    user's ``_`` or ``%`` is not a wildcard."""
    if text is None:
        return None
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def firms_page(sort: str, descending: bool) -> str:
    """Parameters as ``_FIRM_FILTER`` plus $page_size, $page_offset."""
    column = FIRM_SORTS[sort]
    direction = "DESC" if descending else "ASC"
    return (f"SELECT r.* {_FIRM_FILTER} ORDER BY r.{column} {direction} NULLS LAST, "
            "r.firm_id LIMIT $page_size OFFSET $page_offset")


FIRMS_COUNT = f"SELECT count(*) {_FIRM_FILTER}"

FIRM = """
SELECT f.firm_id, f.caption, f.country, f.ids, f.roles, f.member_count, f.mention_count,
       f.first_seen, f.last_seen, s.rank, s.score, s.contributions
FROM firms f LEFT JOIN firm_scores s ON s.firm_id = f.firm_id AND s.run_id = ?
WHERE f.firm_id = ?
"""

FIRM_MEMBERS = """
SELECT p.name, p.address, p.country, p.id_value, p.roles, p.shipment_count, m.match_probability
FROM firm_members m JOIN party_mentions p USING (mention_id)
WHERE m.firm_id = ? ORDER BY p.shipment_count DESC, p.name LIMIT 200
"""

FIRM_FLAGS = """
SELECT flag_no, indicator, version, score, value, detail FROM risk_flags
WHERE run_id = ? AND firm_id = ? ORDER BY score DESC, indicator
"""

# Evidence behind one firm's flags: shipment lines or list entities, a bounded page each.
FLAG_EVIDENCE = """
SELECT e.flag_no, e.load_id, e.line_no, e.entity_id, s."date", s.declaration_id, s.hs_code,
       s.description, s.value_usd, s.exporter_name, s.importer_name, s.origin_country,
       s.dispatch_country, s.destination_country, c.chpl_tier
FROM risk_evidence e
LEFT JOIN shipments s USING (load_id, line_no)
LEFT JOIN shipment_classes c USING (load_id, line_no)
WHERE e.run_id = ? AND list_contains(?, e.flag_no)
QUALIFY row_number() OVER (PARTITION BY e.flag_no ORDER BY s."date" DESC NULLS LAST,
                                                          e.line_no, e.entity_id) <= ?
ORDER BY e.flag_no
"""

# The firm's list matches with the entity as the index holds it (current snapshot).
FIRM_MATCHES = """
SELECT fs.entity_id, fs.score, fs.matched_name, fs.run_id, fs.explanation,
       me.caption, me.source, me.snapshot_id, e.content_hash
FROM firm_screening fs
LEFT JOIN match_entities me USING (entity_id)
LEFT JOIN entities e ON e.entity_id = fs.entity_id AND e.snapshot_id = me.snapshot_id
WHERE fs.firm_id = ? ORDER BY fs.score DESC, fs.entity_id
"""

# One list entity in its newest snapshot.
ENTITY_CURRENT = """
SELECT e.entity_id, e.caption, e.content_hash, e.snapshot_id, s.source
FROM entities e JOIN snapshots s USING (snapshot_id)
WHERE e.entity_id = ? ORDER BY e.snapshot_id DESC LIMIT 1
"""

SHIPMENT_COLUMNS = ("load_id", "line_no", "date", "declaration_id", "hs_code", "chpl_tier",
                    "description", "brand", "value_usd", "exporter_name", "exporter_country",
                    "importer_name", "importer_country", "origin_country",
                    "dispatch_country", "destination_country")

# Shipments filtered: $firm_id, $hs (HS prefix), $tier (CHPL), $country (any role),
# $date_from, $date_to, $q (text in the description or party names).
_SHIPMENT_FILTER = """
FROM shipments s LEFT JOIN shipment_classes c USING (load_id, line_no)
WHERE ($firm_id IS NULL OR EXISTS (SELECT 1 FROM firm_lines m
                             WHERE m.load_id = s.load_id AND m.line_no = s.line_no
                               AND m.firm_id = $firm_id))
  AND ($hs IS NULL OR replace(coalesce(s.hs_code, ''), '.', '') LIKE $hs || '%')
  AND ($tier IS NULL OR c.chpl_tier = $tier)
  AND ($country IS NULL OR $country IN (s.exporter_country, s.importer_country,
                                        s.origin_country, s.dispatch_country,
                                        s.destination_country))
  AND ($date_from IS NULL OR s."date" >= CAST($date_from AS DATE))
  AND ($date_to IS NULL OR s."date" <= CAST($date_to AS DATE))
  AND ($q IS NULL OR s.description ILIKE '%' || $q || '%' ESCAPE '\\'
       OR s.exporter_name ILIKE '%' || $q || '%' ESCAPE '\\'
       OR s.importer_name ILIKE '%' || $q || '%' ESCAPE '\\')
"""
SHIPMENTS_PAGE = (
    "SELECT s.load_id, s.line_no, s.\"date\", s.declaration_id, s.hs_code, c.chpl_tier, "
    "s.description, s.brand, s.value_usd, s.exporter_name, s.exporter_country, "
    "s.importer_name, s.importer_country, s.origin_country, s.dispatch_country, "
    f"s.destination_country {_SHIPMENT_FILTER} "
    "ORDER BY s.\"date\" DESC, s.load_id, s.line_no LIMIT $page_size OFFSET $page_offset")
SHIPMENTS_COUNT = f"SELECT count(*) {_SHIPMENT_FILTER}"

# Overview figures for the dashboard.
OVERVIEW_COUNTS = """
SELECT (SELECT count(*) FROM firms), (SELECT count(*) FROM shipments),
       (SELECT count(*) FROM snapshots), (SELECT count(DISTINCT firm_id) FROM firm_screening)
"""
CHPL_BY_TIER = """
SELECT c.chpl_tier, count(*) AS lines, coalesce(sum(s.value_usd), 0) AS value_usd
FROM shipments s JOIN shipment_classes c USING (load_id, line_no)
WHERE c.chpl_tier IS NOT NULL GROUP BY ALL ORDER BY c.chpl_tier
"""
MONTHLY_VALUE = """
SELECT strftime(date_trunc('month', s."date"), '%Y-%m') AS month,
       coalesce(sum(s.value_usd) FILTER (WHERE c.chpl_tier IS NOT NULL), 0) AS chpl_usd,
       coalesce(sum(s.value_usd), 0) AS all_usd
FROM shipments s LEFT JOIN shipment_classes c USING (load_id, line_no)
GROUP BY ALL ORDER BY month
"""
SCORE_HISTOGRAM = """
SELECT least(floor(score * 10), 9)::INTEGER AS bucket, count(*) FROM firm_scores
WHERE run_id = ? GROUP BY ALL ORDER BY bucket
"""
