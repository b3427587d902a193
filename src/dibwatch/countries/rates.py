"""Currency and valuation conversions for comparing statistics.

EUR values become USD at the ECB's yearly average reference rate (``data/eur_usd.csv``): a
yearly flow is the sum of a year's transactions, so the year's average rate is the right one
(an end-of-year rate would move a whole year's value by one day's market).

Imports are valued CIF (cost, insurance, freight to the importer's border), exports FOB (free
on board at the exporter's border); the same goods are worth more on arrival. Mirror
comparisons divide CIF imports by ``cif_fob_factor`` — default 1.06, the IMF Direction of
Trade Statistics convention of a 6 % freight-and-insurance margin — before comparing them with
FOB exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from dibwatch.countries.tables import read_table
from dibwatch.errors import ConfigError

DEFAULT_CIF_FOB = 1.06


@lru_cache(maxsize=1)
def eur_usd_rates() -> dict[int, float]:
    """Year -> US dollars per euro (ECB yearly average)."""
    return {int(r["year"]): float(r["usd_per_eur"]) for r in read_table("eur_usd.csv")}


@dataclass(frozen=True)
class Conversion:
    cif_fob_factor: float = DEFAULT_CIF_FOB
    usd_per_eur: Mapping[int, float] = field(default_factory=eur_usd_rates)

    def __post_init__(self) -> None:
        if not 1.0 <= self.cif_fob_factor < 2.0:
            raise ConfigError(f"CIF/FOB factor {self.cif_fob_factor} out of range [1, 2)")

    def to_usd(self, value: float, currency: str, year: int) -> float:
        if currency == "USD":
            return value
        if currency != "EUR":
            raise ConfigError(f"no rate table for {currency!r} (known: USD, EUR)")
        try:
            return value * self.usd_per_eur[year]
        except KeyError:
            raise ConfigError(f"no EUR/USD rate for {year} in countries/data/eur_usd.csv") \
                from None

    def to_fob(self, value: float, valuation: str) -> float:
        """A CIF value brought to FOB; FOB values unchanged."""
        return value / self.cif_fob_factor if valuation == "CIF" else value
