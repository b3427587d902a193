"""Description / HS mismatch indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class HsMismatchParams(LineParams):
    full_share: float = setting(0.1, "share of the firm's trade in those roles meeting the "
                                     "rule at which the score is full")


class HsMismatch(LineIndicator):
    """Description / HS mismatch: the classifier infers a CHPL good from the description or part
    number that the declared HS code hides."""

    name = "hs_mismatch"
    title = "description does not fit the declared HS code"
    version = "1"
    parameters = HsMismatchParams
    rule = "l.misdeclared"
