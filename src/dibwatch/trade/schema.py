"""The canonical shipment schema: one row per customs declaration line.

Every trade source is mapped onto these columns (see ``mappings/*.yml``); everything
downstream (goods classification, party resolution, risk) reads only them. The ``kind`` of a
field decides how its raw text is validated and normalised (:mod:`dibwatch.trade.validate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa


class Kind(StrEnum):
    TEXT = "text"            # free text, whitespace collapsed
    INTEGER = "integer"      # whole number (item number)
    DATE = "date"            # calendar date, stored as DATE (ISO on output)
    DIRECTION = "direction"  # IM or EX
    HS = "hs"                # HS / TN VED / HTS code, digits only, 2-10 long
    NUMBER = "number"        # decimal quantity; decimal comma and thousands separators read
    COUNTRY = "country"      # ISO 3166-1 alpha-2
    IDENTIFIER = "id"        # "SCHEME:VALUE" (INN:…, USCC:…) or free text


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    doc: str


FIELDS: tuple[Field, ...] = (
    Field("declaration_id", Kind.TEXT, "Customs declaration or bill-of-lading number."),
    Field("item_no", Kind.INTEGER, "Line (goods item) number within the declaration."),
    Field("date", Kind.DATE, "Date of the declaration (registration, arrival). Required."),
    Field("direction", Kind.DIRECTION, "IM (import) or EX (export), from the declaring "
          "country's side."),
    Field("hs_code", Kind.HS, "Commodity code as declared: HS-6, CN-8, HTS or TN VED 10 "
          "digits."),
    Field("description", Kind.TEXT, "Goods description as declared."),
    Field("manufacturer", Kind.TEXT, "Manufacturer named on the declaration."),
    Field("brand", Kind.TEXT, "Trademark."),
    Field("model", Kind.TEXT, "Model or part number."),
    Field("quantity", Kind.NUMBER, "Quantity in ``unit``."),
    Field("unit", Kind.TEXT, "Unit of ``quantity`` (pcs, kg, m, …)."),
    Field("net_kg", Kind.NUMBER, "Net weight in kilograms."),
    Field("value_usd", Kind.NUMBER, "Value in US dollars (statistical value where declared)."),
    Field("invoice_currency", Kind.TEXT, "Currency of the invoice (ISO 4217)."),
    Field("exporter_name", Kind.TEXT, "Sender / shipper / seller."),
    Field("exporter_address", Kind.TEXT, "Exporter's address as written."),
    Field("exporter_country", Kind.COUNTRY, "Exporter's country."),
    Field("exporter_id", Kind.IDENTIFIER, "Exporter's registry or tax id."),
    Field("importer_name", Kind.TEXT, "Consignee / buyer."),
    Field("importer_address", Kind.TEXT, "Importer's address as written."),
    Field("importer_country", Kind.COUNTRY, "Importer's country."),
    Field("importer_id", Kind.IDENTIFIER, "Importer's registry or tax id (INN for Russia)."),
    Field("contract_holder_name", Kind.TEXT, "Party responsible for the financial settlement "
          "(Russian declaration box 9); may differ from the consignee."),
    Field("contract_holder_id", Kind.IDENTIFIER, "Contract holder's id."),
    Field("origin_country", Kind.COUNTRY, "Country of origin of the goods."),
    Field("dispatch_country", Kind.COUNTRY, "Country the goods were dispatched from."),
    Field("trading_country", Kind.COUNTRY, "Country of the trading counterparty."),
    Field("destination_country", Kind.COUNTRY, "Country of destination."),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)

# A row is usable only with a date and at least one party; these are the party fields.
PARTY_FIELDS: tuple[str, ...] = ("exporter_name", "exporter_id", "importer_name", "importer_id",
                                 "contract_holder_name", "contract_holder_id")

_ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.INTEGER: pa.int32(), Kind.DATE: pa.date32(), Kind.NUMBER: pa.float64(),
}

# Columns of the ``shipments`` table as a load writes them.
SHIPMENTS_ARROW = pa.schema(
    [pa.field("load_id", pa.int32()), pa.field("line_no", pa.int64())]
    + [pa.field(f.name, _ARROW_TYPES.get(f.kind, pa.string())) for f in FIELDS]
    + [pa.field("warnings", pa.string()), pa.field("extra", pa.string())])

QUARANTINE_ARROW = pa.schema([
    pa.field("load_id", pa.int32()), pa.field("file", pa.string()),
    pa.field("line_no", pa.int64()), pa.field("field", pa.string()),
    pa.field("reason", pa.string()), pa.field("raw_row", pa.string())])
