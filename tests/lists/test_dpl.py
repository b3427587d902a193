"""BIS Denied Persons List (tab-separated): real 2023-11 file, fixture, bad input, fuzzing."""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibwatch.errors import FormatError, InputError, ParseError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.csl import CslCsvParser
from dibwatch.lists.sources.dpl import DplParser, dpl_source_id
from dibwatch.model.entity import Entity, NameKind, Schema

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dpl" / "dpl_small.txt"
DPL = "sanctions/bis_dpl_2023-11/dpl.txt"
Shared = Callable[[str], Path]


def _parse(path: Path) -> tuple[list[Entity], LoadReport]:
    report = LoadReport(str(path))
    return list(DplParser(path, "us_bis_dpl", report).parse()), report


@pytest.fixture(scope="module")
def real() -> tuple[list[Entity], LoadReport]:
    from dibwatch.testing import shared_file

    return _parse(shared_file(DPL))


def test_real_counts(real: tuple[list[Entity], LoadReport], shared: Shared) -> None:
    entities, report = real
    with shared(DPL).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == report.counts["rows"] == 665
    # One entity per (name, effective date): an order and the party's addresses under it.
    orders = {(" ".join(r["Name"].split()).upper(), r["Effective_Date"]) for r in rows}
    assert len(entities) == len(orders) == 547
    assert len({e.id for e in entities}) == len(entities)
    assert sum(len(e.provenance) for e in entities) == 665
    assert dict(report.leftover_fields) == {}
    # The only warning: "NM" (New Mexico) written in the Country column.
    assert [(i.location.line, i.location.field, i.value) for i in report.issues] == [
        (593, "Country", "NM")]
    assert Counter(e.schema for e in entities) == {Schema.PERSON: 439, Schema.COMPANY: 108}
    assert {s.list_name for e in entities for s in e.sanctions} == {"Denied Persons List"}
    assert {s.authority for e in entities for s in e.sanctions} == {"US BIS"}


def _by_name(entities: list[Entity], name: str) -> list[Entity]:
    return sorted((e for e in entities if e.caption == name),
                  key=lambda e: e.sanctions[0].listing_date or "")


SPOT: list[tuple[str, int, dict[str, Any]]] = [
    # " I. ASH" (leading space in the list): two orders, 2002 (two addresses) and 2003.
    ("I. ASH", 0, {
        "schema": Schema.PERSON, "listing": "2002-03-04", "end": "2056-06-29",
        "reason": "50 YEAR DENIAL", "streets": ["605 TRAIL LAKE DRIVE",
                                                "908 AUDELIA ROAD, SUITE 200 #245"],
        "country": "us",
    }),
    ("I. ASH", 1, {
        "listing": "2003-06-19", "reason": "FEDERAL REGISTER NOTICE UPDATED",
        "fr": "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07",
        "streets": ["UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 26265-177, "
                    "FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175"],
        "last_update": "2007-01-31",
    }),
    # An address without country: none is guessed.
    ("AARON ABRAHAM VILLA", 0, {
        "schema": Schema.PERSON, "listing": "2022-08-24", "end": "2026-01-14",
        "country": None, "streets": ["3415 RIVERA AVENUE"],
    }),
    ("SIBERIAN AIRLINES", 0, {"schema": Schema.COMPANY, "alias": "S7 AIRLINES"}),
    ("PEARL LI", 0, {"schema": Schema.PERSON, "alias": "NEI-CHIEN CHU"}),
    ("ELECTROCOM", 0, {"schema": Schema.COMPANY}),  # from dpl_schemas.csv
    ("PJSC AEROFLOT", 0, {"schema": Schema.COMPANY, "country": "ru"}),
]


@pytest.mark.parametrize(("name", "index", "want"), SPOT,
                         ids=[f"{n}-{i}" for n, i, _ in SPOT])
def test_spot_checks(name: str, index: int, want: dict[str, Any],
                     real: tuple[list[Entity], LoadReport]) -> None:
    entity = _by_name(real[0], name)[index]
    sanction = entity.sanctions[0]
    if "schema" in want:
        assert entity.schema == want["schema"]
    if "listing" in want:
        assert sanction.listing_date == want["listing"]
    if "end" in want:
        assert sanction.end_date == want["end"]
    if "reason" in want:
        assert sanction.reason == want["reason"]
    if "fr" in want:
        assert sanction.extra["fr_citation"] == [want["fr"]]
    if "last_update" in want:
        assert sanction.extra["last_update"] == [want["last_update"]]
    if "streets" in want:
        assert [a.street for a in entity.addresses] == want["streets"]
    if "country" in want:
        assert {a.country for a in entity.addresses} == {want["country"]}
    if "alias" in want:
        assert any(n.value == want["alias"] and n.kind == NameKind.ALIAS for n in entity.names)


def test_ash_in_csl_and_dpl_agree(real: tuple[list[Entity], LoadReport],
                                  shared: Shared) -> None:
    """The CSL carries the same DPL order: same name, dates and address."""
    csl = shared("sanctions/us_csl_2022-05/consolidated.csv.gz")
    report = LoadReport(str(csl))
    ash_csl = next(e for e in CslCsvParser(csl, "us_csl", report).parse()
                   if e.source_id == "deb7a1d5743a85c354ca1a2c7f2664e2104b32d7")
    ash_dpl = _by_name(real[0], "I. ASH")[1]
    assert ash_csl.caption == ash_dpl.caption
    assert ash_csl.sanctions[0].listing_date == ash_dpl.sanctions[0].listing_date
    assert ash_csl.sanctions[0].end_date == ash_dpl.sanctions[0].end_date
    assert ash_csl.addresses[0].full == ash_dpl.addresses[0].full


def test_source_id_is_stable() -> None:
    entities, _ = _parse(FIXTURE)
    ash = [e for e in entities if e.caption == "I. ASH"]
    assert len(ash) == 2
    assert {e.source_id for e in ash} == {dpl_source_id(" I. ASH", "2003-06-19"),
                                          dpl_source_id("I.  ASH", "2002-03-04")}
    assert entities[0].id == "us_bis_dpl-" + dpl_source_id("I. ASH", "2003-06-19")


def test_fixture() -> None:
    assert DplParser.sniff(FIXTURE) == "us_bis_dpl"
    assert CslCsvParser.sniff(FIXTURE) is None
    entities, report = _parse(FIXTURE)
    assert report.counts["rows"] == 5 and len(entities) == 4
    assert report.warning_count == 0 and dict(report.leftover_fields) == {}


# --------------------------------------------------------------------------- bad input

def _text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def test_unclosed_quote_is_parse_error_with_line(tmp_path: Path) -> None:
    lines = _text().splitlines()
    lines[3] = lines[3].replace('"RICHARDSON"', '"RICHARDSON')
    path = tmp_path / "bad.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParseError) as err:
        _parse(path)
    assert err.value.location is not None and err.value.location.line == 4


def test_wrong_columns_is_format_error(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_text('"Name"\t"Address"\t"Date"\n"X"\t"Y"\t"01/01/2020"\n', encoding="utf-8")
    with pytest.raises(FormatError, match="Effective_Date"):
        _parse(path)


def test_cp1252_is_decoded_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes(_text().replace("AARON ABRAHAM VILLA", "AARÓN ABRAHAM VILLA").encode(
        "cp1252"))
    entities, report = _parse(path)
    assert any(e.caption == "AARÓN ABRAHAM VILLA" for e in entities)
    assert report.issues[0].message.startswith("file is not UTF-8")
    assert report.issues[0].location.line == 5


def test_utf16_with_bom_parses(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + _text().encode("utf-16-le"))
    assert DplParser.sniff(path) == "us_bis_dpl"
    got, _ = _parse(path)
    want, _ = _parse(FIXTURE)
    assert [e.to_dict()["names"] for e in got] == [e.to_dict()["names"] for e in want]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        _parse(path)
    assert DplParser.sniff(path) is None


def test_bad_date_is_warned(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text(_text().replace('"08/24/2022"', '"24.08.2022"'), encoding="utf-8")
    entities, report = _parse(path)
    villa = next(e for e in entities if e.caption == "AARON ABRAHAM VILLA")
    assert villa.sanctions[0].listing_date is None
    assert [(i.location.line, i.location.field) for i in report.issues] == [
        (5, "Effective_Date")]


# --------------------------------------------------------------------------- fuzzing

_SAMPLE = FIXTURE.read_bytes()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 30),
                          st.binary(max_size=6) | st.sampled_from(
                              [b'"', b"\t", b"\n", b"\xff", b"\x00", b"/"])),
                min_size=1, max_size=5))
def test_fuzz_mutations(tmp_path: Path, cuts: list[tuple[int, int, bytes]]) -> None:
    data = _SAMPLE
    for pos, length, insert in cuts:
        pos %= len(data) + 1
        data = data[:pos] + insert + data[pos + length:]
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    DplParser.sniff(path)
    try:
        for entity in DplParser(path, "us_bis_dpl", LoadReport(str(path))).parse():
            assert entity.id.startswith("us_bis_dpl-")
    except InputError:
        pass


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_fuzz_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes(data)
    with contextlib.suppress(InputError):
        list(DplParser(path, "us_bis_dpl", LoadReport(str(path))).parse())
