"""The self-screening law on every real list file in shared data: every name and alias of
every entity, screened verbatim against everything loaded with it, matches that entity (or
an entity carrying the identical name) at the default threshold — unless the list itself
marks the alias weak.

A source keeps one current snapshot, so the files are loaded in groups with each source
once (three workspaces); the partial 2025 SDN set cannot be loaded (sdn.csv missing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dibwatch.lists.loader import load_list
from dibwatch.match import Query
from dibwatch.match.screen import Screener
from dibwatch.model.entity import NameKind
from dibwatch.workspace import Workspace

GROUPS = [
    ["sanctions/ofac_sdn_2021-07", "sanctions/ofac_consolidated_2025-12",
     "sanctions/us_csl_2022-05/consolidated.csv.gz", "sanctions/bis_dpl_2023-11/dpl.txt",
     "sanctions/un_consolidated_2026-02/consolidated.xml",
     "sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0833.csv",
     "sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0269.csv",
     "sanctions/eu_ojeu_consolidated_annexes_2026-07/32006R0765.csv",
     "sanctions/eu_ojeu_consolidated_annexes_2026-07/32024R2642.csv",
     "sanctions/us_bis_mieu/mieu.csv",
     "sanctions/us_dod_1260h_chinese_military_companies/sanctions.csv",
     "opensanctions_ftm/yente_zala_entities.ftm.json"],
    ["sanctions/ofac_sdn_2019-01", "sanctions/ofac_consolidated_2025-01/CONS_ENHANCED.ZIP",
     "sanctions/us_csl_2023-11_subset/csl.csv", "opensanctions_ftm/yente_t1_entities.ftm.json"],
    ["sanctions/us_csl_2025-06_sample/consolidated.csv"],
]


def _path(rel: str) -> Path:
    from dibwatch.testing import shared_file

    probe = rel if "." in rel.rsplit("/", 1)[-1] else rel + "/SOURCE.txt"
    found = shared_file(probe)
    return found if found.name != "SOURCE.txt" else found.parent


@pytest.mark.slow
@pytest.mark.parametrize("group", range(len(GROUPS)), ids=["main", "older", "csl-2025"])
def test_every_listed_name_finds_itself(group: int, tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        for rel in GROUPS[group]:
            load_list(ws, _path(rel))
        screener = Screener(ws)
        queries: list[Query] = []
        owners: list[tuple[str, str]] = []
        for entity_id, names in screener.entity_names.items():
            schema = screener.entities[entity_id].schema
            for cname in names:
                if cname.kind != NameKind.WEAK:
                    queries.append(Query(cname.value, schema))
                    owners.append((entity_id, cname.value.casefold()))
        run = screener.screen(queries, top=100, record=False)
        misses = []
        for (entity_id, name), result in zip(owners, run.results, strict=True):
            if not any(h.entity.entity_id == entity_id or any(
                    c.kind != NameKind.WEAK and c.value.casefold() == name
                    for c in screener.entity_names[h.entity.entity_id])
                       for h in result.matches):
                top = result.hits[0].match.explain_text() if result.hits else "no candidate"
                misses.append(f"{entity_id} {name!r}: {top}")
        assert len(queries) > (20_000 if group < 2 else 20)
        assert misses == []
