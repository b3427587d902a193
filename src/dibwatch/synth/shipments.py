"""Shipments, one chunk of declaration lines at a time, vectorised with numpy and pyarrow.

A chunk draws declarations in three streams — ordinary trade bound for Russia, ordinary
trade elsewhere, and facilitated trade — expands them to 1–n lines, and picks every string
by index into arrays built once (spellings, addresses, descriptions, code forms, country
forms), so 10M rows never sit in memory and strings are never formatted per row except
declaration numbers and the reasons written on a few descriptions.

Ordinary declarations are drawn by rejection: a candidate exporter (by its size and its
weight on the market) and a day are accepted with a probability that makes the value of
lines to Russia by exporter country and year follow the IMF's record, and EU exports to
Russia's neighbours follow Eurostat's (``params.calibrate``; :mod:`.calibration`), and
that keeps a firm from trading before it exists. Ordinary firms obey the coalition's
controls: after the invasion nothing coalition-made on the CHPL goes to Russia from them,
and coalition-country exporters send Russia no CHPL goods at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dibwatch.countries.codes import eu27_members
from dibwatch.synth import tables
from dibwatch.synth.catalogue import Catalogue
from dibwatch.synth.firms import EXPORTER_SCHEMES, Firm
from dibwatch.synth.params import INVASION, SCHEMES, WorldParams

SHIPMENT_SCHEMA = pa.schema([
    ("declaration_id", pa.string()), ("item_no", pa.int32()), ("date", pa.date32()),
    ("direction", pa.string()), ("hs_code", pa.string()), ("description", pa.string()),
    ("manufacturer", pa.string()), ("brand", pa.string()), ("model", pa.string()),
    ("quantity", pa.float64()), ("unit", pa.string()), ("net_kg", pa.float64()),
    ("value_usd", pa.float64()), ("invoice_currency", pa.string()),
    ("exporter_name", pa.string()), ("exporter_address", pa.string()),
    ("exporter_country", pa.string()), ("exporter_id", pa.string()),
    ("importer_name", pa.string()), ("importer_address", pa.string()),
    ("importer_country", pa.string()), ("importer_id", pa.string()),
    ("contract_holder_name", pa.string()), ("contract_holder_id", pa.string()),
    ("origin_country", pa.string()), ("dispatch_country", pa.string()),
    ("trading_country", pa.string()), ("destination_country", pa.string()),
])

TRUTH_SCHEMA = pa.schema([
    ("declaration_id", pa.string()), ("item_no", pa.int32()), ("facilitated", pa.bool_()),
    ("facilitator_firm_id", pa.string()), ("schemes", pa.list_(pa.string())),
])

BIT = {name: 1 << i for i, name in enumerate(SCHEMES)}
ROLES = ("exporter", "importer", "contract_holder", "manufacturer")
_EPOCH_OFFSET = (date(1970, 1, 1))
_CUSTOMS_POSTS = np.array([10702070, 10130090, 10005030, 10228010, 10009100, 10404083])
_SAME_CH_SHARE = 0.6           # Russian imports naming the consignee as contract holder too
_PARENT_PAYS = 0.85            # a subsidiary's imports paid for by its parent company
_LISTED_NOISE = 0.9            # listed end users are mostly written slightly off (scheme g)
_ANOMALY_SHARE = 0.5           # a mispricing firm's lines that are mispriced
_MISDECLARE_SHARE = 0.7        # a misdeclaring firm's chip lines declared under another code
_LICENSED_CHPL_TO_RU = 0.2     # a licensed distributor's lines to Russia that are CHPL goods
_SAMPLE_MAX_PRICE = 500.0     # USD a unit: dearer goods are not shipped as samples
_CH_IMPORTS = 0.3              # weight of a contract-holder front's own imports
_BASE_YEARS = (2019, 2020, 2021)


@dataclass
class Chunk:
    shipments: pa.Table
    truth: pa.Table
    mentions: dict[str, np.ndarray]   # role -> count per spelling index
    scheme_rows: dict[str, int]


def _choice(rng: np.random.Generator, idx: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
    return idx[rng.choice(len(idx), size=n, p=p)] if n else np.zeros(0, dtype=np.int64)


def _weights(values: np.ndarray) -> np.ndarray:
    out: np.ndarray = values / values.sum()
    return out


def _nearest(table: dict[int, dict[str, float]], year: int) -> dict[str, float]:
    return table[min(table, key=lambda y: (abs(y - year), y))]


class ShipmentGenerator:
    def __init__(self, params: WorldParams, firms: list[Firm], cat: Catalogue) -> None:
        self.params = params
        self.firms = firms
        self.cat = cat
        self.n_days = (params.end - params.start).days + 1
        self.invasion_day = (INVASION - params.start).days
        self.day0 = (params.start - _EPOCH_OFFSET).days
        self.decl_serial = 0

        countries = list(tables.countries().values())
        self.country_codes = [c.code for c in countries]
        cidx = {c: i for i, c in enumerate(self.country_codes)}
        # Country forms: code, English, Russian, Chinese name, four per country.
        self.country_forms = pa.array([v for c in countries for v in (c.code, *c.names)])
        self.country_of = np.array([cidx[f.country] for f in firms], dtype=np.int64)
        self.ru = cidx["RU"]
        self.origin_of_line = np.array([cidx[o] for o in cat.origin], dtype=np.int64)
        self.coalition_country = np.array([c.group in ("coalition", "origin")
                                           for c in countries])

        # Spellings of all firms in one array; firm f's start at offset[f].
        spellings = [s for f in firms for s in f.spellings]
        self.spellings = pa.array(spellings, pa.string())
        counts = np.array([len(f.spellings) for f in firms], dtype=np.int64)
        self.offset = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.n_clean = np.array([f.n_clean for f in firms], dtype=np.int64)
        self.n_noisy = counts - self.n_clean
        self.noise = np.array([_LISTED_NOISE if "listed_variant" in f.schemes
                               else params.name_noise for f in firms])
        self.addresses = pa.array([a for f in firms for a in (f.address, f.address.upper())])
        self.ids = pa.array([f.identifier for f in firms] + [None], pa.string())
        self.id_share = np.array([f.id_share if f.identifier else 0.0 for f in firms])
        self.first_day = np.array([f.first_day for f in firms], dtype=np.int64)
        self.activity = np.array([f.activity for f in firms])
        self.primary = np.array([SCHEMES.index(f.primary_scheme) if f.primary_scheme else -1
                                 for f in firms], dtype=np.int64)
        self.scheme_mask = np.array([sum(BIT[s] for s in f.schemes) for f in firms],
                                    dtype=np.int64)
        self.firm_ids = pa.array([f.firm_id for f in firms] + [None], pa.string())
        currencies = [tables.countries()[f.country].currencies for f in firms]
        self.currency_table = pa.array(sorted({c for cs in currencies for c in cs}))
        ctab = {c: i for i, c in enumerate(self.currency_table.to_pylist())}
        self.currency = np.array([ctab[cs[f.index % len(cs)]] for f, cs in
                                  zip(firms, currencies, strict=True)], dtype=np.int64)
        # Trading profiles.
        self.chpl_before = np.array([f.chpl_before for f in firms])
        self.chpl_after = np.array([f.chpl_after for f in firms])
        self.ru_boost = np.array([f.ru_boost for f in firms])
        self.ramp = np.array([f.ramp for f in firms])
        self.coalition_pref = np.array([f.coalition_pref for f in firms])
        self.launder = np.array([f.launder for f in firms])
        self.licensed = np.array([f.licensed for f in firms])
        self.triangular = np.array([f.triangular for f in firms])
        self.trading_hub = np.array([cidx[f.trading_hub] if f.trading_hub else -1
                                     for f in firms], dtype=np.int64)
        self.price_reason = np.array([f.price_reason for f in firms])
        self.sloppy = np.array([f.sloppy for f in firms])
        self.parent = np.array([-1 if f.parent is None else f.parent for f in firms],
                               dtype=np.int64)

        # Pools of firms, as index arrays with probabilities.
        def pool(pred: list[bool], weight: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
            idx = np.flatnonzero(np.array(pred, dtype=bool))
            w = (self.activity if weight is None else weight)[idx]
            return idx, _weights(w)

        # Ordinary exporters, and facilitators' cover trade in proportion to their scheme
        # trade: cover share c of a facilitator's declarations means c / (1 - c) ordinary
        # declarations for each facilitated one.
        fac = np.array([f.is_facilitator and f.role == "exporter" for f in firms])
        legit = np.array([f.role == "exporter" and not f.is_facilitator for f in firms])
        cover = np.array([min(f.cover, 0.9) for f in firms])
        fac_act = self.activity[np.array([f.is_facilitator for f in firms])].sum()
        scale = (params.facilitator_share / max(1e-9, 1 - params.facilitator_share)
                 * self.activity[legit].sum() / max(fac_act, 1e-9))
        ex_weight = np.where(legit, self.activity,
                             np.where(fac, self.activity * scale * cover / (1 - cover), 0.0))
        ex_mask = ex_weight > 0
        self.ex_idx = np.flatnonzero(ex_mask)
        ru_weight = np.array([f.ru_weight for f in firms])
        self.ru_p = _weights((ex_weight * ru_weight * self.ru_boost)[self.ex_idx])
        self.other_p = _weights(ex_weight[self.ex_idx])

        importer_weight = np.where([f.also_imports for f in firms],
                                   self.activity * _CH_IMPORTS, self.activity)
        self.ru_importers = pool([(f.role == "importer" and f.country == "RU")
                                  or f.also_imports for f in firms], importer_weight)
        self.foreign_importers = pool([f.role == "importer" and f.country != "RU"
                                       for f in firms])
        third = {c.code for c in countries if c.group == "third"}
        self.third_exporters = pool([f.role == "exporter" and f.country in third
                                     and not f.is_facilitator and f.first_day == 0
                                     for f in firms])
        end_idx = np.flatnonzero([f.is_end_user for f in firms])
        boost = np.array([3.0 if firms[i].listed_id else 1.0 for i in end_idx])
        self.end_users = (end_idx, _weights(self.activity[end_idx] * boost))
        self.facilitators = pool([f.is_facilitator for f in firms])

        self._calibration(countries)
        self._line_pools()

        # Codes as written: 10 digits, dotted, or bare HS-6; three per code.
        forms = []
        for code in cat.hs_codes:
            forms += [f"{code}0000", f"{code[:4]}.{code[4:]}.00.00", code]
        self.hs_forms = pa.array(forms)
        self.descriptions = pa.array(cat.descriptions)
        reasons = tables.price_reasons()
        self.reason_text = pa.array([t for r in reasons for t in r.text])
        self.reason_low = np.array([r.factor[0] for r in reasons])
        self.reason_high = np.array([r.factor[1] for r in reasons])
        self.reason_sample = np.array([r.kind == "sample" for r in reasons])
        self.reason_used = next(i for i, r in enumerate(reasons) if r.kind != "sample")
        self.line_brand = pa.array(cat.brand, pa.string())
        self.line_model = pa.array(cat.model)
        self.line_manufacturer = pa.array(cat.manufacturer)
        self.line_unit = pa.array(cat.unit)
        self.scheme_lists = pa.array([[s for s in SCHEMES if m & BIT[s]]
                                      for m in range(1 << len(SCHEMES))],
                                     pa.list_(pa.string()))
        self.n_spellings = len(spellings)
        self._accept_rate = {"ru": 0.3, "other": 0.3}

    # ------------------------------------------------------------------ calibration
    def _calibration(self, countries: list[tables.Country]) -> None:
        """Acceptance weights per (exporter country, year) for trade to Russia and per
        (exporter country, importer country, year) for the rest."""
        p = self.params
        years = list(range(p.start.year, p.end.year + 1))
        day_dates = [p.start + timedelta(days=d) for d in range(self.n_days)]
        self.year_of_day = np.array([d.year - p.start.year for d in day_dates], dtype=np.int64)
        n_c, n_y = len(self.country_codes), len(years)

        # Expected acceptance mass of each candidate exporter per year: its alive days,
        # those before the invasion down-weighted by its boost on Russia.
        ex = self.ex_idx
        born = self.first_day[ex]
        inv = self.invasion_day
        base = np.zeros((n_c, n_y))
        for y in range(n_y):
            span = np.flatnonzero(self.year_of_day == y)
            a, b = int(span[0]), int(span[-1]) + 1
            before = np.clip(min(b, inv) - np.maximum(a, born), 0, None)
            after = np.clip(b - np.maximum(max(a, inv), born), 0, None)
            mass = (after + before / self.ru_boost[ex]) / (b - a)
            np.add.at(base[:, y], self.country_of[ex], mass * self.ru_p)
        days_in = np.bincount(self.year_of_day, minlength=n_y).astype(np.float64)
        # Candidate mass per cell (exporter country, year) under the proposal.
        self.ru_base = base * days_in[None, :]
        self.ru_target: np.ndarray | None = None
        if p.calibrate:
            # The world's lines to Russia by exporter country and year follow the IMF's
            # values (over the days each year covers); facilitated trade is part of those
            # imports, so each chunk's ordinary trade fills what its facilitated trade leaves.
            target = np.zeros((n_c, n_y))
            for y, year in enumerate(years):
                row = _nearest(tables.ru_imports(), year)
                for c, code in enumerate(self.country_codes):
                    target[c, y] = row.get(code, 0.0) * days_in[y] / 365
            target[self.ru_base <= 0] = 0.0
            self.ru_target = target / target.sum()
        self.ru_accept = self._ru_accept(np.zeros((n_c, n_y)), 0)

        other = np.ones((n_c, n_c, n_y))
        if p.calibrate:
            # Share of each exporter country's candidate mass alive in each year: dividing by
            # it keeps firms founded during the period from bending the yearly indexes.
            alive = np.zeros((n_c, n_y))
            mass = np.zeros(n_c)
            np.add.at(mass, self.country_of[ex], self.other_p)
            for y in range(n_y):
                span = np.flatnonzero(self.year_of_day == y)
                a, b = int(span[0]), int(span[-1]) + 1
                frac = np.clip(b - np.maximum(a, born), 0, None) / (b - a)
                np.add.at(alive[:, y], self.country_of[ex], frac * self.other_p)
            alive = np.divide(alive, mass[:, None], out=np.ones_like(alive),
                              where=mass[:, None] > 0)
            eu = [i for i, c in enumerate(self.country_codes) if c in eu27_members()]
            table = tables.eu_exports()
            base_years = [y for y in _BASE_YEARS if y in table]
            for j, code in enumerate(self.country_codes):
                if not base_years or code not in table[base_years[0]]:
                    continue
                baseline = np.mean([table[y][code] for y in base_years])
                for y, year in enumerate(years):
                    index = _nearest(table, year)[code] / baseline
                    other[eu, j, y] = index / np.maximum(alive[eu, y], 1e-3)
        self.other_accept = other / other.max()

    def _ru_accept(self, facilitated: np.ndarray, ordinary: int) -> np.ndarray:
        """Acceptance per (exporter country, year) for ``ordinary`` declarations to Russia,
        given the facilitated ones drawn per cell: ordinary trade fills the calibrated
        target where facilitated trade leaves room."""
        if self.ru_target is None:
            ratio = (self.ru_base > 0).astype(np.float64)
        else:
            total = ordinary + facilitated.sum()
            room = np.clip(self.ru_target * total - facilitated, 0.0, None)
            if room.sum() <= 0:
                room = self.ru_target.copy()
            ratio = np.divide(room, self.ru_base, out=np.zeros_like(room),
                              where=self.ru_base > 0)
        accept: np.ndarray = ratio / ratio.max()
        return accept

    def _sample_ru(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Exporters and days of ``n`` ordinary declarations bound for Russia."""
        exps: list[np.ndarray] = []
        days: list[np.ndarray] = []
        need = n
        while need > 0:
            m = max(256, int(1.3 * need / self._accept_rate["ru"]))
            e = _choice(rng, self.ex_idx, self.ru_p, m)
            d = rng.integers(0, self.n_days, m)
            acc = self.ru_accept[self.country_of[e], self.year_of_day[d]]
            acc = acc * (d >= self.first_day[e]) * np.where(
                d >= self.invasion_day, 1.0, 1.0 / self.ru_boost[e])
            keep = rng.random(m) < acc
            self._accept_rate["ru"] = max(0.01, float(keep.mean()))
            exps.append(e[keep][:need])
            days.append(d[keep][:need])
            need -= len(exps[-1])
        return np.concatenate(exps), np.concatenate(days)

    def _sample_other(self, rng: np.random.Generator, n: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exporters, importers and days of ``n`` ordinary declarations to other countries."""
        exps: list[np.ndarray] = []
        imps: list[np.ndarray] = []
        days: list[np.ndarray] = []
        need = n
        while need > 0:
            m = max(256, int(1.3 * need / self._accept_rate["other"]))
            e = _choice(rng, self.ex_idx, self.other_p, m)
            i = _choice(rng, *self.foreign_importers, m)
            d = rng.integers(0, self.n_days, m)
            ce, ci = self.country_of[e], self.country_of[i]
            acc = self.other_accept[ce, ci, self.year_of_day[d]] * (d >= self.first_day[e]) \
                * (ce != ci)
            keep = rng.random(m) < acc
            self._accept_rate["other"] = max(0.01, float(keep.mean()))
            exps.append(e[keep][:need])
            imps.append(i[keep][:need])
            days.append(d[keep][:need])
            need -= len(exps[-1])
        return np.concatenate(exps), np.concatenate(imps), np.concatenate(days)

    # ------------------------------------------------------------------ goods pools
    def _line_pools(self) -> None:
        cat = self.cat
        coalition = cat.is_coalition
        comm = np.array([g == "comm" for g in cat.group])

        def pool(mask: np.ndarray, fallback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return cat.pool(mask if mask.any() else fallback)

        self.lines_nonchpl = pool(~cat.is_chpl, np.ones(len(cat), dtype=bool))
        self.lines_chpl = pool(cat.is_chpl, np.ones(len(cat), dtype=bool))
        self.lines_coal_chpl = pool(cat.is_chpl & coalition, cat.is_chpl)
        self.lines_free_chpl = pool(cat.is_chpl & ~coalition, cat.is_chpl)
        self.lines_coal_t12 = pool(cat.is_tier12 & coalition, cat.is_chpl & coalition)
        self.lines_free_t12 = pool(cat.is_tier12 & ~coalition, cat.is_chpl & ~coalition)
        self.lines_coal_other = pool(~cat.is_chpl & coalition, ~cat.is_chpl)
        self.lines_coal_comm = pool(cat.is_chpl & coalition & comm, cat.is_chpl & coalition)

    def _legit_lines(self, rng: np.random.Generator, exp: np.ndarray, day: np.ndarray,
                     to_ru: np.ndarray) -> np.ndarray:
        n = len(exp)
        after = day >= self.invasion_day
        restricted = to_ru & after  # the coalition's controls bind ordinary firms here
        lic = self.licensed[exp]
        p_chpl = np.where(after, self.chpl_after[exp], self.chpl_before[exp])
        p_chpl = np.where(lic & restricted, _LICENSED_CHPL_TO_RU, p_chpl)
        want_chpl = rng.random(n) < p_chpl
        coalition_exporter = self.coalition_country[self.country_of[exp]]
        nonchpl = _choice(rng, *self.lines_nonchpl, n)
        chpl = np.where(
            restricted,
            np.where(coalition_exporter, nonchpl,
                     np.where(lic, _choice(rng, *self.lines_coal_comm, n),
                              _choice(rng, *self.lines_free_chpl, n))),
            np.where(lic, _choice(rng, *self.lines_coal_chpl, n),
                     _choice(rng, *self.lines_chpl, n)))
        other = np.where(lic & (restricted | (rng.random(n) < 0.6)),
                         _choice(rng, *self.lines_coal_other, n), nonchpl)
        return np.where(want_chpl, chpl, other)

    def _facilitated_lines(self, rng: np.random.Generator, scheme: np.ndarray,
                           fac: np.ndarray) -> np.ndarray:
        n = len(scheme)
        coalition_route = np.isin(scheme, [SCHEMES.index("transshipment"),
                                           SCHEMES.index("brand_reexport")])
        coal = rng.random(n) < self.coalition_pref[fac]
        t12 = rng.random(n) < 0.8
        return np.where(
            coalition_route, _choice(rng, *self.lines_coal_chpl, n),
            np.where(t12,
                     np.where(coal, _choice(rng, *self.lines_coal_t12, n),
                              _choice(rng, *self.lines_free_t12, n)),
                     np.where(coal, _choice(rng, *self.lines_coal_chpl, n),
                              _choice(rng, *self.lines_free_chpl, n))))

    # ------------------------------------------------------------------ helpers
    def _mention(self, rng: np.random.Generator, firm: np.ndarray) -> np.ndarray:
        """Spelling index per mention: a clean spelling, or with the firm's noise a noisy one."""
        noisy = (rng.random(len(firm)) < self.noise[firm]) & (self.n_noisy[firm] > 0)
        u = rng.random(len(firm))
        pick = np.where(noisy, self.n_clean[firm] + (u * self.n_noisy[firm]).astype(np.int64),
                        (u * self.n_clean[firm]).astype(np.int64))
        return np.asarray(self.offset[firm] + pick)

    def _ident(self, rng: np.random.Generator, firm: np.ndarray) -> pa.Array:
        shown = rng.random(len(firm)) < self.id_share[firm]
        return self.ids.take(pa.array(np.where(shown, firm, len(self.firms))))

    def _country(self, rng: np.random.Generator, code_idx: np.ndarray,
                 lang: np.ndarray) -> pa.Array:
        as_name = rng.random(len(code_idx)) < self.params.country_name_share
        return self.country_forms.take(pa.array(code_idx * 4 + np.where(as_name, 1 + lang, 0)))

    def _declarations(self, rng: np.random.Generator, n_decl: int
                      ) -> tuple[np.ndarray, ...]:
        """Exporter, importer, contract holder (-1: none), day, facilitator (-1: none) and
        scheme (-1: ordinary) of ``n_decl`` declarations."""
        p = self.params
        kind = rng.random(n_decl)
        fac = kind < p.facilitator_share
        to_ru = ~fac & (rng.random(n_decl) < p.to_ru_share)
        other = ~fac & ~to_ru
        exp = np.zeros(n_decl, dtype=np.int64)
        imp = np.zeros(n_decl, dtype=np.int64)
        day = np.zeros(n_decl, dtype=np.int64)
        f_of = np.full(n_decl, -1, dtype=np.int64)

        n_fac = int(fac.sum())
        f = _choice(rng, *self.facilitators, n_fac)
        scheme_f = self.primary[f]
        is_ch = scheme_f == SCHEMES.index("contract_holder")
        exp[fac] = np.where(is_ch, _choice(rng, *self.third_exporters, n_fac), f)
        imp[fac] = _choice(rng, *self.end_users, n_fac)
        lo = np.maximum(self.first_day[f], self.invasion_day + 1)
        # A ramp exponent above 1 crowds the scheme's trade toward the end of the period.
        day[fac] = lo + ((rng.random(n_fac) ** (1.0 / self.ramp[f])) * (self.n_days - lo)
                         ).astype(np.int64)
        f_of[fac] = f
        scheme = np.full(n_decl, -1, dtype=np.int64)
        scheme[fac] = scheme_f

        facilitated = np.zeros_like(self.ru_base)
        np.add.at(facilitated, (self.country_of[exp[fac]], self.year_of_day[day[fac]]), 1.0)
        self.ru_accept = self._ru_accept(facilitated, int(to_ru.sum()))
        e, d = self._sample_ru(rng, int(to_ru.sum()))
        exp[to_ru], day[to_ru] = e, d
        imp[to_ru] = _choice(rng, *self.ru_importers, len(e))
        e, i, d = self._sample_other(rng, int(other.sum()))
        exp[other], imp[other], day[other] = e, i, d

        bound_ru = self.country_of[imp] == self.ru
        same = rng.random(n_decl) < _SAME_CH_SHARE
        ch = np.where(bound_ru & same, imp, -1)
        parent = self.parent[imp]
        paid = (parent >= 0) & (rng.random(n_decl) < _PARENT_PAYS)
        ch = np.where(bound_ru & paid, parent, ch)
        ch = np.where(fac & (scheme == SCHEMES.index("contract_holder")), f_of, ch)
        return exp, imp, ch, day, f_of, scheme, bound_ru

    # ------------------------------------------------------------------ one chunk
    def chunk(self, rng: np.random.Generator, n_rows: int) -> Chunk:
        p = self.params
        per_decl = rng.geometric(0.6, size=n_rows)
        ends = np.cumsum(per_decl)
        n_decl = int(np.searchsorted(ends, n_rows)) + 1
        per_decl = per_decl[:n_decl]
        per_decl[-1] -= int(ends[n_decl - 1]) - n_rows

        exp, imp, ch, day, f_of, scheme, to_ru_now = self._declarations(rng, n_decl)
        fac = f_of >= 0
        # Russian-language declarations for Russia, English or Chinese elsewhere.
        lang = np.where(to_ru_now, rng.choice(3, size=n_decl, p=[0.2, 0.7, 0.1]),
                        rng.choice([0, 2], size=n_decl, p=[0.8, 0.2]))

        # ---- lines
        rep = np.repeat(np.arange(n_decl), per_decl)
        first = np.concatenate([[0], np.cumsum(per_decl)[:-1]])
        item_no = (np.arange(n_rows) - np.repeat(first, per_decl) + 1).astype(np.int32)
        r_fac, r_exp, r_imp, r_ch = fac[rep], exp[rep], imp[rep], ch[rep]
        r_day, r_lang, r_scheme = day[rep], lang[rep], scheme[rep]
        r_f = np.where(r_fac, f_of[rep], 0)
        r_ru = to_ru_now[rep]

        line = np.where(r_fac, self._facilitated_lines(rng, r_scheme, r_f),
                        self._legit_lines(rng, r_exp, r_day, r_ru))

        exp_mask = self.scheme_mask[r_exp]
        hs = self.cat.hs6[line].astype(np.int64)
        chip = self.cat.is_chip[line]
        misdeclare = (r_fac & (exp_mask & BIT["hs_misdeclared"] > 0) & chip
                      & (rng.random(n_rows) < _MISDECLARE_SHARE))
        sloppy = ~r_fac & chip & (rng.random(n_rows) < self.sloppy[r_exp])
        wrong_code = self.cat.misdeclared[rng.integers(0, len(self.cat.misdeclared), n_rows)]
        hs = np.where(misdeclare | sloppy, wrong_code, hs)
        form = np.where(rng.random(n_rows) < p.dotted_hs_share, 1,
                        np.where(rng.random(n_rows) < 0.05, 2, 0))

        unit_price = self.cat.price[line] * np.exp(rng.normal(0.0, 0.15, n_rows))
        target = np.exp(rng.normal(np.log(15_000.0), 1.0, n_rows))
        qty = np.maximum(1.0, np.round(target / unit_price))
        mispriced = (r_fac & (exp_mask & BIT["price_anomaly"] > 0)
                     & (rng.random(n_rows) < _ANOMALY_SHARE))
        factor = np.where(rng.random(n_rows) < 0.5, rng.uniform(8.0, 20.0, n_rows),
                          rng.uniform(0.04, 0.12, n_rows))
        # Legitimate outliers say why: samples, refurbished or used goods.
        reasoned = ~r_fac & (rng.random(n_rows) < self.price_reason[r_exp])
        reason = rng.integers(0, len(self.reason_low), n_rows)
        # Samples are of cheap parts; machines are sold used or refurbished, not as samples.
        cheap = self.cat.price[line] < _SAMPLE_MAX_PRICE
        reason = np.where(~cheap & self.reason_sample[reason], self.reason_used, reason)
        reason_factor = rng.uniform(self.reason_low[reason], self.reason_high[reason])
        sample = reasoned & self.reason_sample[reason]
        qty = np.where(sample, rng.integers(1, 6, n_rows).astype(np.float64), qty)
        price = np.where(mispriced, unit_price * factor,
                         np.where(reasoned, unit_price * reason_factor, unit_price))
        # An odd unit price shows in the quantity declared for the line's value: a shipment
        # is not twenty times larger because its goods are declared at twenty times the norm.
        odd = (mispriced | reasoned) & ~sample
        qty = np.where(odd, np.maximum(1.0, np.round(target / price)), qty)
        value = np.round(qty * price, 2)
        net_kg = np.round(qty * self.cat.kg[line] * np.exp(rng.normal(0.0, 0.05, n_rows)), 3)
        by_kg = np.array([u == "KG" for u in self.cat.unit])[line]
        qty = np.where(by_kg, net_kg, qty)

        # ---- countries
        exp_c, imp_c = self.country_of[r_exp], self.country_of[r_imp]
        origin = self.origin_of_line[line]
        transship = r_scheme == SCHEMES.index("transshipment")
        origin = np.where(transship & ~self.coalition_country[origin],
                          self.country_codes.index("US"), origin)
        laundered = r_fac & (rng.random(n_rows) < self.launder[r_f])
        origin = np.where(laundered, exp_c, origin)
        via_hub = ~r_fac & (rng.random(n_rows) < self.triangular[r_exp])
        trading = np.where(via_hub & (self.trading_hub[r_exp] >= 0), self.trading_hub[r_exp],
                           exp_c)

        # ---- parties
        exp_sp = self._mention(rng, r_exp)
        imp_sp = self._mention(rng, r_imp)
        has_ch = r_ch >= 0
        ch_firm = np.where(has_ch, r_ch, 0)
        ch_sp = self._mention(rng, ch_firm)
        maker = self.cat.manufacturer_firm[line]
        upper = (rng.random(n_rows) < 0.3).astype(np.int64)

        # ---- truth: which schemes each line exhibits
        mask = np.where(r_fac, exp_mask & sum(BIT[s] for s in EXPORTER_SCHEMES), 0)
        mask |= np.where(mispriced, BIT["price_anomaly"], 0)
        mask |= np.where(misdeclare, BIT["hs_misdeclared"], 0)
        listed_noisy = ((self.scheme_mask[r_imp] & BIT["listed_variant"] > 0)
                        & (imp_sp - self.offset[r_imp] >= self.n_clean[r_imp]))
        mask |= np.where(listed_noisy, BIT["listed_variant"], 0)
        mask |= np.where(r_fac & (r_scheme == SCHEMES.index("contract_holder")),
                         BIT["contract_holder"], 0)

        decl_ids = self._declaration_ids(day, to_ru_now, self.country_of[exp])[rep]
        ids = pa.array(decl_ids, pa.string())
        dates = pa.array((r_day + self.day0).astype(np.int32), pa.int32()).cast(pa.date32())
        null_str = pa.nulls(n_rows, pa.string())
        ch_names = pc.if_else(pa.array(has_ch), self.spellings.take(pa.array(ch_sp)), null_str)
        ch_ids = pc.if_else(pa.array(has_ch), self._ident(rng, ch_firm), null_str)
        descriptions = self.descriptions.take(pa.array(line * 3 + r_lang))
        suffix = pc.if_else(pa.array(reasoned),
                            self.reason_text.take(pa.array(reason * 3 + r_lang)), null_str)
        descriptions = pc.binary_join_element_wise(descriptions, suffix, " ",
                                                   null_handling="skip")
        shipments = pa.Table.from_arrays([
            ids, pa.array(item_no), dates,
            pa.array(np.where(r_ru, "IM", "EX")),
            self.hs_forms.take(pa.array(hs * 3 + form)),
            descriptions,
            self.line_manufacturer.take(pa.array(line)),
            self.line_brand.take(pa.array(line)),
            self.line_model.take(pa.array(line)),
            pa.array(qty), self.line_unit.take(pa.array(line)), pa.array(net_kg),
            pa.array(value), self.currency_table.take(pa.array(self.currency[r_exp])),
            self.spellings.take(pa.array(exp_sp)),
            self.addresses.take(pa.array(r_exp * 2 + upper)),
            self._country(rng, exp_c, r_lang), self._ident(rng, r_exp),
            self.spellings.take(pa.array(imp_sp)),
            self.addresses.take(pa.array(r_imp * 2 + upper)),
            self._country(rng, imp_c, r_lang), self._ident(rng, r_imp),
            ch_names, ch_ids,
            self._country(rng, origin, r_lang), self._country(rng, exp_c, r_lang),
            self._country(rng, trading, r_lang), self._country(rng, imp_c, r_lang),
        ], schema=SHIPMENT_SCHEMA)
        truth = pa.Table.from_arrays([
            ids, pa.array(item_no), pa.array(r_fac),
            self.firm_ids.take(pa.array(np.where(
                r_fac, np.where(r_scheme == SCHEMES.index("contract_holder"), r_ch, r_exp),
                len(self.firms)))),
            self.scheme_lists.take(pa.array(mask)),
        ], schema=TRUTH_SCHEMA)

        n_sp = self.n_spellings
        maker_known = maker >= 0
        mentions = {
            "exporter": np.bincount(exp_sp, minlength=n_sp),
            "importer": np.bincount(imp_sp, minlength=n_sp),
            "contract_holder": np.bincount(ch_sp[has_ch], minlength=n_sp),
            # Manufacturers are written as the firm writes itself: its canonical spelling.
            "manufacturer": np.bincount(self.offset[maker[maker_known]], minlength=n_sp),
        }
        scheme_rows = {s: int(np.count_nonzero(mask & BIT[s])) for s in SCHEMES}
        scheme_rows["facilitated"] = int(np.count_nonzero(r_fac))
        return Chunk(shipments, truth, mentions, scheme_rows)

    def _declaration_ids(self, day: np.ndarray, to_ru: np.ndarray,
                         exp_country: np.ndarray) -> np.ndarray:
        """Russian-style numbers (post/ddmmyy/serial) for imports to Russia, others elsewhere."""
        serial = self.decl_serial + np.arange(len(day))
        self.decl_serial += len(day)
        posts = _CUSTOMS_POSTS[serial % len(_CUSTOMS_POSTS)]
        start = self.params.start
        out = []
        for d, ru, c, s, post in zip(day.tolist(), to_ru.tolist(), exp_country.tolist(),
                                     serial.tolist(), posts.tolist(), strict=True):
            when = start + timedelta(days=d)
            if ru:
                out.append(f"{post}/{when:%d%m%y}/{s % 10**7:07d}")
            else:
                out.append(f"{self.country_codes[c]}{when:%Y}EX{s:09d}")
        return np.array(out, dtype=object)
