"""Listed counterparty (one hop) indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class ListedCounterparty(LineIndicator):
    """Listed counterparty (one hop): since ``since`` (the invasion), the firm trades on lines
    where another party is a firm matched to a sanctions or export-control list entity at or
    above ``min_score`` (or confirmed by an analyst)."""

    name = "listed_counterparty"
    title = "trades with a listed party"
    version = "2"
