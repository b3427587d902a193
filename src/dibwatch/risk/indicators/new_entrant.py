"""New entrant indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class NewEntrantParams(LineParams):
    tiers: tuple[str, ...] = setting(("1", "2"), "CHPL tiers that count")
    destination: str = setting("RU", "destination country (ISO-2)")


class NewEntrant(LineIndicator):
    """New entrant: first seen in trade after the invasion day and moving CHPL goods (tiers in
    ``tiers``) to the destination; the flagged lines are those lines."""

    name = "new_entrant"
    title = "new trader after the invasion"
    version = "2"
    parameters = NewEntrantParams
    rule = """l.firm_first_seen > CAST($invasion AS DATE) AND list_contains($tiers, l.chpl_tier)
              AND l.destination_country = $destination"""
