"""Every real list file in shared data, loaded together into one workspace: detection by
content, snapshot counts against the parser's own output, and FtM export validated by the
followthemoney library."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dibwatch.errors import FormatError
from dibwatch.lists import store
from dibwatch.lists.export import export
from dibwatch.lists.loader import load_list
from dibwatch.lists.parsers import detect
from dibwatch.workspace import Workspace

# (path under shared/data, expected source detected from content)
REAL_INPUTS = [
    ("sanctions/ofac_sdn_2019-01", "us_ofac_sdn"),
    ("sanctions/ofac_sdn_2021-07", "us_ofac_sdn"),
    ("sanctions/ofac_consolidated_2025-12", "us_ofac_cons"),
    ("sanctions/ofac_consolidated_2025-01/CONS_ENHANCED.ZIP", "us_ofac_cons"),
    ("sanctions/us_csl_2022-05/consolidated.csv.gz", "us_csl"),
    ("sanctions/us_csl_2023-11_subset/csl.csv", "us_csl"),
    ("sanctions/us_csl_2025-06_sample/consolidated.csv", "us_csl"),
    ("sanctions/bis_dpl_2023-11/dpl.txt", "us_bis_dpl"),
    ("sanctions/un_consolidated_2026-02/consolidated.xml", "un_sc"),
    ("sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0833.csv", "eu_833_2014"),
    ("sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0269.csv", "eu_269_2014"),
    ("sanctions/eu_ojeu_consolidated_annexes_2026-07/32006R0765.csv", "eu_765_2006"),
    ("sanctions/eu_ojeu_consolidated_annexes_2026-07/32024R2642.csv", "eu_2024_2642"),
    ("sanctions/us_bis_mieu/mieu.csv", "us_bis_mieu"),
    ("sanctions/us_dod_1260h_chinese_military_companies/sanctions.csv", "us_dod_1260h"),
    ("opensanctions_ftm/yente_zala_entities.ftm.json", "ftm"),
    ("opensanctions_ftm/yente_t1_entities.ftm.json", "ftm"),
]


def _path(shared: Callable[[str], Path], rel: str) -> Path:
    probe = rel if "." in rel.rsplit("/", 1)[-1] else rel + "/SOURCE.txt"
    found = shared(probe)
    return found if found.name != "SOURCE.txt" else found.parent


@pytest.mark.parametrize(("rel", "source"), REAL_INPUTS, ids=[r for r, _ in REAL_INPUTS])
def test_detected_by_content(rel: str, source: str, shared: Callable[[str], Path]) -> None:
    _, found = detect(_path(shared, rel))
    assert found == source


def test_partial_sdn_set_is_refused(shared: Callable[[str], Path], tmp_path: Path) -> None:
    folder = shared("sanctions/ofac_sdn_2025-12_partial/alt.csv").parent
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(FormatError, match=r"sdn\.csv"):
        load_list(ws, folder)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    from dibwatch.testing import shared_file

    ws = Workspace(tmp_path_factory.mktemp("all") / "ws.duckdb")
    for rel, _ in REAL_INPUTS:
        path = _path(shared_file, rel)
        result = load_list(ws, path)
        assert result.created, rel
    yield ws
    ws.close()


@pytest.mark.slow
def test_all_loaded_with_consistent_counts(loaded: Workspace) -> None:
    snaps = store.list_snapshots(loaded.engine)
    assert len(snaps) == len(REAL_INPUTS)
    for snap in snaps:
        n = loaded.engine.scalar("SELECT count(*) FROM entities WHERE snapshot_id = ?",
                                 [snap.snapshot_id])
        names = loaded.engine.scalar("SELECT count(*) FROM names WHERE snapshot_id = ?",
                                     [snap.snapshot_id])
        assert (n, names) == (snap.entity_count, snap.name_count), snap.path
        assert snap.entity_count > 0


@pytest.mark.slow
def test_ftm_export_validates(loaded: Workspace, tmp_path: Path) -> None:
    ftm = pytest.importorskip("followthemoney")
    from followthemoney import model

    ids = [s.snapshot_id for s in store.list_snapshots(loaded.engine)]
    out = tmp_path / "all.ftm.json"
    count = export(loaded.engine, ids, out, "ftm")
    assert count == sum(s.entity_count for s in store.list_snapshots(loaded.engine))
    schemata: set[str] = set()
    lines = 0
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            proxy = model.get_proxy(data, cleaned=False)
            assert proxy.id == data["id"]
            schemata.add(proxy.schema.name)
            lines += 1
    assert lines >= count
    assert {"Person", "Company", "Organization", "Vessel", "Sanction"} <= schemata
    assert ftm is not None


@pytest.mark.slow
def test_flat_exports_have_one_row_per_entity(loaded: Workspace, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    ids = [s.snapshot_id for s in store.list_snapshots(loaded.engine)]
    total = sum(s.entity_count for s in store.list_snapshots(loaded.engine))
    out = tmp_path / "all.parquet"
    assert export(loaded.engine, ids, out, "parquet") == total
    table = pq.read_table(out)
    assert table.num_rows == total
    assert {"entity_id", "caption", "names", "identifiers", "lists"} <= set(table.column_names)
