"""The Common High Priority List (CHPL): 50 HS-6 codes in tiers 1, 2, 3.A, 3.B, 4.A, 4.B.

Published jointly by the US, EU, UK and Japan (version of 23 Feb 2024); tier 1 (integrated
circuits) is the highest priority. Read from ``data/chpl_hs6_tiers.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dibwatch.goods._tables import read_table

# Highest priority first; the order is the CHPL's own and is used to rank competing tiers.
CHPL_TIERS: tuple[str, ...] = ("1", "2", "3.A", "3.B", "4.A", "4.B")


@dataclass(frozen=True)
class ChplEntry:
    hs6: str
    tier: str
    hs4: str
    description: str
    """The HS 2022 subheading text (not the CHPL's own item description)."""


@lru_cache(maxsize=1)
def _entries() -> dict[str, ChplEntry]:
    entries: dict[str, ChplEntry] = {}
    for row in read_table("chpl_hs6_tiers.csv"):
        if row["tier"] not in CHPL_TIERS:
            raise ValueError(f"chpl_hs6_tiers.csv: unknown tier {row['tier']!r}")
        entries[row["hs6"]] = ChplEntry(
            row["hs6"], row["tier"], row["hs4"], row["hs2022_hs6_description"]
        )
    return entries


@lru_cache(maxsize=1)
def _tier_descriptions() -> dict[str, str]:
    return {row["tier"]: row["tier_group_description"] for row in read_table("chpl_hs6_tiers.csv")}


def chpl_tier(hs6: str | None) -> str | None:
    """CHPL tier of an HS code ("854231" -> "1"); longer national codes use their first six
    digits, separators are ignored; None when not on the list or shorter than six digits."""
    if not hs6:
        return None
    digits = hs6.replace(".", "").replace(" ", "")
    if len(digits) < 6 or not digits[:6].isdigit():
        return None
    entry = _entries().get(digits[:6])
    return entry.tier if entry else None


def chpl_entry(hs6: str) -> ChplEntry | None:
    return _entries().get(hs6.replace(".", "").replace(" ", "")[:6])


def chpl_codes(tier: str | None = None) -> tuple[str, ...]:
    """The CHPL HS-6 codes in list order, optionally of one tier."""
    return tuple(code for code, e in _entries().items() if tier is None or e.tier == tier)


def chpl_hs4_tiers(hs4: str) -> frozenset[str]:
    """Tiers of the CHPL codes under a heading ("8541" -> {"3.A"}; "8471" -> {"3.A", "4.A"})."""
    return frozenset(e.tier for e in _entries().values() if e.hs4 == hs4)


def tier_description(tier: str) -> str:
    """What a tier covers ("1" -> "Integrated circuits (microelectronics)")."""
    try:
        return _tier_descriptions()[tier]
    except KeyError:
        raise KeyError(f"unknown CHPL tier {tier!r}; tiers are {', '.join(CHPL_TIERS)}") from None


def tier_rank(tier: str) -> int:
    """0 for tier 1 (highest priority) up to 5 for 4.B."""
    return CHPL_TIERS.index(tier)
