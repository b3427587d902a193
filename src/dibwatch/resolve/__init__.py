"""Trade-party resolution: exporter, importer and contract-holder mentions -> firms.

Distinct mentions are normalised with the screening matcher's name analysis, linked with a
Splink (Fellegi-Sunter) model, clustered into firms, and each firm is screened against the
loaded lists. See :mod:`dibwatch.resolve.splink_model` for the model.
"""

from dibwatch.resolve.pipeline import (
    FirmRow,
    ResolutionResult,
    current_resolution,
    list_firms,
    resolve_parties,
)

__all__ = ["FirmRow", "ResolutionResult", "current_resolution", "list_firms",
           "resolve_parties"]
