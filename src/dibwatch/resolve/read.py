"""What the resolution stage publishes for other stages to read (the ``firm_lines`` and
``firm_counterparties`` views of the workspace): the dashboard, the dossier, the firm network
and the monitor all read a firm's lines and trade partners from here, so they count them the
same way."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from dibwatch.engine import Engine

FIRM_LINES = "firm_lines"  # firm_id, role, load_id, line_no
FIRM_COUNTERPARTIES = "firm_counterparties"

# The rows of the firm_counterparties view for one firm, with the firm chosen first: DuckDB
# does not push a filter on the view's output into its self-join, so selecting from the view
# computed every firm's partners for each dossier (minutes per report at 1M shipments).
# tests/web/test_read_models.py holds it equal to the view.
_COUNTERPARTIES = """
WITH own AS (SELECT DISTINCT role, load_id, line_no FROM firm_lines WHERE firm_id = $firm_id),
pairs AS (
    SELECT b.firm_id AS counterparty_id, a.role AS own_role, b.role AS their_role,
           a.load_id, a.line_no
    FROM own a JOIN firm_lines b
      ON a.load_id = b.load_id AND a.line_no = b.line_no AND b.firm_id <> $firm_id
), roles AS (
    SELECT counterparty_id, list(DISTINCT own_role ORDER BY own_role) AS own_roles,
           list(DISTINCT their_role ORDER BY their_role) AS their_roles
    FROM pairs GROUP BY counterparty_id
), lines AS (
    SELECT DISTINCT counterparty_id, load_id, line_no FROM pairs
), totals AS (
    SELECT l.counterparty_id, count(*) AS lines, sum(coalesce(s.value_usd, 0)) AS value_usd,
           min(s."date") AS first_day, max(s."date") AS last_day
    FROM lines l JOIN shipments s USING (load_id, line_no)
    GROUP BY l.counterparty_id
)
SELECT t.counterparty_id, f.caption, f.country, r.own_roles, r.their_roles, t.lines,
       t.value_usd, t.first_day, t.last_day
FROM totals t JOIN roles r USING (counterparty_id) JOIN firms f ON f.firm_id = t.counterparty_id
-- Rounded to the cent: a float sum depends on the order rows arrive in, and two partners
-- on the same lines must tie (then the id decides) on every run.
ORDER BY round(t.value_usd, 2) DESC, t.counterparty_id
LIMIT $limit
"""
_PARTNERS = """
SELECT firm_id, counterparty_id FROM firm_counterparties
WHERE list_contains($firms, firm_id) ORDER BY firm_id, counterparty_id
"""


@dataclass(frozen=True)
class Counterparty:
    firm_id: int
    caption: str
    country: str | None
    own_roles: tuple[str, ...]  # the roles this firm played on the shared lines
    their_roles: tuple[str, ...]
    lines: int  # shared shipment lines, each once
    value_usd: float
    first_day: date | None
    last_day: date | None


def counterparties(engine: Engine, firm_id: int, limit: int = 100) -> list[Counterparty]:
    """The firms on ``firm_id``'s shipment lines, largest trade value first."""
    return [Counterparty(int(r[0]), r[1], r[2], tuple(r[3] or ()), tuple(r[4] or ()),
                         int(r[5]), float(r[6] or 0.0), r[7], r[8])
            for r in engine.query(_COUNTERPARTIES, {"firm_id": firm_id, "limit": limit})]


def trade_partners(engine: Engine, firm_ids: list[int]) -> list[tuple[int, int]]:
    """(firm, partner) for every partner of the given firms."""
    return [(int(a), int(b)) for a, b in engine.query(_PARTNERS, {"firms": firm_ids})]


_LINKS = """
SELECT l.mention_l, a.name, a.id_value, l.mention_r, b.name, b.id_value, l.match_probability,
       l.match_weight, l.levels, l.source
FROM firm_links l
JOIN party_mentions a ON a.mention_id = l.mention_l
JOIN party_mentions b ON b.mention_id = l.mention_r
WHERE l.firm_id = $firm_id
ORDER BY l.match_probability DESC, l.mention_l, l.mention_r
LIMIT $limit
"""
_REFUSED = """
SELECT CASE WHEN r.firm_l = $firm_id THEN r.firm_r ELSE r.firm_l END AS other_firm,
       f.caption, a.name, b.name, r.match_probability, r.reason
FROM firm_link_refusals r
JOIN party_mentions a ON a.mention_id = CASE WHEN r.firm_l = $firm_id THEN r.mention_l
                                             ELSE r.mention_r END
JOIN party_mentions b ON b.mention_id = CASE WHEN r.firm_l = $firm_id THEN r.mention_r
                                             ELSE r.mention_l END
JOIN firms f ON f.firm_id = CASE WHEN r.firm_l = $firm_id THEN r.firm_r ELSE r.firm_l END
WHERE (r.firm_l = $firm_id OR r.firm_r = $firm_id) AND r.firm_l <> r.firm_r
ORDER BY r.match_probability DESC
LIMIT $limit
"""


@dataclass(frozen=True)
class JoinedBy:
    """A link that joined two of the firm's spellings: the model's evidence, or an analyst."""

    left: str
    left_id: str | None
    right: str
    right_id: str | None
    probability: float
    weight: float | None
    levels: dict[str, str]
    source: str  # "model" or "analyst"


@dataclass(frozen=True)
class KeptApart:
    """A link over the threshold that was not used: the firm it would have joined, and why."""

    other_firm: int
    other_caption: str
    own_name: str
    other_name: str
    probability: float
    reason: str


def joined_by(engine: Engine, firm_id: int, limit: int = 500) -> list[JoinedBy]:
    return [JoinedBy(r[1] or "", r[2], r[4] or "", r[5], float(r[6]),
                     None if r[7] is None else float(r[7]),
                     json.loads(r[8]) if isinstance(r[8], str) else dict(r[8] or {}), r[9])
            for r in engine.query(_LINKS, {"firm_id": firm_id, "limit": limit})]


def kept_apart(engine: Engine, firm_id: int, limit: int = 50) -> list[KeptApart]:
    return [KeptApart(int(r[0]), r[1], r[2] or "", r[3] or "", float(r[4]), r[5])
            for r in engine.query(_REFUSED, {"firm_id": firm_id, "limit": limit})]


COMPARISONS = {"id_norm": "identifier", "norm_name": "name", "country_code": "country",
               "address_norm": "address"}


def evidence_text(link: JoinedBy) -> str:
    """The comparison levels in words: "name: Exact match on norm_name; country: …"."""
    if link.source == "analyst":
        return "merged by an analyst"
    return "; ".join(f"{COMPARISONS.get(k, k)}: {v}" for k, v in link.levels.items())
