"""Coalition brand via a third country indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class CoalitionBrandParams(LineParams):
    destination: str = setting("RU", "destination country (ISO-2)")
    since: str = setting("2022-02-24", "first day that counts (ISO date)")


class CoalitionBrandThirdCountry(LineIndicator):
    """Coalition brand via a third country: a brand made in a coalition country, exported to the
    destination since ``since`` (the invasion) by a firm outside the coalition."""

    name = "coalition_brand_third_country"
    title = "coalition-made brand re-exported via a third country"
    version = "2"
    parameters = CoalitionBrandParams
    rule = """l.coalition_brand AND l.destination_country = $destination
              AND l.day >= CAST($since AS DATE) AND l.exporter_country IS NOT NULL
              AND NOT list_contains($coalition, l.exporter_country)"""
