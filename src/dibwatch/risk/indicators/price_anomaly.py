"""Unit-price anomaly indicator."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dibwatch.risk.indicators.base import LineIndicator, RunContext
from dibwatch.risk.params import LineParams, setting

PRICE_TABLE = "_risk_price_z"
# The robust z-score of the log unit value within HS-6 × brand (median and MAD; 1.4826 makes
# the MAD estimate a standard deviation), left NULL for groups smaller than $min_group or
# without spread, and for lines whose description gives a reason for an unusual price
# ($reasons: samples, used or refurbished goods, free of charge …).
CREATE_PRICE_Z = f"""
CREATE OR REPLACE TEMP TABLE {PRICE_TABLE} AS
WITH priced AS (
    SELECT load_id, line_no, ln(s.value_usd / s.quantity) AS log_unit,
           c.hs6, coalesce(c.brand_canonical, '') AS brand,
           coalesce(regexp_matches(lower(s.description), $reasons), false) AS reasoned
    FROM shipments s JOIN shipment_classes c USING (load_id, line_no)
    WHERE s.value_usd > 0 AND s.quantity > 0 AND c.hs6 IS NOT NULL
), centres AS (
    SELECT hs6, brand, median(log_unit) AS med, count(*) AS n FROM priced GROUP BY hs6, brand
), groups AS (
    -- mad() spelled out: Spark has no such aggregate.
    SELECT c.hs6, c.brand, c.med, c.n, median(abs(p.log_unit - c.med)) AS mad
    FROM priced p JOIN centres c USING (hs6, brand) GROUP BY c.hs6, c.brand, c.med, c.n
)
SELECT p.load_id, p.line_no,
       CASE WHEN g.n >= $min_group AND g.mad > 0 AND NOT p.reasoned
            THEN (p.log_unit - g.med) / (1.4826 * g.mad) END AS price_z
FROM priced p JOIN groups g USING (hs6, brand)
"""


@cache
def reason_pattern() -> str:
    """One regular expression (RE2, lower case) matching any term of the bundled
    ``price_reasons.csv``: words a declarant writes to explain a price (samples, free of
    charge, used, refurbished, scrap …) in English, Russian, Chinese, Turkish and German.
    Latin terms match from the start of a word ("used", not "focused")."""
    text = resources.files("dibwatch.risk").joinpath("data", "price_reasons.csv")
    with text.open(encoding="utf-8") as fh:
        terms = sorted({row["term"].strip().lower() for row in csv.DictReader(fh)
                        if row["term"].strip()}, key=len, reverse=True)
    parts = [rf"\b{re.escape(t)}" if t.isascii() else re.escape(t) for t in terms]
    return "(" + "|".join(parts) + ")"


@dataclass(frozen=True)
class PriceAnomalyParams(LineParams):
    z_threshold: float = setting(3.5, "absolute robust z-score from which a price is anomalous")
    min_group: int = setting(10, "lines of the same HS-6 × brand needed to judge a price")
    full_share: float = setting(0.2, "share of the firm's trade in those roles meeting the "
                                     "rule at which the score is full")
    min_lines: int = setting(2, "lines that must meet the rule before the firm is flagged")


class PriceAnomaly(LineIndicator):
    """Unit-price anomaly: the robust z-score of log(value / quantity) within HS-6 × brand (median
    and MAD, groups of ``min_group`` lines or more) exceeds ``z_threshold`` in absolute
    value. A line whose description gives a reason for its price (samples, free of charge,
    used or refurbished goods, scrap: terms table ``price_reasons.csv``) is not judged."""

    name = "price_anomaly"
    title = "unit price far from its goods' norm"
    version = "2"
    parameters = PriceAnomalyParams
    rule = f"""EXISTS (SELECT 1 FROM {PRICE_TABLE} z
                       WHERE z.load_id = l.load_id AND z.line_no = l.line_no
                         AND abs(z.price_z) > $z_threshold)"""

    def prepare(self, ctx: RunContext) -> None:
        ctx.execute(CREATE_PRICE_Z, self, reasons=reason_pattern())

    def run(self, ctx: RunContext) -> int:
        with ctx.temporary(PRICE_TABLE):
            return super().run(ctx)
