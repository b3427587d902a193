"""``dibwatch countries …`` on the fictional Comtrade sample and a small Comext file."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from dibwatch.cli.countries import app

SAMPLE = Path(__file__).parent / "data" / "comtrade_sample.csv"
runner = CliRunner(env={"COLUMNS": "200"})  # rich tables fold in narrow terminals

COMEXT = ("REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n" + "".join(
    f'"European Union - 27 countries (from 2020)","Kyrgyzstan","Total","EXPORT","Total",'
    f'"Jan.-Dec. {year}",{value}\n'
    for year, value in ((2019, 100), (2020, 100), (2021, 100), (2022, 400), (2023, 900))) +
    "".join(f'"European Union - 27 countries (from 2020)","China","Total","EXPORT","Total",'
            f'"Jan.-Dec. {year}",{value}\n'
            for year, value in ((2019, 1000), (2020, 1000), (2021, 1000), (2022, 1200),
                                (2023, 1500))))


def test_load_status_and_reload(tmp_path: Path) -> None:
    ws = str(tmp_path / "w.duckdb")
    first = runner.invoke(app, ["load", str(SAMPLE), "-w", ws])
    assert first.exit_code == 0, first.output
    assert "un_comtrade" in first.output and "49 flows" in first.output
    again = runner.invoke(app, ["load", str(SAMPLE), "-w", ws])
    assert "unchanged" in again.output
    status = runner.invoke(app, ["status", "-w", ws])
    assert "comtrade_sample.csv" in status.output


def test_indicator_commands(tmp_path: Path) -> None:
    ws = str(tmp_path / "w.duckdb")
    comext = tmp_path / "comext.csv"
    comext.write_text(COMEXT, encoding="utf-8")
    assert runner.invoke(app, ["load", str(SAMPLE), str(comext), "-w", ws]).exit_code == 0
    tiers = runner.invoke(app, ["tiers", "-w", ws])
    assert tiers.exit_code == 0, tiers.output
    assert "10,500" in tiers.output and "+425.0%" in tiers.output  # tier 1 from China, 2023
    rb = runner.invoke(app, ["roundabout", "--neighbour", "KG", "-w", ws])
    assert rb.exit_code == 0, rb.output
    # KG 2023: 900 / 100 -> 900; extra-EU (China + Kyrgyzstan): 2400 / 1100 -> 218;
    # relative 100 * 900 / 218.18 -> 412.
    [line] = [ln for ln in rb.output.splitlines() if "KG Kyrgyzstan" in ln and "2023" in ln]
    assert [c.strip() for c in line.strip("│ ").split("│")] == [
        "KG Kyrgyzstan", "2023", "0.0", "900", "218", "412"]
    partners = runner.invoke(app, ["partners", "--reporter", "KG", "--source", "un_comtrade",
                                   "-w", ws])
    assert partners.exit_code == 0, partners.output
    assert "CN China" in partners.output


def test_export_csv_and_parquet(tmp_path: Path) -> None:
    ws = str(tmp_path / "w.duckdb")
    runner.invoke(app, ["load", str(SAMPLE), "-w", ws])
    for name in ("flows.csv", "flows.parquet"):
        result = runner.invoke(app, ["export", "-o", str(tmp_path / name), "-w", ws])
        assert result.exit_code == 0, result.output
    with (tmp_path / "flows.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == pq.read_table(tmp_path / "flows.parquet").num_rows == 49
    assert {r["currency"] for r in rows} == {"USD"}


def test_bad_options(tmp_path: Path) -> None:
    ws = str(tmp_path / "w.duckdb")
    assert runner.invoke(app, ["mirror", "--cif-fob", "3", "-w", ws]).exit_code != 0
    assert runner.invoke(app, ["export", "-o", str(tmp_path / "x.json"), "-w", ws]
                         ).exit_code != 0
