"""The firms of a world: who they are, where, in which role, and which schemes they run.

Every spelling of every firm is registered under a case- and punctuation-blind key, so a
spelling seen in a shipment belongs to exactly one firm: a name whose correct spellings
collide with another firm's is coined again, a colliding noisy variant is dropped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from dibwatch.errors import ConfigError
from dibwatch.synth import tables
from dibwatch.synth.ids import fill_template, inn10, uscc
from dibwatch.synth.names import FirmName, NameMaker, spelling_key
from dibwatch.synth.params import INVASION, WorldParams

EXPORTER_SCHEMES = ("shell_cluster", "new_firm", "transshipment", "brand_reexport")
_FACILITATOR_COUNTRIES = {
    "new_firm": ("CN", "HK", "TR", "AE"),
    "brand_reexport": ("CN", "HK", "TR", "AE", "IN"),
}
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
        firm = Firm(index, country, role, name, address or self.address(country), ident, share,
                    first_day, activity if activity is not None else
                    float(self.rng.lognormvariate(0.0, 1.0)))
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

    # ------------------------------------------------------------------ the population
    def build(self) -> list[Firm]:
        p = self.params
        n = p.n_firms
        n_fac = max(len(p.primary_scheme_shares) + 3, round(n * p.facilitator_share))
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
            self.add(country, "exporter", first_day=born)
        for _ in range(n_foreign):
            self.add(self._country(("third", "hub", "coalition")), "importer")
        for _ in range(n_manufacturers):
            self.add(self.rng.choice(_MANUFACTURER_COUNTRIES), "manufacturer")
        self._facilitators(n_fac)
        self._listed()
        return self.firms

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
            made.append(self._facilitator(country, "exporter", "new_firm", ["new_firm"],
                                          first_day=self._post_invasion_day(), boost=3.0))
        for _ in range(counts.get("transshipment", 0)):
            country = self.rng.choice(p.hub_countries)
            made.append(self._facilitator(country, "exporter", "transshipment",
                                          ["transshipment"]))
        for _ in range(counts.get("brand_reexport", 0)):
            country = self.rng.choice(_FACILITATOR_COUNTRIES["brand_reexport"])
            made.append(self._facilitator(country, "exporter", "brand_reexport",
                                          ["brand_reexport"]))
        for _ in range(counts.get("contract_holder", 0)):
            made.append(self._facilitator("RU", "contract_holder", "contract_holder",
                                          ["contract_holder"]))
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
        return firm

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

