"""Country-level monitor on official trade statistics (IMF IMTS, Eurostat Comext, national
import tables, UN Comtrade): who supplies Russia, and where the "roundabout" trade runs.

Load a file with :func:`load_stats`; compute with the indicator functions; draw with the
chart-data functions. docs/COUNTRIES.md describes formats, codes and definitions.
"""

from dibwatch.countries.charts import (
    ChartData,
    Series,
    mirror_series,
    partner_share_series,
    roundabout_series,
)
from dibwatch.countries.codes import code_from_alpha3, code_from_name, eu27_members, is_country
from dibwatch.countries.indicators import (
    BASELINE,
    MIRROR_PARTNERS,
    NEIGHBOURS,
    ChplTierRow,
    MirrorRow,
    PartnerShare,
    RoundaboutRow,
    ShareShift,
    chpl_tier_flows,
    extra_exports,
    mirror_gaps,
    partner_shares,
    roundabout,
    share_shift,
    top_partners,
)
from dibwatch.countries.loader import CountryLoadResult, load_stats
from dibwatch.countries.model import TOTAL, FlowRow
from dibwatch.countries.rates import DEFAULT_CIF_FOB, Conversion, eur_usd_rates
from dibwatch.countries.readers import FORMATS, detect_format
from dibwatch.countries.store import (
    AnnualValue,
    CountrySnapshot,
    annual_values,
    export_flows,
    list_snapshots,
)

__all__ = [
    "BASELINE", "DEFAULT_CIF_FOB", "FORMATS", "MIRROR_PARTNERS", "NEIGHBOURS", "TOTAL",
    "AnnualValue", "ChartData", "ChplTierRow", "Conversion", "CountryLoadResult",
    "CountrySnapshot", "FlowRow", "MirrorRow", "PartnerShare", "RoundaboutRow", "Series",
    "ShareShift", "annual_values", "chpl_tier_flows", "code_from_alpha3", "code_from_name",
    "detect_format", "eu27_members", "eur_usd_rates", "export_flows", "extra_exports",
    "is_country", "list_snapshots", "load_stats", "mirror_gaps", "mirror_series",
    "partner_share_series", "partner_shares", "roundabout", "roundabout_series", "share_shift",
    "top_partners",
]
