"""Table-driven must-match / must-not-match cases for dibwatch-v1, one group per
normalisation the matcher performs. Names are real spellings of listed parties or invented."""

from __future__ import annotations

import pytest

from dibwatch.match import DibwatchV1, compare_names
from dibwatch.match.algorithm import Candidate, CandidateName, Query
from dibwatch.match.names import analyse
from dibwatch.model import NameKind, make_identifier

THRESHOLD = DibwatchV1.threshold

# (group, schema, query, list name)
MUST_MATCH = [
    # scripts: Cyrillic, Han, Greek, transliteration variants
    ("cyrillic", "Company", "ООО «Ромашка»", "OOO ROMASHKA"),
    ("cyrillic", "Company", "Общество с ограниченной ответственностью «Ромашка»", "Romashka LLC"),
    ("cyrillic", "Company", "АО «Концерн «Калашников»", "Kalashnikov Concern JSC"),
    ("cyrillic", "Person", "Владимир Путин", "Vladimir Putin"),
    ("cyrillic", "Person", "Юрий Гагарин", "Iurii Gagarin"),
    ("cyrillic", "Person", "Алексей Щукин", "Aleksei Shchukin"),
    ("han", "Company", "深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd."),
    ("han", "Company", "香港明达贸易有限公司", "Hong Kong Mingda Trading Co Ltd"),
    ("han", "Person", "习近平", "Xi Jinping"),
    ("greek", "Person", "Νικόλαος Παππάς", "Nikolaos Pappas"),
    # legal forms
    ("legal form", "Company", "Rosoboronexport JSC", "AO Rosoboronexport"),
    ("legal form", "Company", "Siemens Aktiengesellschaft", "Siemens AG"),
    ("legal form", "Company", "Public Joint Stock Company Rostelecom", "PJSC Rostelecom"),
    ("legal form", "Company", "Mikron Limited Liability Company", "OOO Mikron"),
    ("legal form", "Company", "Velmar Logistics FZE", "VELMAR LOGISTICS F.Z.E."),
    # abbreviations
    ("abbreviation", "Company", "CNOOC ENERGY TECH & SRVCES LTD",
     "CNOOC Energy Technology & Services Limited"),
    ("abbreviation", "Company", "LUKOIL OIL COMP", "LUKOIL Oil Company"),
    ("abbreviation", "Company", "Sinno Electronics Intl Trdg Co", "Sinno Electronics "
                                                                  "International Trading Co."),
    ("abbreviation", "Organization", "PLA", "People's Liberation Army"),
    # word order, punctuation, spacing
    ("word order", "Person", "PUTIN, Vladimir", "Vladimir Putin"),
    ("word order", "Person", "Putin Vladimir Vladimirovich", "Vladimir Vladimirovich PUTIN"),
    ("word order", "Company", "Huaqiang Electronics Shenzhen", "Shenzhen Huaqiang Electronics"),
    ("spacing", "Person", "VladimirPutin", "Vladimir Putin"),
    ("spacing", "Company", "A.B.C. Company", "ABC Company"),
    # typos
    ("typo", "Company", "Tactical Missiles Corporaton", "Tactical Missiles Corporation"),
    ("typo", "Person", "Olaf Schloz", "Olaf Scholz"),
    ("typo", "Person", "Benjamin Natanyahu", "Benjamin Netanyahu"),
]

MUST_NOT_MATCH = [
    ("different word", "Company", "Saudi Arabian Gas Company", "Saudi Arabian Oil Company"),
    ("different word", "Company", "Volkswagen Aktiengesellschaft", "Siemens Aktiengesellschaft"),
    ("different person", "Person", "Ivan Petrov", "Ivan Ivanov"),
    ("different person", "Person", "Luís Monteiro", "Luís Montenegro"),
    ("different person", "Person", "Octavian Scholz", "Olaf Scholz"),
    ("different surname", "Person", "SADDAM HUSSEIN AL-DULAIMI", "SADDAM HUSSEIN AL-TIKRITI"),
    ("syllabic script", "Person", "习近朋", "习近平"),
    ("syllabic script", "Person", "김종은", "김정은"),
    # generic words: an inexact agreement of common words is worth little (an exact one is
    # the law: see EXACT_LAW)
    ("generic words", "Company", "GLOBAL TRADING CO LTD", "Global Trading Group Limited"),
    ("generic words", "Company", "International Trading Group LLC",
     "International Trading Company Limited"),
    ("generic words", "Company", "Shenzhen Electronics Technology Co., Ltd.",
     "Shenzhen Electronic Technology Co Ltd"),
    ("short words", "Company", "ABC International", "XYZ International"),
]


@pytest.mark.parametrize(("group", "schema", "query", "listed"), MUST_MATCH,
                         ids=[f"{c[0]}: {c[2]}" for c in MUST_MATCH])
def test_must_match(group: str, schema: str, query: str, listed: str) -> None:
    match = compare_names(query, listed, schema)
    assert match.score >= THRESHOLD, match.explain_text()


@pytest.mark.parametrize(("group", "schema", "query", "listed"), MUST_NOT_MATCH,
                         ids=[f"{c[0]}: {c[2]}" for c in MUST_NOT_MATCH])
def test_must_not_match(group: str, schema: str, query: str, listed: str) -> None:
    match = compare_names(query, listed, schema)
    assert match.score < THRESHOLD, match.explain_text()


def _candidate(name: str, schema: str = "Company", ids: tuple[str, ...] = (),
               countries: frozenset[str] = frozenset()) -> Candidate:
    return Candidate("c1", schema, name,
                     (CandidateName(name, NameKind.PRIMARY, analyse(name, schema)),),
                     countries, tuple(make_identifier(*i.split(":")) for i in ids))


def test_identifier_match_dominates_the_name() -> None:
    cand = _candidate("Joint Stock Company Sirius", ids=("INN:7704730655",))
    query = Query("Sirius Holding Trade House", "Company",
                  identifiers=(make_identifier("INN", "7704730655"),))
    match = DibwatchV1().compare(query, cand)
    assert match.is_match and match.score >= 0.98
    assert [f.name for f in match.features if f.contribution > 0][-1] == "identifier_match"


def test_invalid_identifier_is_not_evidence() -> None:
    cand = _candidate("Joint Stock Company Sirius", ids=("INN:7704730656",))
    query = Query("Completely Other Name", "Company",
                  identifiers=(make_identifier("INN", "7704730656"),))
    assert not DibwatchV1().compare(query, cand).is_match


def test_conflicting_identifier_counts_against() -> None:
    cand = _candidate("Sirius JSC", ids=("INN:7704730655",))
    same = DibwatchV1().compare(Query("Sirius JSC", "Company"), cand)
    other = DibwatchV1().compare(Query("Sirius JSC", "Company", identifiers=(
        make_identifier("INN", "7707083893"),)), cand)
    assert other.score < same.score
    assert any(f.name == "identifier_conflict" for f in other.features)


def test_schema_conflict() -> None:
    match = DibwatchV1().compare(Query("Sirius", "Person"), _candidate("Sirius", "Vessel"))
    assert not match.is_match
    assert any(f.name == "schema_conflict" for f in match.features)


def test_country_mismatch_lowers_the_score() -> None:
    cand = _candidate("Sirius Technologies", countries=frozenset({"ru"}))
    home = DibwatchV1().compare(Query("Sirius Technologies", "Company", ("ru",)), cand)
    away = DibwatchV1().compare(Query("Sirius Technologies", "Company", ("br",)), cand)
    assert away.score < home.score


def test_weak_alias_alone_does_not_match() -> None:
    cand = Candidate("c1", "Person", "Ivan Ivanov", (
        CandidateName("Ivan Ivanov", NameKind.PRIMARY, analyse("Ivan Ivanov", "Person")),
        CandidateName("Zhuk", NameKind.WEAK, analyse("Zhuk", "Person"))))
    match = DibwatchV1().compare(Query("Zhuk", "Person"), cand)
    assert match.matched_name == "Zhuk" and not match.is_match


def test_explanation_names_the_aligned_tokens() -> None:
    match = compare_names("ООО «Ромашка»", "OOO ROMASHKA", "Company")
    explained = match.explanation()
    assert explained["query_name"] == "ООО «Ромашка»"
    assert explained["matched_name"] == "OOO ROMASHKA"
    assert ["romashka", "romashka", 1.0] in explained["aligned"]
    assert explained["features"][0][0] == "name"


@pytest.mark.parametrize("name", ["", "   ", "!!!", "«»", "x" * 10_000,
                                  "Trading " * 2000, "ООО 有限公司 LLC", "\u200b\u200b"])
def test_hostile_names_never_crash(name: str) -> None:
    match = compare_names(name, "Sirius JSC", "Company")
    assert 0.0 <= match.score <= 1.0
