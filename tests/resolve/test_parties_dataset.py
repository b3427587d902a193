"""Party mentions as a Parquet dataset beside the workspace: each line's parties partitioned as
its lines are, the distinct mentions, replaced whole by each resolution, never half-written,
removed with their load."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from dibwatch.engine import DuckDBEngine
from dibwatch.resolve import dataset as parties
from dibwatch.resolve import resolve_parties
from dibwatch.synth import WorldParams, generate_world
from dibwatch.trade import dataset, load_shipments
from dibwatch.trade.loader import unload_shipments
from dibwatch.workspace import Workspace

FIXTURES = Path(__file__).parent.parent / "fixtures" / "trade"
Rows = list[tuple[Any, ...]]


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed workspace (``ws.duckdb`` and its ``ws.parquet``) with two loads, resolved."""
    world = generate_world(tmp_path_factory.mktemp("world"), WorldParams(shipments=1500, seed=3))
    folder = tmp_path_factory.mktemp("resolved")
    with Workspace(folder / "ws.duckdb") as ws:
        load_shipments(ws, world.shipments)
        load_shipments(ws, FIXTURES / "ru_customs_extract.csv")
        resolve_parties(ws, screen=False)
    return folder


def _open_copy(resolved: Path, tmp_path: Path) -> tuple[Workspace, Path]:
    shutil.copy(resolved / "ws.duckdb", tmp_path / "ws.duckdb")
    shutil.copytree(resolved / "ws.parquet", tmp_path / "ws.parquet")
    ws = Workspace(tmp_path / "ws.duckdb")
    root = dataset.root_for(ws.path)
    assert root == tmp_path / "ws.parquet"
    return ws, root


def _table_parties(ws: Workspace) -> Rows:
    return ws.engine.query(
        "SELECT sp.load_id, sp.line_no, sp.role, sp.mention_id, m.name, m.address, m.country, "
        "m.id_value FROM shipment_parties sp JOIN party_mentions m USING (mention_id) "
        "ORDER BY ALL")


def _dataset_parties(ws: Workspace, root: Path) -> Rows:
    return ws.engine.query(
        f"SELECT load_id, line_no, role, mention_id, name, address, country, id_value "
        f"FROM {parties.scan_parties(root)} ORDER BY ALL")


def _staging(root: Path) -> list[Path]:
    return list(root.glob("_staging-*")) + list(root.glob("*/_staging-*"))


def test_parties_are_the_workspace_s_partitioned_as_their_lines(
        resolved: Path, tmp_path: Path) -> None:
    ws, root = _open_copy(resolved, tmp_path)
    with ws:
        rows = _dataset_parties(ws, root)
        loads = {int(r[0]) for r in ws.engine.query("SELECT load_id FROM shipment_loads")}
        assert len(loads) == 2
        assert {r[0] for r in rows} == loads
        assert len(rows) > 1500
        assert rows == _table_parties(ws)
        # Every party row sits in its line's month, a real month, as the lines dataset has it.
        checked = ws.engine.query(
            f"SELECT count(*), count(l.month), "
            f"count(*) FILTER (WHERE p.month IS DISTINCT FROM l.month), "
            f"count(*) FILTER (WHERE NOT regexp_full_match(p.month, '\\d{{4}}-\\d{{2}}')) "
            f"FROM {parties.scan_parties(root)} p "
            f"LEFT JOIN {dataset.scan(root)} l USING (load_id, line_no)")
        assert checked == [(len(rows), len(rows), 0, 0)]
        months = {p.name for p in dataset.parties_partition(root, min(loads)).iterdir()}
        assert months == {p.name for p in dataset.partition(root, min(loads)).iterdir()}
        assert _staging(root) == []


def test_mentions_are_the_party_mentions_table(resolved: Path, tmp_path: Path) -> None:
    ws, root = _open_copy(resolved, tmp_path)
    with ws:
        written = ws.engine.query(f"SELECT * FROM {parties.scan_mentions(root)} "
                                  f"ORDER BY mention_id")
        table = ws.engine.query("SELECT * FROM party_mentions ORDER BY mention_id")
        assert len(table) > 100
        assert written == table
        names = [c for c, *_ in ws.engine.query(
            f"DESCRIBE SELECT * FROM {parties.scan_mentions(root)}")]
        assert names == [c for c, *_ in ws.engine.query("DESCRIBE party_mentions")]


def test_a_second_resolution_replaces_the_dataset(resolved: Path, tmp_path: Path) -> None:
    ws, root = _open_copy(resolved, tmp_path)
    with ws:
        # A partition no resolution of this workspace wrote: a replacement drops it.
        stale = root / "parties" / "load_id=999" / "month=2020-01"
        stale.mkdir(parents=True)
        shutil.copy(next(dataset.parties_partition(root, 1).rglob("*.parquet")),
                    stale / "data_0.parquet")
        ws.engine.execute("UPDATE shipments SET exporter_name = 'Renamed Exports Ltd' "
                          "WHERE load_id = 1 AND line_no <= 5")
        before = _dataset_parties(ws, root)
        resolve_parties(ws, screen=False)
        after = _dataset_parties(ws, root)
        assert after == _table_parties(ws)
        assert after != before and len(after) == len(before) - len(
            [r for r in before if r[0] == 999])
        assert not (root / "parties" / "load_id=999").exists()
        renamed = [r for r in after if r[4] == "Renamed Exports Ltd"]
        assert [(r[0], r[1], r[2]) for r in renamed] == [(1, n, "exporter") for n in range(1, 6)]
        assert ws.engine.query(f"SELECT * FROM {parties.scan_mentions(root)} "
                               f"ORDER BY mention_id") == ws.engine.query(
            "SELECT * FROM party_mentions ORDER BY mention_id")
        assert _staging(root) == []


def test_a_failed_write_keeps_the_previous_dataset(
        resolved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, root = _open_copy(resolved, tmp_path)
    calls: list[str] = []

    def broken_copy(self: DuckDBEngine, sql: str, path: str, fmt: str,
                    params: Any = None) -> None:
        # The parties are staged by now: only the mentions are left to write.
        calls.append(path)
        assert any(Path(path).parent.parent.glob("parties/load_id=*"))
        raise OSError("disk full")

    with ws:
        before = _dataset_parties(ws, root)
        mentions_before = ws.engine.query(f"SELECT * FROM {parties.scan_mentions(root)}")
        ws.engine.execute("UPDATE shipments SET importer_name = 'Other Buyer LLC' "
                          "WHERE load_id = 1 AND line_no <= 5")
        monkeypatch.setattr(DuckDBEngine, "copy_to", broken_copy)
        with pytest.raises(OSError, match="disk full"):
            resolve_parties(ws, screen=False)
        assert len(calls) == 1
        monkeypatch.undo()
        # The tables hold the new mentions; the dataset still the previous resolution's.
        assert _table_parties(ws) != before
        assert _dataset_parties(ws, root) == before
        assert ws.engine.query(f"SELECT * FROM {parties.scan_mentions(root)}") == mentions_before
        assert _staging(root) == []


def test_unloading_a_load_removes_its_parties(resolved: Path, tmp_path: Path) -> None:
    ws, root = _open_copy(resolved, tmp_path)
    with ws:
        kept, dropped = sorted(int(r[0]) for r in ws.engine.query(
            "SELECT load_id FROM shipment_loads"))
        assert dataset.parties_partition(root, dropped).is_dir()
        kept_rows = [r for r in _dataset_parties(ws, root) if r[0] == kept]
        unload_shipments(ws, dropped)
        assert not dataset.parties_partition(root, dropped).exists()
        assert not dataset.partition(root, dropped).exists()
        assert _dataset_parties(ws, root) == kept_rows == _table_parties(ws)
        assert len(kept_rows) > 1500

