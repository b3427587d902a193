"""Forwarder as consignee indicator."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator, RunContext


@cache
def forwarder_pattern() -> str:
    """One regular expression (RE2 syntax, lower case) matching any term of the bundled
    ``forwarder_terms.csv`` (English, Russian, Chinese, German, Turkish words for freight
    forwarding, logistics and transport)."""
    text = resources.files("dibwatch.risk").joinpath("data", "forwarder_terms.csv")
    with text.open(encoding="utf-8") as fh:
        terms = sorted({row["term"].strip().lower() for row in csv.DictReader(fh)
                        if row["term"].strip()}, key=len, reverse=True)
    return "(" + "|".join(re.escape(t) for t in terms) + ")"


class ForwarderConsignee(LineIndicator):
    """Forwarder or logistics firm as consignee: CHPL goods (tiers in ``tiers``) shipped after
    the invasion to the destination or a transshipment hub, consigned to a firm whose name
    says it is a freight forwarder, logistics or transport firm (terms table
    ``forwarder_terms.csv``) — BIS's red flag of a forwarder named as the final consignee.
    Raised on the firm that shipped them."""

    name = "forwarder_consignee"
    title = "forwarder or logistics firm as consignee"
    version = "1"

    def prepare(self, ctx: RunContext) -> None:
        ctx.engine.execute(store.CREATE_FORWARDERS, [forwarder_pattern()])
