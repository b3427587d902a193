"""The knobs of a synthetic world, with documented defaults.

Every figure that shapes the world lives here so a world can be described by its
``world.json`` alone: the same parameters (seed included) always give byte-identical files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from dibwatch.errors import ConfigError

#: The planted facilitator schemes, in the order of the brief (a)…(h). Each firm in a scheme
#: carries its name in the ground truth; each shipment carries the schemes it exhibits.
SCHEMES: tuple[str, ...] = (
    "shell_cluster",      # (a) several new HK firms at one "Room …, … Tower" address
    "new_firm",           # (b) first seen after 2022-02-24 with tier 1–2 volume
    "transshipment",      # (c) coalition origin, dispatched from a hub, destined to RU
    "brand_reexport",     # (d) coalition brands re-exported through third countries
    "price_anomaly",      # (e) unit values far from the HS-6 × brand norm
    "hs_misdeclared",     # (f) a chip described as such but declared under an innocuous code
    "listed_variant",     # (g) listed Russian end users spelled slightly differently
    "contract_holder",    # (h) a contract holder that differs from the consignee
)

#: Legitimate firms that look like facilitators on one red flag each, and the flag they are
#: built to raise: no single flag should be enough to rank a firm as a facilitator.
DECOYS: dict[str, str] = {
    "new_entrant": "new_entrant",                 # founded after the invasion, diversified
    "licensed_distributor": "coalition_brand_third_country",  # sells coalition brands widely
    "parent_company": "contract_holder_mismatch",  # pays for its subsidiaries' imports
    "honest_hub": "hub_routing",                  # re-exports Chinese-made goods from a hub
    "price_reason": "price_anomaly",              # samples and refurbished goods, so declared
    "shared_office": "shared_address",            # firms at one business-centre address
    "ramp_substitute": "ramp_up",                 # replaces Western suppliers, grows fast
    "triangular": "chain_mismatch",               # invoiced through a trading hub
    "sloppy_declarant": "hs_mismatch",            # chips now and then under a wrong code
}

INVASION = date(2022, 2, 24)


def _default_primary_shares() -> dict[str, float]:
    # Share of facilitator firms whose main activity is each scheme; (e), (f) are secondary
    # traits laid over exporters and (g) concerns listed end users, so they are not here.
    return {"shell_cluster": 0.25, "new_firm": 0.2, "transshipment": 0.25,
            "brand_reexport": 0.15, "contract_holder": 0.15}


def _default_decoy_mix() -> dict[str, float]:
    return dict.fromkeys(DECOYS, 1.0)


@dataclass(frozen=True)
class WorldParams:
    """Parameters of :func:`dibwatch.synth.generate_world`.

    ``shipments`` counts declaration lines (rows). ``facilitator_share`` is the share of rows
    that pass through a facilitator scheme, and also of firms that are facilitators: a few
    percent by default, as in the investigations the schemes come from (a handful of fronts
    among the many firms in a trade corridor), and below the 5% of firms that an analyst's
    shortlist (the detection benchmark's recall@5%) can hold.
    ``name_noise`` is the probability that a party mention uses a noisy spelling (case,
    punctuation, legal-form variant, transliteration, typo, dropped word, abbreviation)
    rather than one of the firm's correct spellings.

    ``decoy_share`` is the share of legitimate exporters (and of Russian importers, for the
    parent companies) given a decoy persona from ``decoy_mix`` (see ``DECOYS``).
    ``cover_trade`` is the largest share of a facilitator's declarations that are ordinary
    trade (each facilitator draws its own share up to it). ``activity_sigma`` spreads firm
    sizes (log-normal). ``to_ru_share`` is the share of legitimate declarations bound for
    Russia. With ``calibrate`` the value of lines to Russia by the exporter's country and year
    follows the IMF's record of Russia's imports, and EU exports to Russia's neighbours follow
    Eurostat's (:mod:`dibwatch.synth.calibration`); without it, every country and year
    weighs alike.
    """

    seed: int = 20240224
    shipments: int = 50_000
    firms: int | None = None  # None: max(200, shipments // 50)
    facilitator_share: float = 0.04
    name_noise: float = 0.3
    primary_scheme_shares: dict[str, float] = field(default_factory=_default_primary_shares)
    price_anomaly_share: float = 0.25   # of facilitator exporters that also misprice
    misdeclared_share: float = 0.2      # of facilitator exporters that also misdeclare chips
    listed_share: float = 0.3           # of Russian end users named on the fictional list
    listed_facilitators: int = 3        # facilitators also named on the fictional list
    country_name_share: float = 0.1     # country fields written as a name, not ISO-2
    dotted_hs_share: float = 0.2        # hs_code written "8542.31.00.00" rather than 10 digits
    start: date = date(2021, 1, 1)
    end: date = date(2024, 12, 31)
    hub_countries: tuple[str, ...] = ("KZ", "KG", "AM", "GE", "UZ")
    row_group_size: int = 250_000
    decoy_share: float = 0.1
    decoy_mix: dict[str, float] = field(default_factory=_default_decoy_mix)
    cover_trade: float = 0.4
    activity_sigma: float = 1.0
    to_ru_share: float = 0.35
    calibrate: bool = True

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.shipments < 1:
            problems.append("shipments must be at least 1")
        if self.firms is not None and self.firms < 50:
            problems.append("firms must be at least 50")
        for name in ("facilitator_share", "name_noise", "price_anomaly_share",
                     "misdeclared_share", "listed_share", "country_name_share",
                     "dotted_hs_share", "decoy_share", "cover_trade", "to_ru_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                problems.append(f"{name} must be within [0, 1], got {value}")
        unknown = set(self.primary_scheme_shares) - set(SCHEMES)
        if unknown:
            problems.append(f"unknown schemes in primary_scheme_shares: {sorted(unknown)}")
        if any(v < 0 for v in self.primary_scheme_shares.values()):
            problems.append("primary_scheme_shares must be non-negative")
        if not sum(self.primary_scheme_shares.values()) > 0:
            problems.append("primary_scheme_shares must not all be zero")
        unknown = set(self.decoy_mix) - set(DECOYS)
        if unknown:
            problems.append(f"unknown decoys in decoy_mix: {sorted(unknown)}")
        if any(v < 0 for v in self.decoy_mix.values()):
            problems.append("decoy_mix must be non-negative")
        if not 0.1 <= self.activity_sigma <= 3.0:
            problems.append(f"activity_sigma must be within [0.1, 3], got {self.activity_sigma}")
        if not self.start < INVASION < self.end:
            problems.append(f"start/end must straddle the invasion date {INVASION}")
        if self.row_group_size < 1_000:
            problems.append("row_group_size must be at least 1000")
        if not self.hub_countries:
            problems.append("hub_countries must not be empty")
        if problems:
            raise ConfigError("bad world parameters: " + "; ".join(problems))

    @property
    def n_firms(self) -> int:
        return self.firms if self.firms is not None else max(200, self.shipments // 50)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        data["hub_countries"] = list(self.hub_countries)
        data["n_firms"] = self.n_firms
        return data
