"""Risk: red-flag indicators over the resolved firms and their shipments, and the firm
ranking built from them, every flag pointing at the rows behind it."""

from __future__ import annotations

from dibwatch.risk.config import RiskConfig
from dibwatch.risk.configure import config_from_mapping, load_config
from dibwatch.risk.engine import Decisions, RiskRun, run_indicators
from dibwatch.risk.indicators import INDICATORS, Indicator
from dibwatch.risk.rank import COLUMNS, RankResult, rank_firms, ranked_firms, write_ranking

__all__ = ["COLUMNS", "INDICATORS", "Decisions", "Indicator", "RankResult", "RiskConfig", "RiskRun",
           "config_from_mapping", "load_config", "rank_firms", "ranked_firms",
           "run_indicators", "write_ranking"]
