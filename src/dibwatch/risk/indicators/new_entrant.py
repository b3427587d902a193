"""New entrant indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class NewEntrant(LineIndicator):
    """New entrant: first seen in trade after the invasion day and moving CHPL goods (tiers in
    ``tiers``, 1-2 by default) to the destination; the flagged lines are those lines."""

    name = "new_entrant"
    title = "new trader after the invasion"
    version = "2"
