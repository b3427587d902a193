"""New entrant indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class NewEntrant(LineIndicator):
    """New entrant: first seen in trade after the invasion day and moving CHPL tier 1-2 goods; the
    flagged lines are those tier 1-2 lines."""

    name = "new_entrant"
    version = "1"
