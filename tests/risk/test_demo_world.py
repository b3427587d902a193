"""The indicators and the ranking on the demo world: flags picked at random are recomputed
from their evidence rows alone, scores add up, the CLI writes the documented columns."""

from __future__ import annotations

import csv
import math
import random
import statistics
from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from dibwatch.cli.rank import rank
from dibwatch.demo import run_demo
from dibwatch.risk import COLUMNS, RankResult, load_config, rank_firms, ranked_firms
from dibwatch.risk.indicators.base import detail
from dibwatch.workspace import Workspace

CONFIG = load_config()
FORWARDER_TERMS = [row["term"] for row in csv.DictReader(
    (resources.files("dibwatch.risk") / "data" / "forwarder_terms.csv").open(encoding="utf-8"))]
LINE_SQL = """
SELECT s.*, c.hs6, c.chpl_tier, c.brand_canonical, c.coalition_brand, c.misdeclared
FROM shipments s LEFT JOIN shipment_classes c USING (load_id, line_no)
WHERE s.load_id = ? AND s.line_no = ?
"""
PARTIES_SQL = """
SELECT sp.role, m.firm_id FROM shipment_parties sp JOIN firm_members m USING (mention_id)
WHERE sp.load_id = ? AND sp.line_no = ?
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, RankResult,
                                                                   Path]]:
    base = tmp_path_factory.mktemp("risk-demo")
    ws = Workspace(base / "ws.duckdb")
    run_demo(ws, base / "world", shipments=5000)
    result = rank_firms(ws)
    yield ws, result, base
    ws.close()


def _row(ws: Workspace, load_id: int, line_no: int) -> dict[str, Any]:
    data = ws.engine.query_arrow(LINE_SQL, [load_id, line_no]).to_pylist()
    assert len(data) == 1
    row: dict[str, Any] = data[0]
    return row


def _first_seen(ws: Workspace, firm_id: int) -> date:
    day: date = ws.engine.scalar(
        """SELECT min(s."date") FROM shipment_parties sp JOIN firm_members m USING (mention_id)
           JOIN shipments s USING (load_id, line_no) WHERE m.firm_id = ?""", [firm_id])
    return day


def _listed(ws: Workspace, firm_id: int, min_score: float) -> bool:
    return bool(ws.engine.scalar(
        "SELECT count(*) FROM firm_screening WHERE firm_id = ? AND score >= ?",
        [firm_id, min_score]))


def _price_z(ws: Workspace, row: dict[str, Any]) -> float | None:
    # The group's log unit values, recomputed here with Python's statistics.
    values = [v for (v,) in ws.engine.query(
        """SELECT ln(s.value_usd / s.quantity) FROM shipments s
           JOIN shipment_classes c USING (load_id, line_no)
           WHERE s.value_usd > 0 AND s.quantity > 0 AND c.hs6 = ?
             AND coalesce(c.brand_canonical, '') = ?""",
        [row["hs6"], row["brand_canonical"] or ""])]
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    if len(values) < CONFIG.indicators["price_anomaly"]["min_group"] or mad == 0:
        return None
    return float((math.log(row["value_usd"] / row["quantity"]) - med) / (1.4826 * mad))


def _is_forwarder(ws: Workspace, firm_id: int) -> bool:
    names = [n for (n,) in ws.engine.query(
        "SELECT p.name FROM firm_members m JOIN party_mentions p USING (mention_id) "
        "WHERE m.firm_id = ?", [firm_id])]
    return any(term in name.lower() for name in names for term in FORWARDER_TERMS)


def _onset(ws: Workspace, firm_id: int, tiers: list[str]) -> date | None:
    """The firm's first CHPL line (tiers) to Russia on which it supplied: as exporter, or as
    contract holder of another firm's import."""
    day: date | None = ws.engine.scalar(
        """SELECT min(s."date") FROM shipment_parties sp JOIN firm_members m USING (mention_id)
           JOIN shipments s USING (load_id, line_no)
           JOIN shipment_classes c USING (load_id, line_no)
           WHERE m.firm_id = ? AND s.destination_country = 'RU'
             AND list_contains(?, c.chpl_tier)
             AND (sp.role = 'exporter' OR (sp.role = 'contract_holder' AND NOT EXISTS (
                  SELECT 1 FROM shipment_parties i JOIN firm_members mi USING (mention_id)
                  WHERE i.load_id = sp.load_id AND i.line_no = sp.line_no
                    AND i.role = 'importer' AND mi.firm_id = m.firm_id)))""",
        [firm_id, tiers])
    return day


def _payer_share(ws: Workspace, payer: int, consignee: int) -> float:
    """Share of the consignee's lines to Russia (as importer) that ``payer`` paid for."""
    lines = ws.engine.query(
        """SELECT DISTINCT sp.load_id, sp.line_no FROM shipment_parties sp
           JOIN firm_members m USING (mention_id) JOIN shipments s USING (load_id, line_no)
           WHERE m.firm_id = ? AND sp.role = 'importer' AND s.destination_country = 'RU'""",
        [consignee])
    paid = sum(1 for load_id, line_no in lines
               if ("contract_holder", payer) in ws.engine.query(PARTIES_SQL,
                                                                [load_id, line_no]))
    return paid / len(lines)


def line_meets(ws: Workspace, indicator: str, firm_id: int, row: dict[str, Any]) -> bool:
    """The rule of each line indicator, written again in Python."""
    p = CONFIG.indicators[indicator]
    parties = ws.engine.query(PARTIES_SQL, [row["load_id"], row["line_no"]])
    roles = {role for role, firm in parties if firm == firm_id}
    if not roles & set(p["roles"]):
        return False
    # Supplying the line: as exporter, or paying for another firm's import.
    supplies = bool(roles & set(p["roles"]) & {"exporter"}) or (
        "contract_holder" in roles & set(p["roles"]) and "importer" not in roles)
    to_ru = row["destination_country"] == p.get("destination")
    after = row["date"] >= CONFIG.invasion
    since = date.fromisoformat(p["since"]) if "since" in p else None
    match indicator:
        case "chpl_exposure":
            return (supplies and to_ru and row["chpl_tier"] in p["tiers"]
                    and row["date"] >= since)
        case "new_entrant":
            return (supplies and _first_seen(ws, firm_id) > CONFIG.invasion
                    and row["chpl_tier"] in p["tiers"] and to_ru)
        case "chpl_onset":
            onset = _onset(ws, firm_id, p["tiers"])
            return (supplies and onset is not None and onset >= CONFIG.invasion
                    and row["date"] >= onset and row["chpl_tier"] in p["tiers"] and to_ru)
        case "hub_routing":
            hub_since = CONFIG.hubs.get(row["dispatch_country"])
            return (to_ru and hub_since is not None and row["date"] >= hub_since
                    and row["chpl_tier"] in p["tiers"]
                    and row["origin_country"] in CONFIG.coalition
                    and row["dispatch_country"] != row["origin_country"])
        case "chain_mismatch":
            chain = (row["origin_country"], row["dispatch_country"], row["trading_country"])
            return to_ru and None not in chain and len(set(chain)) == 3
        case "coalition_brand_third_country":
            return (to_ru and bool(row["coalition_brand"]) and row["date"] >= since
                    and row["chpl_tier"] in p["tiers"]
                    and row["exporter_country"] not in CONFIG.coalition)
        case "price_anomaly":
            z = _price_z(ws, row)
            return z is not None and abs(z) > p["z_threshold"]
        case "hs_mismatch":
            return bool(row["misdeclared"])
        case "listed_counterparty":
            return row["date"] >= since and any(
                firm != firm_id and _listed(ws, firm, p["min_score"]) for _, firm in parties)
        case "contract_holder_mismatch":
            importers = {firm for role, firm in parties if role == "importer"} - {firm_id}
            return to_ru and row["date"] >= since and any(
                _payer_share(ws, firm_id, i) <= p["max_payer_share"] for i in importers)
        case "forwarder_consignee":
            hub_since = CONFIG.hubs.get(row["destination_country"])
            bound = to_ru or (hub_since is not None and row["date"] >= hub_since)
            consignees = {firm for role, firm in parties if role == "importer"} - {firm_id}
            return (after and bound and row["chpl_tier"] in p["tiers"]
                    and any(_is_forwarder(ws, firm) for firm in consignees))
        case "ramp_up":
            return after and to_ru and row["chpl_tier"] in p["tiers"]
    raise AssertionError(f"no recomputation for {indicator}")


def test_random_flags_recompute_from_their_evidence(
        demo: tuple[Workspace, RankResult, Path]) -> None:
    ws, result, _ = demo
    flags = ws.engine.query(
        "SELECT flag_no, firm_id, indicator, value, detail FROM risk_flags WHERE run_id = ?",
        [result.run_id])
    by_indicator: dict[str, list[tuple[Any, ...]]] = {}
    for flag in flags:
        by_indicator.setdefault(flag[2], []).append(flag)
    rng = random.Random(7)
    checked = 0
    for indicator, group in sorted(by_indicator.items()):
        for flag_no, firm_id, _, value, raw in rng.sample(group, min(3, len(group))):
            evidence = ws.engine.query(
                "SELECT load_id, line_no, entity_id FROM risk_evidence "
                "WHERE run_id = ? AND flag_no = ?", [result.run_id, flag_no])
            assert evidence, (indicator, firm_id)
            if indicator == "listed_party":
                scores = [ws.engine.scalar("SELECT score FROM firm_screening WHERE firm_id = ? "
                                           "AND entity_id = ?", [firm_id, e]) for *_, e in evidence]
                assert min(scores) >= CONFIG.indicators[indicator]["min_score"]
                assert value == pytest.approx(max(scores))
            elif indicator == "shared_address":
                addresses = detail(raw)["addresses"]
                for load_id, line_no, _ in evidence:
                    assert ws.engine.scalar(
                        """SELECT count(*) FROM shipment_parties sp
                           JOIN firm_members m USING (mention_id)
                           JOIN party_mentions p USING (mention_id)
                           WHERE sp.load_id = ? AND sp.line_no = ? AND m.firm_id = ?
                             AND list_contains(?, p.address_norm)""",
                        [load_id, line_no, firm_id, addresses])
            elif indicator == "ramp_up":
                rows = [_row(ws, load_id, line_no) for load_id, line_no, _ in evidence]
                assert all(line_meets(ws, indicator, firm_id, r) for r in rows), indicator
                d = detail(raw)
                assert d["after_usd"] == pytest.approx(sum(r["value_usd"] for r in rows))
                assert _first_seen(ws, firm_id) < CONFIG.invasion
                assert value == pytest.approx(d["ratio"]) and value >= 3
            elif indicator == "many_new_suppliers":
                suppliers = set()
                for load_id, line_no, _ in evidence:
                    row = _row(ws, load_id, line_no)
                    parties = ws.engine.query(PARTIES_SQL, [load_id, line_no])
                    assert ("importer", firm_id) in parties and row["date"] >= CONFIG.invasion
                    new = [f for role, f in parties if role == "exporter"
                           and _first_seen(ws, f) > CONFIG.invasion]
                    assert new, "every evidence line comes from a new supplier"
                    suppliers.update(new)
                assert value == len(suppliers) >= CONFIG.indicators[indicator]["min_suppliers"]
                # Each is small: at most max_share of the importer's CHPL intake since.
                p = CONFIG.indicators[indicator]
                intake = dict(ws.engine.query(
                    """SELECT e.firm_id, sum(s.value_usd)
                       FROM shipment_parties sp JOIN firm_members m USING (mention_id)
                       JOIN shipments s USING (load_id, line_no)
                       JOIN shipment_classes c USING (load_id, line_no)
                       JOIN (SELECT sp2.load_id, sp2.line_no, m2.firm_id
                             FROM shipment_parties sp2 JOIN firm_members m2 USING (mention_id)
                             WHERE sp2.role = 'exporter') e USING (load_id, line_no)
                       WHERE sp.role = 'importer' AND m.firm_id = ?
                         AND s."date" >= ? AND list_contains(?, c.chpl_tier)
                       GROUP BY e.firm_id""", [firm_id, CONFIG.invasion, p["tiers"]]))
                total = sum(intake.values())
                assert all(intake[f] / total <= p["max_share"] for f in suppliers)
            elif indicator == "network_proximity":
                toward = detail(raw)["toward"]
                assert detail(raw)["hops"] >= 2
                for load_id, line_no, _ in evidence:
                    firms = {f for _, f in ws.engine.query(PARTIES_SQL, [load_id, line_no])}
                    assert {firm_id, toward} <= firms
            else:
                rows = [_row(ws, load_id, line_no) for load_id, line_no, _ in evidence]
                assert all(line_meets(ws, indicator, firm_id, r) for r in rows), indicator
                assert value == pytest.approx(sum(r["value_usd"] or 0 for r in rows))
                assert detail(raw)["lines"] == len(rows)
            checked += 1
    assert len(by_indicator) >= 8 and checked >= 20


def test_ranking_is_ordered_and_contributions_add_up(
        demo: tuple[Workspace, RankResult, Path]) -> None:
    ws, result, _ = demo
    rows = ws.engine.query(
        "SELECT rank, score, contributions FROM firm_scores WHERE run_id = ? ORDER BY rank",
        [result.run_id])
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1)) and len(rows) == \
        result.firm_count
    scores = [r[1] for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[-1] >= 0 and scores[0] <= 1
    for _, score, contributions in rows:
        assert sum(detail(contributions).values()) == pytest.approx(score, abs=1e-9)


def test_noisy_or_of_the_top_firm(demo: tuple[Workspace, RankResult, Path]) -> None:
    ws, result, _ = demo
    top = ranked_firms(ws, result.run_id, 1)[0]
    flags = ws.engine.query("SELECT indicator, score FROM risk_flags WHERE run_id = ? AND "
                            "firm_id = ?", [result.run_id, top["firm_id"]])
    expected = 1 - math.prod(1 - min(CONFIG.weight(i) * s, 0.999) for i, s in flags)
    assert top["score"] == pytest.approx(expected)
    assert set(top["flags"].split("|")) == {i for i, _ in flags}


def test_cli_writes_the_documented_columns(demo: tuple[Workspace, RankResult, Path]) -> None:
    ws, _, base = demo
    ws.close()
    app = typer.Typer()
    app.command()(rank)
    out = base / "firms.parquet"
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["--output", str(out), "--limit", "5", "--workspace", str(base / "ws.duckdb")])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert tuple(table.column_names) == COLUMNS
    first = table.slice(0, 1).to_pylist()[0]
    assert first["rank"] == 1 and first["flags"] and first["member_names"]
    assert "firms by risk" in result.output
