"""Coalition brand via a third country indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import ALL_TIERS, LineParams, setting


@dataclass(frozen=True)
class CoalitionBrandParams(LineParams):
    destination: str = setting("RU", "destination country (ISO-2)")
    since: str = setting("2022-02-24", "first day that counts (ISO date)")
    tiers: tuple[str, ...] = setting(ALL_TIERS, "CHPL tiers that count")


class CoalitionBrandThirdCountry(LineIndicator):
    """Coalition brand via a third country: CHPL goods (tiers in ``tiers``) of a brand made
    in a coalition country, exported to the destination since ``since`` (the invasion) by a
    firm outside the coalition. The share is taken over the firm's exports of coalition-brand
    CHPL goods since then to any destination: a licensed distributor sells the brand to many
    markets, a re-exporter sends it where the maker may not (brand origin against route)."""

    name = "coalition_brand_third_country"
    title = "coalition-made brand re-exported via a third country"
    version = "3"
    parameters = CoalitionBrandParams
    scope = """l.coalition_brand AND list_contains($tiers, l.chpl_tier)
               AND l.day >= CAST($since AS DATE) AND l.exporter_country IS NOT NULL
               AND NOT list_contains($coalition, l.exporter_country)"""
    rule = f"""{scope} AND l.destination_country = $destination"""
