"""The packaged CHPL and HS tables equal the shared source files, and the lookup tables agree
with them."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from dibwatch.goods import CHPL_TIERS, chpl_codes, chpl_tier, hs_exists, tier_description
from dibwatch.goods._tables import read_table
from dibwatch.goods.chpl import chpl_hs4_tiers
from dibwatch.goods.tree import hs_codes, hs_sections


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("packaged", "shared_path"),
    [
        ("chpl_hs6_tiers.csv", "chpl/chpl_hs6_tiers.csv"),
        ("harmonized-system.csv", "hs_nomenclature/harmonized-system.csv"),
        ("sections.csv", "hs_nomenclature/sections.csv"),
    ],
)
def test_packaged_table_equals_shared(
    shared: Callable[[str], Path], packaged: str, shared_path: str
) -> None:
    expected = _rows(shared(shared_path))
    assert read_table(packaged) == [{k: v.strip() for k, v in r.items()} for r in expected]


def test_chpl_counts() -> None:
    assert len(chpl_codes()) == 50
    counts = Counter(chpl_tier(code) for code in chpl_codes())
    assert [counts[tier] for tier in CHPL_TIERS] == [4, 5, 16, 9, 11, 5]


def test_hs_counts() -> None:
    # 6,940 data rows in the source: the grand-total row is dropped, chapter 99 is kept.
    assert len(read_table("harmonized-system.csv")) == 6940
    assert len(hs_codes(2)) == 97
    assert len(hs_codes(4)) == 1229
    assert len(hs_codes(6)) == 5613
    assert len(hs_sections()) == 21


def test_every_chpl_code_is_in_hs_2022() -> None:
    assert all(hs_exists(code) for code in chpl_codes())


def test_tier_descriptions() -> None:
    assert tier_description("1") == "Integrated circuits (microelectronics)"
    assert tier_description("4.B") == "CNC machine tools and their parts"
    with pytest.raises(KeyError):
        tier_description("5")


def _check_code_and_tier(hs: str, tier: str | None, where: str) -> None:
    assert hs.isdigit() and len(hs) in (2, 4, 6), where
    assert hs_exists(hs), f"{where}: {hs} is not in HS 2022"
    if len(hs) == 6:
        assert tier == chpl_tier(hs), f"{where}: tier {tier} but CHPL says {chpl_tier(hs)}"
    elif len(hs) == 4 and tier is not None:
        assert tier in chpl_hs4_tiers(hs), f"{where}: no tier {tier} under heading {hs}"
    elif tier is not None:
        assert tier in CHPL_TIERS, where


def test_goods_terms_agree_with_chpl() -> None:
    rows = read_table("goods_terms.csv")
    assert len(rows) >= 200
    assert {row["language"] for row in rows} == {"en", "ru", "zh"}
    for row in rows:
        _check_code_and_tier(row["hs"], row["tier"] or None, f"term {row['term']!r}")


def test_brand_models_agree_with_chpl_and_match_their_examples() -> None:
    from dibwatch.goods import model_of

    for row in read_table("brand_models.csv"):
        where = f"pattern {row['pattern']!r}"
        if row["hs"]:
            _check_code_and_tier(row["hs"], row["tier"] or None, where)
        assert re.match(row["pattern"], row["example"], re.IGNORECASE), where
        found = model_of(f"lot 7: {row['example']} 100 pcs")
        assert found is not None and found.brand.name == row["brand"], where


def test_brands_table_shape() -> None:
    from dibwatch.model.country import is_country_code

    rows = read_table("brands.csv")
    assert len(rows) >= 60
    for row in rows:
        assert is_country_code(row["country"]), row["brand"]
        assert row["aliases"] or row["exact_aliases"], row["brand"]
    coalition = read_table("coalition.csv")
    # US + AU, CA, GB, JP, NZ + 27 EU members + KR + NO, CH, IS, LI + TW
    assert len(coalition) == len({row["country"] for row in coalition}) == 1 + 5 + 27 + 1 + 4 + 1
    assert sum(row["group"] == "EU" for row in coalition) == 27
