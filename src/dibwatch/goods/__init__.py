"""Goods: HS codes, the Common High Priority List (CHPL), brands and line classification.

- :func:`normalize_hs` reads an HS code as customs records write it -> :class:`HsCode`.
- :func:`chpl_tier` / :data:`CHPL_TIERS` / :func:`tier_description`: the CHPL.
- :func:`hs_description`, :func:`hs_parent`, :func:`hs_section`: the HS 2022 tree.
- :func:`brand_of` finds a manufacturer in free text or a part number -> :class:`Brand`;
  :func:`coalition_member` says whether a country joined the export-control coalition.
- :func:`classify_line` classifies one declaration line -> :class:`LineClass`;
  :func:`classify_table` a whole Arrow table of shipments.

The tables are in ``data/`` with their sources in ``data/README.md``.
"""

from dibwatch.goods.batch import OUTPUT_SCHEMA, classify_table
from dibwatch.goods.brands import (
    Brand,
    ModelMatch,
    brand_named,
    brand_of,
    brands,
    coalition_joined,
    coalition_member,
    model_of,
)
from dibwatch.goods.chpl import (
    CHPL_TIERS,
    ChplEntry,
    chpl_codes,
    chpl_entry,
    chpl_tier,
    tier_description,
)
from dibwatch.goods.classify import LineClass, classify_line
from dibwatch.goods.hs import HsCode, normalize_hs
from dibwatch.goods.terms import GoodsTerm, TermMatch, find_terms
from dibwatch.goods.tree import HsSection, hs_description, hs_exists, hs_parent, hs_section

__all__ = [
    "CHPL_TIERS",
    "OUTPUT_SCHEMA",
    "Brand",
    "ChplEntry",
    "GoodsTerm",
    "HsCode",
    "HsSection",
    "LineClass",
    "ModelMatch",
    "TermMatch",
    "brand_named",
    "brand_of",
    "brands",
    "chpl_codes",
    "chpl_entry",
    "chpl_tier",
    "classify_line",
    "classify_table",
    "coalition_joined",
    "coalition_member",
    "find_terms",
    "hs_description",
    "hs_exists",
    "hs_parent",
    "hs_section",
    "model_of",
    "normalize_hs",
    "tier_description",
]
