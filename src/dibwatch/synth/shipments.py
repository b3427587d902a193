"""Shipments, one chunk of declaration lines at a time, vectorised with numpy and pyarrow.

A chunk draws declarations (parties, date, route, language), expands them to 1–n lines, and
picks every string by index into arrays built once (spellings, addresses, descriptions, code
forms, country forms), so 10M rows never sit in memory and strings are never formatted per
row except declaration numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
_TO_RU_SHARE = 0.35            # legitimate declarations bound for Russia
_SAME_CH_SHARE = 0.6           # Russian imports naming the consignee as contract holder too
_LISTED_NOISE = 0.9            # listed end users are mostly written slightly off (scheme g)
_ANOMALY_SHARE = 0.5           # a mispricing firm's lines that are mispriced
_MISDECLARE_SHARE = 0.7        # a misdeclaring firm's chip lines declared under another code


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

        # Pools of firms, as index arrays with probabilities.
        def pool(pred: list[bool]) -> tuple[np.ndarray, np.ndarray]:
            idx = np.flatnonzero(np.array(pred, dtype=bool))
            return idx, _weights(self.activity[idx])

        self.legit_exporters = pool([f.role == "exporter" and f.primary_scheme not in
                                     ("shell_cluster", "new_firm") for f in firms])
        self.ru_importers = pool([f.role == "importer" and f.country == "RU" for f in firms])
        self.foreign_importers = pool([f.role == "importer" and f.country != "RU"
                                       for f in firms])
        third = {c.code for c in countries if c.group == "third"}
        self.third_exporters = pool([f.role == "exporter" and f.country in third
                                     for f in firms])
        end_idx = np.flatnonzero([f.is_end_user for f in firms])
        boost = np.array([3.0 if firms[i].listed_id else 1.0 for i in end_idx])
        self.end_users = (end_idx, _weights(self.activity[end_idx] * boost))
        self.facilitators = pool([f.is_facilitator for f in firms])

        self.lines_all = cat.pool(np.ones(len(cat), dtype=bool))
        self.lines_non_chpl = cat.pool(~cat.is_chpl)
        self.lines_chpl = cat.pool(cat.is_chpl)
        self.lines_t12 = cat.pool(cat.is_tier12)
        coalition = cat.is_chpl & cat.is_coalition
        self.lines_coalition = cat.pool(coalition if coalition.any() else cat.is_chpl)

        # Codes as written: 10 digits, dotted, or bare HS-6; three per code.
        forms = []
        for code in cat.hs_codes:
            forms += [f"{code}0000", f"{code[:4]}.{code[4:]}.00.00", code]
        self.hs_forms = pa.array(forms)
        self.descriptions = pa.array(cat.descriptions)
        self.line_brand = pa.array(cat.brand, pa.string())
        self.line_model = pa.array(cat.model)
        self.line_manufacturer = pa.array(cat.manufacturer)
        self.line_unit = pa.array(cat.unit)
        self.scheme_lists = pa.array([[s for s in SCHEMES if m & BIT[s]]
                                      for m in range(1 << len(SCHEMES))],
                                     pa.list_(pa.string()))
        self.n_spellings = len(spellings)

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

    # ------------------------------------------------------------------ one chunk
    def chunk(self, rng: np.random.Generator, n_rows: int) -> Chunk:
        p = self.params
        per_decl = rng.geometric(0.6, size=n_rows)
        ends = np.cumsum(per_decl)
        n_decl = int(np.searchsorted(ends, n_rows)) + 1
        per_decl = per_decl[:n_decl]
        per_decl[-1] -= int(ends[n_decl - 1]) - n_rows

        # ---- declarations: legitimate ones first, facilitated ones overwrite.
        fac = rng.random(n_decl) < p.facilitator_share
        exp = _choice(rng, *self.legit_exporters, n_decl)
        to_ru = rng.random(n_decl) < _TO_RU_SHARE
        imp = np.where(to_ru, _choice(rng, *self.ru_importers, n_decl),
                       _choice(rng, *self.foreign_importers, n_decl))
        domestic = self.country_of[exp] == self.country_of[imp]
        imp = np.where(domestic, _choice(rng, *self.ru_importers, n_decl), imp)
        start = self.first_day[exp]

        f = _choice(rng, *self.facilitators, n_decl)
        scheme = self.primary[f]
        is_ch = scheme == SCHEMES.index("contract_holder")
        exp = np.where(fac, np.where(is_ch, _choice(rng, *self.third_exporters, n_decl), f), exp)
        imp = np.where(fac, _choice(rng, *self.end_users, n_decl), imp)
        same_ch = rng.random(n_decl) < _SAME_CH_SHARE
        to_ru_now = self.country_of[imp] == self.ru
        ch = np.where(to_ru_now & same_ch, imp, -1)
        ch = np.where(fac & is_ch, f, ch)
        start = np.where(fac, np.maximum(self.first_day[f], self.invasion_day + 1), start)
        day = start + (rng.random(n_decl) * (self.n_days - start)).astype(np.int64)
        # Russian-language declarations for Russia, English or Chinese elsewhere.
        lang = np.where(to_ru_now, rng.choice(3, size=n_decl, p=[0.2, 0.7, 0.1]),
                        rng.choice([0, 2], size=n_decl, p=[0.8, 0.2]))

        # ---- lines
        rep = np.repeat(np.arange(n_decl), per_decl)
        first = np.concatenate([[0], np.cumsum(per_decl)[:-1]])
        item_no = (np.arange(n_rows) - np.repeat(first, per_decl) + 1).astype(np.int32)
        r_fac, r_exp, r_imp, r_ch = fac[rep], exp[rep], imp[rep], ch[rep]
        r_day, r_lang, r_scheme = day[rep], lang[rep], np.where(fac, scheme, -1)[rep]
        r_ru = to_ru_now[rep]

        legit_line = np.where(r_ru & (r_day >= self.invasion_day),
                              _choice(rng, *self.lines_non_chpl, n_rows),
                              _choice(rng, *self.lines_all, n_rows))
        coalition_route = np.isin(r_scheme, [SCHEMES.index("transshipment"),
                                             SCHEMES.index("brand_reexport")])
        fac_line = np.where(coalition_route, _choice(rng, *self.lines_coalition, n_rows),
                            np.where(rng.random(n_rows) < 0.8,
                                     _choice(rng, *self.lines_t12, n_rows),
                                     _choice(rng, *self.lines_chpl, n_rows)))
        line = np.where(r_fac, fac_line, legit_line)

        exp_mask = self.scheme_mask[r_exp]
        hs = self.cat.hs6[line].astype(np.int64)
        misdeclare = (r_fac & (exp_mask & BIT["hs_misdeclared"] > 0) & self.cat.is_chip[line]
                      & (rng.random(n_rows) < _MISDECLARE_SHARE))
        hs = np.where(misdeclare, self.cat.misdeclared[rng.integers(
            0, len(self.cat.misdeclared), n_rows)], hs)
        form = np.where(rng.random(n_rows) < p.dotted_hs_share, 1,
                        np.where(rng.random(n_rows) < 0.05, 2, 0))

        unit_price = self.cat.price[line] * np.exp(rng.normal(0.0, 0.15, n_rows))
        target = np.exp(rng.normal(np.log(15_000.0), 1.0, n_rows))
        qty = np.maximum(1.0, np.round(target / unit_price))
        value = qty * unit_price
        mispriced = (r_fac & (exp_mask & BIT["price_anomaly"] > 0)
                     & (rng.random(n_rows) < _ANOMALY_SHARE))
        factor = np.where(rng.random(n_rows) < 0.5, rng.uniform(8.0, 20.0, n_rows),
                          rng.uniform(0.04, 0.12, n_rows))
        value = np.round(np.where(mispriced, value * factor, value), 2)
        net_kg = np.round(qty * self.cat.kg[line] * np.exp(rng.normal(0.0, 0.05, n_rows)), 3)
        by_kg = np.array([u == "KG" for u in self.cat.unit])[line]
        qty = np.where(by_kg, net_kg, qty)

        # ---- countries
        exp_c, imp_c = self.country_of[r_exp], self.country_of[r_imp]
        origin = self.origin_of_line[line]
        transship = r_scheme == SCHEMES.index("transshipment")
        origin = np.where(transship & ~self.coalition_country[origin],
                          self.country_codes.index("US"), origin)

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
        shipments = pa.Table.from_arrays([
            ids, pa.array(item_no), dates,
            pa.array(np.where(r_ru, "IM", "EX")),
            self.hs_forms.take(pa.array(hs * 3 + form)),
            self.descriptions.take(pa.array(line * 3 + r_lang)),
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
            self._country(rng, exp_c, r_lang), self._country(rng, imp_c, r_lang),
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
