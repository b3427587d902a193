"""UN Security Council consolidated list XML: real file counts, spot checks, bad input."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from dibwatch.errors import FormatError, InputError, ParseError, UnsafeInputError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.un import UNConsolidatedParser
from dibwatch.model import Entity, NameKind

REAL = "sanctions/un_consolidated_2026-02/consolidated.xml"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "un" / "small.xml"


def parse(path: Path) -> tuple[list[Entity], LoadReport, UNConsolidatedParser]:
    report = LoadReport(str(path))
    parser = UNConsolidatedParser(path, "un_sc", report)
    return list(parser.parse()), report, parser


@pytest.fixture(scope="module")
def real() -> tuple[list[Entity], LoadReport, UNConsolidatedParser, Path]:
    from dibwatch.testing import shared_file

    path = shared_file(REAL)
    return (*parse(path), path)


def by_ref(entities: list[Entity], ref: str) -> Entity:
    return next(e for e in entities if e.sanctions[0].extra.get("unscId") == [ref])


def test_real_counts_match_a_plain_lxml_pass(real: tuple[list[Entity], LoadReport,
                                                        UNConsolidatedParser, Path]) -> None:
    entities, _report, parser, path = real
    root = etree.parse(str(path)).getroot()
    individuals = len(root.findall("INDIVIDUALS/INDIVIDUAL"))
    organisations = len(root.findall("ENTITIES/ENTITY"))
    assert (individuals, organisations) == (730, 273)  # as counted by hand with grep -c too
    assert sum(e.schema == "Person" for e in entities) == individuals
    assert sum(e.schema == "Organization" for e in entities) == organisations
    assert len({e.id for e in entities}) == len(entities)
    assert {e.source_id for e in entities} == {d.text for d in root.iter("DATAID")}
    assert parser.published_at == root.get("dateGenerated") == "2026-02-27T00:00:09.554Z"


def test_real_file_has_no_leftovers_or_warnings(
        real: tuple[list[Entity], LoadReport, UNConsolidatedParser, Path]) -> None:
    _, report, _, _ = real
    # Every element of the 2026-02 file is mapped (country names through un_countries.csv).
    assert dict(report.leftover_fields) == {}
    assert report.warning_count == 0


SPOT = [
    # (reference, schema, primary name, program, listed on, birth dates, passport, nationality)
    ("KPi.033", "Person", "RI WON HO", "DPRK", "2016-11-30", ["1964-07-17"], "381310014", "kp"),
    ("QDi.002", "Person", "AMIN MUHAMMAD UL HAQ SAAM KHAN", "Al-Qaida", "2001-01-25", ["1960"],
     None, "af"),
    ("KPe.001", "Organization", "KOREA MINING DEVELOPMENT TRADING CORPORATION", "DPRK",
     "2009-04-24", [], None, None),
]


@pytest.mark.parametrize("spot", SPOT, ids=[s[0] for s in SPOT])
def test_real_spot_checks(spot: tuple[str, str, str, str, str, list[str], str | None,
                                      str | None],
                          real: tuple[list[Entity], LoadReport, UNConsolidatedParser, Path]
                          ) -> None:
    ref, schema, name, program, listed, born, passport, nationality = spot
    entity = by_ref(real[0], ref)
    assert (entity.schema, entity.caption) == (schema, name)
    sanction = entity.sanctions[0]
    assert (sanction.authority, sanction.program, sanction.listing_date) == (
        "UN Security Council", program, listed)
    assert entity.birth_dates == born
    if passport:
        assert [(i.scheme, i.value) for i in entity.identifiers] == [("PASSPORT", passport)]
    if nationality:
        assert [c.code for c in entity.countries if c.role == "nationality"] == [nationality]


def test_real_entity_aliases_and_address(
        real: tuple[list[Entity], LoadReport, UNConsolidatedParser, Path]) -> None:
    komid = by_ref(real[0], "KPe.001")
    assert {n.value for n in komid.names if n.kind == NameKind.ALIAS} == {
        "CHANGGWANG SINYONG CORPORATION", "EXTERNAL TECHNOLOGY GENERAL CORPORATION",
        "DPRKN MINING DEVELOPMENT TRADING COOPERATION", '"KOMID"'}
    assert komid.addresses[0].city == "Pyongyang" and komid.addresses[0].country == "kp"
    amin = by_ref(real[0], "QDi.002")  # UN "Low" quality aliases are weak
    assert {n.value for n in amin.names if n.kind == NameKind.WEAK} == {"Dr. Amin",
                                                                       "Ul-Haq, Dr. Amin"}
    al_qaida = by_ref(real[0], "QDe.004")
    assert any(n.value == "القاعدة" and n.script == "Arabic" for n in al_qaida.names)


def test_fixture_maps_every_group() -> None:
    entities, report, parser = parse(FIXTURE)
    assert parser.published_at == "2030-01-02T03:04:05.000Z"
    assert dict(report.leftover_fields) == {} and report.warning_count == 0
    person, org = entities
    assert person.id == "un_sc-9000001" and person.caption == "IVAN FICTIONOV TESTOVICH"
    kinds = {(n.value, n.kind) for n in person.names}
    assert ("Иван Фиктионов", NameKind.ALIAS) in kinds
    assert ("The Tester", NameKind.WEAK) in kinds and ("Vanya Fiction", NameKind.ALIAS) in kinds
    assert person.birth_dates == ["1964-07-17", "1965", "1966"]
    assert person.birth_places == ["Omsk, Russian Federation"]
    ident = person.identifiers[0]
    assert (ident.scheme, ident.value, ident.country, ident.note) == (
        "PASSPORT", "381310014", "kp", "expires 2020")
    assert {(c.code, c.role) for c in person.countries} == {("ru", "nationality"),
                                                           ("kp", "country")}
    assert person.extra == {"gender": ["male"], "title": ["Dr."], "position": ["Test Official"],
                            "modifiedAt": ["2020-01-01"]}
    assert ("OLD FICTION CORP", NameKind.PREVIOUS) in {(n.value, n.kind) for n in org.names}
    assert org.addresses[0].street == "Central District"


def test_unknown_element_is_a_leftover(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "<SORT_KEY/>", "<SECRET_FIELD>kept</SECRET_FIELD><SORT_KEY/>", 1)
    path = tmp_path / "un.xml"
    path.write_text(text, encoding="utf-8")
    _, report, _ = parse(path)
    assert dict(report.leftover_fields) == {"SECRET_FIELD": 1}


def test_broken_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace("</DATAID>", "</DATA>", 1),
                    encoding="utf-8")
    with pytest.raises(ParseError) as info:
        parse(path)
    assert info.value.location is not None and info.value.location.line == 5


def test_truncated_xml(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(FIXTURE.read_bytes()[:1500])
    with pytest.raises(ParseError):
        parse(path)


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_entity_tricks_are_unsafe(tmp_path: Path, prolog: str) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "<CONSOLIDATED_LIST", prolog + "\n<CONSOLIDATED_LIST", 1)
    path = tmp_path / "un.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnsafeInputError):
        parse(path)


def test_other_xml_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<export><INDIVIDUAL><DATAID>1</DATAID></INDIVIDUAL></export>",
                    encoding="utf-8")
    with pytest.raises(FormatError):
        parse(path)
    path.write_text("<CONSOLIDATED_LIST/>", encoding="utf-8")
    with pytest.raises(FormatError):
        parse(path)


def test_sniff(tmp_path: Path, shared: Callable[[str], Path]) -> None:
    assert UNConsolidatedParser.sniff(FIXTURE) == "un_sc"
    assert UNConsolidatedParser.sniff(shared(REAL)) == "un_sc"
    other = tmp_path / "x.csv"
    other.write_bytes(b"a,b\n1,2\n")
    assert UNConsolidatedParser.sniff(other) is None
    assert UNConsolidatedParser.sniff(tmp_path / "missing.xml") is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutations_give_entities_or_input_errors(tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(FIXTURE.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["set", "delete", "insert", "truncate"]))
        if op == "set":
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "delete":
            del raw[pos: pos + data.draw(st.integers(1, 40))]
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(max_size=20))
        else:
            del raw[pos:]
        if not raw:
            raw = bytearray(b"<")
    path = tmp_path / "mutant.xml"
    path.write_bytes(bytes(raw))
    try:
        entities, _, _ = parse(path)
    except InputError:
        return
    assert all(isinstance(e, Entity) for e in entities)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=300))
def test_arbitrary_bytes(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "blob.xml"
    path.write_bytes(blob)
    with contextlib.suppress(InputError):
        parse(path)
