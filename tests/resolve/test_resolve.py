"""Party resolution on small fictional worlds with known truth."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from dibwatch.lists.loader import load_list
from dibwatch.resolve import list_firms, resolve_parties
from dibwatch.workspace import Workspace
from tests.resolve.helpers import add_lines, exporter, importer, workspace_with

LANQIAO = [
    exporter("Shenzhen Lanqiao Electronics Co., Ltd", "CN", None,
             "88 Example Road, Unit 5, Shenzhen"),
    exporter("SHENZHEN LANQIAO ELECTRONICS CO LTD", "China", None,
             "88 EXAMPLE RD, UNIT 5, SHENZHEN"),
    exporter("深圳市蓝桥电子有限公司", "中国"),
]
ZVEZDATEKH = [  # one Russian buyer, one INN, spelled four ways
    importer("ООО «Звездатех»", "RU", "INN:7704730655"),
    importer("OOO Zvezdatekh", "Russia", "ИНН 7704730655"),
    importer("Zvezdatech LLC", "RU", "7704730655"),
    importer("Zvezdatekh Trading House", "RU", "INN 7704730655"),
]
# Different firms whose names share boilerplate or generic words.
DISTINCT = [
    exporter("Global Trading Co Ltd", "HK", None, "Unit 1, 1 Alpha Street, Kowloon"),
    exporter("Global Tech Trading Ltd", "HK", None, "Flat 9, 77 Beta Road, Wan Chai"),
    exporter("Hong Kong Xingkai Electronics Ltd", "HK", None, "Room 3, 5 Gamma Lane"),
    exporter("Hong Kong Xingtong Electronics Ltd", "HK", None, "Suite 8, 40 Delta Avenue"),
]


def _firm_of(ws: Workspace) -> dict[str, int]:
    rows = ws.engine.query("SELECT p.name, m.firm_id FROM firm_members m "
                           "JOIN party_mentions p USING (mention_id)")
    return {name: firm for name, firm in rows}


def _lines(*parties: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(p) for p in parties]


def test_spelling_variants_of_one_firm_merge() -> None:
    ws = workspace_with(_lines(*LANQIAO))
    resolve_parties(ws)
    firms = _firm_of(ws)
    assert len({firms[p["exporter_name"]] for p in LANQIAO}) == 1


def test_same_inn_merges_different_spellings() -> None:
    ws = workspace_with(_lines(*ZVEZDATEKH))
    resolve_parties(ws)
    firms = _firm_of(ws)
    assert len({firms[p["importer_name"]] for p in ZVEZDATEKH}) == 1
    (firm,) = list_firms(ws)
    assert firm.ids == ("7704730655",) and firm.country == "RU" and firm.member_count == 4


def test_similar_generic_names_stay_apart() -> None:
    ws = workspace_with(_lines(*DISTINCT))
    result = resolve_parties(ws)
    assert result.firm_count == 4 and result.multi_member_firms == 0


def test_every_line_is_linked_and_every_mention_has_one_firm() -> None:
    lines = [{**a, **b} for a, b in zip(LANQIAO + DISTINCT[:1], ZVEZDATEKH, strict=True)]
    lines.append(dict(LANQIAO[0]))  # a repeated spelling is one distinct mention
    ws = workspace_with(lines)
    result = resolve_parties(ws)
    assert result.shipment_count == 5
    assert result.mention_count == 8
    assert ws.engine.scalar("SELECT count(*) FROM shipment_parties") == 9
    assert ws.engine.query("SELECT count(*), count(DISTINCT mention_id) FROM firm_members") \
        == [(8, 8)]
    assert result.firm_count == 3
    by_caption = {f.caption: f for f in list_firms(ws)}
    lanqiao = by_caption["Shenzhen Lanqiao Electronics Co., Ltd"]  # used on two lines
    assert (lanqiao.mention_count, lanqiao.member_count) == (4, 3)
    assert lanqiao.roles == ("exporter",)
    assert lanqiao.first_seen == date(2023, 1, 2) and lanqiao.last_seen == date(2023, 1, 6)


def test_resolution_is_deterministic_and_rerun_replaces() -> None:
    lines = _lines(*LANQIAO, *ZVEZDATEKH, *DISTINCT)

    def members(ws: Workspace) -> list[tuple[Any, ...]]:
        return ws.engine.query("SELECT firm_id, mention_id, match_probability "
                               "FROM firm_members ORDER BY mention_id")

    first = workspace_with(lines)
    resolve_parties(first)
    once = members(first)
    resolve_parties(first)
    assert members(first) == once
    assert first.engine.scalar("SELECT count(*) FROM resolution_runs") == 1
    second = workspace_with(lines)
    resolve_parties(second)
    assert members(second) == once


def test_lines_without_parties_give_no_mentions() -> None:
    ws = workspace_with([{"exporter_name": "  ", "importer_id": ""}])
    result = resolve_parties(ws)
    assert (result.mention_count, result.firm_count) == (0, 0)


def test_threshold_must_be_a_probability() -> None:
    ws = workspace_with(_lines(*LANQIAO))
    with pytest.raises(ValueError, match="threshold"):
        resolve_parties(ws, threshold=1.5)


def test_firms_are_screened_against_loaded_lists(tmp_path: Path) -> None:
    demo = resources.files("dibwatch.demo").joinpath("data/demo_list_v1.csv")
    path = tmp_path / "demo_list_v1.csv"
    path.write_bytes(demo.read_bytes())
    ws = workspace_with(_lines(importer("KRYLOTRONIKA INSTRUMENT WORKS", "RU"),
                               *LANQIAO))
    load_list(ws, path)
    result = resolve_parties(ws)
    # The demo list names both: Krylotronika in Latin, Lanqiao in Han characters.
    assert (result.screened_firms, result.matched_firms) == (2, 2)
    assert result.screening_run_id is not None
    hits = dict(ws.engine.query("SELECT f.caption, s.entity_id FROM firm_screening s "
                                "JOIN firms f USING (firm_id) WHERE s.score >= 0.7"))
    assert hits == {"KRYLOTRONIKA INSTRUMENT WORKS": "us_csl-demo-0001",
                    "SHENZHEN LANQIAO ELECTRONICS CO LTD": "us_csl-demo-0004"}
    assert ws.engine.scalar("SELECT origin FROM screening_runs") == "party resolution"
    (listed,) = list_firms(ws, country="RU", screened_only=True)
    assert listed.best_entity == "us_csl-demo-0001" and listed.best_score == 1.0


def test_firm_ids_carry_over_when_resolution_runs_again() -> None:
    """Cases and decisions refer to firms by id: after new shipments a rerun keeps every firm
    that is still there under its old id, and numbers new firms above the old ones, whatever
    order the clustering found them in."""
    ws = workspace_with(_lines(*ZVEZDATEKH, *DISTINCT))
    resolve_parties(ws)
    before = _firm_of(ws)
    # The newcomers sort first by name, so a fresh numbering would give them the low ids.
    add_lines(ws, _lines(exporter("Aardvark Components Ltd", "HK", None, "1 Omega Road"),
                         *LANQIAO, importer("OOO Zvezdatekh", "RU", "INN 7704730655")),
              load_id=2)
    resolve_parties(ws)
    after = _firm_of(ws)
    assert {name: after[name] for name in before} == before
    old_max = max(before.values())
    new_firms = {after[n] for n in after if n not in before}
    assert new_firms and min(new_firms) > old_max
    assert len(new_firms) == 2  # Aardvark, and Lanqiao's three spellings as one firm
