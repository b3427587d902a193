"""Entity -> FollowTheMoney export: the property mapping, what is dropped, and validation of the
output by the followthemoney library itself (skipped when it is not installed)."""

from __future__ import annotations

import json
import string
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibwatch.ingest.report import LoadReport
from dibwatch.lists.sources.ftm import FtmJsonParser
from dibwatch.model import (
    Address,
    CountryLink,
    Entity,
    Identifier,
    NameKind,
    Sanction,
    make_identifier,
)
from dibwatch.model.ftm import (
    DroppedValue,
    entity_to_ftm,
    ftm_id,
    ftm_model,
    sanction_id,
    write_ftm_lines,
)
from dibwatch.model.identifiers import SCHEMES

TABLE = Path(__file__).resolve().parents[2] / "src/dibwatch/lists/sources/data/ftm_schemata.json"


# --- the FtM model table -------------------------------------------------------------------


def schema_table_from_library() -> dict[str, Any]:
    """The table ``ftm_schemata.json`` is generated from. Regenerate after a followthemoney
    upgrade with::

        python -c "import json; from tests.model.test_ftm import schema_table_from_library as t;
        open('src/dibwatch/lists/sources/data/ftm_schemata.json', 'w').write(
        json.dumps(t(), indent=1, ensure_ascii=False) + '\\n')"
    """
    from followthemoney import __version__, model
    from followthemoney.types import registry

    schemata: dict[str, Any] = {}
    for schema in model.schemata.values():
        props = {
            prop.name: prop.type.name + (f":{prop.format}" if prop.format else "")
            for prop in schema.properties.values()
            if prop.schema is schema and not prop.stub
        }
        schemata[schema.name] = {
            "extends": sorted(parent.name for parent in schema.extends),
            "properties": dict(sorted(props.items())),
        }
    return {
        "followthemoney": __version__,
        "schemata": dict(sorted(schemata.items())),
        "vocabularies": {
            name: sorted(getattr(registry, name).names)
            for name in ("country", "topic", "gender", "language")
        },
        "entity_id_pattern": registry.entity.REGEX.pattern,
    }


def test_schema_table_matches_installed_library() -> None:
    pytest.importorskip("followthemoney")
    stored = json.loads(TABLE.read_text(encoding="utf-8"))
    assert stored == schema_table_from_library(), (
        "ftm_schemata.json is out of date with the installed followthemoney; regenerate it "
        "(see schema_table_from_library)")


def test_table_flattens_inherited_properties() -> None:
    model = ftm_model()
    assert model.prop_type("Company", "name") == "name"  # from Thing
    assert model.prop_type("Company", "innCode") == "identifier:inn"  # from LegalEntity
    assert model.prop_type("Vessel", "innCode") is None
    assert model.prop_type("Person", "nationality") == "country"
    assert model.is_party("PublicBody") and not model.is_party("Address")
    assert not model.is_party("Sanction")


# --- strict validation with the library ----------------------------------------------------


def ftm_problems(data: dict[str, Any], tolerated: frozenset[str] = frozenset()) -> list[str]:
    """Load ``data`` with followthemoney and list every property FtM refuses (unknown or stub)
    and every value its cleaning rejects, except the ``tolerated`` ones. Also loads it through
    ``model.get_proxy`` and ``EntityProxy.from_dict`` as consumers do."""
    pytest.importorskip("followthemoney")
    from followthemoney import model
    from followthemoney.exc import InvalidData
    from followthemoney.proxy import EntityProxy

    schema = model.get(data["schema"])
    if schema is None:
        return [f"unknown schema {data['schema']}"]
    proxy = model.make_entity(schema)
    proxy.id = data["id"]
    problems = []
    for name, values in data["properties"].items():
        try:
            proxy.add(name, values, cleaned=False, quiet=False)
        except InvalidData as exc:
            problems.append(f"{name}: {exc}")
            continue
        prop = schema.properties[name]
        for value in values:
            if value not in tolerated and prop.type.clean(value, format=prop.format) is None:
                problems.append(f"{name}: FtM rejects {value!r}")
    loaded = model.get_proxy(data, cleaned=False)
    assert loaded.id == data["id"] and loaded.schema.name == data["schema"]
    assert EntityProxy.from_dict(data).id == data["id"]
    return problems


# --- export mapping ------------------------------------------------------------------------


def native_company() -> Entity:
    entity = Entity(id="us_ofac_sdn-123", schema="Company", source="us_ofac_sdn",
                    source_id="123")
    entity.add_name("Example Avia JSC")
    entity.add_name("АО Пример Авиа")  # second primary
    entity.add_name("Primer Avia", NameKind.ALIAS)
    entity.add_name("EXAV", NameKind.WEAK)
    entity.add_name("Example Aviation OJSC", NameKind.PREVIOUS)
    entity.identifiers += [
        make_identifier("INN", "7707 083893"),  # valid, written cleaned
        make_identifier("INN", "7707083894"),  # bad check digit: not an innCode for FtM
        make_identifier("OGRN", "1027700132195"),
        make_identifier("KPP", "773601001"),
        make_identifier("PASSPORT", "AB 123456"),  # Company has no passportNumber
        make_identifier("REG_NO", "RN-42", prop="permId"),  # explicit property
    ]
    entity.countries += [CountryLink("ru", "jurisdiction"), CountryLink("KZ", "country"),
                         CountryLink("ru", "registration"), CountryLink("cn", "nationality")]
    entity.addresses.append(Address(full="", street="ul. Vavilova 19", city="Moscow",
                                    country="ru"))
    entity.incorporation_dates.append("1991-06-20")
    entity.birth_dates.append("1970")  # a Company has no birthDate: dropped
    entity.websites.append("https://example.org")
    entity.notes.append("Synthetic.")
    entity.add_extra("legalForm", "JSC")
    entity.add_extra("buildDate", "1990")  # not a Company property: dropped
    entity.add_extra("dissolutionDate", "circa 2001")  # not a date: dropped
    entity.add_extra("topics", "no.such.topic")  # not an FtM topic: dropped
    entity.sanctions.append(Sanction(authority="US OFAC", program="RUSSIA-EO14024",
                                     list_name="SDN", listing_date="2022-03-24",
                                     reason="EO 14024", source_url="https://example.org/s",
                                     extra={"provisions": ["Block"]}))
    return entity


def test_native_company_maps_every_field() -> None:
    dropped: list[DroppedValue] = []
    main, sanction = entity_to_ftm(native_company(), dropped=dropped)
    safe_id = ftm_id("us_ofac_sdn-123")
    assert main["id"] == safe_id and main["id"] != "us_ofac_sdn-123"
    assert main["referents"] == ["us_ofac_sdn-123"]  # the dibwatch id is kept
    assert main["schema"] == "Company" and main["caption"] == "Example Avia JSC"
    assert main["datasets"] == ["us_ofac_sdn"]
    props = main["properties"]
    assert props["name"] == ["Example Avia JSC", "АО Пример Авиа"]
    assert props["alias"] == ["Primer Avia"]
    assert props["weakAlias"] == ["EXAV"]
    assert props["previousName"] == ["Example Aviation OJSC"]
    assert props["innCode"] == ["7707083893"]
    assert props["registrationNumber"] == ["7707083894", "AB 123456"]
    assert props["ogrnCode"] == ["1027700132195"]
    assert props["kppCode"] == ["773601001"]
    assert props["permId"] == ["RN-42"]
    assert props["jurisdiction"] == ["ru"]
    # "registration" falls back to jurisdiction (deduplicated); a Company has neither
    # nationality nor citizenship, so that role falls back to country
    assert props["country"] == ["kz", "cn"]
    assert props["address"] == ["ul. Vavilova 19, Moscow, ru"]
    assert props["incorporationDate"] == ["1991-06-20"]
    assert props["website"] == ["https://example.org"]
    assert props["notes"] == ["Synthetic."]
    assert props["legalForm"] == ["JSC"]
    assert props["topics"] == ["sanction"]
    assert {(d.prop, d.value) for d in dropped} == {
        ("birthDate", "1970"), ("buildDate", "1990"), ("dissolutionDate", "circa 2001"),
        ("topics", "no.such.topic")}
    assert sanction["schema"] == "Sanction"
    assert sanction["properties"] == {
        "entity": [safe_id], "authority": ["US OFAC"], "program": ["RUSSIA-EO14024", "SDN"],
        "listingDate": ["2022-03-24"], "reason": ["EO 14024"],
        "sourceUrl": ["https://example.org/s"], "provisions": ["Block"]}
    assert sanction["caption"] == "RUSSIA-EO14024"


def test_native_company_export_is_valid_ftm() -> None:
    for data in entity_to_ftm(native_company()):
        assert ftm_problems(data) == [], data["id"]


def test_sanction_id_is_stable_and_distinct() -> None:
    entity = native_company()
    first = sanction_id(entity, entity.sanctions[0])
    assert first == sanction_id(native_company(), native_company().sanctions[0])
    other = Sanction(authority="US OFAC", program="RUSSIA-EO14024", list_name="SDN")
    assert sanction_id(entity, other) != first
    assert sanction_id(entity, Sanction(authority="x", ftm_id="ofac-1")) == "ofac-1"
    assert ftm_model().entity_id.match(first)


@pytest.mark.parametrize(("entity_id", "expected"), [
    ("NK-2Tbri3s6GgNtAwsSXh4qpL", "NK-2Tbri3s6GgNtAwsSXh4qpL"),  # already FtM-safe: kept
    ("ofac-46001", "ofac-46001"),
    ("us_ofac_sdn-123", "us-ofac-sdn-123-"),  # prefix; a hash of the original follows
    ("eu_fsf-EU.123:45", "eu-fsf-EU.123-45-"),
    ("___", "dw-"),
])
def test_ftm_id(entity_id: str, expected: str) -> None:
    result = ftm_id(entity_id)
    assert result.startswith(expected) if expected.endswith("-") else result == expected
    assert ftm_model().entity_id.match(result)


def test_ftm_id_keeps_near_identical_ids_apart() -> None:
    assert ftm_id("a_b-1") != ftm_id("a-b-1")
    assert ftm_id("a_b-1") != ftm_id("a:b-1")


def test_extra_primaries_as_alias() -> None:
    main = entity_to_ftm(native_company(), extra_primaries="alias")[0]
    assert main["properties"]["name"] == ["Example Avia JSC"]
    assert main["properties"]["alias"] == ["АО Пример Авиа", "Primer Avia"]


@pytest.mark.parametrize(("schema", "scheme", "raw", "given_prop", "prop", "written"), [
    ("Vessel", "IMO", "9074729", None, "imoNumber", "IMO9074729"),  # FtM's canonical form
    ("Vessel", "IMO", "IMO 9074728", None, "registrationNumber", "IMO 9074728"),  # bad digit
    # a company IMO number (owner/manager: other check digits) is an FtM imoNumber too
    ("Company", "IMO", "IMO5432127", "imoNumber", "imoNumber", "IMO5432127"),
    ("Vessel", "INN", "7707083893", None, "registrationNumber", "7707083893"),  # no innCode
    ("Person", "PASSPORT", "45 01 123456", None, "passportNumber", "45 01 123456"),
    ("Person", "INN", "500100732259", None, "innCode", "500100732259"),
    ("Airplane", "ID", "RA-12345", None, "registrationNumber", "RA-12345"),
    ("Company", "LEI", "253400JT3MQWNDKMJE44", None, "leiCode", "253400JT3MQWNDKMJE44"),
    # USCC's default FtM property is registrationNumber; Identifier.prop overrides it
    ("Company", "USCC", "9111000071093019X7", None, "registrationNumber", "9111000071093019X7"),
    ("Company", "USCC", "9111000071093019X7", "uscCode", "uscCode", "9111000071093019X7"),
    ("Company", "USCC", "9111000071093019X8", "uscCode", "registrationNumber",
     "9111000071093019X8"),  # bad check digit: FtM would drop it from uscCode
    # valid by the official OGRNIP rule (remainder 11 -> 1) but FtM's checker rejects it
    ("Person", "OGRNIP", "304500116000061", None, "registrationNumber", "304500116000061"),
    # a property the schema lacks is ignored in favour of the scheme's default
    ("Person", "INN", "500100732259", "imoNumber", "innCode", "500100732259"),
])
def test_identifier_property_choice(schema: str, scheme: str, raw: str,
                                    given_prop: str | None, prop: str, written: str) -> None:
    entity = Entity(id="x-1", schema=schema, source="test", source_id="1")
    entity.add_name("Test")
    entity.identifiers.append(make_identifier(scheme, raw, prop=given_prop))
    props = entity_to_ftm(entity)[0]["properties"]
    assert props[prop] == [written], props
    assert ftm_problems(entity_to_ftm(entity)[0]) == []


@pytest.mark.parametrize(("listing_date", "written"), [
    ("2022-03-24", "2022-03-24"),
    ("2022-03", "2022-03"),
    ("2022", "2022"),
    ("2015-04-07-04:00", "2015-04-07"),  # UN XML: a time zone after the date
    ("2015-04-07T10:00:00Z", "2015-04-07"),
    ("2015-04-07T10:00:00", "2015-04-07T10:00:00"),
    ("0097-06-30", None),  # a CSL typo: FtM accepts the years 1000-2999 only
    ("24 Feb 2022", None),
    ("2022-13-01", None),
])
def test_sanction_dates(listing_date: str, written: str | None) -> None:
    entity = Entity(id="x-1", schema="Person", source="test", source_id="1")
    entity.sanctions.append(Sanction(authority="UN", listing_date=listing_date))
    dropped: list[DroppedValue] = []
    sanction = entity_to_ftm(entity, dropped=dropped)[1]
    assert sanction["properties"].get("listingDate") == ([written] if written else None)
    assert [d.value for d in dropped] == ([] if written else [listing_date])
    assert ftm_problems(sanction) == []


def test_unknown_schema_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not an FtM schema"):
        entity_to_ftm(Entity(id="x", schema="Spaceship", source="t", source_id="x"))


def test_write_ftm_lines_counts_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.ftm.json"
    with out.open("w", encoding="utf-8") as fh:
        assert write_ftm_lines([native_company(), native_company()], fh) == 4
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["schema"] for line in lines] == ["Company", "Sanction"] * 2


# --- our checksum verdicts never put a value FtM rejects into a checked property ---------


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["inn", "ogrn", "imo"]),
       st.integers(min_value=7, max_value=15).flatmap(
           lambda n: st.text(alphabet=string.digits, min_size=n, max_size=n)))
def test_checked_identifiers_agree_with_ftm(fmt: str, digits: str) -> None:
    pytest.importorskip("followthemoney")
    from followthemoney.types import registry

    from dibwatch.model.ftm import _format_value

    ours = _format_value(fmt, digits)
    if ours is not None:
        assert registry.identifier.clean(ours, format=fmt) == ours


def test_ogrnip_counterexample_is_known() -> None:
    """304500116000061 passes the official rule used by dibwatch (remainder 11 -> 1) and fails
    rigour's; this is why _format_value adds the stricter rule."""
    pytest.importorskip("followthemoney")
    from followthemoney.types import registry

    assert SCHEMES["OGRNIP"].validate("304500116000061")
    assert registry.identifier.clean("304500116000061", format="ogrn") is None


# --- hypothesis: random entities -> FtM -> library -> parser -> same names and ids --------

LATIN = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
CYRILLIC = st.text(alphabet="абвгдежзийклмнопрстуфхцчшщыэюяАБВГДЕЖЗИКЛМНОПРСТУФ",
                   min_size=1, max_size=12)
HAN = st.text(alphabet="中国北京航空科技有限公司集团电子研究所工业", min_size=1, max_size=8)
NAMES = st.lists(st.one_of(LATIN, CYRILLIC, HAN), min_size=1, max_size=3).map(" ".join)
INN10 = st.text(alphabet=string.digits, min_size=10, max_size=10)
IDS = st.one_of(
    st.tuples(st.just("INN"), INN10),
    st.tuples(st.just("OGRN"), st.text(alphabet=string.digits, min_size=13, max_size=13)),
    st.tuples(st.just("PASSPORT"), st.text(alphabet=string.digits + "AB", min_size=6,
                                           max_size=9)),
    st.tuples(st.just("REG_NO"), st.text(alphabet=string.ascii_uppercase + string.digits,
                                         min_size=3, max_size=12)),
)
COUNTRIES = st.sampled_from(["ru", "cn", "hk", "by", "kz", "ir", "tr", "ae", "de", "us"])
DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)).map(date.isoformat)


@st.composite
def entities(draw: st.DrawFn) -> Entity:
    schema = draw(st.sampled_from(["Person", "Company", "Organization", "LegalEntity"]))
    number = draw(st.integers(min_value=0, max_value=10**9))
    entity = Entity(id=f"test-{number}", schema=schema, source="test", source_id=str(number))
    for kind in NameKind:
        for value in draw(st.lists(NAMES, max_size=3 if kind == NameKind.PRIMARY else 2)):
            entity.add_name(value, kind)
    if not entity.names:
        entity.add_name(draw(NAMES))
    for scheme, raw in draw(st.lists(IDS, max_size=4)):
        entity.identifiers.append(make_identifier(scheme, raw))
    roles = ["country", "nationality", "citizenship"] if schema == "Person" else [
        "country", "jurisdiction"]
    for code in draw(st.lists(COUNTRIES, max_size=3, unique=True)):
        entity.countries.append(CountryLink(code, draw(st.sampled_from(roles))))
    dates = draw(st.lists(DATES, max_size=2, unique=True))
    if schema == "Person":
        entity.birth_dates.extend(dates)
    else:
        entity.incorporation_dates.extend(dates)
    if draw(st.booleans()):
        entity.sanctions.append(Sanction(authority="Test Authority", program="TEST-1",
                                         listing_date=draw(DATES)))
    return entity


def expected_identifier(schema: str, ident: Identifier) -> tuple[str, str, bool | None]:
    """What an identifier becomes after export and import: the same when the schema has the
    scheme's FtM property and FtM accepts the value there; otherwise it was written to
    registrationNumber (a failing INN, a passport of a Company) and comes back as a REG_NO."""
    prop = SCHEMES[ident.scheme].ftm_prop
    if ftm_model().prop_type(schema, prop) is not None and ident.valid is not False:
        return ident.scheme, ident.value, ident.valid
    return "REG_NO", ident.value, None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entities(), min_size=1, max_size=3, unique_by=lambda e: e.id))
def test_random_entities_survive_the_library_and_the_parser(batch: list[Entity]) -> None:
    dropped: list[DroppedValue] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.ftm.json"
        with path.open("w", encoding="utf-8") as fh:
            write_ftm_lines(batch, fh, dropped=dropped)
        assert dropped == []
        for line in path.read_text(encoding="utf-8").splitlines():
            assert ftm_problems(json.loads(line)) == []
        report = LoadReport(str(path))
        parsed = {e.id: e for e in FtmJsonParser(path, "test", report).parse()}
    assert report.issues == []
    assert set(parsed) == {e.id for e in batch}
    for original in batch:
        back = parsed[original.id]
        assert back.schema == original.schema
        assert {(n.value, n.kind) for n in back.names} == {
            (n.value, n.kind) for n in original.names}
        assert {(i.scheme, i.value, i.valid) for i in back.identifiers} == {
            expected_identifier(original.schema, i) for i in original.identifiers}
        assert set(back.countries) == set(original.countries)
        assert back.birth_dates == original.birth_dates
        assert back.incorporation_dates == original.incorporation_dates
        assert [(s.authority, s.program, s.listing_date) for s in back.sanctions] == [
            (s.authority, s.program, s.listing_date) for s in original.sanctions]
