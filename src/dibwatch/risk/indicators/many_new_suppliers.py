"""Many small new suppliers indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext
from dibwatch.risk.params import ALL_TIERS, Params, setting

SUPPLIERS_TABLE = "_risk_suppliers"
L = store.LINES_TABLE

# An importer receiving CHPL goods after the invasion from exporters that first appeared
# after it and that each supplied at most $max_share of its CHPL intake — the pattern of a
# buyer spreading orders over short-lived fronts.
CREATE_SUPPLIERS = f"""
CREATE OR REPLACE TEMP TABLE {SUPPLIERS_TABLE} AS
WITH intake AS (
    SELECT DISTINCT i.firm_id AS importer, e.firm_id AS supplier, i.load_id, i.line_no,
           i.value_usd, e.firm_first_seen AS supplier_first_seen
    FROM {L} i
    JOIN {L} e ON e.load_id = i.load_id AND e.line_no = i.line_no
              AND e.role = 'exporter' AND e.firm_id <> i.firm_id
    WHERE i.role = 'importer' AND list_contains($tiers, i.chpl_tier)
      AND i.day >= CAST($invasion AS DATE)
), totals AS (
    SELECT importer, sum(value_usd) AS intake_usd
    FROM (SELECT DISTINCT importer, load_id, line_no, value_usd FROM intake)
    GROUP BY importer
), pairs AS (
    SELECT importer, supplier, sum(value_usd) AS value_usd
    FROM intake WHERE supplier_first_seen > CAST($invasion AS DATE)
    GROUP BY importer, supplier
)
SELECT p.importer AS firm_id, p.supplier, p.value_usd, t.intake_usd
FROM pairs p JOIN totals t USING (importer)
WHERE t.intake_usd > 0 AND p.value_usd / t.intake_usd <= $max_share
"""
INSERT_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $run_id, $last_flag + row_number() OVER (ORDER BY firm_id), firm_id, $indicator,
       $version, least(1.0, count(*) / $full_suppliers), count(*),
       json_object('suppliers', list(supplier ORDER BY supplier),
                   'value_usd', sum(value_usd), 'intake_usd', any_value(intake_usd))
FROM {SUPPLIERS_TABLE} GROUP BY firm_id HAVING count(*) >= $min_suppliers
"""
INSERT_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, i.load_id, i.line_no, NULL
FROM risk_flags f
JOIN {SUPPLIERS_TABLE} s USING (firm_id)
JOIN {L} i ON i.firm_id = s.firm_id AND i.role = 'importer'
JOIN {L} e ON e.load_id = i.load_id AND e.line_no = i.line_no
          AND e.role = 'exporter' AND e.firm_id = s.supplier
WHERE f.run_id = $run_id AND f.indicator = $indicator AND list_contains($tiers, i.chpl_tier)
  AND i.day >= CAST($invasion AS DATE)
"""


@dataclass(frozen=True)
class ManyNewSuppliersParams(Params):
    tiers: tuple[str, ...] = setting(ALL_TIERS, "CHPL tiers that count")
    max_share: float = setting(0.25, "largest share of the importer's CHPL intake a supplier "
                                     "may have and still count as small")
    min_suppliers: int = setting(3, "small new suppliers needed for a flag")
    full_suppliers: float = setting(6, "small new suppliers at which the score is full")


class ManyNewSuppliers(Indicator):
    """One importer fed by many small new suppliers: after the invasion the firm received CHPL
    goods (tiers in ``tiers``) from at least ``min_suppliers`` exporters that first appeared
    after the invasion and that each supplied at most ``max_share`` of its CHPL intake. The
    value is the number of such suppliers, the score is full at ``full_suppliers``; the
    evidence is the lines they shipped to it."""

    name = "many_new_suppliers"
    title = "fed by many small new suppliers"
    version = "1"
    parameters = ManyNewSuppliersParams

    def run(self, ctx: RunContext) -> int:
        with ctx.temporary(SUPPLIERS_TABLE):
            ctx.execute(CREATE_SUPPLIERS, self)
            ctx.execute(INSERT_FLAGS, self)
            ctx.execute(INSERT_EVIDENCE, self)
        return ctx.flag_count(self.name)
