"""Party mentions: every exporter, importer and contract holder named on a shipment line.

The linkage model runs on *distinct* mentions (name, address, country, id as written, role
ignored): a million shipment lines name far fewer distinct parties, and a firm's spelling used
on a thousand lines is one record, weighted by its count, not a thousand.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.resolve import store
from dibwatch.resolve.normalise import mention_form
from dibwatch.text.vocab import generic_weight

# A name token carried by more distinct mentions than this is too common to be a blocking
# key ("trading", "shenzhen"): pairs sharing only such words are found by the other rules.
MAX_KEY_MENTIONS = 50
KEYS_PER_NAME = 2

MENTION_SCHEMA = pa.schema([
    ("mention_id", pa.int32()), ("load_id", pa.int32()), ("line_no", pa.int64()),
    ("role", pa.string()), ("name", pa.string()), ("address", pa.string()),
    ("country", pa.string()), ("id_value", pa.string()), ("norm_name", pa.string()),
    ("name_keys", pa.list_(pa.string())), ("name_generic", pa.bool_()),
    ("name_core", pa.string()),    ("country_code", pa.string()),
    ("id_norm", pa.string()), ("address_norm", pa.string()), ("roles", pa.list_(pa.string())),
    ("shipment_count", pa.int32()), ("first_seen", pa.date32()), ("last_seen", pa.date32()),
])


def name_keys(token_lists: list[tuple[str, ...]]) -> list[list[str]]:
    """Per mention (its name tokens), its KEYS_PER_NAME rarest tokens (rarity counted over
    all distinct mentions), leaving out generic words and tokens of more than
    MAX_KEY_MENTIONS mentions. Two keys, so that a slip in one word still leaves a key shared
    with the right spelling."""
    df: Counter[str] = Counter()
    for tokens in token_lists:
        df.update(set(tokens))
    distinct = {t: generic_weight(t) == 1.0 and n <= MAX_KEY_MENTIONS for t, n in df.items()}
    out = []
    for tokens in token_lists:
        ranked = sorted(set(tokens), key=lambda t: (df[t], -len(t), t))
        out.append([t for t in ranked if distinct[t]][:KEYS_PER_NAME])
    return out


def extract_mentions(engine: Engine) -> pa.Table:
    """The distinct mentions of the ``shipments`` table with their comparable forms, in a
    deterministic order; ``mention_id`` is the 1-based position in that order. Leaves the
    per-line occurrences in a temporary table for :func:`write_mentions`."""
    engine.execute(store.CREATE_OCCURRENCES)
    # Arrow batch by batch, only the tokens kept as Python objects (for the keys, which need
    # every mention's tokens counted first): at 10M lines there are millions of mentions, and
    # a Python list per column of them cost gigabytes.
    batches: list[pa.RecordBatch] = []
    tokens: list[tuple[str, ...]] = []
    schema = pa.schema([f for f in MENTION_SCHEMA if f.name != "name_keys"])
    for batch in engine.iter_batches(store.DISTINCT_MENTIONS):
        forms = [mention_form(*row) for row in zip(
            *(batch.column(c).to_pylist() for c in ("name", "address", "country", "id_value")),
            strict=True)]
        first = len(tokens) + 1
        tokens.extend(form.tokens for form in forms)
        derived = {
            "mention_id": pa.array(range(first, first + len(forms)), pa.int32()),
            "norm_name": pa.array([f.norm_name for f in forms], pa.string()),
            "name_generic": pa.array([f.generic for f in forms], pa.bool_()),
            "name_core": pa.array([f.core for f in forms], pa.string()),
            "country_code": pa.array([f.country_code for f in forms], pa.string()),
            "id_norm": pa.array([f.id_norm for f in forms], pa.string()),
            "address_norm": pa.array([f.address_norm for f in forms], pa.string()),
        }
        batches.append(pa.RecordBatch.from_arrays(
            [derived[f.name] if f.name in derived else batch.column(f.name).cast(f.type)
             for f in schema], schema=schema))
    table = pa.Table.from_batches(batches, schema=schema)
    keys = pa.array(name_keys(tokens), pa.list_(pa.string()))
    del tokens
    table = table.add_column(schema.get_field_index("address_norm") + 1, "name_keys", keys)
    return table.select(MENTION_SCHEMA.names).cast(MENTION_SCHEMA)


def write_mentions(engine: Engine, mentions: pa.Table) -> None:
    """Replace the stage's tables with ``mentions`` and link every shipment line to them."""
    with engine.transaction():
        for sql in store.CLEAR:
            engine.execute(sql)
        engine.insert_arrow("party_mentions", mentions)
        engine.execute(store.INSERT_SHIPMENT_PARTIES)
    engine.execute(store.DROP_OCCURRENCES)
