"""New entrant indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class NewEntrantParams(LineParams):
    tiers: tuple[str, ...] = setting(("1", "2"), "CHPL tiers that count")
    destination: str = setting("RU", "destination country (ISO-2)")


class NewEntrant(LineIndicator):
    """New entrant: first seen in trade after the invasion day and moving CHPL goods (tiers in
    ``tiers``) to the destination, as exporter or as contract holder paying for another
    firm's imports; the flagged lines are those lines, scored by their share of the firm's
    trade (a young firm for which Russia is one market among many scores little)."""

    name = "new_entrant"
    title = "new trader after the invasion"
    version = "3"
    parameters = NewEntrantParams
    rule = f"""{store.SUPPLIES} AND l.firm_first_seen > CAST($invasion AS DATE)
              AND list_contains($tiers, l.chpl_tier)
              AND l.destination_country = $destination"""
