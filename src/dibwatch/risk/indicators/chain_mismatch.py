"""Country-chain mismatch indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class ChainMismatch(LineIndicator):
    """Country-chain mismatch: origin, dispatch and trading country are three different countries
    on a line to the destination."""

    name = "chain_mismatch"
    title = "country chain mismatch (origin, dispatch, trading)"
    version = "1"
