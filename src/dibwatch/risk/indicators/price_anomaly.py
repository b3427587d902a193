"""Unit-price anomaly indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class PriceAnomaly(LineIndicator):
    """Unit-price anomaly: the robust z-score of log(value / quantity) within HS-6 × brand (median
    and MAD, groups of ``min_group`` lines or more) exceeds ``z_threshold`` in absolute
    value."""

    name = "price_anomaly"
    title = "unit price far from its goods' norm"
    version = "1"
