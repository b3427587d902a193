"""Reports: a static HTML site over one risk run — the overview (CHPL flows against the
pre-invasion baseline, top traders, hubs, brands, the ranked firm table) and a dossier per
top-ranked firm (score breakdown, flags with their evidence rows, counterparties, network
picture, list matches, timeline) with its PDF. Charts are static SVG from
:mod:`dibwatch.report.charts`, reusable by other pages."""

from __future__ import annotations

from dibwatch.report import charts
from dibwatch.report.dossier import evidence_anchor
from dibwatch.report.site import DossierFile, ReportResult, write_report

__all__ = ["DossierFile", "ReportResult", "charts", "evidence_anchor", "write_report"]
