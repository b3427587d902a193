"""The firms of a world: who they are, where, in which role, how they trade, and which
schemes (or decoy personas) they carry.

Every spelling of every firm is registered under a case- and punctuation-blind key, so a
spelling seen in a shipment belongs to exactly one firm: a name whose correct spellings
collide with another firm's is coined again, a colliding noisy variant is dropped.

Besides its schemes a firm has a trading profile the shipments follow: how much of its
trade is CHPL goods before and after the invasion, how strongly it trades with Russia, and,
for facilitators, how much ordinary "cover" trade it does, how its scheme trade ramps up
and whether it prefers coalition brands. Decoys (``params.DECOYS``) are legitimate firms
whose profile raises one red flag each: a firm founded after the invasion that trades
widely, a licensed distributor of coalition brands, a parent company paying for its
subsidiaries' imports, an honest hub re-exporter, a seller of samples and refurbished
goods, firms sharing a business-centre address, a supplier replacing Western ones, a firm
invoicing through a trading hub, a clerk who now and then misfiles chips.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import timedelta

from dibwatch.errors import ConfigError
from dibwatch.synth import tables
from dibwatch.synth.ids import fill_template, inn10, uscc
from dibwatch.synth.names import FirmName, NameMaker, spelling_key
from dibwatch.synth.params import DECOYS, INVASION, WorldParams

EXPORTER_SCHEMES = ("shell_cluster", "new_firm", "transshipment", "brand_reexport")
_FACILITATOR_COUNTRIES = {
    "new_firm": ("CN", "HK", "TR", "AE"),
    "brand_reexport": ("CN", "HK", "TR", "AE", "IN"),
}
_THIRD = ("CN", "HK", "TR", "AE", "IN", "BY")
_DISTRIBUTOR_COUNTRIES = ("CN", "HK", "TR", "AE", "IN")
_OFFICE_COUNTRIES = ("HK", "AE")
_TRADING_HUBS = ("HK", "AE", "TR", "CH")
_MANUFACTURER_COUNTRIES = ("CN", "CN", "CN", "TW", "KR", "JP", "IN")
_MAX_COINING = 50


@dataclass
class Firm:
    index: int
    country: str
    role: str                 # exporter, importer, contract_holder, manufacturer
    name: FirmName
    address: str
    identifier: str | None    # "INN:…", "USCC:…" or free text
    id_share: float           # share of this firm's mentions that carry the identifier
    first_day: int            # days after params.start of the firm's first possible trade
    activity: float           # relative shipment volume
    is_end_user: bool = False
    is_facilitator: bool = False
    primary_scheme: str | None = None
    schemes: list[str] = field(default_factory=list)
    listed_id: str | None = None
    spellings: list[str] = field(default_factory=list)  # clean first, then noisy
    n_clean: int = 0
    # Trading profile (exporters): probability that a line is CHPL goods before and after
    # the invasion, weight of Russia among its markets, and how much more it sells to Russia
    # after the invasion than before.
    persona: str | None = None  # a decoy (params.DECOYS) or a facilitator variant
    chpl_before: float = 0.2
    chpl_after: float = 0.2
    ru_weight: float = 1.0
    ru_boost: float = 1.0
    # Facilitators: share of their declarations that are ordinary trade, how their scheme
    # trade is spread in time (1: evenly, higher: ramping up), and their taste for coalition
    # brands; the share of lines whose origin is declared as their own country.
    cover: float = 0.0
    ramp: float = 1.0
    coalition_pref: float = 0.7
    launder: float = 0.0
    # Decoy traits: licensed coalition-brand distributor; rates of lines invoiced through a
    # trading hub, priced with a stated reason, and of chips filed under a wrong code.
    licensed: bool = False
    triangular: float = 0.0
    trading_hub: str | None = None
    price_reason: float = 0.0
    sloppy: float = 0.0
    parent: int | None = None   # Russian importers: the parent company paying for them
    also_imports: bool = False  # contract-holder facilitators that import for themselves

    @property
    def firm_id(self) -> str:
        return f"F{self.index:07d}"


def _split(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of ``total``, at least one for every positive share."""
    positive = {k: v for k, v in shares.items() if v > 0}
    norm = sum(positive.values())
    raw = {k: total * v / norm for k, v in positive.items()}
    out = {k: max(1, int(v)) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - int(raw[k]), reverse=True):
        if sum(out.values()) >= total:
            break
        out[k] += 1
    return out


class FirmBuilder:
    def __init__(self, params: WorldParams, rng: random.Random) -> None:
        self.params = params
        self.rng = rng
        self.names = NameMaker(rng)
        self.firms: list[Firm] = []
        self.owner: dict[str, int] = {}  # spelling key -> firm index
        self.n_days = (params.end - params.start).days + 1
        self.invasion_day = (INVASION - params.start).days
        known = tables.countries()
        bad = [c for c in params.hub_countries if c not in known or not known[c].legal_forms]
        if bad:
            raise ConfigError(f"hub countries without firm tables: {bad}")

    # ------------------------------------------------------------------ one firm
    def add(self, country: str, role: str, *, address: str | None = None,
            first_day: int = 0, activity: float | None = None) -> Firm:
        index = len(self.firms)
        name = self._unique_name(country)
        ident, share = self._identifier(country, index)
        if activity is None:
            activity = float(self.rng.lognormvariate(0.0, self.params.activity_sigma))
        firm = Firm(index, country, role, name, address or self.address(country), ident, share,
                    first_day, activity)
        clean = list(name.clean)
        noisy = [s for s in name.noisy if spelling_key(s) not in self.owner
                 or self.owner[spelling_key(s)] == index]
        firm.spellings, firm.n_clean = clean + noisy, len(clean)
        for s in firm.spellings:
            self.owner.setdefault(spelling_key(s), index)
        self.firms.append(firm)
        return firm

    def _unique_name(self, country: str) -> FirmName:
        han = country == "CN" and self.rng.random() < 0.5
        for _ in range(_MAX_COINING):
            name = self.names.firm_name(country, han=han)
            if not any(spelling_key(s) in self.owner for s in name.clean):
                return name
        raise ConfigError(f"could not coin a unique firm name for {country}; "
                          "the syllable tables are too small for this many firms")

    def _identifier(self, country: str, index: int) -> tuple[str | None, float]:
        if country == "RU":
            return f"INN:{inn10(index)}", 0.85
        if country == "CN":
            return (f"USCC:{uscc(index)}", 0.5) if self.rng.random() < 0.6 else (None, 0.0)
        fmt = tables.id_formats().get(country)
        if fmt and self.rng.random() < fmt[1]:
            return fill_template(fmt[0], self.rng), 0.6
        return None, 0.0

    def address(self, country: str, *, template: str | None = None) -> str:
        r = self.rng
        template = template or r.choice(tables.address_templates()[country])
        city_native, city_latin, postcode = r.choice(tables.cities()[country])
        return template.format(
            street=self.names.coined_latin(), street_cyr=self.names.coined_cyrillic(),
            tower=self.names.coined_latin(), n=r.randrange(1, 200), floor=r.randrange(2, 40),
            room=r.randrange(1, 40) * 100 + r.randrange(1, 20), city=city_latin,
            city_native=city_native,
            postcode=(postcode + "".join(str(r.randrange(10)) for _ in range(6)))[:6])

    def _country(self, groups: tuple[str, ...], exclude: tuple[str, ...] = ()) -> str:
        pool = [c for c in tables.countries().values()
                if c.group in groups and c.weight > 0 and c.code not in exclude]
        return self.rng.choices([c.code for c in pool], weights=[c.weight for c in pool])[0]

    def _post_invasion_day(self) -> int:
        return self.invasion_day + self.rng.randrange(7, 366)

    def _focus(self) -> float:
        """Share of CHPL goods in an ordinary exporter's trade: electronics distributors
        trade mostly CHPL goods, general traders a little."""
        if self.rng.random() < 0.35:
            return self.rng.betavariate(5.0, 3.0)
        return self.rng.betavariate(1.0, 6.0)

    # ------------------------------------------------------------------ the population
    def build(self) -> list[Firm]:
        p = self.params
        n = p.n_firms
        schemes = sum(1 for v in p.primary_scheme_shares.values() if v > 0)
        n_fac = max(schemes, round(n * p.facilitator_share))
        rest = n - n_fac
        n_ru = max(10, rest // 4)
        n_end_users = max(4, round(n_ru * 0.4))
        n_exporters = max(10, round(rest * 0.4))
        n_manufacturers = max(5, round(rest * 0.08))
        n_foreign = max(10, rest - n_ru - n_exporters - n_manufacturers)

        for i in range(n_ru):
            firm = self.add("RU", "importer")
            firm.is_end_user = i < n_end_users
        for _ in range(n_exporters):
            country = self._country(("third", "hub", "coalition"))
            # Some legitimate firms are founded during the period, after the invasion too:
            # a "new firm" is a weak signal on its own.
            born = self.rng.randrange(self.n_days - 90) if self.rng.random() < 0.15 else 0
            firm = self.add(country, "exporter", first_day=born)
            firm.chpl_before = firm.chpl_after = self._focus()
        for _ in range(n_foreign):
            self.add(self._country(("third", "hub", "coalition")), "importer")
        for _ in range(n_manufacturers):
            self.add(self.rng.choice(_MANUFACTURER_COUNTRIES), "manufacturer")
        self._facilitators(n_fac)
        self._decoys(n_exporters)
        self._listed()
        return self.firms

    # ------------------------------------------------------------------ facilitators
    def _facilitators(self, n_fac: int) -> None:
        p = self.params
        counts = _split(n_fac, p.primary_scheme_shares)
        made: list[Firm] = []
        shells = counts.get("shell_cluster", 0)
        while shells > 0:
            size = min(shells, self.rng.randrange(3, 7))
            # The first HK template is the "Room …, …/F, … Tower" office of a shell cluster.
            address = self.address("HK", template=tables.address_templates()["HK"][0])
            for _ in range(size):
                made.append(self._facilitator("HK", "exporter", "shell_cluster",
                                              ["shell_cluster", "new_firm"], address=address,
                                              first_day=self._post_invasion_day()))
            shells -= size
        for _ in range(counts.get("new_firm", 0)):
            country = self.rng.choice(_FACILITATOR_COUNTRIES["new_firm"])
            prewar = self.rng.random() < 0.3
            # Most are founded after the invasion; some a few months before it, trading
            # ordinary goods until they turn to battlefield goods for Russia.
            first = (max(0, self.invasion_day - self.rng.randrange(30, 366)) if prewar
                     else self._post_invasion_day())
            firm = self._facilitator(country, "exporter", "new_firm", ["new_firm"],
                                     first_day=first, boost=3.0)
            if prewar:
                firm.persona = "new_firm_prewar"
                firm.cover = max(firm.cover, 0.25)
            made.append(firm)
        for _ in range(counts.get("transshipment", 0)):
            country = self.rng.choice(p.hub_countries)
            made.append(self._facilitator(country, "exporter", "transshipment",
                                          ["transshipment"]))
        for _ in range(counts.get("brand_reexport", 0)):
            country = self.rng.choice(_FACILITATOR_COUNTRIES["brand_reexport"])
            firm = self._facilitator(country, "exporter", "brand_reexport", ["brand_reexport"])
            roll = self.rng.random()
            if roll < 0.3:  # a distributor that turned: ordinary coalition-brand trade too
                firm.persona = "brand_reexport_distributor"
                firm.licensed = True
                firm.cover = self.rng.uniform(0.3, 0.6)
            elif roll < 0.55:  # declares its own country as the goods' origin
                firm.persona = "brand_reexport_origin"
                firm.launder = self.rng.uniform(0.3, 0.8)
            made.append(firm)
        for _ in range(counts.get("contract_holder", 0)):
            firm = self._facilitator("RU", "contract_holder", "contract_holder",
                                     ["contract_holder"])
            firm.cover = 0.0
            firm.also_imports = self.rng.random() < 0.5
            made.append(firm)
        exporters = [f for f in made if f.role == "exporter"]
        for scheme, share in (("price_anomaly", p.price_anomaly_share),
                              ("hs_misdeclared", p.misdeclared_share)):
            if not exporters or share <= 0:
                continue
            k = max(1, round(len(exporters) * share))
            for firm in self.rng.sample(exporters, k):
                firm.schemes.append(scheme)

    def _facilitator(self, country: str, role: str, primary: str, schemes: list[str], *,
                     address: str | None = None, first_day: int = 0,
                     boost: float = 1.0) -> Firm:
        firm = self.add(country, role, address=address, first_day=first_day,
                        activity=boost * float(self.rng.lognormvariate(0.0, 0.7)))
        firm.is_facilitator = True
        firm.primary_scheme = primary
        firm.schemes = list(schemes)
        firm.cover = self.rng.uniform(0.0, self.params.cover_trade)
        firm.ramp = self.rng.uniform(1.0, 3.0)
        firm.coalition_pref = self.rng.uniform(0.3, 1.0)
        firm.chpl_before = firm.chpl_after = self._focus()
        return firm

    # ------------------------------------------------------------------ decoys
    def _decoys(self, n_exporters: int) -> None:
        p = self.params
        total = round(n_exporters * p.decoy_share)
        mix = {k: v for k, v in p.decoy_mix.items() if v > 0}
        if total <= 0 or not mix:
            return
        counts = _split(max(total, len(mix)), mix)
        # The firms a decoy may still take, in firm order, kept as decoys take them: scanning
        # every firm for each decoy made a 10M-line world take minutes (decoys and firms both
        # grow with the world). The lists are exactly what a scan would give, so a seed still
        # gives the same world.
        self._free: dict[tuple[str, ...] | None, list[Firm]] = {
            None: [f for f in self.firms if f.role == "exporter" and not f.is_facilitator
                   and f.persona is None]}
        self._free_ru: list[Firm] = [f for f in self.firms if f.role == "importer"
                                     and f.country == "RU" and not f.is_end_user
                                     and f.persona is None and f.parent is None]
        for persona in DECOYS:  # a fixed order, so a seed gives the same world
            for _ in range(counts.get(persona, 0)):
                getattr(self, f"_decoy_{persona}")()

    def _free_exporters(self, countries: tuple[str, ...] | None = None) -> list[Firm]:
        """Exporters no persona has taken (of ``countries``), in firm order. The caller must
        not change the list, and must pass the firms it gives a persona to ``_taken``."""
        pool = self._free.get(countries)
        if pool is None:
            assert countries is not None
            pool = self._free[countries] = [f for f in self._free[None]
                                            if f.country in countries]
        return pool

    def _taken(self, *firms: Firm) -> None:
        for firm in firms:
            for key, pool in self._free.items():
                if key is None or firm.country in key:
                    i = bisect.bisect_left(pool, firm.index, key=lambda f: f.index)
                    if i < len(pool) and pool[i] is firm:
                        del pool[i]

    def _pick(self, countries: tuple[str, ...] | None = None) -> Firm | None:
        pool = self._free_exporters(countries) or self._free_exporters()
        if not pool:
            return None
        firm = self.rng.choice(pool)
        self._taken(firm)  # every caller gives the firm a persona
        return firm

    def _decoy_new_entrant(self) -> None:
        firm = self._pick((*_THIRD, *self.params.hub_countries))
        if firm is None:
            return
        firm.persona = "new_entrant"
        firm.first_day = self.invasion_day + self.rng.randrange(
            7, max(8, self.n_days - self.invasion_day - 180))
        firm.chpl_before = firm.chpl_after = self.rng.uniform(0.3, 0.7)
        firm.activity *= 2.0

    def _decoy_licensed_distributor(self) -> None:
        firm = self._pick(_DISTRIBUTOR_COUNTRIES)
        if firm is None:
            return
        firm.persona = "licensed_distributor"
        firm.first_day = 0
        firm.licensed = True
        firm.chpl_before = firm.chpl_after = self.rng.uniform(0.4, 0.7)
        firm.activity *= 2.0

    def _decoy_parent_company(self) -> None:
        free = self._free_ru
        if len(free) < 2:
            return
        parent = self.rng.choice(free)
        parent.persona = "parent_company"
        others = [f for f in free if f is not parent]
        subs = self.rng.sample(others, min(len(others), self.rng.randrange(1, 4)))
        for sub in subs:
            sub.parent = parent.index
            sub.persona = "subsidiary"
        taken = {id(parent), *map(id, subs)}
        self._free_ru = [f for f in free if id(f) not in taken]

    def _decoy_honest_hub(self) -> None:
        firm = self._pick(self.params.hub_countries)
        if firm is None:
            return
        firm.persona = "honest_hub"
        firm.first_day = 0
        firm.chpl_before = firm.chpl_after = self.rng.uniform(0.5, 0.8)
        firm.ru_weight = 3.0

    def _decoy_price_reason(self) -> None:
        firm = self._pick()
        if firm is None:
            return
        firm.persona = "price_reason"
        firm.price_reason = self.rng.uniform(0.2, 0.4)
        firm.chpl_before = firm.chpl_after = max(firm.chpl_after, 0.4)

    def _decoy_shared_office(self) -> None:
        country = self.rng.choice(_OFFICE_COUNTRIES)
        pool = self._free_exporters((country,))
        size = self.rng.randrange(3, 6)
        if len(pool) < size:
            return
        members = self.rng.sample(pool, size)
        self._taken(*members)
        template = tables.address_templates()[country][0]
        address = self.address(country, template=template)
        for i, firm in enumerate(members):
            firm.persona = "shared_office"
            firm.address = address
            if i == 0:  # a young firm among them: the cluster raises a trigger flag
                firm.first_day = self._post_invasion_day()
                firm.chpl_before = firm.chpl_after = self.rng.uniform(0.3, 0.6)

    def _decoy_ramp_substitute(self) -> None:
        firm = self._pick(("CN", "TR", "IN", "BY", *self.params.hub_countries))
        if firm is None:
            return
        firm.persona = "ramp_substitute"
        firm.first_day = 0
        firm.chpl_before = self.rng.uniform(0.05, 0.15)
        firm.chpl_after = self.rng.uniform(0.6, 0.85)
        firm.ru_boost = self.rng.uniform(3.0, 6.0)

    def _decoy_triangular(self) -> None:
        firm = self._pick()
        if firm is None:
            return
        firm.persona = "triangular"
        firm.triangular = self.rng.uniform(0.5, 0.9)
        firm.trading_hub = self.rng.choice([c for c in _TRADING_HUBS if c != firm.country])

    def _decoy_sloppy_declarant(self) -> None:
        firm = self._pick()
        if firm is None:
            return
        firm.persona = "sloppy_declarant"
        firm.sloppy = self.rng.uniform(0.1, 0.3)
        firm.chpl_before = firm.chpl_after = max(firm.chpl_after, 0.5)

    # ------------------------------------------------------------------ listed firms
    def _listed(self) -> None:
        p = self.params
        end_users = [f for f in self.firms if f.is_end_user]
        k = min(len(end_users), max(2, round(len(end_users) * p.listed_share)))
        listed = self.rng.sample(end_users, k)
        for firm in listed:
            firm.schemes.append("listed_variant")
        facilitators = [f for f in self.firms if f.is_facilitator and f.role == "exporter"]
        listed += self.rng.sample(facilitators, min(p.listed_facilitators, len(facilitators)))
        for number, firm in enumerate(sorted(listed, key=lambda f: f.index), start=1):
            firm.listed_id = f"synth-{number:04d}"


def first_seen(params: WorldParams, firm: Firm) -> str:
    return (params.start + timedelta(days=firm.first_day)).isoformat()


def build_firms(params: WorldParams, rng: random.Random) -> list[Firm]:
    return FirmBuilder(params, rng).build()
