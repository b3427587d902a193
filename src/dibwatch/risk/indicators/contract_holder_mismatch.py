"""Contract holder ≠ consignee indicator."""

from __future__ import annotations

from dibwatch.risk.indicators.base import LineIndicator


class ContractHolderMismatch(LineIndicator):
    """Contract holder ≠ consignee: the firm holds the contract on lines to the destination whose
    importer is another firm."""

    name = "contract_holder_mismatch"
    title = "contract holder differs from the consignee"
    version = "1"
