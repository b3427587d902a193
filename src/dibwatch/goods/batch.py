"""Classification of a whole shipment table (canonical schema) in one pass.

Customs data repeats itself: a million lines carry far fewer distinct (hs_code, description,
manufacturer, brand, model) tuples. Each column is dictionary-encoded, the per-row codes are
folded into one tuple id with numpy, every distinct tuple is classified once, and the results
are spread back with ``take`` — row order is kept and no Python loop runs per row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dibwatch.goods.classify import LineClass, classify_line

KEY_COLUMNS = ("hs_code", "description", "manufacturer", "brand", "model")

# Output columns. "brand_canonical" rather than "brand": the canonical schema already has a
# "brand" column (the brand as declared), which is kept untouched.
OUTPUT_SCHEMA = pa.schema([
    ("hs6", pa.string()),
    ("hs4", pa.string()),
    ("hs2", pa.string()),
    ("chpl_tier", pa.string()),
    ("declared_tier", pa.string()),
    ("inferred_hs", pa.string()),
    ("inferred_tier", pa.string()),
    ("brand_canonical", pa.string()),
    ("brand_country", pa.string()),
    ("coalition_brand", pa.bool_()),
    ("misdeclared", pa.bool_()),
    ("class_reasons", pa.list_(pa.string())),
])


def _encode(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[Any]]:
    """Per-row codes and the distinct values (null included as a value of its own)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _row(result: LineClass) -> tuple[Any, ...]:
    hs = result.hs
    brand = result.brand
    return (
        hs.hs6 if hs else None,
        hs.hs4 if hs else None,
        hs.hs2 if hs else None,
        result.tier,
        result.declared_tier,
        result.inferred_hs,
        result.inferred_tier,
        brand.name if brand else None,
        brand.country if brand else None,
        result.coalition_brand,
        result.misdeclared,
        list(result.reasons),
    )


def _tuple_ids(table: pa.Table) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Per-row id of the (hs_code, description, manufacturer, brand, model) tuple, and the
    distinct tuples in id order."""
    rows = table.num_rows
    ids = np.zeros(rows, dtype=np.int64)
    encoded: list[tuple[np.ndarray, list[Any]]] = []
    for name in KEY_COLUMNS:
        if name not in table.column_names:
            encoded.append((np.zeros(rows, dtype=np.int64), [None]))
            continue
        codes, dictionary = _encode(table.column(name))
        encoded.append((codes, dictionary))
        # Fold the column in and renumber densely, so ids stay below the row count and the
        # product never overflows int64.
        _, ids = np.unique(ids * len(dictionary) + codes, return_inverse=True)
        ids = ids.astype(np.int64).reshape(-1)
    _, first_rows = np.unique(ids, return_index=True)
    tuples = [
        tuple(dictionary[codes[row]] for codes, dictionary in encoded) for row in first_rows
    ]
    return ids, tuples


def _args(key: tuple[Any, ...]) -> tuple[Any, str | None, str | None, str | None, str | None]:
    hs_code = key[0] if key[0] is None or isinstance(key[0], int | float | str) else str(key[0])
    return hs_code, _text(key[1]), _text(key[2]), _text(key[3]), _text(key[4])


def classify_table(table: pa.Table) -> pa.Table:
    """``table`` with the classification columns of :data:`OUTPUT_SCHEMA` appended.

    Missing key columns count as empty; ``hs_code`` may be text, integer or float (Excel).
    """
    if table.num_rows == 0:
        out = table
        for field in OUTPUT_SCHEMA:
            out = out.append_column(field, pa.array([], type=field.type))
        return out
    ids, tuples = _tuple_ids(table)
    results = [_row(classify_line(*_args(key))) for key in tuples]
    index = pa.array(ids)
    out = table
    for i, field in enumerate(OUTPUT_SCHEMA):
        distinct = pa.array([result[i] for result in results], type=field.type)
        out = out.append_column(field, distinct.take(index))
    return out
