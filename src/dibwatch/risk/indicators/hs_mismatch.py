"""Description / HS mismatch indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class HsMismatch(LineIndicator):
    """Description / HS mismatch: the classifier infers a CHPL good from the description or part
    number that the declared HS code hides."""

    name = "hs_mismatch"
    title = "description does not fit the declared HS code"
    version = "1"
