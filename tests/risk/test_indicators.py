"""Each indicator on the tiny hand-built world (tests/risk/helpers.py): the exact flag set,
values, scores and evidence rows, worked out by hand from the lines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dibwatch.risk import INDICATORS, run_indicators
from dibwatch.workspace import Workspace
from tests.risk.helpers import LISTED_ENTITY, tiny_config, tiny_workspace

# (indicator, firm) -> (value, score, evidence: line numbers or list entity ids).
# Firm 1 exports lines 1 and 4 (1,300 USD), firm 3 lines 2 and 3 (700 USD).
EXPECTED: dict[tuple[str, int], tuple[float, float, frozenset[int | str]]] = {
    ("chpl_exposure", 1): (1000, 1.0, frozenset({1})),            # 77% of its trade, tier 1
    ("chpl_exposure", 3): (500, 1.0, frozenset({2})),             # 71%, tier 2
    ("listed_party", 5): (0.95, 1.0, frozenset({LISTED_ENTITY})),  # firm 2's 0.5 is too weak
    ("listed_counterparty", 3): (200, (200 / 700) / 0.3, frozenset({3})),
    ("listed_counterparty", 4): (200, 1.0, frozenset({3})),       # as contract holder
    ("new_entrant", 1): (1000, 1.0, frozenset({1})),              # first seen 2023, tier 1
    ("hub_routing", 1): (1300, 1.0, frozenset({1, 4})),           # US goods via HK and KZ
    ("chain_mismatch", 1): (300, (300 / 1300) / 0.3, frozenset({4})),  # US / KZ / AE
    ("coalition_brand_third_country", 1): (1000, 1.0, frozenset({1})),  # DE exporter is not
    ("price_anomaly", 7): (10_000, 1.0, frozenset({11})),         # 100x the group's price
    ("hs_mismatch", 3): (200, 1.0, frozenset({3})),
    ("contract_holder_mismatch", 4): (200, 1.0, frozenset({3})),  # consignee is firm 5
    ("shared_address", 1): (3, 1.0, frozenset({1, 4})),
    ("shared_address", 6): (3, 1.0, frozenset(range(5, 11))),
    ("shared_address", 7): (3, 1.0, frozenset({11})),
}

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


@pytest.mark.parametrize("indicator", [i.name for i in INDICATORS])
def test_each_indicator_flags_exactly_the_expected_firms(
        tiny: tuple[Workspace, int], indicator: str) -> None:
    ws, run_id = tiny
    got = {k: v for k, v in _flags(ws, run_id).items() if k[0] == indicator}
    want = {k: v for k, v in EXPECTED.items() if k[0] == indicator}
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
    assert (flags, firms) == (len(EXPECTED), len({f for _, f in EXPECTED}))


def test_a_second_run_keeps_the_first(tiny: tuple[Workspace, int]) -> None:
    ws, run_id = tiny
    second = run_indicators(ws, tiny_config())
    assert second.run_id == run_id + 1
    assert _flags(ws, second.run_id) == _flags(ws, run_id)
