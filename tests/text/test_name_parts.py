"""Name fields as lists write them -> the name, aliases, former names and notes."""

from __future__ import annotations

import pytest

from dibwatch.lists.base import clean_names
from dibwatch.model.entity import Entity, NameKind
from dibwatch.text.name_parts import name_variants, split_name

# (raw field, person?, name, aliases, previous, notes) — real fields from CSL, EU and UN files.
CASES = [
    ("Foo; and any successor, sub-unit, or subsidiary thereof", False, "Foo", [], [],
     ["and any successor, sub-unit, or subsidiary thereof"]),
    ("Poly Technologies Incorporated (PTI), and its sub-units and successors", False,
     "Poly Technologies Incorporated", ["PTI"], [], ["and its sub-units and successors"]),
    ("Gazprom Promgaz, AO (f.k.a. Otkrytoe Aktsionernoe Obshchestvo Gazprom Promgaz)", False,
     "Gazprom Promgaz, AO", [], ["Otkrytoe Aktsionernoe Obshchestvo Gazprom Promgaz"], []),
    ("Mexpar International, Inc. (a.k.a. Pasadena Aerospace; Aviation Logistics and Supply)",
     False, "Mexpar International, Inc.", ["Pasadena Aerospace",
                                            "Aviation Logistics and Supply"], [], []),
    ("FUYI SUN A/K/A FRANK SUN", True, "FUYI SUN", ["FRANK SUN"], [], []),
    ("Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Device Co., Ltd.", False,
     "Huawei Device Co., Ltd.", [], [], ["Huawei Technologies Co., Ltd. (Huawei). Affiliated "
                                         "Entity"]),
    # a short form in brackets, in Cyrillic as the EU annexes write it
    ("Акционерное Общество «Концерн «Сириус» (ОАО «Концерн «Сириус»)", False,
     "Акционерное Общество «Концерн «Сириус»", ["ОАО «Концерн «Сириус»"], [], []),
    ("VNESHECONOMBANK (VEB)", False, "VNESHECONOMBANK", ["VEB"], [], []),
    ("Shahed Aviation Industries a.k.a. Shahed Aviation Industries Research Centre", False,
     "Shahed Aviation Industries", ["Shahed Aviation Industries Research Centre"], [], []),
    ("PSB Bank (formerly. PROMSVYAZBANK)", False, "PSB Bank", [], ["PROMSVYAZBANK"], []),
    # brackets that are part of the name stay
    ("Engineering Equipment (Private) Limited", False,
     "Engineering Equipment (Private) Limited", [], [], []),
    ("TAB Corporation (Thailand) Co. Ltd", False, "TAB Corporation (Thailand) Co. Ltd", [], [],
     []),
    ("Kaili Industrial Ltd (Hong Kong)", False, "Kaili Industrial Ltd (Hong Kong)", [], [], []),
    # persons: another script, a variant of a word, a maiden name, a list of a.k.a.s
    ("Dmitry Nikolayevich KOZAK (Дмитрий Николаевич КОЗАК)", True, "Dmitry Nikolayevich KOZAK",
     ["Дмитрий Николаевич КОЗАК"], [], []),
    ("Petro Hryhorovych YAROSH (IAROSH)", True, "Petro Hryhorovych YAROSH",
     ["Petro Hryhorovych IAROSH"], [], []),
    ("Igor Nikolaevich (Mykolayovich) TURCHENYUK", True, "Igor Nikolaevich TURCHENYUK",
     ["Igor Mykolayovich TURCHENYUK"], [], []),
    ("Valentina Ivanova MATVIYENKO (born TYUTINA)", True, "Valentina Ivanova MATVIYENKO", [], [],
     ["(born TYUTINA)"]),
    ("Larisa Leonidovna AIRAPETYAN (a.k.a. Larysa AYRAPETYAN, Larisa AIRAPETYAN or Larysa "
     "AIRAPETYAN)", True, "Larisa Leonidovna AIRAPETYAN",
     ["Larysa AYRAPETYAN", "Larisa AIRAPETYAN", "Larysa AIRAPETYAN"], [], []),
    ("Aleksandr Viktorovich NAUMENKO (Russian: Александр Викторович НАУМЕНКО)", True,
     "Aleksandr Viktorovich NAUMENKO", ["Александр Викторович НАУМЕНКО"], [], []),
    ("Simon AL WAKIL – سيمون الوكيل", True, "Simon AL WAKIL", ["سيمون الوكيل"], [], []),
    # names separated by semicolons (UN aliases, an EU annex name field); a form is no name
    ("Mohammad Bakr Zolqadr; Mohammad Bakr Zolkadr; Mohammad Baqer Zolqadir", True,
     "Mohammad Bakr Zolqadr", ["Mohammad Bakr Zolkadr", "Mohammad Baqer Zolqadir"], [], []),
    ("Federal Autonomous Institution Central Institute of Engine-Building N.A.P.I. Baranov; "
     "Central Institute of Aviation Motors (CIAM)", False,
     "Federal Autonomous Institution Central Institute of Engine-Building N.A.P.I. Baranov",
     ["Central Institute of Aviation Motors", "CIAM"], [], []),
    ("Alpha Trading Co; Ltd", False, "Alpha Trading Co; Ltd", [], [], []),
    ("Alpha;Beta Trading", False, "Alpha;Beta Trading", [], [], []),
    # stray separators at the edges: no split, no error
    (", Alpha LLC, Alpha Ltd", False, ", Alpha LLC, Alpha Ltd", [], [], []),
    ("; Beta LLC;", False, "; Beta LLC;", [], [], []),
    ("Yantai Arrow Optoelectronics Technology Co., Ltd, Yantai Airui Optoelectronic Technology "
     "Co. Ltd", False, "Yantai Arrow Optoelectronics Technology Co., Ltd",
     ["Yantai Airui Optoelectronic Technology Co. Ltd"], [], []),
    ("AO ISS, AO Reshetnev", False, "AO ISS", ["AO Reshetnev"], [], []),
    # one subsidiary of a group; a form after a comma; a place
    ("Tactical Missile Corporation, Joint Stock Company Avangard", False,
     "Tactical Missile Corporation, Joint Stock Company Avangard", [], [], []),
    ("China Shipbuilding Industry Group Co., Ltd. (CSIC) 719th Research Institute", False,
     "China Shipbuilding Industry Group Co., Ltd. (CSIC) 719th Research Institute", [], [], []),
    ("Sberbank Leasing JSC, Sberbank Moscow", False, "Sberbank Leasing JSC, Sberbank Moscow", [],
     [], []),
    # labels are no names
    ("Korean:", True, "", [], [], ["Korean:"]),
    ("Text of image", False, "", [], [], ["Text of image"]),
    ("So-called ‘Luhansk Guard’", False, "‘Luhansk Guard’", [], [], []),
]


@pytest.mark.parametrize(("raw", "person", "name", "aliases", "previous", "notes"), CASES,
                         ids=[c[0][:40] for c in CASES])
def test_split_name(raw: str, person: bool, name: str, aliases: list[str],
                    previous: list[str], notes: list[str]) -> None:
    parts = split_name(raw, person=person)
    assert (parts.name, parts.aliases, parts.previous, parts.notes) == (
        name, aliases, previous, notes)


def test_clean_names_keeps_kinds_and_drops_labels() -> None:
    entity = Entity("x-1", "Person", "x", "1")
    entity.add_name("KIM Yong Bok")
    entity.add_name("Korean:", NameKind.ALIAS)
    entity.add_name("Text of image", NameKind.ALIAS)
    entity.add_name("김영복", NameKind.ALIAS)
    entity.add_name("Kim (Gim)", NameKind.WEAK)
    clean_names(entity)
    assert [(n.value, n.kind) for n in entity.names] == [
        ("KIM Yong Bok", NameKind.PRIMARY), ("김영복", NameKind.ALIAS),
        ("Kim", NameKind.WEAK), ("Gim", NameKind.WEAK)]
    assert entity.names[1].script == "Hangul"


def test_a_query_copied_from_a_list_file_stands_for_its_parts() -> None:
    assert name_variants("VNESHECONOMBANK (VEB)") == ("VNESHECONOMBANK", "VEB")
    assert name_variants("Sirius JSC") == ("Sirius JSC",)
