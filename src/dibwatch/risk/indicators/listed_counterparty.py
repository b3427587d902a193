"""Listed counterparty indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class ListedCounterpartyParams(LineParams):
    roles: tuple[str, ...] = setting(("exporter", "contract_holder"),
                                     "the firm's roles on the lines the rule looks at")
    since: str = setting("2022-02-24", "first day that counts (ISO date)")
    min_score: float = setting(0.9, "list match score at which a counterparty counts as listed")


class ListedCounterparty(LineIndicator):
    """Listed counterparty (one hop): since ``since`` (the invasion), the firm trades on lines
    where another party is a firm matched to a sanctions or export-control list entity at or
    above ``min_score`` (or confirmed by an analyst)."""

    name = "listed_counterparty"
    title = "trades with a listed party"
    version = "2"
    parameters = ListedCounterpartyParams
    # Since the invasion: trade with a party before the wave of designations that followed it
    # is no sign of evasion.
    rule = f"""l.day >= CAST($since AS DATE)
        AND EXISTS (SELECT 1 FROM {store.LINES_TABLE} o JOIN {store.SCREENING_TABLE} fs
                        USING (firm_id)
                    WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                      AND o.firm_id <> l.firm_id AND fs.score >= $min_score)"""
