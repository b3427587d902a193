"""Designation intelligence: the same party across authorities, the dates each listed it,
coverage and its gaps.

- :func:`run_xref` links every loaded list entity across sources (shared valid identifiers,
  list cross-references, then the matcher with country and schema agreement) into clusters,
  dates every designation and stores the run (``xref_*`` tables).
- :class:`PairDecisions`, :func:`decide_pair`, :func:`pair_decisions`: the analysts' queue.
- :func:`coverage_table`, :func:`gaps`, :func:`timeline`: what the report, the dashboard and
  ``dibwatch lists coverage`` show.
"""

from dibwatch.xref.clusters import PairDecisions
from dibwatch.xref.run import XrefSettings, is_fresh, run_xref
from dibwatch.xref.store import RunInfo, latest_run

__all__ = ["PairDecisions", "RunInfo", "XrefSettings", "is_fresh", "latest_run", "run_xref"]
