"""All workspace SQL of the monitor. Parameters are bound, never formatted in."""

from __future__ import annotations

FIRM_CAPTIONS = "SELECT firm_id, caption FROM firms"

# The current content hash of list entities, from the snapshot the index holds.
CONTENT_HASHES = """
SELECT e.entity_id, e.content_hash, e.caption, s.source
FROM entities e JOIN snapshots s USING (snapshot_id)
WHERE list_contains(?, e.snapshot_id)
"""

# Every party mention as a stable key (resolution renumbers firms, not what was written),
# with its firm and normalised address.
MENTIONS = """
SELECT m.firm_id,
       concat_ws('|', coalesce(p.norm_name, ''), coalesce(p.address_norm, ''),
                 coalesce(p.country_code, ''), coalesce(p.id_norm, '')) AS mention_key,
       p.address_norm
FROM firm_members m JOIN party_mentions p USING (mention_id)
"""

# Firms whose score went from under the threshold to at or over it between two runs.
# Parameters: previous run, new run, threshold.
SCORE_CROSSINGS = """
SELECT n.firm_id, f.caption, coalesce(o.score, 0.0) AS old_score, n.score AS new_score
FROM firm_scores n JOIN firms f USING (firm_id)
LEFT JOIN firm_scores o ON o.firm_id = n.firm_id AND o.run_id = $previous
WHERE n.run_id = $current AND n.score >= $threshold
  AND coalesce(o.score, 0.0) < $threshold
ORDER BY n.firm_id
"""

# Firms scored at or over the threshold in a run. Parameters: run, threshold.
HIGH_SCORES = "SELECT firm_id FROM firm_scores WHERE run_id = ? AND score >= ?"
