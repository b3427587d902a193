"""One row of the country-flow table, as every reader yields it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Flow = Literal["import", "export"]
Granularity = Literal["year", "month"]
TOTAL = "TOTAL"  # hs_code of an all-goods total
SKIPPED = "skipped rows"  # LoadReport counter of rows a reader reported and did not yield


@dataclass(frozen=True)
class FlowRow:
    """``value`` is in whole currency units (the IMF's millions are multiplied out);
    ``valuation`` is CIF / FOB when the source says so."""

    line_no: int
    reporter: str
    partner: str
    flow: Flow
    year: int
    month: int | None
    value: float
    currency: str
    hs_code: str = TOTAL
    valuation: str | None = None

    @property
    def granularity(self) -> Granularity:
        return "year" if self.month is None else "month"

    @property
    def period(self) -> str:
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"


def as_flow(text: str) -> Flow:
    """``"import"`` / ``"export"`` from a lookup table value; ValueError otherwise."""
    if text == "import":
        return "import"
    if text == "export":
        return "export"
    raise ValueError(f"flow must be 'import' or 'export', not {text!r}")
