"""The HS 2022 nomenclature as a tree: chapters (HS2), headings (HS4), subheadings (HS6).

Read from ``data/harmonized-system.csv`` (WCO HS 2022 via github.com/datasets/harmonized-system).
Codes are looked up as digit strings; dots and spaces are ignored so "8542.31" works too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dibwatch.goods._tables import read_table


@dataclass(frozen=True)
class HsSection:
    """One of the 21 HS sections, e.g. XVI "Machinery and mechanical appliances; ..."."""

    numeral: str
    name: str


@dataclass(frozen=True)
class HsNode:
    code: str
    description: str
    parent: str | None
    level: int
    section: str | None


@lru_cache(maxsize=1)
def _nodes() -> dict[str, HsNode]:
    nodes: dict[str, HsNode] = {}
    for row in read_table("harmonized-system.csv"):
        if row["hscode"] == "TOTAL":  # the grand-total row is no commodity
            continue
        parent = row["parent"] if row["parent"] != "TOTAL" else None
        # Chapter 99 ("not specified according to kind") sits in pseudo-section TOTAL.
        section = row["section"] if row["section"] != "TOTAL" else None
        nodes[row["hscode"]] = HsNode(
            row["hscode"], row["description"], parent, int(row["level"]), section
        )
    return nodes


@lru_cache(maxsize=1)
def _sections() -> dict[str, HsSection]:
    return {
        row["section"]: HsSection(row["section"], row["name"])
        for row in read_table("sections.csv")
    }


def _clean(code: str) -> str:
    return code.replace(".", "").replace(" ", "").strip()


def hs_node(code: str) -> HsNode | None:
    """The tree node of an HS2/HS4/HS6 code, or None when the code is not in HS 2022."""
    return _nodes().get(_clean(code))


def hs_exists(code: str) -> bool:
    return _clean(code) in _nodes()


def hs_description(code: str) -> str | None:
    """The nomenclature text of an HS2/HS4/HS6 code ("8542" -> "Electronic integrated ...")."""
    node = hs_node(code)
    return node.description if node else None


def hs_parent(code: str) -> str | None:
    """The code one level up ("854231" -> "8542" -> "85" -> None); None for unknown codes."""
    node = hs_node(code)
    return node.parent if node else None


def hs_section(code: str) -> HsSection | None:
    """The HS section of a code ("8542" -> XVI); None for unknown codes and chapter 99."""
    node = hs_node(code)
    if node is None or node.section is None:
        return None
    return _sections().get(node.section)


def hs_codes(level: int | None = None) -> tuple[str, ...]:
    """All codes of the tree in file order, optionally of one level (2, 4 or 6)."""
    return tuple(code for code, node in _nodes().items() if level is None or node.level == level)


def hs_sections() -> tuple[HsSection, ...]:
    return tuple(_sections().values())
