"""BIS Military-Intelligence End-User list (hand-kept CSV)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings

from dibwatch.errors import FormatError, ParseError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.us_mieu import MIEUParser
from dibwatch.model import Entity, NameKind
from dibwatch.testing import assert_parses_or_input_error, mutations

REAL = "sanctions/us_bis_mieu/mieu.csv"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "us_mieu" / "small.csv"


def parse(path: Path) -> tuple[list[Entity], LoadReport]:
    report = LoadReport(str(path))
    return list(MIEUParser(path, "us_bis_mieu", report).parse()), report


def test_real_file(shared: Callable[[str], Path]) -> None:
    path = shared(REAL)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    entities, report = parse(path)
    assert len(entities) == len(rows) == 13
    assert len({e.id for e in entities}) == 13  # name slugs are unique in this list
    assert dict(report.leftover_fields) == {} and report.warning_count == 0
    gru = next(e for e in entities if e.caption == "Main Intelligence Directorate")
    assert gru.id == "us_bis_mieu-main-intelligence-directorate"
    assert [(n.value, n.kind) for n in gru.names][1] == ("GRU", NameKind.ALIAS)
    assert [c.code for c in gru.countries] == ["ru"] and gru.schema == "Organization"
    sanction = gru.sanctions[0]
    assert (sanction.authority, sanction.program, sanction.listing_date) == (
        "US BIS", "MIEU", "2021-03-16")
    assert sanction.source_url is not None and "2021-00977" in sanction.source_url
    belarus = next(e for e in entities if e.countries[0].code == "by")
    assert belarus.caption.startswith("Main Intelligence Directorate of the General Staff")
    assert MIEUParser.sniff(path) == "us_bis_mieu"


def test_fixture() -> None:
    entities, report = parse(FIXTURE)
    assert report.warning_count == 0
    assert [n.value for n in entities[0].names] == ["Fictional Directorate of Intelligence",
                                                    "FDI", "FDIR"]
    assert entities[0].extra == {"topics": ["export.control"]}
    assert entities[0].sanctions[0].extra == {"programId": ["US-BIS-MIEU"]}


def test_bad_input(tmp_path: Path) -> None:
    short = tmp_path / "short.csv"
    short.write_text(FIXTURE.read_text(encoding="utf-8") + "Organization,Only Two\n",
                     encoding="utf-8")
    with pytest.raises(ParseError) as info:
        parse(short)
    assert info.value.location is not None and info.value.location.line == 4
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Type,Name\nOrganization,X\n", encoding="utf-8")
    with pytest.raises(FormatError):
        parse(wrong)
    assert MIEUParser.sniff(wrong) is None
    bad_country = tmp_path / "country.csv"
    bad_country.write_text(FIXTURE.read_text(encoding="utf-8").replace(",RU,", ",Russia,"),
                           encoding="utf-8")
    _, report = parse(bad_country)
    assert [i.location.field for i in report.issues] == ["Country"]


@settings(max_examples=100, deadline=None)
@given(data=mutations(FIXTURE.read_bytes()))
def test_mutations(data: bytes) -> None:
    assert_parses_or_input_error(MIEUParser, data, "us_bis_mieu")
