"""Transshipment hub routing indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class HubRouting(LineIndicator):
    """Transshipment hub routing: CHPL goods (tiers in ``tiers``) to the destination dispatched
    from a hub country (date-aware list ``hubs`` in the configuration) that is not their
    country of origin."""

    name = "hub_routing"
    title = "CHPL goods routed through a transshipment hub"
    version = "2"
