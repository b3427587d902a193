"""Country-chain mismatch indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class ChainMismatchParams(LineParams):
    destination: str = setting("RU", "destination country (ISO-2)")


class ChainMismatch(LineIndicator):
    """Country-chain mismatch: origin, dispatch and trading country are three different countries
    on a line to the destination."""

    name = "chain_mismatch"
    title = "country chain mismatch (origin, dispatch, trading)"
    version = "1"
    parameters = ChainMismatchParams
    rule = """l.destination_country = $destination AND l.origin_country IS NOT NULL
              AND l.dispatch_country IS NOT NULL AND l.trading_country IS NOT NULL
              AND l.origin_country <> l.dispatch_country
              AND l.trading_country <> l.dispatch_country
              AND l.trading_country <> l.origin_country"""
