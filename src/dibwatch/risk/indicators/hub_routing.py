"""Transshipment hub routing indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import ALL_TIERS, LineParams, setting


@dataclass(frozen=True)
class HubRoutingParams(LineParams):
    destination: str = setting("RU", "destination country (ISO-2)")
    tiers: tuple[str, ...] = setting(ALL_TIERS, "CHPL tiers that count")
    coalition_origin: bool = setting(True, "count only goods whose declared origin is a "
                                           "coalition country")


class HubRouting(LineIndicator):
    """Transshipment hub routing: CHPL goods (tiers in ``tiers``) to the destination dispatched
    from a hub country (date-aware list ``hubs`` in the configuration) that is not their
    country of origin; with ``coalition_origin``, only goods made in a coalition country
    (the goods the coalition's controls cover: a Kazakh firm reselling Chinese-made parts
    routes nothing around them)."""

    name = "hub_routing"
    title = "CHPL goods routed through a transshipment hub"
    version = "3"
    parameters = HubRoutingParams
    # Dispatched from a hub country that is not where the goods were made, on or after the
    # day that hub counts. A line without a declared origin shows no routing.
    rule = f"""l.destination_country = $destination AND list_contains($tiers, l.chpl_tier)
        AND l.origin_country IS NOT NULL AND l.dispatch_country <> l.origin_country
        AND (NOT $coalition_origin OR list_contains($coalition, l.origin_country))
        AND EXISTS (SELECT 1 FROM {store.HUBS_TABLE} h
                    WHERE h.country = l.dispatch_country AND l.day >= h.since)"""
