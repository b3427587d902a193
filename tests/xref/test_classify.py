"""Table-driven cases for what a designation is: its authority and list, its program family,
the CHPL sectors its text names, and the territory of an address."""

from __future__ import annotations

import pytest

from dibwatch.model.entity import Address, CountryLink, Entity, Name, Sanction
from dibwatch.xref.classify import body_of, family_of, sectors_of
from dibwatch.xref.universe import countries_of, territory

# (source, authority, list name, program) -> (authority, body, list label)
BODIES = [
    ("us_ofac_sdn", "US OFAC", "SDN List", "RUSSIA-EO14024", ("US", "US OFAC", "OFAC SDN")),
    ("us_csl", "US OFAC", "SDN", "SDGT", ("US", "US OFAC", "OFAC SDN")),
    ("us_csl", "US OFAC", "SSI", "UKRAINE-EO13662", ("US", "US OFAC", "OFAC non-SDN (SSI)")),
    ("us_csl", "US BIS", "Entity List", None, ("US", "US BIS", "BIS Entity List")),
    ("us_csl", "US BIS", "MEU", None, ("US", "US BIS", "BIS Military End-User List")),
    ("us_bis_dpl", "US BIS", "Denied Persons List", None,
     ("US", "US BIS", "BIS Denied Persons List")),
    ("us_csl", "US State ISN", "ISN", "E.O. 13382", ("US", "US State", "State ISN")),
    ("us_dod_1260h", "US DoD", "Chinese Military Companies", "Section 1260H",
     ("US", "US DoD", "DoD 1260H Chinese military companies")),
    ("eu_833_2014", "EU", "Annex IV", "833/2014 Annex IV", ("EU", "EU", "EU 833/2014 Annex IV")),
    ("eu_fsf", "EU", None, "RUS", ("EU", "EU", "EU RUS")),
    ("gb_fcdo", "UK FCDO", None, "Russia", ("UK", "UK", "UK Russia")),
    ("un_sc", "UN Security Council", "UN List", "DPRK", ("UN", "UN", "UN DPRK")),
]


@pytest.mark.parametrize(("source", "authority", "list_name", "program", "want"), BODIES)
def test_body(source: str, authority: str, list_name: str | None, program: str | None,
              want: tuple[str, str, str]) -> None:
    body = body_of(source, Sanction(authority, program, list_name))
    assert (body.authority, body.body, body.list) == want


# (authority, list name, program, reason, countries, listing date) -> family
FAMILIES = [
    ("US OFAC", "SDN List", "RUSSIA-EO14024", None, "ru", None, "russia"),
    ("US OFAC", "SDN List", "UKRAINE-EO13661", None, "ru", None, "russia"),
    ("US OFAC", "SDN List", "CAATSA - RUSSIA", None, "ru", None, "russia"),
    ("EU", "Annex IV", "833/2014 Annex IV", None, "hk", None, "russia"),
    ("EU", "Annex I.ENTITIES", "269/2014 Annex I", None, "cn", None, "russia"),
    ("EU", "Annex I.A", "765/2006 Annex I", None, "by", None, "belarus"),
    ("US OFAC", "SDN List", "BELARUS-EO14038", None, "by", None, "belarus"),
    # the Entity List: Russia rules of EAR 746.8 in the license text, or a Russian party
    ("US BIS", "Entity List", None, "License requirement: All items subject to the EAR. "
     "(See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)", "cn", "2022-06-28", "russia"),
    ("US BIS", "Entity List", None, "License requirement: (See §744.11 of the EAR)", "ru",
     "2014-09-12", "russia"),
    ("US BIS", "Entity List", None, "License requirement: (See §744.11 of the EAR)", "cn",
     "2015-11-12", "export_control"),
    ("US BIS", "Denied Persons List", None, "TDO", "ru", "2022-04-07", "russia"),
    ("US BIS", "Denied Persons List", None, "TDO", "ru", "2019-01-01", "export_control"),
    ("US BIS", "MEU", None, None, "cn", None, "military_end_use"),
    ("US BIS", "MEU", None, None, "ru", None, "russia"),
    ("US OFAC", "SDN List", "IFSR", None, "ir", None, "iran"),
    ("US OFAC", "SDN List", "DPRK3", None, "kp", None, "dprk"),
    ("UN Security Council", "UN List", "DPRK", None, "kp", None, "dprk"),
    ("UN Security Council", "UN List", "Al-Qaida", "fighters in Russia's North Caucasus",
     "ru", None, "terrorism"),
    ("US OFAC", "SDN List", "SDGT", None, "lb", None, "terrorism"),
    ("US OFAC", "SDN List", "NPWMD", None, "cn", None, "proliferation"),
    ("US OFAC", "SDN List", "SDNTK", None, "mx", None, "narcotics"),
    ("US OFAC", "CMIC", "CMIC-EO13959", None, "cn", None, "china_military"),
    ("US DoD", "Chinese Military Companies", "Section 1260H", None, "cn", None,
     "china_military"),
    ("US OFAC", "SDN List", "VENEZUELA", None, "ve", None, "country"),
    ("US OFAC", "SDN List", "ISA", None, "ir", None, "iran"),
]


@pytest.mark.parametrize(("authority", "list_name", "program", "reason", "country", "listed",
                          "want"), FAMILIES)
def test_family(authority: str, list_name: str, program: str | None, reason: str | None,
                country: str, listed: str | None, want: str) -> None:
    sanction = Sanction(authority, program, list_name, listing_date=listed, reason=reason)
    assert family_of(sanction, frozenset({country})) == want


def _entity(name: str, reason: str | None = None, notes: tuple[str, ...] = ()) -> Entity:
    e = Entity("x-1", "Company", "x", "1", names=[Name(name)], notes=list(notes))
    e.sanctions.append(Sanction("EU", "269/2014 Annex I", reason=reason))
    return e


# (name, reason) -> sectors named
SECTORS = [
    ("Shenzhen Sinno Electronics Co., Ltd.", None, {"electronics"}),
    ("ООО «Радиоэлектронные технологии»", None, {"electronics"}),
    ("深圳市华强电子有限公司", None, {"electronics"}),
    ("Hunan Haotyanyi", "supplies components for UAVs used by the Russian armed forces",
     {"aviation"}),
    ("Jinan Machine Tool Group", None, {"machine_tools"}),
    ("Zavod Stankostroitelny OOO", "станкостроительный завод", {"machine_tools"}),
    ("Asia Pacific Links", "supplied integrated circuits to Russian end users",
     {"chpl_goods", "electronics"}),
    ("Global Trading House LLC", "provides logistics services", set()),
    ("Aerosvit Holdings", None, set()),  # "aero" only as a whole word
]


@pytest.mark.parametrize(("name", "reason", "want"), SECTORS)
def test_sectors(name: str, reason: str | None, want: set[str]) -> None:
    assert {h.sector for h in sectors_of(_entity(name, reason))} == want


def test_sector_hits_say_where() -> None:
    hits = sectors_of(_entity("Alpha Holding", "a supplier of microelectronics and CNC lathes"))
    assert {(h.sector, h.field) for h in hits} >= {("electronics", "reason"),
                                                  ("machine_tools", "reason")}


TERRITORIES = [
    ("Room 1905, 148 Wing Lok Street, Sheung Wan, Hong Kong", "hk"),
    ("Unit B, Kong Nam Building, Tsuen Wan, N.T.", "hk"),
    ("Kwun Tong, Kowloon", "hk"),
    ("中国香港九龙", "hk"),
    ("Avenida da Praia Grande, Macau", "mo"),
    ("No. 8 Dongbeiwang West Road, Beijing", None),
    ("Hongkou District, Shanghai", None),
]


@pytest.mark.parametrize(("address", "want"), TERRITORIES)
def test_territory(address: str, want: str | None) -> None:
    assert territory(address) == want


def test_hong_kong_address_filed_under_cn_counts_in_hk() -> None:
    e = Entity("x-2", "Company", "x", "2", names=[Name("Acme Ltd")],
               addresses=[Address("Room 702, Ferry Street 38, Kowloon, Hong Kong, CN",
                                  country="cn")],
               countries=[CountryLink("cn")])
    assert countries_of(e) == {"hk"}
    e.addresses.append(Address("No. 1 Xifei Avenue, Xi'an, CN", country="cn"))
    assert countries_of(e) == {"hk", "cn"}
