"""Party mentions: every exporter, importer and contract holder named on a shipment line.

The linkage model runs on *distinct* mentions (name, address, country, id as written, role
ignored): a million shipment lines name far fewer distinct parties, and a firm's spelling used
on a thousand lines is one record, weighted by its count, not a thousand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.resolve import store
from dibwatch.resolve.normalise import MentionForm, mention_form
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


def name_keys(forms: Iterable[MentionForm]) -> list[list[str]]:
    """Per mention, its KEYS_PER_NAME rarest name tokens (rarity counted over all distinct
    mentions), leaving out generic words and tokens of more than MAX_KEY_MENTIONS mentions.
    Two keys, so that a slip in one word still leaves a key shared with the right spelling."""
    forms = list(forms)
    df: Counter[str] = Counter()
    for form in forms:
        df.update(set(form.tokens))
    out = []
    for form in forms:
        ranked = sorted(set(form.tokens), key=lambda t: (df[t], -len(t), t))
        keys = [t for t in ranked if df[t] <= MAX_KEY_MENTIONS and generic_weight(t) == 1.0]
        out.append(keys[:KEYS_PER_NAME])
    return out


def extract_mentions(engine: Engine) -> pa.Table:
    """The distinct mentions of the ``shipments`` table with their comparable forms, in a
    deterministic order; ``mention_id`` is the 1-based position in that order. Leaves the
    per-line occurrences in a temporary table for :func:`write_mentions`."""
    engine.execute(store.CREATE_OCCURRENCES)
    rows: dict[str, list[Any]] = {f.name: [] for f in MENTION_SCHEMA}
    forms: list[MentionForm] = []
    for batch in engine.iter_batches(store.DISTINCT_MENTIONS):
        data = batch.to_pydict()
        for i in range(batch.num_rows):
            form = mention_form(data["name"][i], data["address"][i], data["country"][i],
                                data["id_value"][i])
            forms.append(form)
            rows["mention_id"].append(len(forms))
            for col in ("load_id", "line_no", "role", "name", "address", "country",
                        "id_value", "roles", "shipment_count", "first_seen", "last_seen"):
                rows[col].append(data[col][i])
            rows["norm_name"].append(form.norm_name)
            rows["name_generic"].append(form.generic)
            rows["name_core"].append(form.core)
            rows["country_code"].append(form.country_code)
            rows["id_norm"].append(form.id_norm)
            rows["address_norm"].append(form.address_norm)
    rows["name_keys"] = name_keys(forms)
    return pa.table(rows, schema=MENTION_SCHEMA)


def write_mentions(engine: Engine, mentions: pa.Table) -> None:
    """Replace the stage's tables with ``mentions`` and link every shipment line to them."""
    with engine.transaction():
        for sql in store.CLEAR:
            engine.execute(sql)
        engine.insert_arrow("party_mentions", mentions)
        engine.execute(store.INSERT_SHIPMENT_PARTIES)
    engine.execute(store.DROP_OCCURRENCES)
