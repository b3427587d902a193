"""A tiny hand-built workspace for the risk indicators: fictional firms and lines inserted
straight into the resolved tables, so each indicator's expected flags can be worked out by
hand (see ``EXPECTED`` in test_indicators.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dibwatch.engine import DuckDBEngine
from dibwatch.risk import RiskConfig, load_config
from dibwatch.risk.configure import config_from_mapping
from dibwatch.workspace import Workspace

SHELL_ADDRESS = "room 1 tower a hong kong"

# firm_id -> (caption, country, address)
FIRMS: dict[int, tuple[str, str, str | None]] = {
    1: ("Alphiron Trading Limited", "HK", SHELL_ADDRESS),
    2: ("OOO Borvika", "RU", "ul. testovaya 1 moskva"),
    3: ("Gammatek GmbH", "DE", "teststrasse 1 berlin"),
    4: ("OOO Deltasnab", "RU", None),
    5: ("OOO Ekhovo Zavod", "RU", "ul. zavodskaya 5 tula"),
    6: ("Fenwei Electronics Co", "CN", SHELL_ADDRESS),
    7: ("Gorlan Components Ltd", "CN", SHELL_ADDRESS),
    8: ("Kargotrans Logistics LLP", "KZ", "dostyk 5 almaty"),
    9: ("Ivoreth Parts GmbH", "AT", "ringstrasse 9 wien"),
    10: ("OOO Lomvika", "RU", "ul. lesnaya 3 kazan"),
    11: ("Nuvora Trade Ltd", "HK", "unit 5 kowloon"),
    12: ("Pelmix Trading Ltd", "AE", "office 7 dubai"),
    13: ("Qentro Supply LLP", "KZ", "abay 12 almaty"),
    14: ("Tolmar Components OsOO", "KG", "chui 40 bishkek"),
}


def line(no: int, day: str, exp: int, imp: int, *, ch: int | None = None, value: float = 100.0,
         qty: float = 1.0, origin: str | None = "CN", dispatch: str = "CN", trading: str = "CN",
         dest: str = "RU", tier: str | None = None, hs6: str = "847130", brand: str = "zeta",
         coalition: bool = False, misdeclared: bool = False) -> dict[str, Any]:
    return dict(no=no, day=date.fromisoformat(day), exp=exp, imp=imp, ch=ch, value=value,
                qty=qty, origin=origin, dispatch=dispatch, trading=trading, dest=dest,
                tier=tier, hs6=hs6, brand=brand, coalition=coalition, misdeclared=misdeclared)


LINES = [
    line(1, "2023-03-01", 1, 2, value=1000, qty=10, origin="US", dispatch="HK", trading="HK",
         tier="1", hs6="854231", brand="omega", coalition=True),
    line(2, "2021-06-01", 3, 2, value=500, origin="DE", dispatch="DE", trading="DE", tier="2",
         hs6="854232", brand="omega", coalition=True),
    line(3, "2023-05-01", 3, 5, ch=4, value=200, origin="DE", dispatch="DE", trading="DE",
         tier="3", hs6="854239", misdeclared=True),
    line(4, "2023-06-01", 1, 2, value=300, origin="US", dispatch="KZ", trading="AE",
         hs6="850440"),
    *[line(n, "2022-01-10", 6, 2, value=v, dest="KZ")
      for n, v in zip(range(5, 11), (100, 110, 90, 105, 95, 100), strict=True)],
    line(11, "2022-01-10", 7, 2, value=10_000, dest="KZ"),
    # A tier 2 good consigned to a forwarder in a hub.
    line(12, "2023-07-01", 3, 8, value=400, origin="DE", dispatch="DE", trading="DE",
         dest="KZ", tier="2", hs6="854232", brand="tau"),
    # Firm 9: a little tier 2 to Russia before the invasion, much more tier 1 after.
    line(14, "2021-03-01", 9, 2, value=1200, origin="AT", dispatch="AT", trading="AT",
         tier="2", hs6="854231", brand="sigma"),
    line(15, "2023-03-01", 9, 2, value=150_000, origin="AT", dispatch="AT", trading="AT",
         tier="1", hs6="854231", brand="sigma"),
    # Importer 10 fed by three small new suppliers and one established one (firm 9).
    *[line(n, "2023-08-01", exp, 10, value=v, origin=c, dispatch=c, trading=c, tier="2",
           hs6="854232", brand="sigma")
      for n, exp, v, c in ((16, 11, 100, "HK"), (17, 12, 120, "AE"), (18, 13, 140, "KZ"))],
    line(19, "2023-08-02", 9, 10, value=1000, origin="AT", dispatch="AT", trading="AT",
         tier="2", hs6="854232", brand="sigma"),
    # A tier 2 good from a Kazakh supplier with no declared origin: no sign of hub routing.
    line(21, "2023-08-02", 13, 10, value=50, origin=None, dispatch="KZ", trading="KZ",
         tier="2", hs6="854233", brand="omicron"),
    # Firm 5 importing on its own account before the war: firm 4, its contract holder on line
    # 3, pays for a third of its imports only (an outsider to its trade).
    *[line(n, "2021-04-01", 7, 5, value=100) for n in (22, 23)],
    # German goods from Kyrgyzstan in 2023 (a year of a wide EU-Kyrgyzstan mirror gap).
    line(20, "2023-08-02", 14, 2, value=800, origin="DE", dispatch="KG", trading="KG",
         tier="2", hs6="854232", brand="tau"),
]

LISTED_ENTITY = "synth-test-1"


def tiny_config() -> RiskConfig:
    """The bundled configuration with every rule counting from one line, so the tiny world
    can trigger each; the price groups may be as small as 5 lines; any trigger flag counts
    for a shared address."""
    base = load_config()
    indicators = {name: dict(params) for name, params in base.indicators.items()}
    for params in indicators.values():
        if "min_lines" in params:
            params["min_lines"] = 1
    indicators["price_anomaly"]["min_group"] = 5
    # Any trigger flag makes a cluster, however small its score (so the evidence prior,
    # which discounts line flags, leaves the shared-address flags as they are).
    indicators["shared_address"]["min_trigger_score"] = 0.0
    # No evidence prior: the expected scores are the rules' own.
    data = base.to_json() | {"indicators": indicators, "evidence_prior": 0}
    return config_from_mapping(data, "test")


def tiny_workspace() -> Workspace:
    ws = Workspace(engine=DuckDBEngine(":memory:"))
    e = ws.engine
    for firm_id, (caption, country, address) in FIRMS.items():
        e.execute("INSERT INTO firms VALUES (?, ?, ?, [], [], 1, 1, NULL, NULL)",
                  [firm_id, caption, country])
        # one mention per firm, mention_id = firm_id
        e.execute("""INSERT INTO party_mentions (mention_id, role, name, address, country,
                     norm_name, name_keys, name_generic, address_norm, roles, shipment_count)
                     VALUES (?, 'exporter', ?, ?, ?, lower(?), [], false, ?, [], 1)""",
                  [firm_id, caption, address, country, caption, address])
        e.execute("INSERT INTO firm_members VALUES (?, ?, 1.0)", [firm_id, firm_id])
    e.execute("INSERT INTO firm_screening VALUES (5, ?, 0.95, 'EKHOVO ZAVOD', 1, NULL)",
              [LISTED_ENTITY])
    e.execute("INSERT INTO firm_screening VALUES (2, 'synth-test-2', 0.5, 'BORVIK', 1, NULL)")
    for ln in LINES:
        e.execute("""INSERT INTO shipments (load_id, line_no, "date", quantity, value_usd,
                     exporter_country, importer_country, origin_country, dispatch_country,
                     trading_country, destination_country)
                     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                  [ln["no"], ln["day"], ln["qty"], ln["value"], FIRMS[ln["exp"]][1],
                   FIRMS[ln["imp"]][1], ln["origin"], ln["dispatch"], ln["trading"],
                   ln["dest"]])
        e.execute("""INSERT INTO shipment_classes (load_id, line_no, hs6, chpl_tier,
                     brand_canonical, coalition_brand, misdeclared)
                     VALUES (1, ?, ?, ?, ?, ?, ?)""",
                  [ln["no"], ln["hs6"], ln["tier"], ln["brand"], ln["coalition"],
                   ln["misdeclared"]])
        for role, firm in (("exporter", ln["exp"]), ("importer", ln["imp"]),
                           ("contract_holder", ln["ch"])):
            if firm is not None:
                e.execute("INSERT INTO shipment_parties VALUES (1, ?, ?, ?)",
                          [ln["no"], role, firm])
    return ws
