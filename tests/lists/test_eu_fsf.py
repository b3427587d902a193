"""EU Financial Sanctions Files (eu_fsf): the "xmlFullSanctionsList_1_1" XML and the flat CSV.

No real FSF file is available offline (the shared data folder has none and the EU serves the
files behind a token), so these tests run on fixtures built by hand in tests/fixtures/eu_fsf/
from the published format: element and attribute names follow public copies of the real XML
(``<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate=…>``, ``sanctionEntity``
with ``regulation``/``subjectType``/``nameAlias``/``citizenship``/``birthdate``/``address``/
``identification`` and their ``regulationSummary`` children); the CSV columns follow the
published 1.1 CSV header ("fileGenerationDate;Entity_LogicalId;…;Citizenship_Regulation_
PublicationUrl"). The entities are fictional; the CSV carries the same 7 entities as the XML,
one row per sub-record, plus one cross-product row, so the two formats can be compared.
Negative sniff checks use real files of other lists through ``shared``.
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

from dibwatch.errors import EncodingError, FormatError, ParseError, UnsafeInputError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.parsers import all_parsers
from dibwatch.lists.sources.eu_fsf import EuFsfCsvParser, EuFsfXmlParser
from dibwatch.lists.sources.uk import UkSanctionsCsvParser, UkSanctionsXmlParser
from dibwatch.model import Entity, NameKind
from dibwatch.testing import (
    assert_parses_or_input_error,
    by_source_id,
    mutations,
    run_parser,
    write_input,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
XML = FIXTURES / "eu_fsf" / "xmlFullSanctionsList_1_1.xml"
CSV = FIXTURES / "eu_fsf" / "csvFullSanctionsList_1_1.csv"
NS = "{http://eu.europa.ec/fpi/fsd/export}"

ParserClass = type[EuFsfXmlParser] | type[EuFsfCsvParser]


def _load(cls: ParserClass, path: Path) -> tuple[list[Entity], LoadReport, str | None]:
    return run_parser(cls, path, "eu_fsf")


_write = write_input
_by_id = by_source_id


# --------------------------------------------------------------------------- counts


def test_xml_count_matches_sanction_entities() -> None:
    expected = len(etree.parse(str(XML)).getroot().findall(f"{NS}sanctionEntity"))
    entities, report, published = _load(EuFsfXmlParser, XML)
    assert expected == 7
    assert len(entities) == expected
    assert len({e.id for e in entities}) == expected
    assert published == "2024-12-11T21:24:35.826+01:00"
    assert report.counts == {}  # no warnings, no leftovers


def test_csv_rows_are_grouped_by_entity_logical_id() -> None:
    with CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    logical_ids = {r["Entity_LogicalId"] for r in rows}
    entities, report, published = _load(EuFsfCsvParser, CSV)
    assert (len(rows), len(logical_ids)) == (36, 7)
    assert len(entities) == len(logical_ids)
    assert published == "2024-12-11"  # fileGenerationDate 11/12/2024 is dd/mm/yyyy
    assert report.counts == {}
    # The last row repeats name 170006 and address 180002 of EU.10201.77 (a cross-product
    # row): they must not be counted twice.
    shenzhen = _by_id(entities)["EU.10201.77"]
    assert [n.value for n in shenzhen.names] == [
        "Shenzhen Jinhe Microelectronics Co., Ltd.", "深圳金合微电子有限公司"]
    assert len(shenzhen.addresses) == 1
    # Provenance points at the entity's first row.
    assert _by_id(entities)["EU.9012.34"].provenance[0].line == 2


def test_csv_and_xml_give_the_same_entities() -> None:
    xml = _by_id(_load(EuFsfXmlParser, XML)[0])
    csv_ = _by_id(_load(EuFsfCsvParser, CSV)[0])
    assert xml.keys() == csv_.keys()
    for key, entity in xml.items():
        a, b = entity.to_dict(), csv_[key].to_dict()
        a.pop("provenance"), b.pop("provenance")
        if key == "EU.8801.12":
            # The CSV has no "strong" column: the weak alias is an ordinary alias there.
            assert [(n["value"], n["kind"]) for n in b["names"]][-1] == ("Vanya Sokol", "alias")
            a.pop("names"), b.pop("names")
        assert a == b, key


# --------------------------------------------------------------------------- spot checks


def _names(e: Entity) -> set[tuple[str, str, str | None]]:
    return {(n.value, n.kind.value, n.lang) for n in e.names}


def _ids(e: Entity) -> set[tuple[str, str, bool | None]]:
    return {(i.scheme, i.value, i.valid) for i in e.identifiers}


SPOT_CHECKS: list[tuple[str, str, Callable[[Entity], Any], Any]] = [
    # Russian manufacturer: OGRN and INN both pass their check digits; the generic
    # "regnumber"/"fiscalcode" codes are refined by the number's shape for country RU.
    ("EU.9012.34", "schema", lambda e: e.schema, "Organization"),
    ("EU.9012.34", "names", _names, {
        ("Joint Stock Company Uralsky Pribor", "primary", None),
        ("АО «Уральский прибор»", "alias", "ru")}),
    ("EU.9012.34", "identifiers", _ids, {
        ("OGRN", "1026600123450", True), ("INN", "6658012341", True)}),
    ("EU.9012.34", "address", lambda e: e.addresses[0].full,
     "ulitsa Mashinostroiteley 19, 620012 Yekaterinburg, Sverdlovsk Oblast, Russia"),
    ("EU.9012.34", "contacts", lambda e: (e.phones, e.emails, e.websites),
     (["+7 343 000 12 34"], ["info@uralpribor.example"], ["www.uralpribor.example"])),
    ("EU.9012.34", "sanction", lambda e: [(s.authority, s.program, s.listing_date,
                                            s.source_url) for s in e.sanctions],
     [("EU", "UKR", "2022-07-21",
       "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R1270")]),
    ("EU.9012.34", "reason", lambda e: e.sanctions[0].reason,
     "Manufacturer of guidance systems supplied to the Armed Forces of the Russian Federation."),
    # Russian individual: strong="false" is a weak alias; personal INN (12 digits) is valid.
    ("EU.8801.12", "schema", lambda e: e.schema, "Person"),
    ("EU.8801.12", "primary", lambda e: e.caption, "Ivan Petrovich Sokolov"),
    ("EU.8801.12", "birth", lambda e: (e.birth_dates, e.birth_places),
     (["1964-03-12"], ["Sverdlovsk, Russia"])),
    ("EU.8801.12", "countries", lambda e: {(c.code, c.role) for c in e.countries},
     {("ru", "citizenship"), ("ru", "birthCountry")}),
    ("EU.8801.12", "identifiers", _ids, {
        ("PASSPORT", "72 04 123456", None), ("INN", "772512345622", True)}),
    ("EU.8801.12", "passport note", lambda e: e.identifiers[0].note,
     "National passport; issued by FMS of Russia; issued 2015-06-01"),
    ("EU.8801.12", "extra", lambda e: (e.extra["gender"], e.extra["position"]),
     (["male"], ["General Director of Uralsky Pribor"])),
    # Chinese supplier: an 18-character CN registration number is a USCC.
    ("EU.10201.77", "identifiers", _ids, {("USCC", "91440300MA5F123452", True)}),
    ("EU.10201.77", "han name", lambda e: (e.names[1].script, e.names[1].lang), ("Han", "zh")),
    ("EU.10201.77", "countries", lambda e: [c.code for c in e.countries], ["cn"]),
    # Hong Kong trader, amended by a second act: one sanction, listed by the first act.
    ("EU.10202.45", "identifiers", _ids, {("REG_NO", "3012345", None)}),
    ("EU.10202.45", "address country", lambda e: e.addresses[0].country, "hk"),
    ("EU.10202.45", "sanctions", lambda e: [(s.program, s.listing_date, s.extra["modifiedAt"],
                                             s.extra["summary"]) for s in e.sanctions],
     [("UKR", "2023-06-23", ["2024-06-24"], ["council regulation 2023/1216 (OJ L159I)",
                                             "council regulation 2024/1745 (OJ L)"])]),
    # Bank: SWIFT BIC, an OGRN written with its label and a wrong check digit, a "tax" INN.
    ("EU.7733.90", "identifiers", _ids, {
        ("BIC", "URPZRUMMXXX", True), ("OGRN", "1177746123456", False),
        ("INN", "7704123450", True)}),
    ("EU.7733.90", "raw OGRN", lambda e: e.identifiers[1].raw, "OGRN 1177746123456"),
    ("EU.7733.90", "fax", lambda e: e.phones, ["+7 495 000 00 01"]),
    # UN-derived person: "low quality" remark makes a weak alias; circa year; UNKNOWN country.
    ("EU.5521.18", "names", _names, {("Kim Chol", "primary", None), ("Kim Cheol", "weak", None)}),
    ("EU.5521.18", "birth", lambda e: (e.birth_dates, e.birth_places), (["1969"], [])),
    ("EU.5521.18", "notes", lambda e: e.notes, ["Birth date circa 1969"]),
    ("EU.5521.18", "no address", lambda e: e.addresses, []),
    ("EU.5521.18", "passport", lambda e: (e.identifiers[0].value, e.identifiers[0].note),
     ("836410012", "Diplomatic passport; valid to 2021-03-31; diplomatic; reported lost")),
    ("EU.5521.18", "sanction", lambda e: (e.sanctions[0].program, e.sanctions[0].extra["unscId"],
                                           e.sanctions[0].extra["startDate"]),
     ("PRK", ["KPi.077"], ["2017-08-06"])),
    ("EU.5521.18", "title", lambda e: e.extra["title"], ["Colonel"]),
    # Ship manager with an IMO *company* number: company numbers carry no ship check digit,
    # so the IMO check (built for ship numbers) says False.
    ("EU.11870.3", "identifiers", _ids, {("IMO", "6123457", False)}),
    ("EU.11870.3", "address", lambda e: e.addresses[0].full,
     "PO Box 123456, Dubai, Jebel Ali Free Zone, United Arab Emirates"),
]


@pytest.mark.parametrize("cls", [EuFsfXmlParser, EuFsfCsvParser], ids=["xml", "csv"])
@pytest.mark.parametrize(("source_id", "what", "get", "expected"), SPOT_CHECKS,
                         ids=[f"{s[0]}-{s[1]}" for s in SPOT_CHECKS])
def test_spot_checks(cls: ParserClass, source_id: str, what: str,
                     get: Callable[[Entity], Any], expected: Any) -> None:
    path = XML if cls is EuFsfXmlParser else CSV
    entity = _by_id(_load(cls, path)[0])[source_id]
    if cls is EuFsfCsvParser and (source_id, what) == ("EU.8801.12", "names"):
        pytest.skip("no strong flag in the CSV")
    assert get(entity) == expected
    assert entity.id == f"eu_fsf-{source_id}"


def test_weak_alias_from_strong_false() -> None:
    person = _by_id(_load(EuFsfXmlParser, XML)[0])["EU.8801.12"]
    assert [(n.value, n.kind) for n in person.names] == [
        ("Ivan Petrovich Sokolov", NameKind.PRIMARY), ("Иван Петрович Соколов", NameKind.ALIAS),
        ("Vanya Sokol", NameKind.WEAK)]


# --------------------------------------------------------------------------- leftovers


def test_unknown_xml_fields_are_reported_as_leftovers(tmp_path: Path) -> None:
    data = XML.read_bytes().replace(
        b'logicalId="160001" designationDate="2022-07-21">',
        b'logicalId="160001" designationDate="2022-07-21" newFlag="yes">'
        b'<sanctionNotice kind="x">Published in OJ C 123</sanctionNotice>', 1)
    entities, report, _ = _load(EuFsfXmlParser, _write(data, ".xml", tmp_path))
    assert len(entities) == 7
    assert dict(report.leftover_fields) == {"newFlag": 1, "sanctionEntity/sanctionNotice": 1}
    issue = next(i for i in report.issues if i.location.field == "sanctionEntity/sanctionNotice")
    assert issue.location.line == 3 and issue.value == "Published in OJ C 123"


def test_unknown_csv_columns_are_reported_as_leftovers(tmp_path: Path) -> None:
    lines = CSV.read_text(encoding="utf-8-sig").splitlines()
    lines[0] += ";Entity_NewColumn;Mystery"
    lines[1] += ";surprise;"
    lines[2:] = [line + ";;" for line in lines[2:]]
    entities, report, _ = _load(EuFsfCsvParser,
                                _write("\n".join(lines).encode(), ".csv", tmp_path))
    assert len(entities) == 7
    # Entity_* columns map to entity attributes; an unknown one surfaces when the entity is
    # finished, with the line of the entity's first row.
    assert dict(report.leftover_fields) == {"newColumn": 1}
    assert report.issues[0].location.line == 2


# --------------------------------------------------------------------------- sniffing

MY_FIXTURES = {
    "eu_fsf_xml": XML, "eu_fsf_csv": CSV,
    "uk_fcdo_xml": FIXTURES / "uk" / "UK-Sanctions-List.xml",
    "uk_fcdo_csv": FIXTURES / "uk" / "UK-Sanctions-List.csv",
}
OTHER_LISTS = [
    "sanctions/un_consolidated_2026-02/consolidated.xml",
    "sanctions/ofac_sdn_2021-07/sdn.csv",
    "sanctions/ofac_consolidated_2025-01/CONS_ENHANCED.ZIP",
    "sanctions/us_csl_2023-11_subset/csl.csv",
    "sanctions/us_csl_2022-05/consolidated.csv.gz",
    "sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0833.csv",
]


@pytest.mark.parametrize("fmt", sorted(MY_FIXTURES))
def test_each_fixture_is_claimed_by_exactly_one_parser(fmt: str) -> None:
    claims = [f for f, cls in all_parsers().items() if cls.sniff(MY_FIXTURES[fmt])]
    assert claims == [fmt]


@pytest.mark.parametrize("rel", OTHER_LISTS)
def test_other_lists_are_not_sniffed(rel: str, shared: Callable[[str], Path]) -> None:
    path = shared(rel)
    for cls in (EuFsfXmlParser, EuFsfCsvParser, UkSanctionsXmlParser, UkSanctionsCsvParser):
        assert cls.sniff(path) is None, cls.format


def test_sniff_never_raises(tmp_path: Path) -> None:
    for data in (b"", b"\x00\xff" * 10, b"<export", b"Entity_LogicalId;NameAlias_"):
        path = _write(data, ".bin", tmp_path)
        EuFsfXmlParser.sniff(path), EuFsfCsvParser.sniff(path)
    assert EuFsfXmlParser.sniff(tmp_path / "missing.xml") is None
    assert EuFsfXmlParser.sniff(tmp_path) is None


# --------------------------------------------------------------------------- bad input


def test_truncated_xml_is_a_parse_error_with_line(tmp_path: Path) -> None:
    data = XML.read_bytes()
    cut = data[: data.index(b"<sanctionEntity", 5000) + 40]
    path = _write(cut, ".xml", tmp_path)
    with pytest.raises(ParseError) as err:
        _load(EuFsfXmlParser, path)
    assert err.value.location is not None
    assert err.value.location.file == str(path)
    assert err.value.location.line == cut.count(b"\n") + 1


def test_broken_tag_is_a_parse_error_with_line(tmp_path: Path) -> None:
    data = XML.read_bytes().replace(b"</nameAlias>", b"</nameAlas>", 1)
    with pytest.raises(ParseError) as err:
        _load(EuFsfXmlParser, _write(data, ".xml", tmp_path))
    assert err.value.location is not None and err.value.location.line == 11


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE export [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2024-01-01">
<sanctionEntity logicalId="1"><nameAlias wholeName="&b;"/></sanctionEntity></export>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE export [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity logicalId="1">
<nameAlias wholeName="&x;"/></sanctionEntity></export>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_tricks_are_refused(data: bytes, tmp_path: Path) -> None:
    with pytest.raises(UnsafeInputError) as err:
        _load(EuFsfXmlParser, _write(data, ".xml", tmp_path))
    assert err.value.location is not None and err.value.location.line == 2


def test_foreign_xml_is_a_format_error(tmp_path: Path) -> None:
    path = _write(b"<?xml version='1.0'?><CONSOLIDATED_LIST/>", ".xml", tmp_path)
    with pytest.raises(FormatError):
        _load(EuFsfXmlParser, path)


def test_csv_short_row_is_a_parse_error_with_line(tmp_path: Path) -> None:
    lines = CSV.read_text(encoding="utf-8-sig").splitlines()
    lines[4] = ";".join(lines[4].split(";")[:20])
    path = _write("\n".join(lines).encode(), ".csv", tmp_path)
    with pytest.raises(ParseError, match="20 fields where the header has 118") as err:
        _load(EuFsfCsvParser, path)
    assert err.value.location is not None and err.value.location.line == 5


def test_csv_without_required_columns_is_a_format_error(tmp_path: Path) -> None:
    text = CSV.read_text(encoding="utf-8-sig").replace("NameAlias_WholeName", "WholeName", 1)
    with pytest.raises(FormatError, match="NameAlias_WholeName") as err:
        _load(EuFsfCsvParser, _write(text.encode(), ".csv", tmp_path))
    assert err.value.location is not None and err.value.location.line == 1


def test_csv_row_without_logical_id(tmp_path: Path) -> None:
    lines = CSV.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(";")
    cells[1] = ""
    lines[3] = ";".join(cells)
    with pytest.raises(ParseError) as err:
        _load(EuFsfCsvParser, _write("\n".join(lines).encode(), ".csv", tmp_path))
    assert err.value.location is not None
    assert (err.value.location.line, err.value.location.field) == (4, "Entity_LogicalId")


def test_csv_in_a_legacy_encoding_is_an_encoding_error(tmp_path: Path) -> None:
    text = CSV.read_text(encoding="utf-8-sig").replace("Yekaterinburg", "Jekaterinbürg")
    text = text.replace("АО «Уральский прибор»", "AO Uralsky")
    data = text.encode("cp1252", errors="replace")
    first_bad = next(n for n, line in enumerate(data.split(b"\n"), 1) if b"\xfc" in line)
    assert first_bad == 4  # the address row of EU.9012.34
    with pytest.raises(EncodingError) as err:
        _load(EuFsfCsvParser, _write(data, ".csv", tmp_path))
    assert err.value.location is not None and err.value.location.line == first_bad


def test_bad_dates_and_codes_are_warnings(tmp_path: Path) -> None:
    data = (XML.read_bytes()
            .replace(b'birthdate="1964-03-12"', b'birthdate="1964-13-45"')
            .replace(b'identificationTypeCode="tax"', b'identificationTypeCode="newcode"')
            .replace(b'<subjectType code="enterprise" classificationCode="E"/>',
                     b'<subjectType code="vessel" classificationCode="V"/>', 1))
    entities, report, _ = _load(EuFsfXmlParser, _write(data, ".xml", tmp_path))
    by_id = _by_id(entities)
    assert by_id["EU.9012.34"].schema == "LegalEntity"
    # The dayOfMonth / monthOfYear / year attributes still hold the date.
    assert by_id["EU.8801.12"].birth_dates == ["1964-03-12"]
    # An unknown type code falls back to ID, and the RU shape rule still finds the INN.
    assert ("INN", "7704123450") in {(i.scheme, i.value) for i in by_id["EU.7733.90"].identifiers}
    assert sorted(i.location.field or "" for i in report.issues) == [
        "birthdate", "identificationTypeCode", "subjectType"]


def test_gzip_and_zip_inputs(tmp_path: Path) -> None:
    import gzip
    import zipfile

    gz = tmp_path / "fsf.xml.gz"
    gz.write_bytes(gzip.compress(XML.read_bytes()))
    zp = tmp_path / "fsf.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.write(CSV, "csvFullSanctionsList_1_1.csv")
    assert EuFsfXmlParser.sniff(gz) == "eu_fsf" and EuFsfCsvParser.sniff(zp) == "eu_fsf"
    assert len(_load(EuFsfXmlParser, gz)[0]) == 7
    assert len(_load(EuFsfCsvParser, zp)[0]) == 7


# --------------------------------------------------------------------------- fuzzing

SMALL_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2024-12-11T21:24:35">
    <sanctionEntity euReferenceNumber="EU.1.2" logicalId="1" designationDate="2022-07-21">
        <remark>Reason.</remark>
        <regulation publicationDate="2022-07-21" numberTitle="2022/1270" programme="UKR">
            <publicationUrl>https://eur-lex.europa.eu/x</publicationUrl>
        </regulation>
        <subjectType code="person" classificationCode="P"/>
        <nameAlias wholeName="Test Person" strong="true" nameLanguage="" logicalId="1"/>
        <birthdate birthdate="1970-01-02" year="1970" countryIso2Code="RU"/>
        <identification number="1026600123450" identificationTypeCode="regnumber"
            countryIso2Code="RU"><remark>OGRN</remark></identification>
    </sanctionEntity>
</export>"""
# Header and the rows of the first two entities (5 + 2 rows).
SMALL_CSV = "\n".join(CSV.read_text(encoding="utf-8-sig").splitlines()[:8]).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300) | mutations(SMALL_XML))
def test_fuzz_xml(data: bytes) -> None:
    assert_parses_or_input_error(EuFsfXmlParser, data, "eu_fsf")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300) | mutations(SMALL_CSV))
def test_fuzz_csv(data: bytes) -> None:
    assert_parses_or_input_error(EuFsfCsvParser, data, "eu_fsf")


def test_small_samples_parse() -> None:
    # The fuzzing seeds themselves must be valid, or the mutations test nothing.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "small.xml"
        path.write_bytes(SMALL_XML)
        entities, _report, _ = _load(EuFsfXmlParser, path)
        assert [(i.scheme, i.valid) for i in entities[0].identifiers] == [("OGRN", True)]
        path = Path(tmp) / "small.csv"
        path.write_bytes(SMALL_CSV)
        assert len(_load(EuFsfCsvParser, path)[0]) == 2
