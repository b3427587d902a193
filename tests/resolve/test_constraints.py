"""Firms never join two legal persons: conflicting valid registry numbers, analysts' splits
and address-only links are refused, strongest links first; analysts' merges win."""

from __future__ import annotations

from pathlib import Path

import pytest

from dibwatch.demo import run_demo
from dibwatch.resolve.constraints import (
    NAMES_DIFFER,
    SAME_ID,
    Corrections,
    Link,
    Registration,
    cluster,
    registration,
)
from dibwatch.workspace import Workspace

NAME = {"norm_name": "Exact match on norm_name", "id_norm": "All other comparisons"}
ADDRESS_ONLY = {"norm_name": NAMES_DIFFER, "id_norm": "All other comparisons",
                "address_norm": "Exact match on address_norm"}
HK_A, HK_B = Registration("HKCR", "6161247"), Registration("HKCR", "0795122")


def firms(result: dict[int, int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for mention, firm in result.items():
        groups.setdefault(firm, set()).add(mention)
    return {frozenset(g) for g in groups.values()}


# name, mentions' registrations, links (left, right, probability, levels), expected firms
CASES: list[tuple[str, dict[int, Registration], list[tuple[int, int, float, dict[str, str]]],
                  set[frozenset[int]]]] = [
    ("plain chain joins", {}, [(1, 2, 0.99, NAME), (2, 3, 0.95, NAME)],
     {frozenset({1, 2, 3})}),
    ("two registry numbers stay apart", {1: HK_A, 2: HK_B},
     [(1, 2, 0.999, NAME)], {frozenset({1}), frozenset({2})}),
    # 3 has no number: it joins the stronger side, and the weaker chain to 2 is refused.
    ("a weak link cannot chain two legal persons", {1: HK_A, 2: HK_B},
     [(1, 3, 0.99, NAME), (3, 2, 0.93, NAME)], {frozenset({1, 3}), frozenset({2})}),
    ("different schemes do not conflict", {1: Registration("INN", "7704730655"),
                                           2: Registration("OGRN", "1027700132195")},
     [(1, 2, 0.99, NAME)], {frozenset({1, 2})}),
    ("the same number joins", {1: HK_A, 2: HK_A}, [(1, 2, 0.97, NAME)], {frozenset({1, 2})}),
    ("an address alone is a network edge", {}, [(1, 2, 0.96, ADDRESS_ONLY)],
     {frozenset({1}), frozenset({2})}),
    ("the same id with names that differ joins", {},
     [(1, 2, 0.99, {**ADDRESS_ONLY, "id_norm": SAME_ID})], {frozenset({1, 2})}),
]


@pytest.mark.parametrize(("regs", "links", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_cases(regs: dict[int, Registration],
               links: list[tuple[int, int, float, dict[str, str]]],
               expected: set[frozenset[int]]) -> None:
    result = cluster([1, 2, 3] if any(3 in k[:2] for k in links) else [1, 2],
                     [Link(a, b, p, 10.0, lv) for a, b, p, lv in links], registrations=regs)
    assert firms(result.firm_of) == expected
    for refusal in result.refused:
        assert refusal.reason


def test_refusals_say_why_and_keep_the_evidence() -> None:
    result = cluster([1, 2], [Link(1, 2, 0.999, 12.5, NAME)], registrations={1: HK_A, 2: HK_B})
    (refusal,) = result.refused
    assert refusal.reason == "different HKCR numbers: 6161247 and 0795122"
    assert refusal.link.weight == 12.5 and refusal.link.levels == NAME


def test_analysts_split_and_merge_survive_as_key_constraints() -> None:
    keys = {1: "a", 2: "b", 3: "c", 4: "d"}
    links = [Link(1, 2, 0.99, 9.0, NAME), Link(3, 4, 0.98, 9.0, NAME)]
    split = cluster(keys, links, registrations={}, keys=keys,
                    corrections=Corrections(apart=(("a", "b"),)))
    assert firms(split.firm_of) == {frozenset({1}), frozenset({2}), frozenset({3, 4})}
    # Renumbered mentions (a new resolution): the keys still find them.
    renumbered = {10: "b", 11: "a", 12: "d", 13: "c"}
    merged = cluster(renumbered, [Link(12, 13, 0.98, 9.0, NAME)], registrations={
        10: HK_A, 13: HK_B}, keys=renumbered, corrections=Corrections(
        together=(("a", "c"),), apart=(("a", "b"),)))
    assert firms(merged.firm_of) == {frozenset({11, 12, 13}), frozenset({10})}
    assert merged.forced == [(11, 13)]


@pytest.mark.parametrize(("raw", "expected"), [
    ("INN:7704730655", Registration("INN", "7704730655")),
    ("INN:7704730656", None),  # fails its check digit: a slip, no constraint
    ("CR No. 6161247", Registration("HKCR", "6161247")),  # HK Companies Registry: no check
    ("VKN 3390554843", Registration("VKN", "3390554843")),
    ("6161247", None),  # a bare number of no known scheme
])
def test_registration(raw: str, expected: Registration | None) -> None:
    assert registration(raw) == expected


def test_no_firm_of_the_demo_world_joins_two_valid_registry_numbers(tmp_path: Path) -> None:
    """The demo once ranked first a firm joining HK CR No. 6161247 and CR No. 0795122 (two
    companies at one address)."""
    with Workspace(tmp_path / "ws.duckdb") as ws:
        run_demo(ws, tmp_path / "world", shipments=4000)
        rows = ws.engine.query("SELECT m.firm_id, p.id_value FROM firm_members m "
                               "JOIN party_mentions p USING (mention_id)")
        links = ws.engine.scalar("SELECT count(*) FROM firm_links")
        multi = ws.engine.scalar("SELECT count(*) FROM firms WHERE member_count > 1")
        refusals = ws.engine.query("SELECT reason FROM firm_link_refusals")
    numbers: dict[tuple[int, str], set[str]] = {}
    for firm, id_value in rows:
        reg = registration(id_value)
        if reg is not None:
            numbers.setdefault((firm, reg.scheme), set()).add(reg.value)
    clashes = {k: v for k, v in numbers.items() if len(v) > 1}
    assert not clashes, clashes
    assert links >= multi > 0  # every multi-member firm keeps the links that joined it
    assert all(r for (r,) in refusals)
