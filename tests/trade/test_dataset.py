"""The shipments dataset beside the workspace: one partition per load and month, the same
lines as the workspace's tables, published whole, removed with its load, repaired by sync."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dibwatch.synth import WorldParams, generate_world
from dibwatch.trade import dataset, load_shipments
from dibwatch.trade.loader import unload_shipments
from dibwatch.workspace import Workspace

FIXTURES = Path(__file__).parent.parent / "fixtures" / "trade"


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = generate_world(tmp_path_factory.mktemp("world"), WorldParams(shipments=3000))
    return files.shipments


def _dataset_rows(ws: Workspace) -> list[tuple[object, ...]]:
    root = dataset.root_for(ws.path)
    assert root is not None
    return ws.engine.query(
        f"SELECT load_id, line_no, month, date, exporter_name, value_usd, chpl_tier, hs6 "
        f"FROM {dataset.scan(root)} ORDER BY load_id, line_no")


def _workspace_rows(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.engine.query(
        "SELECT s.load_id, s.line_no, strftime(s.date, '%Y-%m'), s.date, s.exporter_name, "
        "s.value_usd, c.chpl_tier, c.hs6 FROM shipments s JOIN shipment_classes c "
        "USING (load_id, line_no) ORDER BY s.load_id, s.line_no")


def test_a_load_is_published_by_load_and_month(tmp_path: Path, world_file: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        first = load_shipments(ws, world_file).load
        second = load_shipments(ws, FIXTURES / "ru_customs_extract.csv").load
        root = tmp_path / "ws.parquet"
        assert dataset.root_for(ws.path) == root
        assert dataset.published_loads(root) == {first.load_id, second.load_id}
        months = {p.name for p in dataset.partition(root, first.load_id).iterdir()}
        assert len(months) > 12 and all(m.startswith("month=20") for m in months)
        rows = _dataset_rows(ws)
        assert len(rows) == first.row_count + second.row_count
        assert rows == _workspace_rows(ws)
        assert not list(dataset.lines_folder(root).glob("_staging-*"))


def test_unload_and_replace_keep_the_dataset_equal_to_the_workspace(
        tmp_path: Path, world_file: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        root = tmp_path / "ws.parquet"
        first = load_shipments(ws, FIXTURES / "ru_customs_extract.csv", source_name="ru").load
        second = load_shipments(ws, world_file, source_name="ru", replace=True).load
        assert dataset.published_loads(root) == {second.load_id}
        assert _dataset_rows(ws) == _workspace_rows(ws)
        unload_shipments(ws, second.load_id)
        assert dataset.published_loads(root) == set()
        assert first.load_id != second.load_id


def test_a_refused_load_leaves_nothing_in_the_dataset(tmp_path: Path, world_file: Path) -> None:
    # The world's own columns, and a row whose every cell is unusable (no date, no party).
    names = pq.read_schema(world_file).names
    bad = tmp_path / "nothing_maps.csv"
    bad.write_text(",".join(names) + "\n" + ",".join("?" for _ in names) + "\n", "utf-8")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        load_shipments(ws, world_file)
        before = sorted(p.name for p in (tmp_path / "ws.parquet" / "lines").iterdir())
        with pytest.raises(Exception, match="nothing was loaded"):
            load_shipments(ws, bad)
        assert sorted(p.name for p in (tmp_path / "ws.parquet" / "lines").iterdir()) == before


def test_sync_repairs_an_interrupted_publish(tmp_path: Path, world_file: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        load = load_shipments(ws, world_file).load
        root = tmp_path / "ws.parquet"
        expected = _dataset_rows(ws)
        # A crash after the commit and before the rename: the partition is missing, a staging
        # folder is left; a partition of a load the workspace no longer has is stale.
        dataset.remove_load(root, load.load_id)
        (dataset.lines_folder(root) / "_staging-9-abc").mkdir()
        (dataset.partition(root, 77) / "month=2023-01").mkdir(parents=True)
        result = dataset.sync(ws.engine, root)
        assert result == dataset.SyncResult((load.load_id,), (77,), 1)
        assert _dataset_rows(ws) == expected
        assert dataset.sync(ws.engine, root) == dataset.SyncResult((), (), 0)


def test_an_in_memory_workspace_has_no_dataset() -> None:
    assert dataset.root_for(":memory:") is None
