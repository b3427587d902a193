"""``dibwatch lists xref`` and ``dibwatch lists coverage`` on real EU and DoD lists."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dibwatch.cli import app
from dibwatch.testing import shared_file

runner = CliRunner(env={"COLUMNS": "200"})
EU = "sanctions/eu_ojeu_consolidated_annexes_2026-07"
LISTS = [f"{EU}/32014R0833.csv", f"{EU}/32014R0269.csv",
         "sanctions/us_dod_1260h_chinese_military_companies/sanctions.csv"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> str:
    paths = [str(shared_file(f)) for f in LISTS]
    ws = str(tmp_path_factory.mktemp("xref-cli") / "ws.duckdb")
    loaded = runner.invoke(app, ["lists", "load", *paths, "--workspace", ws])
    assert loaded.exit_code == 0, loaded.output
    return ws


def test_coverage_without_a_run_and_without_refresh_says_what_to_do(workspace: str) -> None:
    result = runner.invoke(app, ["lists", "coverage", "--no-refresh", "--workspace", workspace])
    assert result.exit_code != 0
    assert "dibwatch lists xref" in str(result.exception)


def test_xref_then_coverage(workspace: str, tmp_path: Path) -> None:
    parties = tmp_path / "parties.csv"
    run = runner.invoke(app, ["lists", "xref", "--workers", "1", "--output", str(parties),
                              "--workspace", workspace])
    assert run.exit_code == 0, run.output
    assert "cross-referencing run 1" in run.output and "links identifier:linked" in run.output
    with parties.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    helicopters = [r for r in rows if "Russian Helicopters" in r["caption"]
                   or "Russian Helicopters" in r["entity_ids"]]
    # EU 269/2014 and Annex IV of 833/2014 list the same firm under one INN: one party.
    joined = [r for r in rows if "eu_journal-32014R0269" in r["entity_ids"]
              and "eu_journal-32014R0833" in r["entity_ids"]]
    assert joined and int(joined[0]["member_count"]) >= 2
    assert helicopters or joined

    md = tmp_path / "cov.md"
    cov = runner.invoke(app, ["lists", "coverage", "--country", "CN,HK", "--output", str(md),
                              "--workspace", workspace])
    assert cov.exit_code == 0, cov.output
    assert "parties listed now" in cov.output and "first listings per month" in cov.output
    text = md.read_text(encoding="utf-8")
    assert "dibwatch lists coverage" in text and "### List entries by country" in text
    assert "| EU 833/2014 Annex IV | eu_833_2014 |" in text
    for suffix in (".csv", ".json"):
        out = tmp_path / f"cov{suffix}"
        res = runner.invoke(app, ["lists", "coverage", "--country", "HK", "--family", "russia",
                                  "--output", str(out), "--workspace", workspace])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 100
    data = json.loads((tmp_path / "cov.json").read_text(encoding="utf-8"))
    assert data["summary"]["hk"]["EU"]["russia"] == len(data["parties"]) > 40


def test_bad_options_are_refused(workspace: str) -> None:
    bad = runner.invoke(app, ["lists", "coverage", "--country", "China", "--no-refresh",
                              "--workspace", workspace])
    assert bad.exit_code != 0 and "ISO-2" in str(bad.exception)
    worse = runner.invoke(app, ["lists", "coverage", "--output", "x.txt", "--workspace",
                                workspace])
    assert worse.exit_code != 0
    score = runner.invoke(app, ["lists", "xref", "--link-score", "1.5", "--workspace",
                                workspace])
    assert score.exit_code != 0
