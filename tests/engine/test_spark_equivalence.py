"""One generated world through DuckDB and through local Spark: the same shipment lines and
classes, the same firms (as sets of mentions), the same list matches, flags and values, and
the same top of the ranking. Marked ``spark`` (``pytest -m "not spark"`` skips it); CI runs
it with Java from apt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dibwatch.engine import Engine
from dibwatch.engine.spark_engine import SparkEngine, spark_available
from dibwatch.lists.loader import load_list
from dibwatch.resolve import resolve_parties
from dibwatch.risk import rank_firms, ranked_firms
from dibwatch.synth import WorldFiles, WorldParams, generate_world
from dibwatch.trade import load_shipments
from dibwatch.trade.parallel_load import load_shipments_on
from dibwatch.workspace import Workspace

pytestmark = pytest.mark.spark
RU_EXTRACT = Path(__file__).parent.parent / "fixtures" / "trade" / "ru_customs_extract.csv"

# A firm is named by the mentions it joined, written out (mention ids are the workspace's).
MENTION = ("coalesce(m.role, '') || '|' || coalesce(m.name, '') || '|' || "
           "coalesce(m.address, '') || '|' || coalesce(m.country, '') || '|' || "
           "coalesce(m.id_value, '')")
FIRM_KEYS = f"""
SELECT f.firm_id, list(DISTINCT {MENTION} ORDER BY {MENTION}) AS mentions
FROM firm_members f JOIN party_mentions m USING (mention_id) GROUP BY f.firm_id
"""


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkEngine]:
    why = spark_available()
    if why is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the Spark engine test cannot run in CI: {why}")
        pytest.skip(why)
    engine = SparkEngine("local[2]")
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> WorldFiles:
    return generate_world(tmp_path_factory.mktemp("world"),
                          WorldParams(shipments=4000, seed=7))


def _run(folder: Path, world: WorldFiles, engine: Engine | None) -> dict[str, Any]:
    with Workspace(folder / "ws.duckdb") as ws:
        load_list(ws, world.fictional_list, source="synthetic_list", fmt="csl_csv")
        # The world, and a Russian customs extract in cp1251 with quarantined and warned rows.
        for path in (world.shipments, RU_EXTRACT):
            if engine is None:
                load_shipments(ws, path, batch_rows=1500)
            else:
                load_shipments_on(engine, ws, path, batch_rows=1500)
        resolution = resolve_parties(ws, linkage_engine=engine)
        ranking = rank_firms(ws, engine=engine)  # the indicators run on Spark too
        eng = ws.engine
        keys = {int(f): tuple(m) for f, m in eng.query(FIRM_KEYS)}
        firm = keys.__getitem__
        return {
            "lines": eng.query_arrow(
                "SELECT * FROM shipments JOIN shipment_classes "
                "USING (load_id, line_no) ORDER BY load_id, line_no"),
            "quarantine": eng.query("SELECT load_id, line_no, field, reason, raw_row "
                                    "FROM shipment_quarantine ORDER BY ALL"),
            "load": eng.query("SELECT load_id, row_count, quarantined_count, warning_count, "
                              "mapping FROM shipment_loads ORDER BY load_id"),
            "training": resolution.training,
            "firms": set(keys.values()),
            "matches": {(firm(f), e, round(s, 6)) for f, e, s in
                        eng.query("SELECT firm_id, entity_id, score FROM firm_screening")},
            "flags": {(firm(f), i, round(s, 6), None if v is None else round(v, 6)) for
                      f, i, s, v in eng.query("SELECT firm_id, indicator, score, value "
                                              "FROM risk_flags WHERE run_id = ?",
                                              [ranking.run_id])},
            "top": [(firm(r["firm_id"]), round(r["score"], 6))
                    for r in ranked_firms(ws, ranking.run_id, 25)],
        }


def test_duckdb_and_spark_give_the_same_answers(tmp_path: Path, world: WorldFiles,
                                               spark: SparkEngine) -> None:
    (tmp_path / "duckdb").mkdir()
    (tmp_path / "spark").mkdir()
    on_duckdb = _run(tmp_path / "duckdb", world, None)
    on_spark = _run(tmp_path / "spark", world, spark)
    assert on_duckdb["lines"].num_rows == 4005
    assert len(on_duckdb["quarantine"]) == 4  # three rows, one of them with two faults
    assert on_spark["lines"].equals(on_duckdb["lines"])
    for key in ("quarantine", "load", "training"):
        assert on_spark[key] == on_duckdb[key], key
    assert len(on_duckdb["firms"]) > 100
    assert any(len(f) > 1 for f in on_duckdb["firms"])
    assert on_spark["firms"] == on_duckdb["firms"]
    assert on_duckdb["matches"] and on_spark["matches"] == on_duckdb["matches"]
    assert len(on_duckdb["flags"]) > 50
    assert on_spark["flags"] == on_duckdb["flags"]
    assert on_spark["top"] == on_duckdb["top"]


def test_a_spark_load_is_published_like_a_duckdb_load(tmp_path: Path, world: WorldFiles,
                                                      spark: SparkEngine) -> None:
    from dibwatch.trade import dataset

    with Workspace(tmp_path / "ws.duckdb") as ws:
        result = load_shipments_on(spark, ws, world.shipments, batch_rows=1500)
        again = load_shipments_on(spark, ws, world.shipments)
        root = tmp_path / "ws.parquet"
        assert (result.created, again.created) == (True, False)
        assert dataset.published_loads(root) == {result.load.load_id}
        assert ws.engine.scalar(f"SELECT count(*) FROM {dataset.scan(root)}") == 4000
        assert not list(dataset.lines_folder(root).glob("_staging*"))
