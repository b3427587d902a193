"""All SQL of the party-resolution stage. Parameters are bound, never formatted in."""

from __future__ import annotations

# Party columns of the canonical shipment schema, per role. The contract holder has no
# address or country in the canonical schema.
ROLE_COLUMNS: dict[str, tuple[str, str | None, str | None, str]] = {
    "exporter": ("exporter_name", "exporter_address", "exporter_country", "exporter_id"),
    "importer": ("importer_name", "importer_address", "importer_country", "importer_id"),
    "contract_holder": ("contract_holder_name", None, None, "contract_holder_id"),
}

OCCURRENCES_TABLE = "_resolve_occurrences"
INPUT_TABLE = "_resolve_input"


def _text(column: str | None) -> str:
    # Blank and whitespace-only cells are no value: NULL, so that they do not form a mention
    # of their own ("ACME" and "ACME" + "" address are one mention).
    return f"NULLIF(trim({column}), '')" if column else "CAST(NULL AS VARCHAR)"


def _role_select(role: str) -> str:
    name, address, country, ident = ROLE_COLUMNS[role]
    return (f"SELECT load_id, line_no, '{role}' AS role, {_text(name)} AS name, "
            f"{_text(address)} AS address, {_text(country)} AS country, "
            f"{_text(ident)} AS id_value, TRY_CAST(\"date\" AS DATE) AS day FROM shipments "
            f"WHERE {_text(name)} IS NOT NULL OR {_text(ident)} IS NOT NULL")


CREATE_OCCURRENCES = (f"CREATE OR REPLACE TEMP TABLE {OCCURRENCES_TABLE} AS "
                      + " UNION ALL ".join(_role_select(r) for r in ROLE_COLUMNS))

SHIPMENT_COUNT = "SELECT count(*) FROM shipments"

# Distinct mention tuples, role-agnostic, with where each was first seen and how often.
DISTINCT_MENTIONS = f"""
SELECT name, address, country, id_value,
       arg_min(role, (load_id, line_no, role)) AS role,
       arg_min(load_id, (load_id, line_no, role)) AS load_id,
       arg_min(line_no, (load_id, line_no, role)) AS line_no,
       list(DISTINCT role ORDER BY role) AS roles,
       count(*) AS shipment_count,
       min(day) AS first_seen,
       max(day) AS last_seen
FROM {OCCURRENCES_TABLE}
GROUP BY name, address, country, id_value
ORDER BY name NULLS FIRST, address NULLS FIRST, country NULLS FIRST, id_value NULLS FIRST
"""

CLEAR = [
    "DELETE FROM firm_screening",
    "DELETE FROM firm_members",
    "DELETE FROM firms",
    "DELETE FROM shipment_parties",
    "DELETE FROM party_mentions",
]

INSERT_SHIPMENT_PARTIES = f"""
INSERT INTO shipment_parties (load_id, line_no, role, mention_id)
SELECT o.load_id, o.line_no, o.role, m.mention_id
FROM {OCCURRENCES_TABLE} o JOIN party_mentions m
  ON o.name IS NOT DISTINCT FROM m.name AND o.address IS NOT DISTINCT FROM m.address
 AND o.country IS NOT DISTINCT FROM m.country AND o.id_value IS NOT DISTINCT FROM m.id_value
"""

DROP_OCCURRENCES = f"DROP TABLE IF EXISTS {OCCURRENCES_TABLE}"

# What the linkage model sees: one record per distinct mention that has a name or an id.
CREATE_INPUT = f"""
CREATE OR REPLACE TEMP TABLE {INPUT_TABLE} AS
SELECT mention_id AS unique_id, norm_name, name_keys, name_generic, name_core,
       country_code, id_norm,
       address_norm,
       CASE WHEN norm_name IS NULL THEN NULL ELSE string_split(norm_name, ' ') END
           AS name_tokens
FROM party_mentions
WHERE norm_name IS NOT NULL OR id_norm IS NOT NULL
ORDER BY mention_id
"""

DROP_INPUT = f"DROP TABLE IF EXISTS {INPUT_TABLE}"

INPUT_COUNT = f"SELECT count(*) FROM {INPUT_TABLE}"

# Firms from the cluster assignment (registered as _resolve_clusters: mention_id, firm_id,
# match_probability). The caption is the firm's most used name, its country the most used
# country; ties go to the alphabetically first so that reruns agree.
# The mentions (as written) of every current firm, before a rerun rewrites the mentions.
# A mention as written (name, address, country, id): what analysts' corrections and stable
# firm ids hold on to, since mention and firm ids are renumbered by each resolution.
def mention_key(alias: str = "") -> str:
    """The key of a party_mentions row (``alias``: its table alias in the query)."""
    a = f"{alias}." if alias else ""
    return (f"concat_ws(chr(31), coalesce({a}name, ''), coalesce({a}address, ''), "
            f"coalesce({a}country, ''), coalesce({a}id_value, ''))")


MENTION_IDS = "SELECT mention_id FROM party_mentions"
MENTION_REGISTRY_IDS = "SELECT mention_id, id_value FROM party_mentions WHERE id_value IS NOT NULL"
MENTION_KEYS = f"SELECT mention_id, {mention_key()} FROM party_mentions"

PREVIOUS_FIRM_KEYS = """
SELECT m.firm_id, p.name, p.address, p.country, p.id_value
FROM firm_members m JOIN party_mentions p USING (mention_id)
"""

# New cluster x old firm: how many mentions (as written) they share, largest first.
CLUSTER_OVERLAP = """
WITH new_keys AS (
    SELECT c.firm_id AS new_id, p.name, p.address, p.country, p.id_value
    FROM _resolve_clusters c JOIN party_mentions p USING (mention_id)
)
SELECT n.new_id, o.firm_id AS old_id, count(*) AS shared
FROM new_keys n JOIN _resolve_previous o
  ON n.name IS NOT DISTINCT FROM o.name AND n.address IS NOT DISTINCT FROM o.address
 AND n.country IS NOT DISTINCT FROM o.country AND n.id_value IS NOT DISTINCT FROM o.id_value
GROUP BY ALL
ORDER BY shared DESC, old_id, new_id
"""

INSERT_MEMBERS = """
INSERT INTO firm_members (firm_id, mention_id, match_probability)
SELECT firm_id, mention_id, match_probability FROM _resolve_clusters ORDER BY firm_id, mention_id
"""

INSERT_FIRMS = """
INSERT INTO firms
WITH m AS (
    SELECT c.firm_id, p.*
    FROM _resolve_clusters c JOIN party_mentions p USING (mention_id)
),
names AS (
    SELECT firm_id, name, sum(shipment_count) AS n FROM m WHERE name IS NOT NULL
    GROUP BY firm_id, name
),
caption AS (
    SELECT firm_id, arg_min(name, (-n, name)) AS caption FROM names GROUP BY firm_id
),
countries AS (
    SELECT firm_id, country_code, sum(shipment_count) AS n FROM m
    WHERE country_code IS NOT NULL GROUP BY firm_id, country_code
),
country AS (
    SELECT firm_id, arg_min(country_code, (-n, country_code)) AS country
    FROM countries GROUP BY firm_id
),
ids AS (
    SELECT firm_id, list(DISTINCT id_norm ORDER BY id_norm) FILTER (id_norm IS NOT NULL)
        AS ids
    FROM m GROUP BY firm_id
),
roles AS (
    SELECT firm_id, list(DISTINCT r ORDER BY r) AS roles
    FROM (SELECT firm_id, unnest(roles) AS r FROM m) GROUP BY firm_id
)
SELECT m.firm_id,
       coalesce(any_value(caption.caption), 'id ' || min(m.id_value)) AS caption,
       any_value(country.country) AS country,
       coalesce(any_value(ids.ids), []) AS ids,
       any_value(roles.roles) AS roles,
       count(*) AS member_count,
       sum(m.shipment_count) AS mention_count,
       min(m.first_seen) AS first_seen,
       max(m.last_seen) AS last_seen
FROM m
LEFT JOIN caption USING (firm_id)
LEFT JOIN country USING (firm_id)
LEFT JOIN ids USING (firm_id)
LEFT JOIN roles USING (firm_id)
GROUP BY m.firm_id
ORDER BY m.firm_id
"""

# Screening queries: per firm its caption, other spellings (most used first), country, ids.
FIRM_QUERIES = """
SELECT f.firm_id, f.caption, f.country,
       list(DISTINCT p.id_value) FILTER (p.id_value IS NOT NULL) AS id_values,
       list(p.name ORDER BY p.shipment_count DESC, p.name)
           FILTER (p.name IS NOT NULL AND p.name <> f.caption) AS aliases
FROM firms f JOIN firm_members USING (firm_id) JOIN party_mentions p USING (mention_id)
GROUP BY f.firm_id, f.caption, f.country
ORDER BY f.firm_id
"""

LIST_SNAPSHOT_COUNT = "SELECT count(*) FROM snapshots"

INSERT_RUN = "INSERT INTO resolution_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

FIRM_COUNT = "SELECT count(*) FROM firms"

LIST_FIRMS = """
SELECT f.firm_id, f.caption, f.country, f.ids, f.roles, f.member_count, f.mention_count,
       f.first_seen, f.last_seen,
       (SELECT list(DISTINCT p.name ORDER BY p.name) FROM firm_members fm
         JOIN party_mentions p USING (mention_id)
         WHERE fm.firm_id = f.firm_id AND p.name IS NOT NULL) AS names,
       (SELECT max(s.score) FROM firm_screening s WHERE s.firm_id = f.firm_id) AS best_score,
       (SELECT arg_max(s.entity_id, s.score) FROM firm_screening s
         WHERE s.firm_id = f.firm_id) AS best_entity
FROM firms f
WHERE (? IS NULL OR f.country = ?)
  AND (? IS NULL OR f.member_count >= ?)
  AND (NOT ? OR EXISTS (SELECT 1 FROM firm_screening s WHERE s.firm_id = f.firm_id))
ORDER BY f.mention_count DESC, f.firm_id
LIMIT ?
"""


def cross_country_agreement(column: str) -> str:
    """Share of pairs of model records in *different* countries that agree exactly on
    ``column`` (one of the input table's own columns): pairs across countries are almost
    never the same firm, so this is a u value free of the matches random pairs contain."""
    return f"""
WITH r AS (SELECT {column} AS v, country_code AS c FROM {INPUT_TABLE}
           WHERE country_code IS NOT NULL),
by_country AS (SELECT c, count(*) AS n FROM r GROUP BY c),
total AS (SELECT (sum(n) * sum(n) - sum(n * n)) / 2 AS pairs FROM by_country),
by_value AS (SELECT v, c, count(*) AS n FROM r WHERE v IS NOT NULL GROUP BY v, c),
agree AS (SELECT (sum(n) * sum(n) - sum(n * n)) / 2 AS pairs FROM by_value GROUP BY v)
SELECT coalesce((SELECT sum(pairs) FROM agree), 0), (SELECT pairs FROM total)
"""
