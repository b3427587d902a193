"""Load discipline: errors name file, line and field; reloads are no-ops; a failed load
leaves nothing behind; recoverable rows are reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dibwatch.countries import annual_values, list_snapshots, load_stats
from dibwatch.errors import FormatError, ParseError
from dibwatch.workspace import Workspace

WriteCsv = Callable[[str, str], Path]

COMEXT_HEADER = "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
COMEXT_OK = (
    '"Germany","Kyrgyzstan","Total","EXPORT","Total","Jan. 2023",100\n'
    '"Germany","Kyrgyzstan","Total","EXPORT","Total","Feb. 2023",200\n'
    '"Poland","Kyrgyzstan","TOTAL-Total","2-EXPORT","T-Total","202301-Jan. 2023",40\n'
)
IMF_HEADER = ('"DATASET","SERIES_CODE","OBS_MEASURE","COUNTRY.ID","COUNTRY","INDICATOR.ID",'
              '"INDICATOR","COUNTERPART_COUNTRY.ID","COUNTERPART_COUNTRY","FREQUENCY.ID",'
              '"FREQUENCY","SCALE.ID","SCALE","TRADE_FLOW.ID","TRADE_FLOW","2021","2022"\n')


def _imf_row(indicator: str = "MG_CIF_USD", partner: str = "CHN", freq: str = "A",
             v2021: str = "1.5", v2022: str = "") -> str:
    flow = indicator[:2]
    return (f'"IMF.STA:IMTS(1.0.0)","RUS.{indicator}.{partner}.A","OBS_VALUE","RUS","Russian '
            f'Federation","{indicator}","label","{partner}","China","{freq}","Annual","6",'
            f'"Millions","{flow}","Imports of goods","{v2021}","{v2022}"\n')


NATIONAL_HEADER = COMEXT_HEADER
COMTRADE = (Path(__file__).parent / "data" / "comtrade_sample.csv").read_text(encoding="utf-8")
COMTRADE_HEADER = COMTRADE.splitlines()[0]
COMTRADE_ROW = COMTRADE.splitlines()[1]

# (file name, text, line, field, words in the message)
BAD_ROWS = [
    ("comext_value.csv", COMEXT_HEADER + COMEXT_OK +
     '"Italy (incl. San Marino \'SM\' -> 1993)","Kyrgyzstan","Total","EXPORT","Total",'
     '"Mar. 2023",12 345\n', 5, "VALUE_IN_EUR", "not a number"),
    ("comext_period.csv", COMEXT_HEADER + '"Germany","Kyrgyzstan","Total","EXPORT","Total",'
     '"202309-Aug. 2023",1\n', 2, "PERIOD", "disagree"),
    ("comext_flow.csv", COMEXT_HEADER + COMEXT_OK + '"Germany","Kyrgyzstan","Total",'
     '"TRANSIT","Total","Mar. 2023",1\n', 5, "FLOW", "unknown flow"),
    ("comext_product.csv", COMEXT_HEADER + '"Germany","Kyrgyzstan","Machines","EXPORT",'
     '"Total","Mar. 2023",1\n', 2, "PRODUCT", "neither"),
    ("imf_value.csv", IMF_HEADER + _imf_row() + _imf_row(partner="TUR", v2022="n/a"), 3,
     "2022", "not a number"),
    ("imf_indicator.csv", IMF_HEADER + _imf_row(indicator="TMG_CIF_USD"), 2, "INDICATOR.ID",
     "unknown indicator"),
    ("imf_frequency.csv", IMF_HEADER + _imf_row(freq="M"), 2, "FREQUENCY.ID", "annual"),
    ("national_period.csv", NATIONAL_HEADER + "Kyrgyzstan,China,TOTAL,IMPORT,NORMAL,Y2019,5\n"
     "Kyrgyzstan,China,TOTAL,IMPORT,NORMAL,Y20X0,5\n", 3, "PERIOD", "not a period"),
    ("comtrade_cmd.csv", COMTRADE_HEADER + "\n" + COMTRADE_ROW + "\n" +
     COMTRADE_ROW.replace(",TOTAL,All Commodities,", ",8542.31,ICs,") + "\n", 3, "cmdCode",
     "neither TOTAL"),
    ("comtrade_year.csv", COMTRADE_HEADER + "\n" +
     COMTRADE_ROW.replace(",2019,52,2019,", ",2018,52,2019,") + "\n", 2, "refYear",
     "contradicts"),
]


@pytest.mark.parametrize(("name", "text", "line", "field", "words"), BAD_ROWS,
                         ids=[c[0] for c in BAD_ROWS])
def test_bad_row_names_file_line_field(ws: Workspace, write_csv: WriteCsv, name: str,
                                       text: str, line: int, field: str, words: str) -> None:
    path = write_csv(name, text)
    with pytest.raises(ParseError) as caught:
        load_stats(ws, path)
    loc = caught.value.location
    assert loc is not None
    assert (Path(loc.file).name, loc.line, loc.field) == (name, line, field)
    assert words in caught.value.message
    assert f"line {line}" in str(caught.value)


def test_error_mid_file_leaves_nothing(ws: Workspace, write_csv: WriteCsv) -> None:
    good = write_csv("good.csv", COMEXT_HEADER + COMEXT_OK)
    load_stats(ws, good)
    before = ws.engine.scalar("SELECT count(*) FROM country_flows")
    bad = write_csv("bad.csv", COMEXT_HEADER + COMEXT_OK.replace("Kyrgyzstan", "Armenia") +
                    '"Germany","Armenia","Total","EXPORT","Total","Mar. 2023",oops\n')
    with pytest.raises(ParseError):
        # batch_rows=1: three rows are already inserted when line 5 fails.
        load_stats(ws, bad, batch_rows=1)
    assert ws.engine.scalar("SELECT count(*) FROM country_flows") == before == 3
    assert [s.file for s in list_snapshots(ws.engine)] == [str(good)]
    assert ws.engine.scalar("SELECT count(*) FROM country_flows WHERE partner = 'AM'") == 0


def test_reload_is_a_noop(ws: Workspace, write_csv: WriteCsv, tmp_path: Path) -> None:
    path = write_csv("a.csv", COMEXT_HEADER + COMEXT_OK)
    first = load_stats(ws, path)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())
    again = load_stats(ws, copy)
    assert first.created and not again.created
    assert again.snapshot.snapshot_id == first.snapshot.snapshot_id
    assert ws.engine.scalar("SELECT count(*) FROM country_flows") == 3
    assert len(list_snapshots(ws.engine)) == 1


def test_rows_become_flows(ws: Workspace, write_csv: WriteCsv) -> None:
    result = load_stats(ws, write_csv("a.csv", COMEXT_HEADER + COMEXT_OK))
    assert result.snapshot.format == "eurostat_comext"
    rows = ws.engine.query("SELECT line_no, reporter, partner, flow, period, granularity, "
                           "hs_code, value, currency, valuation FROM country_flows "
                           "ORDER BY line_no")
    assert rows == [
        (2, "DE", "KG", "export", "2023-01", "month", "TOTAL", 100.0, "EUR", "FOB"),
        (3, "DE", "KG", "export", "2023-02", "month", "TOTAL", 200.0, "EUR", "FOB"),
        (4, "PL", "KG", "export", "2023-01", "month", "TOTAL", 40.0, "EUR", "FOB"),
    ]
    [de] = annual_values(ws.engine, reporter="DE")
    assert (de.year, de.value, de.months) == (2023, 300.0, 2)


def test_recoverable_rows_are_reported(ws: Workspace, write_csv: WriteCsv) -> None:
    text = (COMEXT_HEADER.replace("VALUE_IN_EUR\n", "VALUE_IN_EUR,NOTE\n") +
            '"Germany","Kyrgyzstan","Total","EXPORT","Total","Jan. 2023",100,\n'
            '"Atlantis","Kyrgyzstan","Total","EXPORT","Total","Jan. 2023",7,\n'
            '"Germany","Kyrgyzstan","Total","EXPORT","Total","Jan. 2023",100,again\n'
            '"Germany","Kyrgyzstan","Total","EXPORT","1-Normal","Feb. 2023",5,\n'
            '"Germany","Kyrgyzstan","Total","EXPORT","Total","Mar. 2023",,\n')
    result = load_stats(ws, write_csv("warn.csv", text))
    s = result.snapshot
    assert (s.row_count, s.skipped_count, s.warning_count, s.leftover_count) == (1, 3, 3, 1)
    issues = [(i["location"].split(", ", 1)[1], i["message"].split(" ")[0])
              for i in json.loads(s.report)["issues"]]
    assert issues == [
        ("line 3, field 'REPORTER'", "unknown"),
        ("line 4, field 'NOTE'", "field"),
        ("line 4", "duplicate"),
        ("line 5, field 'STAT_PROCEDURE'", "statistical"),
    ]
    assert json.loads(s.report)["counts"]["empty cells"] == 1


def test_unknown_format(ws: Workspace, write_csv: WriteCsv) -> None:
    with pytest.raises(FormatError, match="unrecognised"):
        load_stats(ws, write_csv("x.csv", "a,b\n1,2\n"))


def test_imf_scale_and_empty_cells(ws: Workspace, write_csv: WriteCsv) -> None:
    result = load_stats(ws, write_csv("imf.csv", IMF_HEADER + _imf_row(v2021="1.5",
                                                                         v2022="")))
    assert result.snapshot.format == "imf_imts"
    assert ws.engine.query("SELECT reporter, partner, flow, period, value, currency, "
                           "valuation FROM country_flows") == [
        ("RU", "CN", "import", "2021", 1_500_000.0, "USD", "CIF")]
    assert result.report.counts["empty cells"] == 1
