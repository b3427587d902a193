"""EU regulation annexes (OpenSanctions' CSV parse of the OJ consolidated acts)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibwatch.errors import EncodingError, FormatError, InputError, ParseError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.eu_journal import EUJournalParser, parse_dates, regulation
from dibwatch.model import Entity, NameKind

FOLDER = "sanctions/eu_ojeu_consolidated_annexes_2026-07"
FILES = ["32014R0833.csv", "32014R0269.csv", "32006R0765.csv", "32024R2642.csv"]
FIXTURE = Path(__file__).parents[1] / "fixtures" / "eu_journal" / "small.csv"


def parse(path: Path) -> tuple[list[Entity], LoadReport]:
    report = LoadReport(str(path))
    return list(EUJournalParser(path, "eu_journal", report).parse()), report


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def real() -> dict[str, tuple[Path, list[Entity], LoadReport]]:
    from dibwatch.testing import shared_file

    out = {}
    for name in FILES:
        path = shared_file(f"{FOLDER}/{name}")
        out[name] = (path, *parse(path))
    return out


def by_id(entities: list[Entity], source_id: str) -> Entity:
    return next(e for e in entities if e.source_id == source_id)


@pytest.mark.parametrize("name", FILES)
def test_one_entity_per_row(name: str, real: dict[str, tuple[Path, list[Entity], LoadReport]]
                            ) -> None:
    path, entities, _ = real[name]
    rows = csv_rows(path)
    assert len(entities) == len(rows)
    assert len({e.id for e in entities}) == len(entities)  # celex+annex+recordId is unique
    assert Counter(e.sanctions[0].list_name for e in entities) == Counter(
        f"Annex {r['annex']}" for r in rows)


def test_known_counts(real: dict[str, tuple[Path, list[Entity], LoadReport]]) -> None:
    # Counts stated in SOURCE.txt, re-checked with the csv module above and here.
    _, reg833, _ = real["32014R0833.csv"]
    assert len(reg833) == 1746
    assert sum(e.sanctions[0].program == "833/2014 Annex IV" for e in reg833) == 921
    assert sum(e.schema == "Vessel" for e in reg833) == 633  # Annex XLII
    _, reg269, _ = real["32014R0269.csv"]
    assert len(reg269) == 2802
    assert sum(e.schema == "Person" for e in reg269) == 1984
    assert sum(e.sanctions[0].list_name == "Annex I.ENTITIES" for e in reg269) == 818
    assert len(real["32006R0765.csv"][1]) == 408 and len(real["32024R2642.csv"][1]) == 100


def test_leftovers_and_warnings_on_real_files(
        real: dict[str, tuple[Path, list[Entity], LoadReport]]) -> None:
    for name in FILES:
        assert dict(real[name][2].leftover_fields) == {}, name
    warnings = Counter((name, i.message) for name in FILES for i in real[name][2].issues)
    assert warnings == Counter({
        # birth dates such as "10 October (year unknown)" or "N/D"; kept in notes
        ("32014R0269.csv", "no date found"): 5,
        # "Tax ID/INN" labels on Turkish/Kyrgyz/… tax numbers (and 9-digit or 14-digit
        # "INN"s): kept as invalid INN identifiers, as the annex labels them
        ("32014R0833.csv", "INN fails its format/check-digit test"): 18,
        ("32014R0833.csv", "USCC fails its format/check-digit test"): 1,
    })


SPOT = [
    # (file, record id, schema, name, program, listing date, identifiers, countries)
    ("32014R0833.csv", "32014R0833-IV-1", "LegalEntity", "JSC Sirius", "833/2014 Annex IV",
     "2014-09-12", [("INN", "7704730655", True)], ["ru"]),
    ("32014R0833.csv", "32014R0833-IV-479", "LegalEntity", "Asia Pacific Links Ltd.",
     "833/2014 Annex IV", "2023-06-23", [("REG_NO", "2182045", None)], ["hk"]),
    ("32014R0833.csv", "32014R0833-XLII-1", "Vessel", "Angara", "833/2014 Annex XLII",
     "2024-06-25", [("IMO", "9179842", True)], []),
    ("32014R0833.csv", "32014R0833-XIV-vtb-bank", "LegalEntity", "VTB BANK",
     "833/2014 Annex XIV", "2022-03-12", [], []),
    ("32014R0269.csv", "32014R0269-I.ENTITIES-48", "LegalEntity",
     "Joint-stock company ‘Lenpromtransproyekt’ (АО ‘Ленпромтранспроект’)", "269/2014 Annex I",
     "2020-10-01", [("INN", "7825064262", True), ("OGRN", "1027809210054", True)], ["ru"]),
    # ogrnCode "1207700324941, KPP 772901001": the KPP is split off and typed
    ("32014R0269.csv", "32014R0269-I.ENTITIES-45", "LegalEntity",
     "STROYGAZMONTAZH Joint Stock Company", "269/2014 Annex I", "2018-07-31",
     [("INN", "9729299794", True), ("OGRN", "1207700324941", True), ("KPP", "772901001", True),
      ("REG_NO", "1077762942212", None), ("TAX_ID", "7729588440", None)], ["ru"]),
    ("32014R0269.csv", "32014R0269-I.PERSONS-1049", "Person", "Alexander Sergeevich KAMYSHOV",
     "269/2014 Annex I", "2022-04-08", [], []),
]


@pytest.mark.parametrize("spot", SPOT, ids=[s[1] for s in SPOT])
def test_real_spot_checks(spot: tuple[str, str, str, str, str, str,
                                      list[tuple[str, str, bool | None]], list[str]],
                          real: dict[str, tuple[Path, list[Entity], LoadReport]]) -> None:
    file, source_id, schema, name, program, listed, idents, countries = spot
    entity = by_id(real[file][1], source_id)
    assert (entity.schema, entity.caption) == (schema, name)
    sanction = entity.sanctions[0]
    assert (sanction.authority, sanction.program, sanction.listing_date) == ("EU", program,
                                                                             listed)
    assert [(i.scheme, i.value, i.valid) for i in entity.identifiers] == idents
    assert [c.code for c in entity.countries if c.role == "country"] == countries


def test_real_details(real: dict[str, tuple[Path, list[Entity], LoadReport]]) -> None:
    reg833, reg269 = real["32014R0833.csv"][1], real["32014R0269.csv"][1]
    sirius = by_id(reg833, "32014R0833-IV-1")
    assert {n.value for n in sirius.names if n.kind == NameKind.ALIAS} == {
        "Открытое Акционерное Общество «Концерн «Сириус» (ОАО «Концерн «Сириус»)",
        "JSC Concern Sirius", "Kontsern Sirius"}
    assert sirius.websites == ["www.con-sirius.ru", "http://rostec.ru/about/company/341"]
    assert len(sirius.phones) == 3 and sirius.sanctions[0].extra == {
        "provisions": ["Export control"], "programId": ["EU-RUS"]}
    kamyshov = by_id(reg269, "32014R0269-I.PERSONS-1049")
    assert kamyshov.birth_dates == ["1987-05-24"] and kamyshov.extra["gender"] == ["male"]
    assert {n.value for n in kamyshov.names if n.kind == NameKind.ALIAS} == {
        "Александр Сергеевич КАМЫШОВ", "Олександр Сергiйович КАМИШОВ"}
    # Foreign tax numbers labelled "Tax ID/INN" in Annex IV stay, marked invalid.
    invalid = [i for e in reg833 for i in e.identifiers if i.scheme == "INN" and not i.valid]
    assert "01805202210181" in {i.value for i in invalid}
    annex_iv_hk = [e for e in reg833 if e.sanctions[0].program == "833/2014 Annex IV"
                   and any(c.code == "hk" for c in e.countries)]
    assert len(annex_iv_hk) >= 50  # SOURCE.txt: 50 Hong Kong entries in Annex IV


def test_fixture() -> None:
    entities, report = parse(FIXTURE)
    assert dict(report.leftover_fields) == {}
    # the fixture's OGRN has a wrong check digit on purpose
    assert [(i.message, i.location.line, i.value) for i in report.issues] == [
        ("OGRN fails its format/check-digit test", 5, "1027700000000")]
    assert [e.source_id for e in entities] == ["32014R0833-IV-1", "32014R0833-IV-2",
                                               "32014R0833-XLII-1", "32014R0833-XIV-fiction-bank"]
    bank = entities[3]
    assert [(i.scheme, i.value, i.valid) for i in bank.identifiers] == [
        ("INN", "7730239877", True), ("KPP", "773001001", True), ("OGRN", "1027700000000", False)]
    assert entities[1].countries[0].code == "hk"


@pytest.mark.parametrize(("text", "dates", "more"), [
    ("12.9.2014", ["2014-09-12"], False),
    ("25 June 2024", ["2024-06-25"], False),
    ("February 2010", ["2010-02"], False),
    ("12.3.1960 or 1.4.1961", ["1960-03-12", "1961-04-01"], False),
    ("12.3.1999 as ‘БМЗ’", ["1999-03-12"], True),
    ("N/D", [], True),
])
def test_parse_dates(text: str, dates: list[str], more: bool) -> None:
    assert parse_dates(text) == (dates, more)


def test_regulation_numbers() -> None:
    assert [regulation(c) for c in ("32014R0833", "32006R0765", "32024R2642", "odd")] == [
        "833/2014", "765/2006", "2024/2642", "odd"]


def test_short_row_names_the_line(tmp_path: Path) -> None:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[2] = "32014R0833,2,EU-RUS,IV"
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        parse(path)
    assert info.value.location is not None and info.value.location.line == 3


def test_wrong_header_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("celex,id,name\n32014R0833,1,X\n", encoding="utf-8")
    with pytest.raises(FormatError):
        parse(path)
    assert EUJournalParser.sniff(path) is None


def test_latin1_bytes_are_an_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(FIXTURE.read_bytes().replace(b"Fiction Links", b"Fi\xe7tion Links"))
    with pytest.raises(EncodingError) as info:
        parse(path)
    assert info.value.location is not None and info.value.location.line == 3


def test_unknown_column_is_a_leftover(tmp_path: Path) -> None:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",newColumn"] + [line + ",surprise" for line in lines[1:]]
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, report = parse(path)
    assert dict(report.leftover_fields) == {"newColumn": 4}


def test_sniff(shared: Callable[[str], Path]) -> None:
    # each regulation is its own source, so its versions diff against each other only
    assert EUJournalParser.sniff(FIXTURE) == "eu_833_2014"
    expected = {"32014R0833.csv": "eu_833_2014", "32014R0269.csv": "eu_269_2014",
                "32006R0765.csv": "eu_765_2006", "32024R2642.csv": "eu_2024_2642"}
    for name in FILES:
        assert EUJournalParser.sniff(shared(f"{FOLDER}/{name}")) == expected[name]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutations_give_entities_or_input_errors(tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(FIXTURE.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        op = data.draw(st.sampled_from(["set", "delete", "insert", "truncate"]))
        if op == "set" and raw:
            raw[pos] = data.draw(st.sampled_from([*list(b',;"()\n\r\x00:\xff'), 65, 49]))
        elif op == "delete":
            del raw[pos: pos + data.draw(st.integers(1, 40))]
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(max_size=20))
        else:
            del raw[pos:]
    path = tmp_path / "mutant.csv"
    path.write_bytes(bytes(raw))
    try:
        entities, _ = parse(path)
    except InputError:
        return
    assert all(isinstance(e, Entity) for e in entities)
