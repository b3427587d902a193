"""Coalition brand via a third country indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class CoalitionBrandThirdCountry(LineIndicator):
    """Coalition brand via a third country: a brand made in a coalition country, exported to the
    destination since ``since`` (the invasion) by a firm outside the coalition."""

    name = "coalition_brand_third_country"
    title = "coalition-made brand re-exported via a third country"
    version = "2"
