"""UK Sanctions List (gb_fcdo): FCDO's "UK-Sanctions-List.xml" and "UK-Sanctions-List.csv".

No real copy of either file is available offline (the shared data folder has none), so these
tests run on fixtures built by hand in tests/fixtures/uk/ from the published format: the XML
element names follow public copies of the real file (``Designations``/``DateGenerated``,
``Designation`` with ``UniqueID``, ``Names/Name/Name1…Name6/NameType/AliasStrength``,
``NonLatinNames``, ``Addresses``, ``IndividualDetails``/``EntityDetails``/``ShipDetails`` …), the
CSV has the real first line ("Report Date: 10-Jun-2025") and the real 58-column header. The
designations are fictional; the CSV carries the same 6 designations as the XML, one row per
name, so the two formats can be compared. Negative sniff checks live in test_eu_fsf.py (they
cover all four formats of both modules against real OFAC/CSL/UN files).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from dibwatch.errors import FormatError, ParseError, UnsafeInputError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.uk import (
    UkSanctionsCsvParser,
    UkSanctionsXmlParser,
    report_date,
    uk_date,
)
from dibwatch.model import Entity
from dibwatch.testing import (
    assert_parses_or_input_error,
    by_source_id,
    mutations,
    run_parser,
    write_input,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "uk"
XML = FIXTURES / "UK-Sanctions-List.xml"
CSV = FIXTURES / "UK-Sanctions-List.csv"

ParserClass = type[UkSanctionsXmlParser] | type[UkSanctionsCsvParser]


def _load(cls: ParserClass, path: Path) -> tuple[list[Entity], LoadReport, str | None]:
    return run_parser(cls, path, "gb_fcdo")


_write = write_input
_by_id = by_source_id


def _csv_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as fh:
        next(fh)  # the "Report Date:" line
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- counts


def test_xml_count_matches_designations() -> None:
    ids = [d.findtext("UniqueID") for d in etree.parse(str(XML)).getroot().iter("Designation")]
    entities, report, published = _load(UkSanctionsXmlParser, XML)
    assert ids == ["RUS1234", "RUS1235", "RUS1236", "RUS1237", "RUS1238", "DPR0123"]
    assert [e.source_id for e in entities] == ids
    assert [e.schema for e in entities] == [
        "Organization", "Person", "Organization", "Organization", "Vessel", "Person"]
    assert published == "2025-06-10"  # <DateGenerated>10/06/2025</DateGenerated>
    assert report.counts == {}


def test_csv_rows_are_grouped_by_unique_id() -> None:
    rows = _csv_rows()
    unique_ids = list(dict.fromkeys(r["Unique ID"] for r in rows))
    entities, report, published = _load(UkSanctionsCsvParser, CSV)
    assert (len(rows), len(unique_ids)) == (12, 6)
    assert [e.source_id for e in entities] == unique_ids
    assert published == "2025-06-10"  # "Report Date: 10-Jun-2025"
    assert report.counts == {}
    # One entity per designation, with every name row folded in.
    kim = _by_id(entities)["DPR0123"]
    assert len(kim.names) == sum(1 for r in rows if r["Unique ID"] == "DPR0123") == 3
    assert len(kim.sanctions) == 1
    assert kim.provenance[0].line == 12  # its first row: line 1 report date, 2 header


def test_csv_and_xml_give_the_same_entities() -> None:
    xml = _by_id(_load(UkSanctionsXmlParser, XML)[0])
    csv_ = _by_id(_load(UkSanctionsCsvParser, CSV)[0])
    assert xml.keys() == csv_.keys()
    for key, entity in xml.items():
        a, b = entity.to_dict(), csv_[key].to_dict()
        for data in (a, b):
            data.pop("provenance")
            # Order differs (the CSV puts the non-Latin name on the first row).
            for field in ("names", "identifiers"):
                data[field] = sorted(data.get(field, []), key=repr)
        assert a == b, key


# --------------------------------------------------------------------------- spot checks


def _names(e: Entity) -> set[tuple[str, str, str | None]]:
    return {(n.value, n.kind.value, n.lang) for n in e.names}


def _ids(e: Entity) -> set[tuple[str, str, bool | None]]:
    return {(i.scheme, i.value, i.valid) for i in e.identifiers}


RUSSIA = "The Russia (Sanctions) (EU Exit) Regulations 2019"
SPOT_CHECKS: list[tuple[str, str, Callable[[Entity], Any], Any]] = [
    # Russian manufacturer: the labelled "INN … ; OGRN: …" field gives two valid numbers.
    ("RUS1234", "names", _names, {
        ("JOINT STOCK COMPANY KALUGA INSTRUMENT PLANT", "primary", None),
        ("JSC Kaluga Instrument Plant", "alias", None),  # "Primary name variation"
        ("AO KPZ", "alias", None),  # NameType "ALias" as the list spells it
        ("АО «Калужский приборный завод»", "alias", "ru")}),
    ("RUS1234", "identifiers", _ids, {("INN", "5003034568", True),
                                      ("OGRN", "1035000123454", True)}),
    ("RUS1234", "address", lambda e: (e.addresses[0].full, e.addresses[0].city,
                                      e.addresses[0].region, e.addresses[0].country),
     ("ulitsa Gagarina 15, Kaluga Oblast, Kaluga, 248000, Russia", "Kaluga", "Kaluga Oblast",
      "ru")),
    ("RUS1234", "contacts", lambda e: (e.phones, e.emails, e.websites),
     (["+7 4842 00 11 22"], ["office@kpz.example", "sales@kpz.example"], ["www.kpz.example"])),
    ("RUS1234", "sanction", lambda e: [(s.authority, s.program, s.listing_date,
                                        s.extra["modifiedAt"], s.extra["provisions"])
                                       for s in e.sanctions],
     [("UK FCDO", RUSSIA, "2022-02-24", ["2024-03-12"],
       ["Asset freeze", "Trust services sanctions"])]),
    ("RUS1234", "reason", lambda e: e.sanctions[0].reason.split(" is involved")[0],
     "JSC Kaluga Instrument Plant"),
    ("RUS1234", "notes", lambda e: sorted(e.notes), [
        "Manufactures navigation equipment for military aircraft.",
        "Parent company: Kaluga Holding JSC"]),
    ("RUS1234", "legal form", lambda e: e.extra["legalForm"], ["Joint Stock Company"]),
    # Russian individual: exact and masked ("dd/mm/1972") dates of birth.
    ("RUS1235", "primary", lambda e: e.caption, "Sergei Viktorovich MOROZOV"),
    ("RUS1235", "birth", lambda e: (e.birth_dates, e.birth_places),
     (["1971-07-14", "1972"], ["Kaluga, Russia"])),
    ("RUS1235", "countries", lambda e: {(c.code, c.role) for c in e.countries},
     {("ru", "country"), ("ru", "nationality"), ("ru", "birthCountry")}),
    ("RUS1235", "identifiers", _ids, {("PASSPORT", "753123456", None),
                                      ("NATIONAL_ID", "772512345622", None)}),
    ("RUS1235", "person", lambda e: (e.extra["gender"], e.extra["position"],
                                     e.extra["firstName"], e.extra["lastName"]),
     (["male"], ["General Director, JSC Kaluga Instrument Plant"], ["Sergei", "Sergey"],
      ["MOROZOV"])),
    # Hong Kong trader and Chinese supplier.
    ("RUS1236", "identifiers", _ids, {("REG_NO", "2987654", None)}),
    ("RUS1236", "country", lambda e: [c.code for c in e.countries], ["hk"]),
    ("RUS1237", "identifiers", _ids, {("USCC", "91310000MA1K34567J", True)}),
    ("RUS1237", "han name", lambda e: [(n.script, n.lang) for n in e.names if n.lang],
     [("Han", "zh")]),
    # Shadow-fleet tanker: IMO with valid check digit, flag, build year, owner.
    ("RUS1238", "identifiers", _ids, {("IMO", "9234513", True)}),
    ("RUS1238", "raw imo", lambda e: e.identifiers[0].raw, "IMO9234513"),
    ("RUS1238", "vessel", lambda e: {k: e.extra[k] for k in
                                     ("flag", "pastFlags", "type", "tonnage", "buildDate")},
     {"flag": ["ga"], "pastFlags": ["pa"], "type": ["Crude Oil Tanker"], "tonnage": ["81000"],
      "buildDate": ["2003"]}),
    ("RUS1238", "owner", lambda e: e.notes[0],
     "Current owner/operator: Arktik Tanker Management FZE"),
    ("RUS1238", "flag country", lambda e: [(c.code, c.role) for c in e.countries],
     [("ga", "flag")]),
    # UN-origin designation: UN reference, alias strength, masked birth year.
    ("DPR0123", "names", _names, {("Chol KIM", "primary", None), ("Chul KIM", "alias", None),
                                  ("Kim Cheol", "weak", None)}),
    ("DPR0123", "sanction", lambda e: (e.sanctions[0].listing_date, e.sanctions[0].extra["unscId"],
                                       e.sanctions[0].extra["designationSource"],
                                       e.sanctions[0].extra["ofsiGroupId"],
                                       e.sanctions[0].reason),
     ("2017-08-05", ["KPi.077"], ["UN"], ["13519"], None)),
    ("DPR0123", "birth", lambda e: e.birth_dates, ["1969"]),
    ("DPR0123", "nationality", lambda e: [(c.code, c.role) for c in e.countries],
     [("kp", "nationality")]),
]


@pytest.mark.parametrize("cls", [UkSanctionsXmlParser, UkSanctionsCsvParser], ids=["xml", "csv"])
@pytest.mark.parametrize(("source_id", "what", "get", "expected"), SPOT_CHECKS,
                         ids=[f"{s[0]}-{s[1]}" for s in SPOT_CHECKS])
def test_spot_checks(cls: ParserClass, source_id: str, what: str,
                     get: Callable[[Entity], Any], expected: Any) -> None:
    entity = _by_id(_load(cls, XML if cls is UkSanctionsXmlParser else CSV)[0])[source_id]
    assert get(entity) == expected
    assert entity.id == f"gb_fcdo-{source_id}"


@pytest.mark.parametrize(("raw", "iso"), [
    ("14/07/1971", "1971-07-14"), ("dd/mm/1972", "1972"), ("dd/03/1972", "1972-03"),
    ("31/02/1972", None), ("1972", None), ("", None), (None, None)])
def test_uk_dates(raw: str | None, iso: str | None) -> None:
    assert uk_date(raw) == iso


def test_report_date() -> None:
    assert report_date("Report Date: 24-Jun-2026") == "2026-06-24"
    assert report_date("Report Date: 31-Feb-2026") is None
    assert report_date("Last Updated,Unique ID") is None


# --------------------------------------------------------------------------- leftovers


def test_unknown_xml_elements_are_reported_as_leftovers(tmp_path: Path) -> None:
    data = XML.read_bytes().replace(
        b"<UniqueID>RUS1234</UniqueID>",
        b"<UniqueID>RUS1234</UniqueID><Watchlist>Grey</Watchlist>", 1).replace(
        b"<Name6>AO KPZ</Name6>", b"<Name6>AO KPZ</Name6><NameSource>press</NameSource>", 1)
    entities, report, _ = _load(UkSanctionsXmlParser, _write(data, ".xml", tmp_path))
    assert len(entities) == 6
    assert dict(report.leftover_fields) == {"Watchlist": 1, "NameSource": 1}
    # A top-level stray element is located at its own line; one inside a <Name> at the line
    # and path of that Name (line 18 opens the third Name of RUS1234).
    assert {(i.location.line, i.location.element) for i in report.issues} == {
        (7, "Designations/Designation[1]/Watchlist"), (18, "Designation[1]/Names/Name[3]")}


def test_unknown_csv_columns_are_reported_as_leftovers(tmp_path: Path) -> None:
    lines = CSV.read_text(encoding="utf-8").splitlines()
    lines[1] += ",Watchlist"
    lines[2] += ",Grey"
    lines[3:] = [line + "," for line in lines[3:]]
    entities, report, _ = _load(UkSanctionsCsvParser,
                                _write("\n".join(lines).encode(), ".csv", tmp_path))
    assert len(entities) == 6
    assert dict(report.leftover_fields) == {"Watchlist": 1}
    assert report.issues[0].location.line == 3


def test_old_header_spellings_are_accepted(tmp_path: Path) -> None:
    text = CSV.read_text(encoding="utf-8").replace(
        ",Designation Type,", ',"Individual, Entity, Ship",', 1).replace(
        ",Parent company,", ",Parent Company,", 1)
    entities, report, _ = _load(UkSanctionsCsvParser, _write(text.encode(), ".csv", tmp_path))
    assert [e.schema for e in entities][:2] == ["Organization", "Person"]
    assert report.counts == {}


def test_bad_values_are_warnings(tmp_path: Path) -> None:
    data = (XML.read_bytes()
            .replace(b"<DOB>14/07/1971</DOB>", b"<DOB>circa 1971</DOB>")
            .replace(b"<NameType>Alias</NameType>", b"<NameType>Nickname</NameType>", 1)
            .replace(b"<IndividualEntityShip>Ship</IndividualEntityShip>",
                     b"<IndividualEntityShip>Aircraft</IndividualEntityShip>"))
    entities, report, _ = _load(UkSanctionsXmlParser, _write(data, ".xml", tmp_path))
    by_id = _by_id(entities)
    assert by_id["RUS1235"].birth_dates == ["1972"]
    assert by_id["RUS1238"].schema == "LegalEntity"
    assert sorted(i.location.field or "" for i in report.issues) == [
        "DOB", "IndividualEntityShip", "NameType"]


# --------------------------------------------------------------------------- bad input


def test_truncated_xml_is_a_parse_error_with_line(tmp_path: Path) -> None:
    data = XML.read_bytes()
    cut = data[: data.index(b"<Designation>", 3000) + 30]
    path = _write(cut, ".xml", tmp_path)
    with pytest.raises(ParseError) as err:
        _load(UkSanctionsXmlParser, path)
    assert err.value.location is not None
    assert (err.value.location.file, err.value.location.line) == (str(path),
                                                                  cut.count(b"\n") + 1)


def test_mismatched_tag_is_a_parse_error_with_line(tmp_path: Path) -> None:
    data = XML.read_bytes().replace(b"</Name6>", b"</Name7>", 1)
    line = data[: data.index(b"</Name7>")].count(b"\n") + 1
    with pytest.raises(ParseError) as err:
        _load(UkSanctionsXmlParser, _write(data, ".xml", tmp_path))
    assert err.value.location is not None and err.value.location.line == line == 11


@pytest.mark.parametrize("dtd", [
    b'<!DOCTYPE Designations [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE Designations [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
], ids=["billion-laughs", "xxe"])
def test_entity_tricks_are_refused(dtd: bytes, tmp_path: Path) -> None:
    data = (b'<?xml version="1.0"?>\n' + dtd + b"\n<Designations><DateGenerated>01/01/2025"
            b"</DateGenerated><Designation><UniqueID>X1</UniqueID><Names><Name><Name6>&b;"
            b"</Name6></Name></Names></Designation></Designations>")
    with pytest.raises(UnsafeInputError) as err:
        _load(UkSanctionsXmlParser, _write(data, ".xml", tmp_path))
    assert err.value.location is not None and err.value.location.line == 2


def test_foreign_xml_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        _load(UkSanctionsXmlParser, _write(b"<sdnList/>", ".xml", tmp_path))


def test_csv_short_row_is_a_parse_error_with_line(tmp_path: Path) -> None:
    lines = CSV.read_text(encoding="utf-8").splitlines()
    lines[5] = ",".join(lines[5].split(",")[:10])
    with pytest.raises(ParseError, match="10 fields where the header has 58") as err:
        _load(UkSanctionsCsvParser, _write("\n".join(lines).encode(), ".csv", tmp_path))
    assert err.value.location is not None and err.value.location.line == 6


def test_csv_without_required_columns_is_a_format_error(tmp_path: Path) -> None:
    text = CSV.read_text(encoding="utf-8").replace("Regime Name", "Regime", 1)
    with pytest.raises(FormatError, match="Regime Name") as err:
        _load(UkSanctionsCsvParser, _write(text.encode(), ".csv", tmp_path))
    assert err.value.location is not None and err.value.location.line == 2


def test_csv_without_report_date_line(tmp_path: Path) -> None:
    text = CSV.read_text(encoding="utf-8").split("\n", 1)[1]
    path = _write(text.encode(), ".csv", tmp_path)
    assert UkSanctionsCsvParser.sniff(path) == "gb_fcdo"
    entities, _, published = _load(UkSanctionsCsvParser, path)
    assert (len(entities), published) == (6, None)


def test_csv_unterminated_quote_is_a_parse_error(tmp_path: Path) -> None:
    lines = CSV.read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].replace(",Entity,", ',"Entity,', 1)
    with pytest.raises(ParseError) as err:
        _load(UkSanctionsCsvParser, _write("\n".join(lines).encode(), ".csv", tmp_path))
    assert err.value.location is not None and err.value.location.line == 8


# --------------------------------------------------------------------------- fuzzing

SMALL_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<Designations><DateGenerated>10/06/2025</DateGenerated>
<Designation><LastUpdated>12/03/2024</LastUpdated><DateDesignated>24/02/2022</DateDesignated>
<UniqueID>RUS1</UniqueID><Names><Name><Name6>TEST JSC</Name6><NameType>Primary Name</NameType>
</Name><Name><Name6>TJSC</Name6><NameType>Alias</NameType><AliasStrength>Low quality a.k.a
</AliasStrength></Name></Names><RegimeName>Russia</RegimeName>
<IndividualEntityShip>Entity</IndividualEntityShip><Addresses><Address>
<AddressLine6>Moscow</AddressLine6><AddressCountry>Russia</AddressCountry></Address></Addresses>
<EntityDetails><Entity><BusinessRegistrationNumbers><BusinessRegistrationNumber>INN 5003034568
</BusinessRegistrationNumber></BusinessRegistrationNumbers></Entity></EntityDetails>
</Designation></Designations>"""
SMALL_CSV = "\n".join(CSV.read_text(encoding="utf-8").splitlines()[:6]).encode()


def test_small_samples_parse() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "small.xml"
        path.write_bytes(SMALL_XML)
        entities = _load(UkSanctionsXmlParser, path)[0]
        assert [(i.scheme, i.valid) for i in entities[0].identifiers] == [("INN", True)]
        path = Path(tmp) / "small.csv"
        path.write_bytes(SMALL_CSV)
        assert [e.source_id for e in _load(UkSanctionsCsvParser, path)[0]] == [
            "RUS1234", "RUS1235"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300) | mutations(SMALL_XML))
def test_fuzz_xml(data: bytes) -> None:
    assert_parses_or_input_error(UkSanctionsXmlParser, data, "gb_fcdo")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300) | mutations(SMALL_CSV))
def test_fuzz_csv(data: bytes) -> None:
    assert_parses_or_input_error(UkSanctionsCsvParser, data, "gb_fcdo")
