"""DoD Section 1260H Chinese military companies (hand-kept CSV)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings

from dibwatch.errors import FormatError, ParseError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.us_1260h import DoD1260HParser
from dibwatch.model import Entity, NameKind
from dibwatch.testing import assert_parses_or_input_error, mutations

REAL = "sanctions/us_dod_1260h_chinese_military_companies/sanctions.csv"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "us_1260h" / "small.csv"


def parse(path: Path) -> tuple[list[Entity], LoadReport]:
    report = LoadReport(str(path))
    return list(DoD1260HParser(path, "us_dod_1260h", report).parse()), report


@pytest.fixture(scope="module")
def real() -> tuple[list[dict[str, str]], list[Entity], LoadReport]:
    from dibwatch.testing import shared_file

    path = shared_file(REAL)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return (rows, *parse(path))


def names(entity: Entity, kind: NameKind) -> set[str]:
    return {n.value for n in entity.names if n.kind == kind}


def test_real_counts(real: tuple[list[dict[str, str]], list[Entity], LoadReport]) -> None:
    rows, entities, report = real
    assert len(rows) == 397  # one row per company per annual notice
    # Companies = clean names compared by letters and digits only: 234 spellings, 227
    # companies ("Co., Ltd" / "Co. Ltd.", "Xi’an" / "Xi'an", "JONHON" / "Jonhon").
    companies = {re.sub(r"[^0-9a-z]", "", r["Clean Name"].casefold()) for r in rows}
    assert len({r["Clean Name"] for r in rows}) == 234
    assert len(entities) == len(companies) == 227
    assert sum(len(e.sanctions) for e in entities) == len(rows)
    assert dict(report.leftover_fields) == {} and report.warning_count == 0


SPOT = [
    # (clean name, aliases, previous names, listing dates)
    ("Aviation Industry Corporation of China Ltd.", {"AVIC"}, set(),
     ["2021-06-03", "2025-01-07", "2026-06-08"]),
    ("Beijing Zhidao Chuangyu Information Technology Co., Ltd.",
     {"Knownsec", "Beijing Kownsec"}, set(), ["2022-10-05", "2025-01-07", "2026-06-08"]),
    ("AVIC Xi’an Aircraft Industry Group Company Ltd.",
     {"AVIC Xi’an", "AVIC Xi'an", "AVIC Xi'an Aircraft Industry Group Company Ltd."},
     {"Xi’an Aircraft Industry Group Co., Ltd."}, ["2021-06-03", "2025-01-07", "2026-06-08"]),
    ("Huawei Technologies Co., Ltd.", {"Huawei"}, set(),
     ["2021-06-03", "2025-01-07", "2026-06-08"]),
]


@pytest.mark.parametrize("spot", SPOT, ids=[s[0] for s in SPOT])
def test_real_spot_checks(spot: tuple[str, set[str], set[str], list[str]],
                          real: tuple[list[dict[str, str]], list[Entity], LoadReport]) -> None:
    name, aliases, previous, dates = spot
    entity = next(e for e in real[1] if e.caption == name)
    assert entity.schema == "Company" and [c.code for c in entity.countries] == ["cn"]
    assert names(entity, NameKind.ALIAS) == aliases
    assert names(entity, NameKind.PREVIOUS) == previous
    assert [s.listing_date for s in entity.sanctions] == dates
    assert {s.authority for s in entity.sanctions} == {"US DoD"}


def test_real_parent_and_end_date(
        real: tuple[list[dict[str, str]], list[Entity], LoadReport]) -> None:
    hikvision = next(e for e in real[1] if e.caption.startswith("Hangzhou Hikvision"))
    assert hikvision.notes == ["Parent: China Electronics Technology Group Corporation"]
    ended = [e for e in real[1] if any(s.end_date for s in e.sanctions)]
    assert sum(1 for e in ended for s in e.sanctions if s.end_date) == 21


def test_fixture() -> None:
    entities, report = parse(FIXTURE)
    assert report.warning_count == 0 and len(entities) == 2
    fac, avionics = entities
    assert fac.id == "us_dod_1260h-fiction-aviation-co-ltd"
    assert [s.reason for s in fac.sanctions] == [None, "Listed again."]
    assert names(avionics, NameKind.ALIAS) == {"Avionics", "Fiction Avi"}
    assert names(avionics, NameKind.PREVIOUS) == {"Older Avionics Ltd.",
                                                   "Old Avionics Co., Ltd."}
    assert avionics.sanctions[0].end_date == "2026-07-01"


def test_bad_input(tmp_path: Path, shared: Callable[[str], Path]) -> None:
    short = tmp_path / "short.csv"
    short.write_text(FIXTURE.read_text(encoding="utf-8") + "X,Y,Z\n", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        parse(short)
    assert info.value.location is not None and info.value.location.line == 5
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Alias\nX,Y\n", encoding="utf-8")
    with pytest.raises(FormatError):
        parse(wrong)
    assert DoD1260HParser.sniff(wrong) is None
    assert DoD1260HParser.sniff(shared(REAL)) == "us_dod_1260h"


@settings(max_examples=100, deadline=None)
@given(data=mutations(FIXTURE.read_bytes()))
def test_mutations(data: bytes) -> None:
    assert_parses_or_input_error(DoD1260HParser, data, "us_dod_1260h")
