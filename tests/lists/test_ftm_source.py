"""FollowTheMoney JSON lines (OpenSanctions / yente exports): real samples, the round trip back
to FtM property by property, a synthetic fixture for the folding rules, and bad input.

OpenSanctions data is CC BY-NC; the shared samples are used as test fixtures only.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibwatch.errors import EncodingError, FormatError, InputError, ParseError
from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.ftm import FtmJsonParser
from dibwatch.model import Entity, NameKind
from dibwatch.model.ftm import entity_to_ftm
from tests.model.test_ftm import ftm_problems

ZALA = "opensanctions_ftm/yente_zala_entities.ftm.json"
T1 = "opensanctions_ftm/yente_t1_entities.ftm.json"
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures/ftm/sample.ftm.json"
TOP_LEVEL = ("caption", "datasets", "referents", "target", "first_seen", "last_seen",
             "last_change")


def parse(path: Path, source: str = "ftm") -> tuple[list[Entity], LoadReport]:
    report = LoadReport(str(path))
    return list(FtmJsonParser(path, source, report).parse()), report


def raw_lines(path: Path) -> list[dict[str, Any]]:
    """The file read independently of the parser: one JSON object per non-blank line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.id: e for e in entities}


# --- real files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zala() -> tuple[Path, list[Entity], LoadReport]:
    from dibwatch.testing import shared_file

    path = shared_file(ZALA)
    entities, report = parse(path)
    return path, entities, report


def test_zala_counts(zala: tuple[Path, list[Entity], LoadReport]) -> None:
    path, entities, report = zala
    lines = raw_lines(path)
    # 91 entities per SOURCE.txt, by schema counted with the json module above:
    schemata = Counter(d["schema"] for d in lines)
    assert len(lines) == 91
    assert schemata == {"Sanction": 41, "Ownership": 14, "Company": 11, "Address": 11,
                        "Person": 6, "Family": 4, "Directorship": 3, "Passport": 1}
    # every Sanction targets an entity in the file, so all 41 are folded: 50 entities remain
    assert Counter(e.schema for e in entities) == schemata - Counter({"Sanction": 41})
    targets = Counter(d["properties"]["entity"][0] for d in lines if d["schema"] == "Sanction")
    assert {e.id: len(e.sanctions) for e in entities if e.sanctions} == dict(targets)
    assert sum(len(e.sanctions) for e in entities) == 41
    # nothing is left over and nothing needed a warning
    assert report.issues == [] and report.leftover_fields == Counter()


def test_t1_counts(shared: Callable[[str], Path]) -> None:
    path = shared(T1)
    entities, report = parse(path)
    schemata = Counter(d["schema"] for d in raw_lines(path))
    assert schemata == {"Person": 4, "Organization": 2, "Address": 1}
    assert Counter(e.schema for e in entities) == schemata
    assert report.issues == []


# (id, schema, caption, some names by kind, identifiers (scheme, value, valid, prop),
#  countries (code, role), birth / incorporation dates, sanction authorities)
ZALA_SPOT_CHECKS: list[dict[str, Any]] = [
    {
        "id": "NK-2Tbri3s6GgNtAwsSXh4qpL", "schema": "Person",
        "names": {("OSETROVA, Maria Aleksandrovna", NameKind.PRIMARY),
                  ("Мария Александровна Осетрова", NameKind.PRIMARY),
                  ("Zakharova Mariia Oleksandrivna", NameKind.ALIAS),
                  ("Maria Aleksandrovna Zakharova", NameKind.PREVIOUS)},
        "identifiers": {("INN", "183116181362", True, "innCode"),
                        ("ID", "183116181362", None, "idNumber"),
                        ("TAX_ID", "183116181362", None, "taxNumber")},
        "countries": {("ru", "country"), ("ru", "nationality"), ("ru", "citizenship")},
        "birth_dates": ["1988-01-07"], "birth_places": ["Russia", "Izhevsk"],
        "extra": {"gender": ["female"], "fatherName": ["АЛЕКСАНДРОВНА"]},
        "addresses": {"272 Pushkinskaya St., Apt. 41, Izhevsk, 426008"},
    },
    {
        "id": "NK-abdzbEBkqyT29GyREbiURZ", "schema": "Company", "caption": "LLC CST",
        "names": {("Общество С Ограниченной Ответственностью ЦСТ", NameKind.PRIMARY),
                  ("A Level Aerosystems CST LLC", NameKind.PRIMARY)},
        "identifiers": {("INN", "1841015504", True, "innCode"),
                        ("OGRN", "1101841007938", True, "ogrnCode"),
                        ("KPP", "771501001", True, "kppCode"),
                        ("REG_NO", "1091841000624", None, "registrationNumber")},
        "countries": {("ru", "jurisdiction"), ("ru", "country")},
        "incorporation_dates": ["2010-12-24"],
        "authorities": {"Office of Foreign Assets Control",
                        "Entity List (EL) - Bureau of Industry and Security"},
        "programs": {"RUSSIA-EO14024"},
    },
    {
        "id": "NK-cPks3aTbes8k4aCerfBAzN", "schema": "Company",
        "names": {("ZALA AERO JSC", NameKind.PRIMARY),
                  ("Акціонерне товариство \"Зала Аеро\"", NameKind.PRIMARY)},
        "identifiers": {("INN", "9715478507", True, "innCode"),
                        ("OGRN", "1247700258651", True, "ogrnCode")},
        "incorporation_dates": ["2024-03-22"],
    },
    {
        "id": "NK-aU5ybkbRFJucf8YMwsJvDw", "schema": "Person",
        "caption": "Alexander Vyacheslavovich ZAKHAROV",
        "names": {("Александр Вячеславович Захаров", NameKind.PRIMARY)},
        "identifiers": {("INN", "183111242406", True, "innCode")},
        "birth_dates": ["1965-09-21"],
        "authorities": {"Office of Foreign Assets Control"},
    },
]


@pytest.mark.parametrize("check", ZALA_SPOT_CHECKS, ids=[c["id"] for c in ZALA_SPOT_CHECKS])
def test_zala_spot_checks(check: dict[str, Any],
                          zala: tuple[Path, list[Entity], LoadReport]) -> None:
    path, entities, _ = zala
    entity = by_id(entities)[check["id"]]
    assert entity.schema == check["schema"]
    assert entity.source == "ftm" and entity.source_id == check["id"]
    assert entity.provenance[0].file == str(path) and entity.provenance[0].line
    if "caption" in check:
        assert entity.extra["_caption"] == [check["caption"]]
    assert check["names"] <= {(n.value, n.kind) for n in entity.names}
    assert check["identifiers"] <= {(i.scheme, i.value, i.valid, i.prop)
                                    for i in entity.identifiers}
    assert check.get("countries", set()) <= {(c.code, c.role) for c in entity.countries}
    for attr in ("birth_dates", "birth_places", "incorporation_dates"):
        assert getattr(entity, attr) == check.get(attr, getattr(entity, attr))
    for prop, values in check.get("extra", {}).items():
        assert entity.extra[prop] == values
    assert check.get("addresses", set()) <= {a.full for a in entity.addresses}
    assert check.get("authorities", set()) <= {s.authority for s in entity.sanctions}
    assert check.get("programs", set()) <= {s.program for s in entity.sanctions}


def test_zala_ofac_sanction_is_folded_with_all_props(
        zala: tuple[Path, list[Entity], LoadReport]) -> None:
    company = by_id(zala[1])["NK-abdzbEBkqyT29GyREbiURZ"]
    ofac = {s.ftm_id: s for s in company.sanctions}["ofac-780cd5691cab9c1219d921e42857cc300fef150e"]
    assert (ofac.authority, ofac.program, ofac.reason) == (
        "Office of Foreign Assets Control", "RUSSIA-EO14024", "Executive Order 14024 (Russia)")
    assert ofac.source_url == "https://www.treasury.gov/resource-center/sanctions/Pages/default.aspx"
    assert ofac.extra["provisions"] == ["RUSSIA-EO14024", "Block"]
    assert ofac.extra["programId"] == ["US-RUSHAR"]
    assert ofac.extra["authorityId"] == ["45928"]
    assert ofac.extra["country"] == ["us"]
    assert "entity" not in ofac.extra  # the host is implied
    csl = {s.ftm_id: s for s in company.sanctions}[
        "trade-csl-220a432fb6c7fd3e4d3af470f0f86f1f8e1ca513"]
    # two authorities and two source URLs: the first in the field, the second in extra
    assert csl.authority == "Entity List (EL) - Bureau of Industry and Security"
    assert csl.extra["authority"] == [
        "Department of the Commerce - International Trade Administration"]
    assert csl.listing_date is None and csl.extra["startDate"] == ["2023-11-02"]


def test_zala_generic_entities_keep_props_in_extra(
        zala: tuple[Path, list[Entity], LoadReport]) -> None:
    path, entities, _ = zala
    for data in raw_lines(path):
        if data["schema"] in ("Ownership", "Family", "Directorship", "Address", "Passport"):
            entity = by_id(entities)[data["id"]]
            assert entity.names == [] and entity.identifiers == []
            assert {k: v for k, v in entity.extra.items() if not k.startswith("_")} == {
                k: v for k, v in data["properties"].items() if v}


def test_zala_round_trip_property_by_property(
        zala: tuple[Path, list[Entity], LoadReport]) -> None:
    """import -> export gives every one of the 91 entities back with the same id, schema,
    top-level fields and the same set of values for every property."""
    path, entities, _ = zala
    exported = {d["id"]: d for e in entities for d in entity_to_ftm(e)}
    originals = raw_lines(path)
    assert len(exported) == len(originals) == 91
    mismatches = []
    for original in originals:
        back = exported.get(original["id"])
        if back is None:
            mismatches.append(f"{original['id']}: missing from the export")
            continue
        if back["schema"] != original["schema"]:
            mismatches.append(f"{original['id']}: schema {back['schema']}")
        props = set(original["properties"]) | set(back["properties"])
        for prop in sorted(props):
            want = set(original["properties"].get(prop, []))
            got = set(back["properties"].get(prop, []))
            if want != got:
                mismatches.append(f"{original['id']} ({original['schema']}).{prop}: "
                                  f"lost {sorted(want - got)}, gained {sorted(got - want)}")
        for key in TOP_LEVEL:
            if back.get(key) != original.get(key):
                mismatches.append(f"{original['id']}: top-level {key} {back.get(key)!r} "
                                  f"!= {original.get(key)!r}")
    assert mismatches == [], "\n".join(mismatches)


def test_zala_export_validates_with_followthemoney(
        zala: tuple[Path, list[Entity], LoadReport]) -> None:
    pytest.importorskip("followthemoney")
    from followthemoney import model

    path, entities, _ = zala
    # Values of the input that FtM's own cleaning rejects are tolerated in the export only if
    # they are exactly those: the list's single phone field holding three numbers.
    rejected = set()
    for data in raw_lines(path):
        schema = model.get(data["schema"])
        for name, values in data["properties"].items():
            prop = schema.properties[name]
            rejected |= {v for v in values if prop.type.clean(v, format=prop.format) is None}
    assert rejected == {"+7 (3412) 43-05-05; +7 (951) 210-81-28; +7 (912) 769-33-11"}
    problems = [f"{d['id']}: {p}" for e in entities for d in entity_to_ftm(e)
                for p in ftm_problems(d, frozenset(rejected))]
    assert problems == []


def test_t1_round_trip_and_validation(shared: Callable[[str], Path]) -> None:
    path = shared(T1)
    entities, _ = parse(path)
    exported = {d["id"]: d for e in entities for d in entity_to_ftm(e)}
    for original in raw_lines(path):
        back = exported[original["id"]]
        assert back["schema"] == original["schema"]
        assert {k: set(v) for k, v in back["properties"].items()} == {
            k: set(v) for k, v in original["properties"].items()}, original["id"]
        assert ftm_problems(back) == []


# --- sniffing ------------------------------------------------------------------------------


def test_sniff_real_and_foreign(shared: Callable[[str], Path], tmp_path: Path) -> None:
    assert FtmJsonParser.sniff(shared(ZALA)) == "ftm"
    assert FtmJsonParser.sniff(shared(T1)) == "ftm"
    # a Senzing JSON-lines file of OpenSanctions data is not FtM
    assert FtmJsonParser.sniff(
        shared("opensanctions_ftm/watchman_us_congress_senzing.json")) is None
    assert FtmJsonParser.sniff(SAMPLE) == "ftm"
    gz = tmp_path / "sample.ftm.json.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    assert FtmJsonParser.sniff(gz) == "ftm"
    for foreign in (b"", b"\x00\xff garbage", b'[{"id": "x"}]', b"id,schema\n1,Person\n",
                    b'{"id": "x", "name": "no schema"}\n'):
        path = tmp_path / "foreign.json"
        path.write_bytes(foreign)
        assert FtmJsonParser.sniff(path) is None, foreign
    assert FtmJsonParser.sniff(tmp_path / "absent.json") is None
    assert FtmJsonParser.sniff(tmp_path) is None


# --- synthetic fixture: folding rules -----------------------------------------------------


def test_sample_folding_and_orphans() -> None:
    entities, report = parse(SAMPLE, source="opensanctions")
    assert [e.id for e in entities] == ["co-1", "vs-1", "own-1", "addr-1", "sx-2"]
    assert {e.source for e in entities} == {"opensanctions"}
    ents = by_id(entities)
    # sx-1 comes before its target and is folded into it
    (sx1,) = ents["co-1"].sanctions
    assert (sx1.ftm_id, sx1.authority, sx1.program, sx1.listing_date, sx1.source_url) == (
        "sx-1", "Office of Foreign Assets Control", "RUSSIA-EO14024", "2022-03-24",
        "https://example.org/sdn/1")
    assert sx1.extra["program"] == ["UKRAINE-EO13662"]
    assert sx1.extra["provisions"] == ["Block"]
    assert sx1.extra["_first_seen"] == ["2022-03-24T00:00:00"]
    # sx-3 targets an absent and a present entity: folded into the present one
    (sx3,) = ents["vs-1"].sanctions
    assert sx3.extra["entity"] == ["missing-2"] and sx3.reason.startswith("Shipping")
    # sx-2's target is absent: kept as an entity of its own, props in extra
    orphan = ents["sx-2"]
    assert orphan.schema == "Sanction" and orphan.sanctions == []
    assert orphan.extra["entity"] == ["missing-1"]
    assert orphan.extra["authority"] == ["European Union"]
    assert report.issues == []


def test_sample_typed_fields() -> None:
    company = by_id(parse(SAMPLE)[0])["co-1"]
    assert [(n.value, n.kind) for n in company.names] == [
        ("Example Avia JSC", NameKind.PRIMARY), ('АО "Пример Авиа"', NameKind.PRIMARY),
        ("Primer Avia", NameKind.ALIAS), ("EXAV", NameKind.WEAK),
        ("Example Aviation OJSC", NameKind.PREVIOUS)]
    assert [n.script for n in company.names[:2]] == ["Latin", "Cyrillic"]
    assert {(i.scheme, i.value, i.valid) for i in company.identifiers} == {
        ("INN", "7707083893", True), ("OGRN", "1027700132195", True),
        ("KPP", "773601001", True), ("REG_NO", "RN-42", None)}
    assert [(c.code, c.role) for c in company.countries] == [
        ("ru", "jurisdiction"), ("ru", "country"), ("kz", "country")]
    assert [a.full for a in company.addresses] == ["ul. Vavilova 19, Moscow, 117312"]
    assert (company.incorporation_dates, company.websites, company.emails, company.phones,
            company.notes) == (["1991-06-20"], ["https://example.org"], ["info@example.org"],
                               ["+74955005550"], ["Synthetic test entity."])
    assert company.extra["legalForm"] == ["JSC"]
    assert company.extra["addressEntity"] == ["addr-1"]
    assert company.extra["_target"] == ["true"]
    assert company.extra["_referents"] == ["ofac-1"]
    vessel = by_id(parse(SAMPLE)[0])["vs-1"]
    assert [(i.scheme, i.value, i.raw, i.valid, i.prop) for i in vessel.identifiers] == [
        ("IMO", "9074729", "IMO9074729", True, "imoNumber"),
        ("MMSI", "273123456", None, None, "mmsi")]
    assert vessel.extra["flag"] == ["ru"]  # flag stays in extra, as native parsers keep it


def test_sample_round_trip() -> None:
    entities, _ = parse(SAMPLE)
    exported = {d["id"]: d for e in entities for d in entity_to_ftm(e)}
    for original in raw_lines(SAMPLE):
        back = exported[original["id"]]
        want = {k: set(v) for k, v in original["properties"].items()}
        if original["id"] == "vs-1":
            # the one change export makes: a sanctioned entity gets the FtM topic "sanction"
            want["topics"] = {"sanction"}
        assert {k: set(v) for k, v in back["properties"].items()} == want, original["id"]
        assert {k: back.get(k) for k in TOP_LEVEL} == {k: original.get(k) for k in TOP_LEVEL}


def test_unknown_property_and_top_level_key_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.ftm.json"
    path.write_text(json.dumps({"id": "p-1", "schema": "Person", "properties": {
        "name": ["A B"], "imoNumber": ["IMO9074729"]}, "score": 0.5}) + "\n", encoding="utf-8")
    (entity,), report = parse(path)
    assert entity.extra["imoNumber"] == ["IMO9074729"]  # kept, not lost
    assert entity.identifiers == []  # but not typed: a Person has no IMO number
    assert "imoNumber" not in entity_to_ftm(entity)[0]["properties"]
    (leftover, warning) = report.issues  # leftovers come from the first (validating) pass
    assert (warning.severity, warning.location.line, warning.location.field) == (
        "warning", 1, "imoNumber")
    assert (leftover.severity, leftover.location.field, leftover.value) == (
        "leftover", "score", "0.5")


def test_duplicate_id_is_warned_and_skipped(tmp_path: Path) -> None:
    line = json.dumps({"id": "p-1", "schema": "Person", "properties": {"name": ["A"]}})
    path = tmp_path / "dup.ftm.json"
    path.write_text(f"{line}\n{line}\n", encoding="utf-8")
    entities, report = parse(path)
    assert len(entities) == 1
    assert [(i.location.line, i.location.field) for i in report.issues] == [(2, "id")]


# --- bad input -----------------------------------------------------------------------------

GOOD = '{"id": "p-1", "schema": "Person", "properties": {"name": ["A"]}}'


@pytest.mark.parametrize(("second_line", "error", "field", "message"), [
    ('{"id": "p-2", "schema": "Person", "properties": {"name": ["A"]', ParseError, None,
     "malformed JSON"),  # truncated line
    ("not json at all", ParseError, None, "malformed JSON"),
    ('["p-2", "Person"]', ParseError, None, "one JSON object"),
    ('{"id": "p-2", "schema": "Spaceship", "properties": {}}', ParseError, "schema",
     "unknown FtM schema"),
    ('{"id": "p-2", "properties": {}}', ParseError, "schema", "unknown FtM schema"),
    ('{"schema": "Person", "properties": {}}', ParseError, "id", "missing"),
    ('{"id": "", "schema": "Person", "properties": {}}', ParseError, "id", "missing"),
    ('{"id": 7, "schema": "Person", "properties": {}}', ParseError, "id", "missing"),
    ('{"id": "p-2", "schema": "Person", "properties": ["name"]}', ParseError, "properties",
     "must be an object"),
    ('{"id": "p-2", "schema": "Person", "properties": {"name": "A"}}', ParseError, "name",
     "list of strings"),
    ('{"id": "p-2", "schema": "Person", "properties": {"name": [1]}}', ParseError, "name",
     "list of strings"),
    ('{"id": "p-2", "schema": "Person", "properties": {}, "datasets": "x"}', ParseError,
     "datasets", "wrong type"),
    ('{"id": "p-2", "schema": "Person", "properties": {}, "target": "yes"}', ParseError,
     "target", "wrong type"),
    ("[" * 100000, ParseError, None, "malformed JSON"),  # nesting bomb
])
def test_bad_line(tmp_path: Path, second_line: str, error: type[InputError],
                  field: str | None, message: str) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_text(f"{GOOD}\n\n{second_line}\n", encoding="utf-8")
    with pytest.raises(error, match=message) as info:
        parse(path)
    location = info.value.location
    assert location is not None
    assert (location.file, location.line, location.field) == (str(path), 3, field)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ftm.json"
    path.write_bytes((GOOD + "\n" + GOOD.replace('"A"', '"Zoë"').replace("p-1", "p-2")
                      ).encode("latin-1"))
    with pytest.raises(EncodingError) as info:
        parse(path)
    assert info.value.location is not None and info.value.location.line == 2


def test_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "cut.ftm.json.gz"
    path.write_bytes(gzip.compress(SAMPLE.read_bytes())[:200])
    with pytest.raises(FormatError):
        parse(path)


def test_gzip_and_bom_are_read(tmp_path: Path) -> None:
    gz = tmp_path / "sample.ftm.json.gz"
    gz.write_bytes(gzip.compress(b"\xef\xbb\xbf" + SAMPLE.read_bytes()))
    assert [e.id for e in parse(gz)[0]] == [e.id for e in parse(SAMPLE)[0]]


def test_empty_file_gives_no_entities(tmp_path: Path) -> None:
    path = tmp_path / "empty.ftm.json"
    path.write_bytes(b"\n  \n")
    assert parse(path) == ([], parse(path)[1])


# --- fuzzing -------------------------------------------------------------------------------


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, length, insert in edits:
        at = position % (len(out) + 1)
        out[at:at + length] = insert
    return bytes(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 8),
                       st.sampled_from([b"", b"{", b"}", b"[", b'"', b"\n", b"null", b"1",
                                        b'"schema"', b"\xff", b"\x00", b",", b":"])),
             min_size=1, max_size=6).map(lambda e: _mutate(SAMPLE.read_bytes(), e)),
))
def test_fuzz_gives_entities_or_input_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.ftm.json"
    path.write_bytes(data)
    try:
        entities, _ = parse(path)
    except InputError as exc:
        assert exc.location is not None and exc.location.file == str(path)
        return
    for entity in entities:
        entity_to_ftm(entity)  # whatever was read can be exported again
