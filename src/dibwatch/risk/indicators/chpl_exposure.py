"""CHPL exposure indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class ChplExposureParams(LineParams):
    tiers: tuple[str, ...] = setting(("1", "2"), "CHPL tiers that count")
    destination: str = setting("RU", "destination country (ISO-2)")
    since: str = setting("2022-02-24", "first day that counts (ISO date)")


class ChplExposure(LineIndicator):
    """CHPL exposure: the firm's Common High Priority List goods (tiers in ``tiers``) shipped
    to the destination since ``since`` (the invasion), or paid for as contract holder of
    another firm's imports, by value and as a share of its trade."""

    name = "chpl_exposure"
    title = "battlefield (CHPL) goods to Russia since the invasion"
    version = "3"
    parameters = ChplExposureParams
    # A contract holder's own imports are not goods it supplies.
    rule = f"""{store.SUPPLIES} AND list_contains($tiers, l.chpl_tier)
              AND l.destination_country = $destination
              AND l.day >= CAST($since AS DATE)"""
