"""What the resolution stage publishes for other stages to read (the ``firm_lines`` and
``firm_counterparties`` views of the workspace): the dashboard, the dossier, the firm network
and the monitor all read a firm's lines and trade partners from here, so they count them the
same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dibwatch.engine import Engine

FIRM_LINES = "firm_lines"  # firm_id, role, load_id, line_no
FIRM_COUNTERPARTIES = "firm_counterparties"

_COUNTERPARTIES = """
SELECT c.counterparty_id, f.caption, f.country, c.own_roles, c.their_roles, c.lines,
       c.value_usd, c.first_day, c.last_day
FROM firm_counterparties c JOIN firms f ON f.firm_id = c.counterparty_id
WHERE c.firm_id = $firm_id
ORDER BY c.value_usd DESC, c.counterparty_id
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
