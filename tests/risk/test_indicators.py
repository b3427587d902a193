"""Each indicator on the tiny hand-built world (tests/risk/helpers.py): the exact flag set,
values, scores and evidence rows, worked out by hand from the lines."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
import pytest

from dibwatch.countries import load_stats, mirror_gaps
from dibwatch.risk import (
    INDICATORS,
    Decisions,
    load_config,
    rank_firms,
    ranked_firms,
    run_indicators,
)
from dibwatch.risk.configure import config_from_mapping
from dibwatch.risk.indicators import LineIndicator
from dibwatch.risk.indicators.base import detail
from dibwatch.testing import shared_file
from dibwatch.workspace import Workspace
from tests.risk.helpers import FIRMS, LINES, LISTED_ENTITY, tiny_config, tiny_workspace

# (indicator, firm) -> (value, score, evidence: line numbers or list entity ids).
# Firm 1 exports lines 1 and 4 (1,300 USD); firm 3 lines 2, 3 and 12 (1,100 USD); firm 9
# lines 14, 15 and 19 (152,200 USD). The last line is dated 2023-08-02: 18 months after the
# invasion by DuckDB's month boundaries; firm 9 was first seen 11 months before it.
RAMP_RATIO = (151_000 / 18) / 1000  # monthly after / floored monthly baseline (1,200 / 11)
EXPECTED: dict[tuple[str, int], tuple[float, float, frozenset[int | str]]] = {
    ("chpl_exposure", 1): (1000, 1.0, frozenset({1})),            # 77% of its trade, tier 1
    ("chpl_exposure", 9): (151_000, 1.0, frozenset({15, 19})),    # line 14 predates the war
    ("chpl_exposure", 11): (100, 1.0, frozenset({16})),
    ("chpl_exposure", 12): (120, 1.0, frozenset({17})),
    ("chpl_exposure", 13): (190, 1.0, frozenset({18, 21})),
    ("chpl_exposure", 14): (800, 1.0, frozenset({20})),
    # Firm 2's 0.5 match is too weak; firm 5 only receives goods: the consignee score.
    ("listed_party", 5): (0.95, 0.3, frozenset({LISTED_ENTITY})),
    ("listed_counterparty", 3): (200, (200 / 1100) / 0.3, frozenset({3})),
    ("listed_counterparty", 4): (200, 1.0, frozenset({3})),       # as contract holder
    ("new_entrant", 1): (1000, 1.0, frozenset({1})),              # first seen 2023, tier 1
    ("new_entrant", 11): (100, 1.0, frozenset({16})),
    ("new_entrant", 12): (120, 1.0, frozenset({17})),
    ("new_entrant", 13): (190, 1.0, frozenset({18, 21})),
    ("new_entrant", 14): (800, 1.0, frozenset({20})),
    # First tier 1-2 line to Russia after the invasion; share of the trade since then.
    ("chpl_onset", 1): (1000, 1.0, frozenset({1})),              # 77% of lines 1 and 4
    ("chpl_onset", 11): (100, 1.0, frozenset({16})),
    ("chpl_onset", 12): (120, 1.0, frozenset({17})),
    ("chpl_onset", 13): (190, 1.0, frozenset({18, 21})),
    ("chpl_onset", 14): (800, 1.0, frozenset({20})),             # firms 3, 9: before the war
    ("ramp_up", 9): (RAMP_RATIO, math.log(RAMP_RATIO) / math.log(30), frozenset({15, 19})),
    ("many_new_suppliers", 10): (3, 0.5, frozenset({16, 17, 18, 21})),  # firm 9 is not new
    ("hub_routing", 1): (1000, 1.0, frozenset({1})),              # US chips via HK; line 4
    ("hub_routing", 14): (800, 1.0, frozenset({20})),  # firm 13's line 21 has no origin
    ("chain_mismatch", 1): (300, (300 / 1300) / 0.3, frozenset({4})),  # is no CHPL good
    ("coalition_brand_third_country", 1): (1000, 1.0, frozenset({1})),  # DE exporter is not
    ("forwarder_consignee", 3): (400, 1.0, frozenset({12})),      # to a KZ logistics firm
    ("price_anomaly", 7): (10_000, 1.0, frozenset({11})),         # 100x the group's price
    ("hs_mismatch", 3): (200, 1.0, frozenset({3})),
    # Consignee firm 5: firm 4 paid for 1 of its 3 imports (lines 3, 22, 23).
    ("contract_holder_mismatch", 4): (200, 1.0, frozenset({3})),
    # Firms 1, 6, 7 at one address, firm 1 carrying trigger flags: a third of the cluster.
    ("shared_address", 1): (3, 1 / 3, frozenset({1, 4})),
    ("shared_address", 6): (3, 1 / 3, frozenset(range(5, 11))),
    ("shared_address", 7): (3, 1 / 3, frozenset({11, 22, 23})),
}


def expected_proximity() -> dict[tuple[str, int], tuple[float, float, frozenset[int | str]]]:
    """Network proximity recomputed with networkx's PageRank over the trade edges of the tiny
    world (firm 5 is the listed one): firms 2-3 hops away, scored against the median of the
    direct counterparties, evidence = lines shared with the next firm toward firm 5."""
    g = nx.Graph()
    g.add_nodes_from(FIRMS)
    for ln in LINES:
        g.add_edge(ln["exp"], ln["imp"])
        if ln["ch"] is not None:
            g.add_edge(ln["ch"], ln["imp"])
    pr = nx.pagerank(g, alpha=0.85, personalization={5: 1.0}, tol=1e-12, max_iter=1000)
    hops = nx.single_source_shortest_path_length(g, 5)
    reference = statistics.median(pr[f] for f, h in hops.items() if h == 1)
    params = load_config().indicators["network_proximity"]
    out = {}
    for firm, h in hops.items():
        score = min(1.0, pr[firm] / reference)
        if 2 <= h <= params["max_hops"] and score >= params["min_relative"]:
            toward = min(n for n in g[firm] if hops[n] == h - 1)
            lines = frozenset(ln["no"] for ln in LINES
                              if {firm, toward} <= {ln["exp"], ln["imp"], ln["ch"]})
            out[("network_proximity", firm)] = (pr[firm], score, lines)
    return out


ALL_EXPECTED = EXPECTED | expected_proximity()

FLAGS = """
SELECT f.indicator, f.firm_id, f.value, f.score,
       list(coalesce(CAST(e.line_no AS VARCHAR), e.entity_id)) AS evidence
FROM risk_flags f JOIN risk_evidence e USING (run_id, flag_no)
WHERE f.run_id = ? GROUP BY ALL
"""


@pytest.fixture(scope="module")
def tiny() -> Iterator[tuple[Workspace, int]]:
    ws = tiny_workspace()
    run = run_indicators(ws, tiny_config())
    yield ws, run.run_id
    ws.close()


def _flags(ws: Workspace, run_id: int) -> dict[tuple[str, int], tuple[float, float,
                                                                      frozenset[int | str]]]:
    out = {}
    for indicator, firm, value, score, evidence in ws.engine.query(FLAGS, [run_id]):
        ev = frozenset(int(x) if x.isdigit() else x for x in evidence)
        out[(indicator, firm)] = (value, score, ev)
    return out


# Mirror gaps need country statistics: tested below on the real files.
@pytest.mark.parametrize("indicator", [i.name for i in INDICATORS if i.name != "mirror_gap"])
def test_each_indicator_flags_exactly_the_expected_firms(
        tiny: tuple[Workspace, int], indicator: str) -> None:
    ws, run_id = tiny
    got = {k: v for k, v in _flags(ws, run_id).items() if k[0] == indicator}
    want = {k: v for k, v in ALL_EXPECTED.items() if k[0] == indicator}
    assert want, f"the tiny world does not exercise {indicator}"
    assert set(got) == set(want)
    for key, (value, score, evidence) in want.items():
        assert got[key][0] == pytest.approx(value)
        assert got[key][1] == pytest.approx(score)
        assert got[key][2] == evidence


def test_every_indicator_is_documented_and_versioned() -> None:
    names = [i.name for i in INDICATORS]
    assert len(set(names)) == len(names)
    for indicator in INDICATORS:
        assert indicator.version and len(indicator.describe()) > 40


def test_run_is_recorded(tiny: tuple[Workspace, int]) -> None:
    ws, run_id = tiny
    flags, firms = ws.engine.query(
        "SELECT flag_count, firm_count FROM risk_runs WHERE run_id = ?", [run_id])[0]
    assert (flags, firms) == (len(ALL_EXPECTED), len({f for _, f in ALL_EXPECTED}))


def test_a_second_run_keeps_the_first(tiny: tuple[Workspace, int]) -> None:
    ws, run_id = tiny
    second = run_indicators(ws, tiny_config())
    assert second.run_id == run_id + 1
    assert _flags(ws, second.run_id) == _flags(ws, run_id)


def test_mirror_gap_on_the_real_country_statistics() -> None:
    """With the real Eurostat and Kyrgyz statistics loaded, the German goods shipped from
    Kyrgyzstan in 2023 (line 20) are flagged; the Austrian goods shipped from Austria and the
    American goods from Hong Kong are not."""
    trade = "trade/eurostat_eu_exports_to_russia_and_neighbours"
    files = [shared_file(f"{trade}/{name}") for name in (
        "kyrgyz_export_eurostat.csv", "national_kyrgyz_import_yearly.csv")]
    ws = tiny_workspace()
    for path in files:
        load_stats(ws, path)
    gap = {(g.partner, g.year): g.gap_share for g in mirror_gaps(ws.engine)}
    assert gap[("KG", 2023)] >= tiny_config().indicators["mirror_gap"]["min_gap_share"]
    run = run_indicators(ws, tiny_config())
    got = {k: v for k, v in _flags(ws, run.run_id).items() if k[0] == "mirror_gap"}
    assert got == {("mirror_gap", 14): (800, 1.0, frozenset({20}))}
    ws.close()


def test_the_evidence_prior_discounts_flags_resting_on_few_lines() -> None:
    """With the bundled prior of 2, a line flag resting on n lines keeps n / (n + 2) of the
    score it has without one; flags that are not line counts (listed party, ramp-up, ...)
    keep theirs."""
    line_indicators = {i.name for i in INDICATORS if issubclass(i, LineIndicator)}
    config = config_from_mapping(tiny_config().to_json() | {"evidence_prior": 2}, "test")
    ws = tiny_workspace()
    run = run_indicators(ws, config)
    got = _flags(ws, run.run_id)
    assert set(got) == set(ALL_EXPECTED)
    for key, (_, score, evidence) in ALL_EXPECTED.items():
        n = len(evidence)
        want = score * n / (n + 2) if key[0] in line_indicators else score
        assert got[key][1] == pytest.approx(want), key
    ws.close()


def test_analyst_decisions_change_what_counts_as_listed() -> None:
    """A confirmed pair is a list match of score 1 (firm 2's 0.5 match is otherwise too
    weak); a dismissed pair is ignored while the entry keeps the content hash it was
    dismissed with, and counts again once a new snapshot changes the entry."""
    ws = tiny_workspace()
    insert = ("INSERT INTO entities VALUES (?, ?, 'test-1', 'Company', 'EKHOVO ZAVOD', ?, "
              "'{}')")
    ws.engine.execute(insert, [1, LISTED_ENTITY, "hash-1"])
    decisions = Decisions(confirmed=[(2, "synth-test-2")],
                          dismissed=[(5, LISTED_ENTITY, "hash-1")])

    def listed(run_id: int) -> dict[int, tuple[float, frozenset[int | str]]]:
        return {firm: (value, evidence) for (indicator, firm), (value, _, evidence)
                in _flags(ws, run_id).items() if indicator == "listed_party"}

    first = run_indicators(ws, tiny_config(), decisions=decisions)
    assert listed(first.run_id) == {2: (1.0, frozenset({"synth-test-2"}))}
    # Firms 3 and 4 dealt only with firm 5; firms 1, 9 and 14 shipped to firm 2 after the
    # invasion.
    assert {firm for indicator, firm in _flags(ws, first.run_id)
            if indicator == "listed_counterparty"} == {1, 9, 14}

    ws.engine.execute(insert, [2, LISTED_ENTITY, "hash-2"])  # the entry was amended
    second = run_indicators(ws, tiny_config(), decisions=decisions)
    assert listed(second.run_id) == {2: (1.0, frozenset({"synth-test-2"})),
                                     5: (0.95, frozenset({LISTED_ENTITY}))}
    ws.close()


def test_the_readme_counts_the_indicators() -> None:
    words = {15: "Fifteen", 16: "Sixteen", 17: "Seventeen", 18: "Eighteen"}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"{words[len(INDICATORS)]} red-flag indicators" in readme
    for indicator in INDICATORS:
        assert indicator.name in load_config().indicators, indicator.name


def test_the_ranked_table_shows_the_matches_the_run_scored_with() -> None:
    """A dismissed match leaves the ranked table's list matches, a confirmed one joins it."""
    ws = tiny_workspace()
    ws.engine.execute("INSERT INTO entities VALUES (1, ?, 'test-1', 'Company', 'EKHOVO ZAVOD', "
                      "'hash-1', '{}')", [LISTED_ENTITY])
    plain = rank_firms(ws, tiny_config())
    result = rank_firms(ws, tiny_config(), decisions=Decisions(
        confirmed=[(2, "synth-test-2")], dismissed=[(5, LISTED_ENTITY, "hash-1")]))

    def matches(run_id: int) -> dict[int, str]:
        return {row["firm_id"]: row["listed_matches"] for row in ranked_firms(ws, run_id)
                if row["firm_id"] in (2, 5)}

    assert matches(plain.run_id) == {2: "synth-test-2 BORVIK (0.50)",
                                     5: f"{LISTED_ENTITY} EKHOVO ZAVOD (0.95)"}
    assert matches(result.run_id) == {2: "synth-test-2 confirmed by an analyst (1.00)", 5: ""}
    ws.close()


def test_line_flags_break_their_value_down_by_tier(tiny: tuple[Workspace, int]) -> None:
    ws, run_id = tiny
    raw = ws.engine.scalar("SELECT detail FROM risk_flags WHERE run_id = ? AND firm_id = 9 "
                           "AND indicator = 'chpl_exposure'", [run_id])
    assert detail(raw)["by_tier"] == {"1": 150_000, "2": 1000}  # lines 15 and 19


def _only(ws: Workspace, indicator: str) -> set[int]:
    run = run_indicators(ws, tiny_config())
    return {firm for ind, firm in _flags(ws, run.run_id) if ind == indicator}


@pytest.mark.parametrize("reason", ["integrated circuits (samples)", "микросхемы (образцы)",
                                    "集成电路 （样品）", "laptops, refurbished",
                                    "used, not new"])
def test_a_price_with_a_stated_reason_is_no_anomaly(reason: str) -> None:
    """Line 11 (firm 7) is priced at 100 times its group's norm: an anomaly, unless its
    description says why (samples, refurbished or used goods)."""
    ws = tiny_workspace()
    assert _only(ws, "price_anomaly") == {7}
    ws.engine.execute("UPDATE shipments SET description = ? WHERE line_no = 11", [reason])
    assert _only(ws, "price_anomaly") == set()
    ws.close()


def test_a_contract_holder_paying_for_all_of_a_consignees_imports_is_no_outsider() -> None:
    """Firm 4 pays for line 3 of firm 5's three imports; without firm 5's own imports
    (lines 22, 23) it pays for all of them, as a parent company does: no flag."""
    ws = tiny_workspace()
    assert _only(ws, "contract_holder_mismatch") == {4}
    for table in ("shipment_parties", "shipment_classes", "shipments"):
        ws.engine.execute(f"DELETE FROM {table} WHERE line_no IN (22, 23)")
    assert _only(ws, "contract_holder_mismatch") == set()
    ws.close()


def test_onset_before_the_invasion_is_no_onset() -> None:
    """Firm 1's first tier 1 line to Russia is from 2023; with one more from 2021 it is a
    supplier of long standing, and its 2023 lines raise no onset flag."""
    ws = tiny_workspace()
    assert 1 in _only(ws, "chpl_onset")
    ws.engine.execute("""INSERT INTO shipments (load_id, line_no, "date", quantity, value_usd,
                         exporter_country, importer_country, origin_country, dispatch_country,
                         trading_country, destination_country)
                         VALUES (1, 30, DATE '2021-05-02', 1, 50, 'HK', 'RU', 'US', 'HK', 'HK',
                                 'RU')""")
    ws.engine.execute("""INSERT INTO shipment_classes (load_id, line_no, hs6, chpl_tier,
                         brand_canonical, coalition_brand, misdeclared)
                         VALUES (1, 30, '854231', '1', 'omega', true, false)""")
    for role, firm in (("exporter", 1), ("importer", 2)):
        ws.engine.execute("INSERT INTO shipment_parties VALUES (1, 30, ?, ?)", [role, firm])
    assert 1 not in _only(ws, "chpl_onset")
    ws.close()
