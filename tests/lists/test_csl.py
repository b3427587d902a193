"""trade.gov Consolidated Screening List: real 2022 / 2023 / 2025 CSV files, JSON fixture,
bad input and fuzzing."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibwatch.errors import EncodingError, FormatError, InputError, ParseError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.csl import (
    TYPE_FIRST,
    TYPE_LAST,
    CslCsvParser,
    CslJsonParser,
    detect_ids_layout,
    parse_ids,
)
from dibwatch.lists.sources.dpl import DplParser
from dibwatch.model.entity import Entity, NameKind, Schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csl"
CSL_2022 = "sanctions/us_csl_2022-05/consolidated.csv.gz"
CSL_2023 = "sanctions/us_csl_2023-11_subset/csl.csv"
CSL_2025 = "sanctions/us_csl_2025-06_sample/consolidated.csv"
Shared = Callable[[str], Path]


def _parse(path: Path, parser: Any = CslCsvParser) -> tuple[dict[str, Entity], LoadReport]:
    report = LoadReport(str(path))
    entities = list(parser(path, "us_csl", report).parse())
    by_id = {e.source_id: e for e in entities}
    assert len(by_id) == len(entities), "entity ids must be unique"
    return by_id, report


@pytest.fixture(scope="module")
def csl2022() -> tuple[dict[str, Entity], LoadReport]:
    from dibwatch.testing import shared_file

    return _parse(shared_file(CSL_2022))


@pytest.fixture(scope="module")
def csl2023() -> tuple[dict[str, Entity], LoadReport]:
    from dibwatch.testing import shared_file

    return _parse(shared_file(CSL_2023))


def _raw_rows(path: Path) -> list[dict[str, str]]:
    """The data rows as the csv module reads them: repeated header lines dropped, a final row
    cut off mid-record (the 2023 subset ends inside a quoted field) dropped."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        text = fh.read()
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = records[0]
    if len(records[-1]) != len(header):  # the non-strict reader returns the cut-off record
        records.pop()
    return [dict(zip(header, row, strict=True)) for row in records[1:] if row != header]


# --------------------------------------------------------------------------- real files: counts

# Per-sub-list row counts stated in shared/data/sanctions/us_csl_2022-05/SOURCE.txt
SOURCE_TXT_2022 = {
    "SDN": 10026, "Entity List": 2001, "DTC/ITAR debarred": 727, "Denied Persons List": 462,
    "SSI": 290,
    "UVL": 201, "ISN": 163, "PLC": 78, "MEU": 71, "CMIC": 68, "CAP": 53, "NS-MBS": 17, "FSE": 3,
}


def test_2022_counts(csl2022: tuple[dict[str, Entity], LoadReport], shared: Shared) -> None:
    entities, report = csl2022
    raw = _raw_rows(shared(CSL_2022))
    assert len(raw) == 14160 == sum(SOURCE_TXT_2022.values())
    assert report.counts["rows"] == len(raw)
    by_source = Counter(r["source"] for r in raw)
    assert by_source["Entity List (EL) - Bureau of Industry and Security"] == 2001
    for list_name, count in SOURCE_TXT_2022.items():
        assert report.counts[f"list:{list_name}"] == count, list_name
    # Rows sharing an OFAC ent_num (SDN + SSI + CAP …) are one entity.
    assert len(entities) == len({r["_id"] for r in raw}) == 14048
    on_entity_list = [e for e in entities.values()
                      if any(s.list_name == "Entity List" for s in e.sanctions)]
    assert len(on_entity_list) == 2001  # EL rows have unique hash ids: one entity each
    assert report.counts[f"ids_layout:{TYPE_LAST}"] == 1


def test_2022_no_leftovers_and_known_warnings(
        csl2022: tuple[dict[str, Entity], LoadReport]) -> None:
    _, report = csl2022
    assert dict(report.leftover_fields) == {}  # every id type is in csl_id_types.csv
    warnings = sorted((i.location.line, i.location.field, i.value) for i in report.issues
                      if i.severity == "warning")
    assert warnings == [
        (4372, "ids", "Organization Established Date: 01 Jan 2015 to 31 Dec 2015"),
        (12091, "addresses", "NM"),  # a US state where the country code belongs
    ]


def test_2023_header_repeat_and_truncated_tail(
        csl2023: tuple[dict[str, Entity], LoadReport], shared: Shared) -> None:
    entities, report = csl2023
    path = shared(CSL_2023)
    with path.open(encoding="utf-8", newline="") as fh:
        first_lines = [fh.readline(), fh.readline()]
    assert first_lines[0] == first_lines[1]  # the header really is written twice
    raw = _raw_rows(path)
    assert len(raw) == 4226
    assert report.counts["rows"] == len(raw)
    assert report.counts["truncated_records"] == 1
    truncated = [i for i in report.issues if "truncated" in i.message]
    assert truncated[0].location.line == 4233  # the physical last line, cut mid-field
    assert report.counts[f"ids_layout:{TYPE_FIRST}"] == 1
    assert dict(report.leftover_fields) == {}
    by_source = Counter(r["source"] for r in raw)
    assert report.counts["list:Entity List"] == by_source[
        "Entity List (EL) - Bureau of Industry and Security"] == 919
    # SOURCE.txt says SDN 1,738: the 1,738th is the cut-off last record.
    assert report.counts["list:SDN"] == 1737
    assert len(entities) == len({r["_id"] for r in raw})


def test_2025_sample(shared: Shared) -> None:
    path = shared(CSL_2025)
    entities, report = _parse(path)
    raw = _raw_rows(path)
    assert report.counts["rows"] == len(raw) == 13
    assert len(entities) == 13
    assert dict(report.leftover_fields) == {}
    assert report.warning_count == 0
    rim = entities["52291"]
    assert rim.schema == Schema.PERSON
    assert [(i.scheme, i.value, i.country) for i in rim.identifiers] == [
        ("PASSPORT", "836238033", "kp")]
    assert rim.extra["gender"] == ["male"]
    sinobright = entities["233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b"]
    assert sinobright.caption == "Sinobright Import and Export Company"
    assert sinobright.notes == ["and any successor, sub-unit, or subsidiary thereof"]
    assert sinobright.sanctions[0].list_name == "ISN"
    assert sinobright.sanctions[0].authority == "US State ISN"
    assert sinobright.sanctions[0].program == "INKSNA"
    sme = entities["18283"]  # Russian ids written without a country: the address says RU
    assert [(i.scheme, i.value, i.valid) for i in sme.identifiers] == [
        ("OGRN", "1027739108649", True), ("BIC", "RUDVRUMM", True)]


# ------------------------------------------------------------------------- real files: spot checks

def _ids(e: Entity) -> set[tuple[str, str, bool | None, str | None]]:
    return {(i.scheme, i.value, i.valid, i.country) for i in e.identifiers}


SPOT_2022: list[tuple[str, dict[str, Any]]] = [
    # Russian Entity List organisation: no type in the CSL, address only, BIS licence policy.
    ("14b2dc922b62ff49cb9d3c6a18a8afb217f4d610", {
        "schema": Schema.ORGANIZATION,
        "caption": "27th Scientific Center of the Russian Ministry of Defense",
        "aliases": {"27th NTs"},
        "address": ("Birgadirskiy pereulok 13, Moscow, 105005, RU", "ru"),
        "sanction": ("US BIS", "Entity List", None, "2021-03-04"),
        "reason": "License requirement: All items subject to the EAR.; "
                  "License policy: See §744.4(d) of this part.",
        "fr": "86 FR 12529",
    }),
    # Russian SDN company: INN, OGRN and OKPO, all with valid check digits.
    ("20285", {
        "schema": Schema.COMPANY,
        "ids": {("INN", "7826717210", True, "ru"), ("OGRN", "1037828021660", True, "ru"),
                ("OKPO", "53289443", True, "ru")},
        "sanction": ("US OFAC", "SDN", "UKRAINE-EO13685", None),
        "emails": ["office@gpsm.ru"],
        "entity_number": "20285",
    }),
    # SSI company whose ids carry no country: the RU address makes the Tax ID an INN.
    ("18808", {
        "ids": {("OGRN", "1127746188536", True, None), ("OKPO", "17412936", True, None),
                ("INN", "7715909132", True, None)},
        "sanction": ("US OFAC", "SSI", "UKRAINE-EO13662", None),
    }),
    # Individual with date of birth, nationality and an OFAC "title" (FtM position).
    ("21944", {
        "schema": Schema.PERSON,
        "caption": "'ABBAS, Rim",
        "birth_dates": ["1973-03-25"],
        "nationality": "sy",
        "position": ["Scientific Studies and Research Center Employee"],
        "entity_number": "21944",
    }),
    # Passport with country, alphabetical-order ids.
    ("9935", {
        "ids": {("PASSPORT", "BC166787", None, "ca")},
        "birth_dates": ["1962-08-06"],
    }),
    # One OFAC record on two sub-lists (CAP and SDN rows with the same ent_num).
    ("34616", {
        "lists": {"CAP", "SDN"},
        "ids": {("REG_NO", "C146742", None, "cy")},
    }),
    # Chinese CMIC company: USCC with a valid check character, tickers, ISINs.
    ("30902", {
        "ids": {("USCC", "91110000MA005UCQ5P", True, "cn")},
        "sanction": ("US OFAC", "CMIC", "CMIC-EO13959", "2021-06-03"),
    }),
    # The DPL person " I. ASH" (leading space in the source) as CSL carries it.
    ("deb7a1d5743a85c354ca1a2c7f2664e2104b32d7", {
        "schema": Schema.LEGAL_ENTITY,
        "caption": "I. ASH",
        "sanction": ("US BIS", "Denied Persons List", None, "2003-06-19"),
        "end_date": "2056-06-29",
    }),
]

SPOT_2023: list[tuple[str, dict[str, Any]]] = [
    ("30882", {
        "schema": Schema.COMPANY,
        "caption": "China Telecom Corporation Limited",
        "ids": {("USCC", "9111000071093019X7", True, "cn")},
        "ticker": "0728 HK",
        "isin": "CNE1000002V2",
        "aliases": {"CHINA TELECOM", "China Telecom Co., Ltd"},
        "sanction": ("US OFAC", "CMIC", "CMIC-EO13959", "2021-06-03"),
    }),
    ("17013", {
        "ids": {("INN", "7702070139", True, "ru"), ("OGRN", "1027739609391", True, "ru"),
                ("BIC", "VTBRRUMM", True, None),
                ("LEI", "253400V1H6ART1UQ0N98", True, "ru")},
        "lists": {"SSI"},
        "programs": {"UKRAINE-EO13662", "RUSSIA-EO14024"},
    }),
]


def _check(entity: Entity, want: dict[str, Any]) -> None:
    if "schema" in want:
        assert entity.schema == want["schema"]
    if "caption" in want:
        assert entity.caption == want["caption"]
    if "aliases" in want:
        assert want["aliases"] <= {n.value for n in entity.names if n.kind == NameKind.ALIAS}
    if "ids" in want:
        assert want["ids"] <= _ids(entity)
    if "address" in want:
        full, country = want["address"]
        assert any(a.full == full and a.country == country for a in entity.addresses)
    if "sanction" in want:
        authority, list_name, program, listing = want["sanction"]
        assert any(s.authority == authority and s.list_name == list_name
                   and s.program == program and s.listing_date == listing
                   for s in entity.sanctions), entity.sanctions
    if "reason" in want:
        assert entity.sanctions[0].reason == want["reason"]
    if "fr" in want:
        assert entity.sanctions[0].extra["federal_register_notice"] == [want["fr"]]
    if "entity_number" in want:
        assert entity.sanctions[0].extra["entity_number"] == [want["entity_number"]]
    if "emails" in want:
        assert entity.emails == want["emails"]
    if "birth_dates" in want:
        assert entity.birth_dates == want["birth_dates"]
    if "nationality" in want:
        assert any(c.code == want["nationality"] and c.role == "nationality"
                   for c in entity.countries)
    if "position" in want:
        assert entity.extra["position"] == want["position"]
    if "lists" in want:
        assert {s.list_name for s in entity.sanctions} == want["lists"]
    if "programs" in want:
        assert {s.program for s in entity.sanctions} == want["programs"]
    if "ticker" in want:
        assert want["ticker"] in entity.extra["ticker"]
    if "isin" in want:
        assert want["isin"] in entity.extra["isinCode"]
    if "end_date" in want:
        assert entity.sanctions[0].end_date == want["end_date"]


@pytest.mark.parametrize(("source_id", "want"), SPOT_2022, ids=[s for s, _ in SPOT_2022])
def test_spot_checks_2022(source_id: str, want: dict[str, Any],
                          csl2022: tuple[dict[str, Entity], LoadReport]) -> None:
    _check(csl2022[0][source_id], want)


@pytest.mark.parametrize(("source_id", "want"), SPOT_2023, ids=[s for s, _ in SPOT_2023])
def test_spot_checks_2023(source_id: str, want: dict[str, Any],
                          csl2023: tuple[dict[str, Entity], LoadReport]) -> None:
    _check(csl2023[0][source_id], want)


def test_inn_validity_on_real_2022(csl2022: tuple[dict[str, Entity], LoadReport]) -> None:
    verdicts = Counter(i.valid for e in csl2022[0].values() for i in e.identifiers
                       if i.scheme == "INN")
    # 596 INNs; 3 fail the check digit as OFAC printed them (kept, flagged invalid).
    assert verdicts == {True: 593, False: 3}


# --------------------------------------------------------------------------- fixtures

def test_fixture_2022_layout() -> None:
    entities, report = _parse(FIXTURES / "csl_2022_small.csv")
    assert report.counts[f"ids_layout:{TYPE_LAST}"] == 1
    assert report.counts["rows"] == 7 and len(entities) == 6
    person = entities["9935"]
    assert {("PASSPORT", "K475336", None, "jo"), ("PASSPORT", "BC166787", None, "ca")} <= _ids(
        person)
    jordan = next(i for i in person.identifiers if i.value == "K475336")
    # Alphabetical key order: expiration_date precedes issue_date.
    assert jordan.note == "Passport; issued 2009-08-31; expires 2014-08-30"
    assert person.birth_dates == ["1962-08-06", "1960"]
    assert "Date of birth: circa 1960" in person.notes
    isn = next(e for e in entities.values() if e.caption.startswith("Asia-Invest"))
    assert isn.caption == "Asia-Invest LLC" and isn.schema == Schema.COMPANY
    assert isn.sanctions[0].extra["federal_register_notice"] == ["Vol. 84, No. 150, 08/05/2019"]
    merged = entities["20285"]
    assert {s.list_name for s in merged.sanctions} == {"SDN", "CAP"}
    assert len(merged.provenance) == 2


def test_fixture_2023_layout_and_dates() -> None:
    entities, report = _parse(FIXTURES / "csl_2023_small.csv")
    assert report.counts[f"ids_layout:{TYPE_FIRST}"] == 1 and len(entities) == 3
    karim = entities["12345"]
    passport = karim.identifiers[0]
    assert (passport.value, passport.country, passport.note) == (
        "E590976", "tn", "Passport; issued 1987-06-19; expires 1992-06-18")
    assert karim.birth_dates == ["1970-03-15"]


def test_json_fixture() -> None:
    path = FIXTURES / "consolidated_small.json"
    assert CslJsonParser.sniff(path) == "us_csl"
    assert CslCsvParser.sniff(path) is None
    report = LoadReport(str(path))
    parser = CslJsonParser(path, "us_csl", report)
    entities = {e.source_id: e for e in parser.parse()}
    assert parser.published_at == "2023-11-16"
    assert dict(report.leftover_fields) == {} and report.warning_count == 0
    telecom = entities["30882"]
    assert _ids(telecom) == {("USCC", "9111000071093019X7", True, "cn")}
    assert telecom.extra["isinCode"] == ["CNE1000002V2"]
    assert telecom.sanctions[0].listing_date == "2021-06-03"
    address = telecom.addresses[0]
    assert (address.street, address.city, address.postal_code, address.country) == (
        "31 Jinrong Street, Xicheng District", "Beijing", "100033", "cn")
    gipro = entities["20285"]
    assert ("INN", "7826717210", True, "ru") in _ids(gipro)
    assert next(i for i in gipro.identifiers if i.scheme == "PASSPORT").note == (
        "Passport; issued 2001-01-02; expires 2011-01-01")
    el = entities["14b2dc922b62ff49cb9d3c6a18a8afb217f4d610"]
    assert el.schema == Schema.ORGANIZATION
    assert el.sanctions[0].list_name == "Entity List"
    # Same record in CSV form gives the same names and sanction dates.
    csv_entities, _ = _parse(FIXTURES / "csl_2022_small.csv")
    csv_el = csv_entities[el.source_id]
    assert [n.value for n in csv_el.names] == [n.value for n in el.names]
    assert csv_el.sanctions[0].listing_date == el.sanctions[0].listing_date


def test_json_leftovers_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"results": [{"id": "1", "source": "Capta List (CAP) - Treasury '
                    'Department", "name": "X LLC", "color": "red", "ids": [{"type": "Foo", '
                    '"number": "7"}], "addresses": [{"country": "RU", "floor": "3"}]}]}',
                    encoding="utf-8")
    report = LoadReport(str(path))
    [entity] = CslJsonParser(path, "us_csl", report).parse()
    assert dict(report.leftover_fields) == {"color": 1, "ids[Foo]": 1, "addresses.floor": 1}
    assert entity.countries[0].code == "ru"


# --------------------------------------------------------------------------- helpers

def test_ids_layouts() -> None:
    v2022 = "RU, 7736640919, Tax ID No.; Korea, North, Nationality of Registration"
    v2023 = "Tax ID No., 7736640919, RU; Passport, 484824, EG, 18 Jan 1984"
    assert detect_ids_layout([v2022]) == TYPE_LAST
    assert detect_ids_layout([v2023]) == TYPE_FIRST
    a, b = parse_ids(v2022, TYPE_LAST)
    assert (a.type, a.number, a.country) == ("Tax ID No.", "7736640919", "RU")
    assert (b.type, b.number, b.country) == ("Nationality of Registration", "Korea, North", None)
    c, d = parse_ids(v2023, TYPE_FIRST)
    assert (c.type, c.number, c.country) == ("Tax ID No.", "7736640919", "RU")
    assert (d.number, d.country, d.date) == ("484824", "EG", "1984-01-18")


# --------------------------------------------------------------------------- bad input

def _header() -> str:
    return (FIXTURES / "csl_2022_small.csv").read_text(encoding="utf-8").splitlines()[0]


def test_unclosed_quote_is_parse_error_with_line(tmp_path: Path) -> None:
    lines = (FIXTURES / "csl_2023_small.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"China Telecom Corporation Limited"',
                                '"China Telecom Corporation Limited')
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParseError) as err:
        list(CslCsvParser(path, "us_csl", LoadReport(str(path))).parse())
    assert err.value.location is not None
    assert err.value.location.file == str(path) and err.value.location.line == 3


def test_cut_off_last_line_is_warned_and_the_rest_loads(tmp_path: Path) -> None:
    text = (FIXTURES / "csl_2023_small.csv").read_text(encoding="utf-8").rstrip("\n")
    path = tmp_path / "cut.csv"
    path.write_text(text[:-40], encoding="utf-8")  # ends inside the last quoted field
    entities, report = _parse(path)
    assert set(entities) == {"30882", "17013"}
    assert report.counts["truncated_records"] == 1
    assert report.issues[0].location.line == 5


def test_wrong_columns_is_format_error(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("id_number,full_name,list\n1,Foo,SDN\n", encoding="utf-8")
    with pytest.raises(FormatError, match="source") as err:
        list(CslCsvParser(path, "us_csl", LoadReport(str(path))).parse())
    assert err.value.location is not None and err.value.location.line == 1
    assert CslCsvParser.sniff(path) is None


def test_row_with_wrong_field_count_mid_file(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text(_header() + "\n1,SDN,,\n" + "2" + "," * 28 + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match="fields") as err:
        list(CslCsvParser(path, "us_csl", LoadReport(str(path))).parse())
    assert err.value.location is not None and err.value.location.line == 2


def test_cp1252_bytes_are_refused_with_line(tmp_path: Path) -> None:
    text = (FIXTURES / "csl_2022_small.csv").read_text(encoding="utf-8")
    path = tmp_path / "cp.csv"
    path.write_bytes(text.replace("'ABBAS, Rim", "'ABBÄS, Rim").encode("cp1252"))
    with pytest.raises(EncodingError) as err:
        list(CslCsvParser(path, "us_csl", LoadReport(str(path))).parse())
    assert err.value.location is not None and err.value.location.line == 3


def test_utf16_with_bom_parses(tmp_path: Path) -> None:
    source = FIXTURES / "csl_2023_small.csv"
    path = tmp_path / "u16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + source.read_text(encoding="utf-8").encode(
        "utf-16-le"))
    assert CslCsvParser.sniff(path) == "us_csl"
    got, _ = _parse(path)
    want, _ = _parse(source)
    assert [e.names for e in got.values()] == [e.names for e in want.values()]
    assert [e.identifiers for e in got.values()] == [e.identifiers for e in want.values()]


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError, match="empty"):
        list(CslCsvParser(path, "us_csl", LoadReport(str(path))).parse())
    assert CslCsvParser.sniff(path) is None


def test_header_only_gives_no_entities(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(_header() + "\n", encoding="utf-8")
    assert list(CslCsvParser(path, "us_csl", LoadReport(str(path))).parse()) == []


def test_truncated_gzip_is_format_error(tmp_path: Path) -> None:
    data = gzip.compress((FIXTURES / "csl_2022_small.csv").read_bytes())
    path = tmp_path / "t.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError):
        list(CslCsvParser(path, "us_csl", LoadReport(str(path))).parse())


@pytest.mark.parametrize(("content", "error"), [
    (b'{"results": [', ParseError),
    (b'{"results": {}}', FormatError),
    (b'[1, 2]', FormatError),
    (b'{"results": [1]}', ParseError),
    (b'{"results": [{"id": "1", "name": {"a": 1}}]}', ParseError),
    (b'{"results": [{"id": "1", "name": "X", "alt_names": [[]]}]}', ParseError),
    (b"", ParseError),
])
def test_bad_json(tmp_path: Path, content: bytes, error: type[InputError]) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(error):
        list(CslJsonParser(path, "us_csl", LoadReport(str(path))).parse())


def test_unknown_source_label_is_warned(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(_header() + "\n1,Some New List - Agency,,,,Foo LLC" + "," * 23 + "\n",
                    encoding="utf-8")
    report = LoadReport(str(path))
    [entity] = CslCsvParser(path, "us_csl", report).parse()
    assert entity.sanctions[0].list_name == "Some New List - Agency"
    assert report.issues[0].location.field == "source" and report.issues[0].location.line == 2


def test_sniff_does_not_claim_dpl(shared: Shared) -> None:
    dpl = shared("sanctions/bis_dpl_2023-11/dpl.txt")
    assert CslCsvParser.sniff(dpl) is None and CslJsonParser.sniff(dpl) is None
    assert DplParser.sniff(FIXTURES / "csl_2022_small.csv") is None


# --------------------------------------------------------------------------- fuzzing

_SAMPLE_CSV = (FIXTURES / "csl_2022_small.csv").read_bytes()
_SAMPLE_JSON = (FIXTURES / "consolidated_small.json").read_bytes()


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    for pos, length, insert in cuts:
        pos %= len(data) + 1
        data = data[:pos] + insert + data[pos + length:]
    return data


_MUTATIONS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 40),
                                st.binary(max_size=8) | st.sampled_from(
                                    [b'"', b",", b"\n", b";", b", ", b"; ", b"{", b"]",
                                     b"\xff", b"\x00", b"\t"])),
                      min_size=1, max_size=5)


def _run(parser: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.bin"
    path.write_bytes(data)
    parser.sniff(path)
    try:
        for entity in parser(path, "us_csl", LoadReport(str(path))).parse():
            assert entity.id.startswith("us_csl-")
    except InputError:
        pass


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_MUTATIONS)
def test_fuzz_csv(tmp_path: Path, cuts: list[tuple[int, int, bytes]]) -> None:
    _run(CslCsvParser, tmp_path, _mutate(_SAMPLE_CSV, cuts))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_MUTATIONS)
def test_fuzz_json(tmp_path: Path, cuts: list[tuple[int, int, bytes]]) -> None:
    _run(CslJsonParser, tmp_path, _mutate(_SAMPLE_JSON, cuts))


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_fuzz_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    _run(CslCsvParser, tmp_path, data)
    _run(CslJsonParser, tmp_path, data)


def test_extra_properties_exist_in_ftm(csl2022: tuple[dict[str, Entity], LoadReport],
                                       csl2023: tuple[dict[str, Entity], LoadReport]) -> None:
    """Every entity.extra key is a FollowTheMoney property of the entity's schema (so "Nationality
    of Registration" is a vessel's flag but a company's jurisdiction)."""
    from followthemoney import model

    wrong = Counter((e.schema, prop) for entities, _ in (csl2022, csl2023)
                    for e in entities.values() for prop in e.extra
                    if prop not in model.get(e.schema).properties)
    assert wrong == Counter()
    jurisdictions = Counter(c.code for e in csl2022[0].values() for c in e.countries
                            if c.role == "jurisdiction")
    assert jurisdictions["kp"] > 0
