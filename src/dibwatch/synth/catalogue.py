"""The goods of a world: product lines (HS-6, brand, model, price) and the code table.

Each HS-6 code of ``data/goods.csv`` gets a few product lines; a line is a brand from
``data/brands.csv`` (or an unbranded product of one of the world's fictional manufacturers)
with a model number in that brand's style and a unit price scattered around the code's
typical price. Shipments pick lines, so descriptions, codes and prices come out of arrays.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from dibwatch.synth import tables
from dibwatch.synth.firms import Firm
from dibwatch.synth.ids import fill_template

LANGS = ("en", "ru", "zh")
_NO_BRAND = "NONE"


@dataclass
class Catalogue:
    hs_codes: list[str]              # HS-6 codes: the goods first, then the innocuous ones
    misdeclared: np.ndarray          # indices into hs_codes used to misdeclare chips
    hs6: np.ndarray                  # per line: index into hs_codes
    tier: list[str]
    group: list[str]                 # goods group (mcu, comm, tv, …)
    price: np.ndarray
    kg: np.ndarray
    unit: list[str]
    brand: list[str | None]
    model: list[str]
    manufacturer: list[str]
    manufacturer_firm: np.ndarray    # -1 for a brand's own manufacturer
    origin: list[str]                # ISO-2 of the country of origin
    weight: np.ndarray
    is_chpl: np.ndarray
    is_tier12: np.ndarray
    is_coalition: np.ndarray
    is_chip: np.ndarray
    descriptions: list[str]          # line * 3 + language (en, ru, zh)

    def __len__(self) -> int:
        return len(self.tier)

    def pool(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Line indices where ``mask`` holds, with their probabilities."""
        idx = np.flatnonzero(mask)
        w = self.weight[idx]
        return idx, w / w.sum()


def build_catalogue(rng: random.Random, firms: list[Firm]) -> Catalogue:
    goods = tables.goods()
    by_group: dict[str, list[tables.Brand]] = {}
    for b in tables.brands():
        by_group.setdefault(b.group, []).append(b)
    makers = [f for f in firms if f.role == "manufacturer"]
    hs_codes = [g.hs6 for g in goods]
    misdeclared = [c for c in tables.misdeclared_codes() if c not in hs_codes]
    hs_codes += misdeclared
    misdeclared_idx = np.array([hs_codes.index(c) for c in tables.misdeclared_codes()])

    cols: dict[str, list[object]] = {k: [] for k in (
        "hs6", "tier", "group", "price", "kg", "unit", "brand", "model", "manufacturer",
        "manufacturer_firm", "origin", "weight", "coalition", "desc")}
    for gi, good in enumerate(goods):
        n_lines = max(3, min(12, round(good.weight)))
        for _ in range(n_lines):
            brand = rng.choice(by_group[good.group])
            model = fill_template(rng.choice(brand.models), rng)
            if brand.brand == _NO_BRAND:
                maker = rng.choice(makers)
                label, manufacturer, maker_idx, origin = None, maker.name.canonical, \
                    maker.index, maker.country
            else:
                label, manufacturer, maker_idx, origin = brand.brand, brand.manufacturer, -1, \
                    brand.country
            cols["hs6"].append(gi)
            cols["tier"].append(good.tier)
            cols["group"].append(good.group)
            cols["price"].append(good.price_usd * math.exp(rng.gauss(0.0, 0.3)))
            cols["kg"].append(good.kg_per_unit)
            cols["unit"].append(good.unit)
            cols["brand"].append(label)
            cols["model"].append(model)
            cols["manufacturer"].append(manufacturer)
            cols["manufacturer_firm"].append(maker_idx)
            cols["origin"].append(origin)
            cols["weight"].append(good.weight / n_lines)
            cols["coalition"].append(brand.coalition)
            mark = f"{label} {model}" if label else model
            cols["desc"].extend(f"{text} {mark}" for text in good.desc)
    tier = [str(t) for t in cols["tier"]]
    hs6 = np.array(cols["hs6"], dtype=np.int32)
    return Catalogue(
        hs_codes=hs_codes, misdeclared=misdeclared_idx, hs6=hs6, tier=tier,
        group=[str(g) for g in cols["group"]],
        price=np.array(cols["price"], dtype=np.float64),
        kg=np.array(cols["kg"], dtype=np.float64), unit=[str(u) for u in cols["unit"]],
        brand=[b if isinstance(b, str) else None for b in cols["brand"]],
        model=[str(m) for m in cols["model"]],
        manufacturer=[str(m) for m in cols["manufacturer"]],
        manufacturer_firm=np.array(cols["manufacturer_firm"], dtype=np.int64),
        origin=[str(o) for o in cols["origin"]],
        weight=np.array(cols["weight"], dtype=np.float64),
        is_chpl=np.array([t != "" for t in tier]),
        is_tier12=np.array([t in ("1", "2") for t in tier]),
        is_coalition=np.array(cols["coalition"], dtype=bool),
        is_chip=np.array([hs_codes[i].startswith("8542") for i in hs6]),
        descriptions=[str(d) for d in cols["desc"]])
