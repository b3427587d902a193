"""OFAC Enhanced XML (SDN_ENHANCED / CONS_ENHANCED): real CONS file counts and spot checks, the
synthetic SDN fixture, bad input and fuzzing."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from dibwatch.errors import FormatError, InputError, ParseError, UnsafeInputError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.ofac_xml import OfacEnhancedXmlParser, has_company_form
from dibwatch.model import Entity, NameKind, validate

REAL = "sanctions/ofac_consolidated_2025-01/CONS_ENHANCED.ZIP"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "ofac_xml" / "SDN_ENHANCED.XML"
NS = {"o": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"}

Parsed = tuple[list[Entity], LoadReport, OfacEnhancedXmlParser]


def parse(path: Path, source: str | None = None) -> Parsed:
    report = LoadReport(str(path))
    parser = OfacEnhancedXmlParser(path, source or OfacEnhancedXmlParser.sniff(path) or "x",
                                   report)
    return list(parser.parse()), report, parser


def parse_bytes(tmp_path: Path, data: bytes, name: str = "SDN_ENHANCED.XML") -> Parsed:
    path = tmp_path / name
    path.write_bytes(data)
    return parse(path, "us_ofac_sdn")


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.source_id: e for e in entities}


@pytest.fixture(scope="module")
def real() -> tuple[list[Entity], LoadReport, OfacEnhancedXmlParser, bytes]:
    from dibwatch.testing import shared_file

    path = shared_file(REAL)
    with zipfile.ZipFile(path) as zf:
        raw = zf.read("CONS_ENHANCED.XML")
    return (*parse(path), raw)


# --- real CONS_ENHANCED.ZIP (2025-01-10) ---------------------------------------------------


def test_real_sniffed_as_consolidated(shared: Callable[[str], Path]) -> None:
    assert OfacEnhancedXmlParser.sniff(shared(REAL)) == "us_ofac_cons"


def test_real_entity_count_matches_a_plain_regex_pass(real: tuple[list[Entity], LoadReport,
                                                                 OfacEnhancedXmlParser,
                                                                 bytes]) -> None:
    entities, _, parser, raw = real
    expected = len(re.findall(rb"<entity id=\"\d+\">", raw))
    individuals = len(re.findall(rb"<entityType refId=\"600\">Individual<", raw))
    assert (expected, individuals) == (443, 80)  # also `grep -c '<entity id=' CONS_ENHANCED.XML`
    assert len(entities) == expected
    assert len({e.id for e in entities}) == expected
    assert {e.source_id for e in entities} == {
        m.decode() for m in re.findall(rb"<entity id=\"(\d+)\">", raw)}
    schemata = Counter(e.schema for e in entities)
    assert schemata["Person"] == individuals
    # Entities without a company legal form in any strong name: state bodies and a fund.
    assert sorted(e.source_id for e in entities if e.schema == "Organization") == [
        "27016", "30927", "31693", "31694", "31695", "46072"]
    assert schemata == {"Person": 80, "Company": 357, "Organization": 6}
    assert parser.published_at == "2025-01-10"
    assert all(e.source == "us_ofac_cons" and e.id == f"us_ofac_cons-{e.source_id}"
               for e in entities)


def _expected_names(raw: bytes) -> dict[str, Counter[tuple[str, str]]]:
    """Per entity: (name, kind) as read by a plain lxml pass over the names and Issuer Name
    features (primary -> primary, low quality -> weak, F.K.A. -> previous, else alias)."""
    root = etree.fromstring(raw)
    out: dict[str, Counter[tuple[str, str]]] = {}
    for ent in root.iterfind("o:entities/o:entity", NS):
        seen: set[tuple[str, str]] = set()
        for name in ent.iterfind("o:names/o:name", NS):
            if name.findtext("o:isPrimary", namespaces=NS) == "true":
                kind = "primary"
            elif name.findtext("o:isLowQuality", namespaces=NS) == "true":
                kind = "weak"
            elif name.findtext("o:aliasType", namespaces=NS) == "F.K.A.":
                kind = "previous"
            else:
                kind = "alias"
            for full in name.iterfind("o:translations/o:translation/o:formattedFullName", NS):
                seen.add((" ".join((full.text or "").split()), kind))
        for feature in ent.iterfind("o:features/o:feature", NS):
            if feature.findtext("o:type", namespaces=NS) == "Issuer Name":
                value = " ".join((feature.findtext("o:value", namespaces=NS) or "").split())
                if value.casefold() not in {v.casefold() for v, _ in seen}:
                    seen.add((value, "alias"))
        out[ent.get("id", "")] = Counter(seen)
    return out


def test_real_names_match_a_plain_lxml_pass(real: tuple[list[Entity], LoadReport,
                                                        OfacEnhancedXmlParser, bytes]) -> None:
    entities, _, _, raw = real
    expected = _expected_names(raw)
    for entity in entities:
        got = Counter((n.value, n.kind.value) for n in entity.names)
        assert got == expected[entity.source_id], entity.source_id
    kinds = Counter(n.kind for e in entities for n in e.names)
    # 443 primary names + 25 primary names' Cyrillic/Chinese translations; 70 low-quality
    # aliases give 71 weak names (one has two translations). 1 name part "Nickname" is weak too
    # but repeats its low-quality alias.
    assert kinds == {NameKind.PRIMARY: 468, NameKind.ALIAS: 957, NameKind.PREVIOUS: 142,
                     NameKind.WEAK: 71}


def test_real_file_has_no_leftovers_or_warnings(real: tuple[list[Entity], LoadReport,
                                                            OfacEnhancedXmlParser,
                                                            bytes]) -> None:
    _, report, _, _ = real
    assert dict(report.leftover_fields) == {}
    assert report.warning_count == 0


def test_real_identifiers_and_check_digits(real: tuple[list[Entity], LoadReport,
                                                       OfacEnhancedXmlParser, bytes]) -> None:
    entities, _, _, raw = real
    ids = [i for e in entities for i in e.identifiers]
    schemes = Counter(i.scheme for i in ids)
    # 692 identityDocuments + 33 SWIFT/BIC + 6 BIK + 165 ISIN features = 896
    assert len(re.findall(rb"<identityDocument id=", raw)) == 692
    assert len(ids) == 692 + 33 + 6 + 165
    tax_ids = len(re.findall(rb">Tax ID No\.</type>", raw))
    assert tax_ids == 213
    # 205 Russian INNs (82 stated Russian, 123 without issuing country on Russian-only
    # entities); 8 foreign or 7-digit numbers stay TAX_ID.
    assert schemes["INN"] + schemes["TAX_ID"] == tax_ids
    assert (schemes["INN"], schemes["OGRN"], schemes["OKPO"], schemes["USCC"], schemes["LEI"],
            schemes["BIC"]) == (205, 229, 152, 58, 14, 33)
    # Every number classified as INN/OGRN/OKPO/USCC/LEI/BIC passes its check digit, which
    # confirms the country inference for numbers OFAC gives without an issuing country.
    for ident in ids:
        if ident.scheme in ("INN", "OGRN", "OKPO", "USCC", "LEI", "BIC"):
            assert ident.valid is True, ident
            assert validate(ident.scheme, ident.value) is True
    isins = [i for i in ids if i.note == "ISIN"]
    # feature uses only, not the featureTypes definition
    assert len(isins) == len(re.findall(rb'<type featureTypeId="\d+">ISIN</type>', raw)) == 165


SPOT_CHECKS: list[dict[str, object]] = [
    {"id": "17016", "schema": "Company", "caption": "GAZPROMBANK JOINT STOCK COMPANY",
     "names": {("ГАЗПРОМБАНК АКЦИОНЕРНОЕ ОБЩЕСТВО", "primary"),
               ("GAZPROMBANK OPEN JOINT STOCK COMPANY", "previous"),
               ("BANK GPB JSC", "alias")},
     "ids": {("INN", "7744001497", "ru"), ("OGRN", "1027700167110", "ru"),
             ("LEI", "253400WSS48YWMBUA688", None), ("BIC", "GAZPRUMM", None)},
     "sanctions": {("UKRAINE-EO13662", "Sectoral Sanctions Identifications List", "2014-07-16"),
                   ("RUSSIA-EO14024", "SDN List", "2024-11-21")},
     "incorporated": ["1990-07-31"], "city": ("Moscow", "ru"), "website": "www.gazprombank.ru"},
    {"id": "17013", "schema": "Company", "caption": "VTB BANK PUBLIC JOINT STOCK COMPANY",
     "ids": {("INN", "7702070139", "ru"), ("OGRN", "1027739609391", "ru"),
             ("OKPO", "00032520", "ru"), ("BIC", "VTBRRUMM", None), ("ID", "044525187", None)},
     "sanctions": {("UKRAINE-EO13662", "Sectoral Sanctions Identifications List", "2014-07-29"),
                   ("RUSSIA-EO14024", "SDN List", "2022-02-24")},
     "incorporated": ["1990-10-17"]},
    # Russian numbers without issuing country: the entity's only country (Russia) decides.
    {"id": "17248", "schema": "Company", "caption": "LUKOIL OAO",
     "ids": {("INN", "7708004767", "ru"), ("OGRN", "1027700035769", "ru"),
             ("OKPO", "00044434", "ru")}},
    {"id": "17254", "schema": "Company", "caption": "PUBLIC JOINT STOCK COMPANY TRANSNEFT",
     "sanctions": {("UKRAINE-EO13662", "Sectoral Sanctions Identifications List", "2014-09-12"),
                   ("RUSSIA-EO14024", "Non-SDN Menu-Based Sanctions List", "2022-02-24")}},
    {"id": "31695", "schema": "Organization", "caption": "CENTRAL BANK OF THE RUSSIAN FEDERATION",
     "names": {("ЦЕНТРАЛЬНЫЙ БАНК РОССИЙСКОЙ ФЕДЕРАЦИИ", "primary"), ("BANK OF RUSSIA", "alias")},
     "ids": {("INN", "7702235133", "ru"), ("OGRN", "1037700013020", "ru"),
             ("BIC", "CBRFRUMM", None)},
     "sanctions": {("RUSSIA-EO14024", "Non-SDN Menu-Based Sanctions List", "2022-02-22")},
     "extra": ("sector", "Central banking")},
    # NS-CMIC: USCC with check digit, ISINs, tickers, Issuer Name aliases.
    {"id": "30882", "schema": "Company", "caption": "CHINA TELECOM CORPORATION LIMITED",
     "names": {("China Telecom Corporation Limited.Co.Ltd", "alias")},
     "ids": {("USCC", "9111000071093019X7", "cn"), ("ID", "US1694261033", None),
             ("ID", "CNE1000002V2", None)},
     "sanctions": {("CMIC-EO13959", "Non-SDN CMIC List", "2021-06-03")},
     "city": ("Beijing", "cn"), "extra": ("ticker", "CHA US")},
    {"id": "9639", "schema": "Person", "caption": "HANIYA, Ismail Abdul Salah",
     "names": {("HANIYYA, Ismaeel", "alias")}, "born": ["1962"], "pob": ["Shati"],
     "sanctions": {("NS-PLC", "Non-SDN Palestinian Legislative Council List", "2006-04-12")}},
    {"id": "9647", "schema": "Person", "caption": "ZAHHAR, Mahmoud Khaled",
     "names": {("ZAHAR, Mahmoud", "weak"), ("AL ZAHAR, Mahmoud Khaled", "alias")}},
    {"id": "26182", "schema": "Person", "caption": "KAYAKIRAN, Evren",
     "ids": {("PASSPORT", "U00242309", "tr")}, "born": ["1980-02-08"],
     "countries": {("tr", "citizenship")}, "extra": ("gender", "Male"),
     "sanctions": {("FSE-IR", "FSE List", "2019-02-07")}},
    {"id": "50476", "schema": "Person", "caption": "MARTELLY, Michel Joseph",
     "ids": {("NATIONAL_ID", "0032768386", "ht")}, "born": ["1961-02-12"],
     "pob": ["Port-au-Prince, Haiti"], "countries": {("ht", "nationality")},
     "sanctions": {("ILLICIT-DRUGS-EO14059", "Non-SDN Menu-Based Sanctions List", "2024-08-20")}},
]


def check_entity(entity: Entity, spec: dict[str, object]) -> None:
    assert entity.schema == spec["schema"]
    assert entity.caption == spec["caption"]
    names = {(n.value, n.kind.value) for n in entity.names}
    assert set(spec.get("names", set())) <= names  # type: ignore[call-overload]
    ids = {(i.scheme, i.value, i.country) for i in entity.identifiers}
    assert set(spec.get("ids", set())) <= ids  # type: ignore[call-overload]
    if "sanctions" in spec:
        got = {(s.program, s.list_name, s.listing_date) for s in entity.sanctions}
        assert got == spec["sanctions"]
        assert {s.authority for s in entity.sanctions} == {"US OFAC"}
    if "born" in spec:
        assert entity.birth_dates == spec["born"]
    if "pob" in spec:
        assert entity.birth_places == spec["pob"]
    if "incorporated" in spec:
        assert entity.incorporation_dates == spec["incorporated"]
    if "countries" in spec:
        roles = {(c.code, c.role) for c in entity.countries}
        assert set(spec["countries"]) <= roles  # type: ignore[call-overload]
    if "city" in spec:
        assert spec["city"] in {(a.city, a.country) for a in entity.addresses}
    if "website" in spec:
        assert spec["website"] in entity.websites
    if "extra" in spec:
        extra = spec["extra"]
        assert isinstance(extra, tuple)
        assert extra[1] in entity.extra.get(extra[0], [])


@pytest.mark.parametrize("spec", SPOT_CHECKS, ids=[str(s["id"]) for s in SPOT_CHECKS])
def test_real_spot_checks(spec: dict[str, object],
                          real: tuple[list[Entity], LoadReport, OfacEnhancedXmlParser,
                                      bytes]) -> None:
    check_entity(by_id(real[0])[str(spec["id"])], spec)


def test_real_sanctions_one_per_program(real: tuple[list[Entity], LoadReport,
                                                    OfacEnhancedXmlParser, bytes]) -> None:
    entities, _, _, raw = real
    programs = len(re.findall(rb"<sanctionsProgram refId=", raw))
    assert programs == 525
    assert sum(len(e.sanctions) for e in entities) == programs
    lists = Counter(s.list_name for e in entities for s in e.sanctions)
    assert lists["Sectoral Sanctions Identifications List"] == 286
    assert lists["Non-SDN CMIC List"] == 68
    assert None not in lists and "Consolidated List" not in lists
    assert all(s.listing_date for e in entities for s in e.sanctions)


def test_real_provenance_names_the_entity_element(
        real: tuple[list[Entity], LoadReport, OfacEnhancedXmlParser, bytes]) -> None:
    entities, _, _, raw = real
    first = entities[0]
    lines = raw.decode("utf-8").splitlines()
    prov = first.provenance[0]
    assert prov.element == f"entity[@id={first.source_id}]"
    assert prov.line is not None
    assert lines[prov.line - 1].strip() == f'<entity id="{first.source_id}">'


# --- synthetic SDN fixture ----------------------------------------------------------------


def test_fixture_sniffed_as_sdn_plain_and_zipped(tmp_path: Path) -> None:
    assert OfacEnhancedXmlParser.sniff(FIXTURE) == "us_ofac_sdn"
    zipped = tmp_path / "SDN_ENHANCED.ZIP"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(FIXTURE, "SDN_ENHANCED.XML")
    assert OfacEnhancedXmlParser.sniff(zipped) == "us_ofac_sdn"
    plain, _, _ = parse(FIXTURE)
    packed, _, _ = parse(zipped)
    assert [e.to_dict() | {"provenance": []} for e in plain] == [
        e.to_dict() | {"provenance": []} for e in packed]


@pytest.mark.parametrize("data", [
    b"",
    b"ent_num,SDN_Name\n1,X\n",
    b"<?xml version='1.0'?><sanctionsData xmlns='urn:other'/>",
    # an Enhanced XML head without a list filter cannot say SDN or Consolidated
    b"<sanctionsData xmlns='https://x/exports/ENHANCED_XML'><publicationInfo/></sanctionsData>",
])
def test_sniff_refuses_other_content(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.xml"
    path.write_bytes(data)
    assert OfacEnhancedXmlParser.sniff(path) is None
    assert OfacEnhancedXmlParser.sniff(tmp_path / "missing.xml") is None


FIXTURE_SPOT_CHECKS: list[dict[str, object]] = [
    {"id": "50001", "schema": "Company",
     "caption": "LIMITED LIABILITY COMPANY TEST MIKROELEKTRONIKA",
     "names": {("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ ТЕСТ МИКРОЭЛЕКТРОНИКА", "primary"),
               ("OOO TEST MIKROELEKTRONIKA", "alias")},
     # the OGRN has no issuing country: the entity's Russian address decides
     "ids": {("INN", "7725123450", "ru"), ("OGRN", "1127746123450", "ru")},
     "sanctions": {("RUSSIA-EO14024", "SDN List", "2024-06-12")},
     "city": ("Zelenograd", "ru"), "website": "www.test-mikro.example"},
    {"id": "50002", "schema": "Vessel", "caption": "TEST STAR",
     "names": {("OLD STAR", "previous")},
     "ids": {("IMO", "9123453", None), ("MMSI", "352001234", None)},
     "countries": {("pa", "flag")}, "extra": ("buildDate", "2004"),
     "sanctions": {("IRAN", "SDN List", "2023-11-02"),
                   ("RUSSIA-EO14024", "SDN List", "2023-11-02")}},
    {"id": "50003", "schema": "Person", "caption": "TESTOV, Ivan",
     "names": {("ABU TEST", "weak")},
     "ids": {("PASSPORT", "753123456", "ru"), ("INN", "500123456750", "ru"),
             ("ID", "1TestAddressXBT000000000000000000", None)},
     # an exact date, then a range "1966 to 1967"
     "born": ["1965-03-12", "1966", "1967"], "pob": ["Kazan, Russia"],
     "countries": {("ru", "nationality")}, "extra": ("gender", "Male"),
     "sanctions": {("SDGT", "SDN List", "2019-05-07")}},
]


@pytest.mark.parametrize("spec", FIXTURE_SPOT_CHECKS,
                         ids=[str(s["id"]) for s in FIXTURE_SPOT_CHECKS])
def test_fixture_spot_checks(spec: dict[str, object]) -> None:
    entities, report, parser = parse(FIXTURE)
    assert len(entities) == 3
    assert parser.published_at == "2025-02-03"
    assert report.warning_count == 0 and dict(report.leftover_fields) == {}
    entity = by_id(entities)[str(spec["id"])]
    check_entity(entity, spec)
    assert all(i.valid is not False for i in entity.identifiers)
    assert entity.id == f"us_ofac_sdn-{spec['id']}"


def test_fixture_relationship_and_secondary_risk_become_notes() -> None:
    entities = by_id(parse(FIXTURE)[0])
    assert entities["50002"].notes == [
        "Owned or Controlled By: LIMITED LIABILITY COMPANY TEST MIKROELEKTRONIKA "
        "(OFAC entity 50001)"]
    assert "Secondary sanctions risk: See Section 11 of Executive Order 14024." in (
        entities["50001"].notes)
    assert entities["50003"].notes == ["Synthetic test person."]
    assert entities["50003"].extra["lastName"] == ["TESTOV"]


def test_list_mismatch_with_requested_source_is_warned() -> None:
    entities, report, _ = parse(FIXTURE, "us_ofac_cons")
    assert len(entities) == 3 and entities[0].source == "us_ofac_cons"
    assert any("loaded as us_ofac_cons" in i.message for i in report.issues)


@pytest.mark.parametrize(("name", "company"), [
    ("LIMITED LIABILITY COMPANY TEST", True), ("OOO TEST", True), ("CNOOC LTD", True),
    ("ПАО ТЕСТ", True), ("中国电信股份有限公司", True), ("BANK OF RUSSIA", False),
    ("MINISTRY OF FINANCE", False), ("ALCO TRADING", False), ("COOPERATIVE", False),
])
def test_company_legal_forms(name: str, company: bool) -> None:
    assert has_company_form(name) is company


# --- bad input ----------------------------------------------------------------------------


def test_truncated_zip_is_a_format_error(tmp_path: Path) -> None:
    zipped = tmp_path / "SDN_ENHANCED.ZIP"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(FIXTURE, "SDN_ENHANCED.XML")
    data = zipped.read_bytes()
    zipped.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError) as err:
        parse(zipped, "us_ofac_sdn")
    assert err.value.location is not None and err.value.location.file == str(zipped)


def test_truncated_real_zip_is_a_format_error(shared: Callable[[str], Path],
                                              tmp_path: Path) -> None:
    data = shared(REAL).read_bytes()
    path = tmp_path / "CONS_ENHANCED.ZIP"
    path.write_bytes(data[:100_000])
    with pytest.raises(FormatError):
        parse(path, "us_ofac_cons")


def test_broken_xml_is_a_parse_error_with_line(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if "<formattedFullName>TEST STAR" in line)
    lines[target] = lines[target].replace("</formattedFullName>", "</formattedFullNam>")
    with pytest.raises(ParseError) as err:
        parse_bytes(tmp_path, "\n".join(lines).encode("utf-8"))
    assert err.value.location is not None
    assert err.value.location.line == target + 1
    assert err.value.location.file.endswith("SDN_ENHANCED.XML")


def test_truncated_xml_is_a_parse_error(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    with pytest.raises(ParseError) as err:
        parse_bytes(tmp_path, data[: len(data) * 2 // 3])
    assert err.value.location is not None and err.value.location.line


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE sanctionsData [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">
<entities><entity id="1"><generalInfo><remarks>&lol3;</remarks></generalInfo></entity></entities>
</sanctionsData>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE sanctionsData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">
<entities><entity id="1"><generalInfo><remarks>&xxe;</remarks></generalInfo></entity></entities>
</sanctionsData>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE,
                                  FIXTURE.read_bytes().replace(
                                      b"<sanctionsData ", b"<!DOCTYPE sanctionsData>\n"
                                      b"<sanctionsData ", 1)],
                         ids=["billion-laughs", "xxe", "doctype"])
def test_entity_tricks_are_unsafe(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(UnsafeInputError) as err:
        parse_bytes(tmp_path, data)
    assert err.value.location is not None and err.value.location.line is not None


@pytest.mark.parametrize("data", [
    b"",
    b"\x00\x01binary",
    b"<?xml version='1.0'?><catalog><entity id='1'/></catalog>",
    b"<sanctionsData xmlns='urn:other'><entities><entity id='1'/></entities></sanctionsData>",
])
def test_foreign_or_empty_input_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises((FormatError, ParseError)):
        parse_bytes(tmp_path, data)


def test_foreign_xml_is_a_format_error_naming_the_root(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="catalog"):
        parse_bytes(tmp_path, b"<catalog><entity id='1'/></catalog>")


def test_unknown_ref_ids_warn_and_keep_the_inline_value(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    data = data.replace(b'<sanctionsType refId="1705"', b'<sanctionsType refId="999001"')
    data = data.replace(b'<valueRefId>11226</valueRefId>', b"<valueRefId>999002</valueRefId>")
    data = data.replace(b'<type featureTypeId="224">', b'<type featureTypeId="999003">')
    entities, report, _ = parse_bytes(tmp_path, data)
    assert len(entities) == 3
    messages = [i.message for i in report.issues]
    assert messages.count("unknown refId 999001") == 3
    assert "unknown refId 999002" in messages and "unknown featureTypeId 999003" in messages
    found = by_id(entities)
    # OFAC's inline copy of each value is kept
    assert found["50001"].sanctions[0].extra["provisions"] == ["Block"]
    assert ("pa", "flag") in {(c.code, c.role) for c in found["50002"].countries}
    assert found["50003"].extra["gender"] == ["Male"]
    issue = next(i for i in report.issues if i.message == "unknown refId 999001")
    assert issue.location.element is not None and "entity[@id=" in issue.location.element


def test_unknown_features_elements_and_documents_are_reported(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    data = data.replace(
        b"</featureTypes>",
        b'<featureType featureTypeId="9001"><type>Shoe Size</type></featureType></featureTypes>')
    data = data.replace(
        b"<features>",
        b'<features><feature id="1"><type featureTypeId="9001">Shoe Size</type>'
        b"<value>44</value></feature>", 1)
    data = data.replace(b"<identityId>60002</identityId>",
                        b"<identityId>60002</identityId><newField>x</newField>")
    data = data.replace(b"<remarks>Synthetic test person.</remarks>",
                        b"<remarks>Synthetic test person.</remarks></generalInfo>"
                        b"<watchLists><watchList>Y</watchList></watchLists><generalInfo>", 1)
    data = data.replace(b"<value>Passport</value>", b"<value>Library Card</value>")
    entities, report, _ = parse_bytes(tmp_path, data)
    assert len(entities) == 3
    assert report.leftover_fields["feature:Shoe Size"] == 1
    assert report.leftover_fields["newField"] == 1
    assert report.leftover_fields["watchLists/watchList"] == 1
    assert any(i.message.startswith("unmapped identity document type") for i in report.issues)
    # the unmapped document is kept as a generic ID
    assert ("ID", "753123456") in {(i.scheme, i.value)
                                   for i in by_id(entities)["50003"].identifiers}


def test_many_entities_stream(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index('    <entity id="50003">')
    end = text.index("</entity>", start) + len("</entity>\n")
    block = text[start:end]
    copies = "".join(block.replace('entity id="50003"', f'entity id="{60000 + i}"')
                     for i in range(2000))
    entities, report, _ = parse_bytes(tmp_path, (text[:end] + copies + text[end:]).encode())
    assert len(entities) == 2003
    assert report.warning_count == 0


# --- fuzzing ------------------------------------------------------------------------------

SAMPLE = FIXTURE.read_bytes()


def _outcome(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    OfacEnhancedXmlParser.sniff(path)  # never raises
    try:
        entities, _, _ = parse(path, "us_ofac_sdn")
    except InputError:
        return
    assert all(isinstance(e, Entity) for e in entities)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=512))
def test_fuzz_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    _outcome(tmp_path, data)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.integers(0, len(SAMPLE)), st.integers(0, 40),
                               st.binary(max_size=12)), min_size=1, max_size=4))
def test_fuzz_mutated_fixture(tmp_path: Path, cuts: list[tuple[int, int, bytes]]) -> None:
    data = SAMPLE
    for pos, length, insert in cuts:
        data = data[:pos] + insert + data[pos + length:]
    _outcome(tmp_path, data)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.sampled_from([b'refId="1705"', b"<valueRefId>11226</valueRefId>", b"true",
                            b"1965-03-12", b'featureTypeId="8"', b"IMO 9123453", b"Individual",
                            b"<entity ", b"<names>", b"</translations>", b"2025-02-03T00:00:00"]),
       new=st.sampled_from([b"", b"x", b"-0-", b'refId=""', b"<a/>", b"9999-99-99", b"&amp;",
                            b"<valueDate/>", b"\xff"]))
def test_fuzz_field_replacements(tmp_path: Path, old: bytes, new: bytes) -> None:
    _outcome(tmp_path, SAMPLE.replace(old, new))
