"""CHPL exposure indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class ChplExposure(LineIndicator):
    """CHPL exposure: the firm's Common High Priority List goods (tiers in ``tiers``) shipped to
    the destination since ``since`` (the invasion), by value and as a share of its trade."""

    name = "chpl_exposure"
    title = "battlefield (CHPL) goods to Russia since the invasion"
    version = "2"
