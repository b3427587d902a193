"""Trade records: shipment files of any layout, mapped onto one canonical schema.

``load_shipments(ws, path)`` streams a CSV / Parquet / XLSX / JSON-lines file through a
declarative YAML mapping (built-ins: ``canonical``, ``ru_customs``, ``bill_of_lading``),
validates each row, quarantines the unusable ones with file, line and reason, and stores the
rest atomically; reloading the same bytes is a no-op. The schema is in
:mod:`dibwatch.trade.schema` and docs/TRADE.md.
"""

from dibwatch.trade.loader import TradeLoadResult, load_shipments
from dibwatch.trade.mapping import Mapping, builtin_mapping, detect_mapping, load_mapping
from dibwatch.trade.schema import COLUMNS, FIELDS, Field, Kind
from dibwatch.trade.store import QuarantinedRow, ShipmentLoad, list_loads, quarantined

__all__ = [
    "COLUMNS",
    "FIELDS",
    "Field",
    "Kind",
    "Mapping",
    "QuarantinedRow",
    "ShipmentLoad",
    "TradeLoadResult",
    "builtin_mapping",
    "detect_mapping",
    "list_loads",
    "load_mapping",
    "load_shipments",
    "quarantined",
]
