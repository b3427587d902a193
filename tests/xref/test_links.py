"""What links two list entries: identifiers and OFAC record references always; the matcher
only with agreement on countries, schema and birth dates. Clusters keep unique identifiers
apart; analysts' decisions hold while the entries are unchanged."""

from __future__ import annotations

import pytest

from dibwatch.model.entity import Sanction
from dibwatch.xref.clusters import PairDecisions, build_clusters
from dibwatch.xref.links import (
    Agreement,
    Link,
    PairFacts,
    identifier_keys,
    judge,
    key_links,
    record_keys,
)
from tests.xref.helpers import entity, identifier, universe

THRESHOLD = 0.70

AGREE = Agreement(True, "agree", ("ru",), None, "n/a")
NO_COUNTRY = Agreement(True, "unknown", (), None, "n/a")
PERSON_BORN = Agreement(True, "unknown", (), None, "agree")
PERSON_NO_BIRTH = Agreement(True, "agree", ("ru",), None, "unknown")

# (case, facts, status)
JUDGE_CASES = [
    ("strong name, shared country", PairFacts(0.97, AGREE, False, 4, False, False), "linked"),
    ("borderline score", PairFacts(0.82, AGREE, False, 4, False, False), "queued"),
    ("below the matcher", PairFacts(0.6, AGREE, False, 4, False, False), None),
    ("countries disagree", PairFacts(1.0, Agreement(True, "disagree", (), None, "n/a"),
                                     True, 4, False, False), None),
    ("schemata differ", PairFacts(1.0, Agreement(False, "agree", ("ru",), None, "n/a"),
                                  True, 3, False, False), None),
    ("INNs differ", PairFacts(1.0, Agreement(True, "agree", ("ru",), "INN 1 vs 2", "n/a"),
                              True, 3, False, False), None),
    ("no country, identical three words", PairFacts(1.0, NO_COUNTRY, True, 3, False, False),
     "linked"),
    ("no country, identical two words", PairFacts(1.0, NO_COUNTRY, True, 2, False, False),
     "queued"),
    ("no country, not identical", PairFacts(0.95, NO_COUNTRY, False, 5, False, False),
     "queued"),
    ("person, birth year agrees", PairFacts(0.95, PERSON_BORN, False, 3, False, False),
     "linked"),
    ("person, no birth date", PairFacts(1.0, PERSON_NO_BIRTH, True, 3, False, False),
     "queued"),
    ("person, birth years differ", PairFacts(1.0, Agreement(True, "agree", ("ru",), None,
                                                            "disagree"),
                                             True, 3, False, False), None),
    ("same list, new id, identical", PairFacts(1.0, NO_COUNTRY, True, 1, False, True),
     "linked"),
    ("vessel, identical name", PairFacts(1.0, AGREE, True, 2, True, False), "queued"),
    ("vessel, similar name", PairFacts(0.95, AGREE, False, 2, True, False), None),
    ("two OFAC records", PairFacts(1.0, Agreement(True, "agree", ("de",), None, "n/a",
                                                  "OFAC records 25455 vs 25460"),
                                   True, 4, False, False), "queued"),
]


@pytest.mark.parametrize(("case", "facts", "status"), JUDGE_CASES,
                         ids=[c[0] for c in JUDGE_CASES])
def test_judge(case: str, facts: PairFacts, status: str | None) -> None:
    assert judge(facts, THRESHOLD)[0] == status


# (scheme as listed, value, on a person) -> key
KEY_CASES = [
    ("INN", "7704730655", False, ("INN", "7704730655")),
    ("INN", "7704730656", False, None),  # bad check digit
    ("OGRNIP", "304500116000157", False, ("OGRN", "304500116000157")),
    ("BIC", "SABRRUMMXXX", False, ("BIC", "SABRRUMM")),
    ("KPP", "770401001", False, None),  # shared by many firms: not a party's own
    ("PASSPORT", "A0030940", True, None),
    ("REG_NO", "1027700381290", False, ("OGRN", "1027700381290")),
    ("TAX_ID", "7710277994", False, ("INN", "7710277994")),
    ("TAX_ID", "7710277994", True, None),  # a company's INN on a person's entry
    ("TAX_ID", "500100732259", True, ("INN", "500100732259")),
    ("REG_NO", "91110108661572276L", False, ("USCC", "91110108661572276L")),
    ("REG_NO", "HRB94632", False, None),
]


@pytest.mark.parametrize(("scheme", "value", "person", "want"), KEY_CASES)
def test_identifier_key(scheme: str, value: str, person: bool,
                        want: tuple[str, str] | None) -> None:
    e = entity("x-1", "Anyone", schema="Person" if person else "Company",
               ids=((scheme, value),))
    assert identifier_keys(e) == ({want} if want else set())


def test_csl_row_cites_its_ofac_record() -> None:
    csl = entity("us_csl-10598", "A A TRADING FZCO", source="us_csl", sanctions=(
        Sanction("US OFAC", "SDGT", "SDN", extra={"entity_number": ["10598"]}),))
    sdn = entity("us_ofac_sdn-10598", "A.A. TRADING FZCO", source="us_ofac_sdn")
    assert record_keys(csl) == record_keys(sdn) == {("OFAC", "10598")}
    links = key_links(universe(csl, sdn))
    assert [(x.kind, x.reason) for x in links] == [("record", "OFAC:10598")]


def test_shared_identifier_joins_whatever_the_names() -> None:
    a = entity("eu-1", "JSC Sirius", ids=(("INN", "7704730655"),))
    b = entity("us-1", "Kontsern Sirius OAO", source="us", ids=(("INN", "7704730655"),))
    c = entity("un-1", "Something Else", source="un", ids=(("INN", "7704730655"),))
    u = universe(a, b, c)
    clustering = build_clusters(u, key_links(u))
    assert len({clustering.assignment[e] for e in ("eu-1", "us-1", "un-1")}) == 1


def _name_link(a: str, b: str, score: float = 0.97) -> Link:
    return Link(a, b, "name", "linked", score, "names match")


def test_name_link_never_joins_two_inns() -> None:
    a = entity("a-1", "Granit", ids=(("INN", "7704730655"),))
    b = entity("b-1", "Granit", source="b", ids=(("INN", "7842335610"),))
    c = entity("c-1", "Granit", source="c")
    u = universe(a, b, c)
    clustering = build_clusters(u, [_name_link("a-1", "c-1", 0.99),
                                     _name_link("b-1", "c-1", 0.98)])
    assert clustering.assignment["a-1"] == clustering.assignment["c-1"]
    assert clustering.assignment["b-1"] != clustering.assignment["c-1"]
    refused = next(x for x in clustering.links if x.pair == ("b-1", "c-1"))
    assert refused.status == "queued" and "different INN" in (refused.reason or "")


def test_dismissal_holds_until_an_entry_changes() -> None:
    a = entity("a-1", "Sky Blue Bird")
    b = entity("b-1", "Sky Blue Bird Ltd", source="b")
    u = universe(a, b)
    link = _name_link("a-1", "b-1")
    hashes = (u.members["a-1"].content_hash, u.members["b-1"].content_hash)
    dismissed = PairDecisions(dismissed={("a-1", "b-1"): hashes})
    apart = build_clusters(u, [link], dismissed)
    assert apart.assignment["a-1"] != apart.assignment["b-1"]
    assert apart.links[0].status == "dismissed"
    # The list changes entry b: the pair is judged again.
    b.addresses.clear()
    b.names.append(b.names[0].__class__("SBB FZE"))
    changed = universe(a, b)
    again = build_clusters(changed, [link], dismissed)
    assert again.assignment["a-1"] == again.assignment["b-1"]


def test_confirmation_joins_what_the_matcher_missed() -> None:
    a = entity("a-1", "Al Rashid Trust")
    b = entity("b-1", "The Aid Organization of the Ulema", source="b")
    u = universe(a, b)
    joined = build_clusters(u, [], PairDecisions(confirmed=frozenset({("a-1", "b-1")})))
    assert joined.assignment["a-1"] == joined.assignment["b-1"]
    assert [(x.kind, x.status) for x in joined.links] == [("analyst", "linked")]


def test_identifier_values_are_cleaned_as_listed() -> None:
    assert identifier("IMO", "IMO 9187629").value == "9187629"
