"""Contract holder ≠ consignee indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator
from dibwatch.risk.params import LineParams, setting


@dataclass(frozen=True)
class ContractHolderParams(LineParams):
    roles: tuple[str, ...] = setting(("contract_holder",), "the firm's roles on the lines the "
                                                           "rule looks at")
    destination: str = setting("RU", "destination country (ISO-2)")


class ContractHolderMismatch(LineIndicator):
    """Contract holder ≠ consignee: the firm holds the contract on lines to the destination whose
    importer is another firm."""

    name = "contract_holder_mismatch"
    title = "contract holder differs from the consignee"
    version = "1"
    parameters = ContractHolderParams
    # A contract holder on a line whose consignee (importer) is another firm.
    rule = f"""l.destination_country = $destination
        AND EXISTS (SELECT 1 FROM {store.LINES_TABLE} o
                    WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                      AND o.role = 'importer')
        AND NOT EXISTS (SELECT 1 FROM {store.LINES_TABLE} o
                        WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                          AND o.role = 'importer' AND o.firm_id = l.firm_id)"""
