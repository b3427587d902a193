"""Fitting the ranking weights: a known noisy-OR is recovered in order, cross-validation
leaves each group out, fitted weights are written as versioned data with the file's comments
kept, and analysts' labels are read with the line of a bad row."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dibwatch.errors import ConfigError, InputError
from dibwatch.risk import load_config, run_indicators
from dibwatch.risk.fit import (
    Example,
    average_precision,
    cross_validate,
    examples_from_run,
    fit_weights,
    noisy_or,
    read_labels,
    write_weights,
)
from tests.risk.helpers import tiny_config, tiny_workspace

TRUE_WEIGHTS = {"strong": 0.8, "medium": 0.4, "noise": 0.0}


def _world(seed: int, n: int = 3000) -> list[Example]:
    """Firms whose flags are drawn at random and whose label is drawn from the noisy-OR of
    ``TRUE_WEIGHTS`` with a small leak."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        flags = {k: rng.random() for k in TRUE_WEIGHTS if rng.random() < 0.3}
        p = 1 - 0.99 * (1 - noisy_or(flags, TRUE_WEIGHTS))
        out.append(Example(flags, rng.random() < p, f"world-{seed}"))
    return out


def test_a_known_noisy_or_is_recovered_in_order() -> None:
    data = _world(1)
    fit = fit_weights(data, list(TRUE_WEIGHTS), l2=0.0)
    w = fit.weights
    assert w["strong"] == pytest.approx(0.8, abs=0.08)
    assert w["medium"] == pytest.approx(0.4, abs=0.06)
    assert w["noise"] < 0.05
    # Balanced classes inflate every weight but keep their order.
    balanced = fit_weights(data, list(TRUE_WEIGHTS), balanced=True).weights
    assert balanced["strong"] > balanced["medium"] > balanced["noise"]
    assert fit.positives == sum(e.label for e in data)
    uniform = dict.fromkeys(TRUE_WEIGHTS, 0.5)
    assert average_precision(data, w) > average_precision(data, uniform)


def test_cross_validation_leaves_each_group_out() -> None:
    data = _world(1, 1500) + _world(2, 1500) + _world(3, 1500)
    cv = cross_validate(data, list(TRUE_WEIGHTS))
    assert set(cv) == {"world-1", "world-2", "world-3"}
    for ap, weights in cv.values():
        assert 0 < ap <= 1 and weights["strong"] > weights["noise"]


def test_a_prior_holds_weights_the_data_says_little_about() -> None:
    data = [e for e in _world(4) if "noise" not in e.flags]  # nothing about "noise"
    fit = fit_weights(data, list(TRUE_WEIGHTS), l2=0.05, prior={"noise": 0.3})
    assert fit.weights["noise"] == pytest.approx(0.3, abs=0.02)


def test_labels_of_one_kind_only_are_refused() -> None:
    with pytest.raises(ConfigError, match="both facilitators and other firms"):
        fit_weights([Example({"strong": 1.0}, True)] * 3, ["strong"])


def test_written_weights_load_as_the_new_version_with_the_comments_kept(
        tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "src/dibwatch/risk/data/risk.yml"
    target = tmp_path / "risk.yml"
    before = load_config(source)
    weights = {name: 0.123 for name in before.indicators}
    write_weights(target, weights, "test-7", source=source)
    after = load_config(target)
    assert after.weights_version == "test-7"
    assert all(after.weight(name) == 0.123 for name in before.indicators)
    assert after.indicators["hub_routing"]["tiers"] == before.indicators["hub_routing"]["tiers"]
    comments = [line for line in source.read_text().splitlines() if line.startswith("#")]
    assert comments and all(c in target.read_text() for c in comments)
    with pytest.raises(ConfigError, match="no weight line for nosuch"):
        write_weights(target, {"nosuch": 0.1}, "x", source=source)


def test_analysts_labels_are_read_and_a_bad_row_is_named(tmp_path: Path) -> None:
    good = tmp_path / "cases.csv"
    good.write_text("firm_id,label\n1,confirmed\n5,dismissed\n9,1\n", encoding="utf-8")
    assert read_labels(good) == {1: True, 5: False, 9: True}
    bad = tmp_path / "bad.csv"
    bad.write_text("firm_id,label\n1,confirmed\n2,maybe\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_labels(bad)
    assert err.value.location is not None and err.value.location.line == 3


def test_examples_come_from_a_run_s_flags() -> None:
    ws = tiny_workspace()
    run = run_indicators(ws, tiny_config())
    examples = examples_from_run(ws.engine, run.run_id, {1: True, 3: False, 99: False})
    by_label = {e.label: e for e in examples if e.flags}
    assert by_label[True].flags["coalition_brand_third_country"] == pytest.approx(1.0)
    assert "hs_mismatch" in by_label[False].flags
    assert len(examples) == 3 and examples[-1].flags == {}  # firm 99 has no flags
    ws.close()
