"""All SQL of the firm-network stage. Parameters are bound, never formatted in; the only
formatted parts are column names from the fixed :data:`SHARED_COLUMNS` table."""

from __future__ import annotations

# The party-mention column behind each shared-attribute edge kind. Phones are not part of the
# canonical shipment schema, so there is no phone edge until a stage stores them.
SHARED_COLUMNS: dict[str, str] = {
    "address": "address_norm",
    "id": "id_norm",
}

# Every firm with whether it matches a list entity and the value of the CHPL-classified lines
# it was a party to (each line once per firm, whatever role it played).
FIRMS = """
WITH lines AS (SELECT DISTINCT load_id, line_no, firm_id FROM firm_lines),
chpl AS (
    SELECT l.firm_id, sum(s.value_usd) AS value_usd
    FROM lines l
    JOIN shipment_classes c ON c.load_id = l.load_id AND c.line_no = l.line_no
    JOIN shipments s ON s.load_id = l.load_id AND s.line_no = l.line_no
    WHERE c.chpl_tier IS NOT NULL
    GROUP BY l.firm_id
)
SELECT f.firm_id, f.caption, f.country,
       EXISTS (SELECT 1 FROM firm_screening fs WHERE fs.firm_id = f.firm_id) AS listed,
       coalesce(chpl.value_usd, 0.0) AS chpl_value_usd
FROM firms f LEFT JOIN chpl USING (firm_id)
ORDER BY f.firm_id
"""

# Shipment lines aggregated per (source firm, importer firm), the source playing role ``?``
# (exporter or contract holder). A firm trading with itself is no edge.
TRADE_EDGES = """
WITH parties AS (SELECT load_id, line_no, role, firm_id FROM firm_lines)
SELECT a.firm_id AS source, b.firm_id AS target,
       coalesce(sum(s.value_usd), 0.0) AS value_usd,
       count(*) AS lines,
       list(DISTINCT c.chpl_tier ORDER BY c.chpl_tier) FILTER (c.chpl_tier IS NOT NULL)
           AS tiers,
       min(s.date) AS first_date,
       max(s.date) AS last_date
FROM parties a
JOIN parties b ON a.load_id = b.load_id AND a.line_no = b.line_no
JOIN shipments s ON s.load_id = a.load_id AND s.line_no = a.line_no
LEFT JOIN shipment_classes c ON c.load_id = a.load_id AND c.line_no = a.line_no
WHERE a.role = ? AND b.role = 'importer' AND a.firm_id <> b.firm_id
GROUP BY a.firm_id, b.firm_id
ORDER BY a.firm_id, b.firm_id
"""


def shared_edges_sql(column: str) -> str:
    """Pairs of firms whose mentions share a value of ``column``, with the values shared.
    A value shared by more than ``?`` firms (a registered-agent address, a placeholder id) is
    left out: it says little about any pair and would add a quadratic number of edges."""
    return f"""
WITH v AS (
    SELECT DISTINCT fm.firm_id, p.{column} AS value
    FROM party_mentions p JOIN firm_members fm USING (mention_id)
    WHERE p.{column} IS NOT NULL AND p.{column} <> ''
),
kept AS (SELECT value FROM v GROUP BY value HAVING count(*) BETWEEN 2 AND ?)
SELECT a.firm_id AS source, b.firm_id AS target, list(a.value ORDER BY a.value) AS shared
FROM v a JOIN v b ON a.value = b.value
WHERE a.firm_id < b.firm_id AND a.value IN (SELECT value FROM kept)
GROUP BY a.firm_id, b.firm_id
ORDER BY a.firm_id, b.firm_id
"""


# FtM Ownership entities (owner and asset are entity ids kept in ``extra``).
OWNERSHIPS = """
SELECT DISTINCT entity_id, data FROM entities WHERE schema = 'Ownership' ORDER BY entity_id
"""

# List entity -> the firms screened as that entity.
ENTITY_FIRMS = """
SELECT DISTINCT entity_id, firm_id FROM firm_screening ORDER BY entity_id, firm_id
"""
