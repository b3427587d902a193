"""Contract holder ≠ consignee indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator, RunContext
from dibwatch.risk.params import LineParams, setting

PAYER_TABLE = "_risk_payer"
L = store.LINES_TABLE
# For every contract holder × consignee pair on lines to the destination: the share of the
# consignee's lines (as importer, to the destination) that this contract holder paid for.
CREATE_PAYER = f"""
CREATE OR REPLACE TEMP TABLE {PAYER_TABLE} AS
WITH consignee AS (
    SELECT firm_id, count(*) AS lines
    FROM (SELECT DISTINCT firm_id, load_id, line_no FROM {L}
          WHERE role = 'importer' AND destination_country = $destination)
    GROUP BY firm_id
), paid AS (
    SELECT payer, consignee, count(*) AS lines
    FROM (SELECT DISTINCT c.firm_id AS payer, i.firm_id AS consignee, i.load_id, i.line_no
          FROM {L} c JOIN {L} i ON i.load_id = c.load_id AND i.line_no = c.line_no
                               AND i.role = 'importer' AND i.firm_id <> c.firm_id
          WHERE c.role = 'contract_holder' AND c.destination_country = $destination)
    GROUP BY payer, consignee
)
SELECT p.payer, p.consignee, p.lines / n.lines AS share
FROM paid p JOIN consignee n ON n.firm_id = p.consignee
"""


@dataclass(frozen=True)
class ContractHolderParams(LineParams):
    roles: tuple[str, ...] = setting(("contract_holder",), "the firm's roles on the lines the "
                                                           "rule looks at")
    destination: str = setting("RU", "destination country (ISO-2)")
    since: str = setting("2022-02-24", "first day that counts (ISO date)")
    max_payer_share: float = setting(
        0.5, "largest share of the consignee's imports the firm may pay for and still be an "
             "outsider to the consignee's trade")


class ContractHolderMismatch(LineIndicator):
    """Contract holder ≠ consignee: since ``since`` (the invasion) the firm holds the contract
    on lines to the destination whose importer is another firm, a consignee for which it pays
    only now and then (at most ``max_payer_share`` of the consignee's imports to the
    destination, across all declarations). A parent company or a regular trading agent pays
    for most of its consignees' imports, year in, year out; a payer front turns up on a few
    declarations of many consignees that otherwise contract for themselves."""

    name = "contract_holder_mismatch"
    title = "contract holder differs from the consignee"
    version = "2"
    parameters = ContractHolderParams
    # A contract holder on a line whose consignee (importer) is another firm it seldom pays for.
    rule = f"""l.destination_country = $destination AND l.day >= CAST($since AS DATE)
        AND EXISTS (SELECT 1 FROM {L} o JOIN {PAYER_TABLE} p
                        ON p.payer = l.firm_id AND p.consignee = o.firm_id
                    WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                      AND o.role = 'importer' AND p.share <= $max_payer_share)"""

    def prepare(self, ctx: RunContext) -> None:
        ctx.execute(CREATE_PAYER, self)

    def run(self, ctx: RunContext) -> int:
        with ctx.temporary(PAYER_TABLE):
            return super().run(ctx)
