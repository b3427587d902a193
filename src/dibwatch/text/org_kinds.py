"""Kinds of enterprise in Russian organisation names (научно-производственное предприятие,
опытно-конструкторское бюро, …) and their abbreviations (НПП, ОКБ, …): each becomes one
token, the romanised abbreviation, in whatever language or spelling the name gives it
(``data/org_kinds.csv``)."""

from __future__ import annotations

from functools import lru_cache

from dibwatch.text import vocab
from dibwatch.text.fold import fold
from dibwatch.text.translit import normalize


@lru_cache(maxsize=1)
def _table() -> tuple[dict[tuple[str, ...], str], int, frozenset[str]]:
    table: dict[tuple[str, ...], str] = {}
    for row in vocab.read_table("org_kinds.csv"):
        key = tuple(fold(w) for w in normalize(row["variant"]).split())
        if not key:
            raise ValueError(f"org_kinds.csv: {row['variant']!r} normalises to nothing")
        previous = table.get(key)
        if previous is not None and previous != row["symbol"]:
            raise ValueError(f"org_kinds.csv: {row['variant']!r} is both {previous} and "
                             f"{row['symbol']}")
        table[key] = row["symbol"]
    return table, max(map(len, table)), frozenset(k[0] for k in table)


def org_kind_symbols() -> frozenset[str]:
    """Every symbol the table produces ("npp", "okb", …)."""
    return frozenset(_table()[0].values())


def replace_org_kinds(words: list[str]) -> list[str]:
    """Normalised words with each kind-of-enterprise phrase replaced by its symbol.

    >>> replace_org_kinds("nauchno proizvodstvennoe predpriyatie istok".split())
    ['npp', 'istok']
    """
    table, longest, starts = _table()
    keys = [fold(w) for w in words]
    if starts.isdisjoint(keys):
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        if keys[i] in starts:
            for size in range(min(longest, len(words) - i), 0, -1):
                symbol = table.get(tuple(keys[i:i + size]))
                if symbol is not None and (size > 1 or len(words) > 1):
                    out.append(symbol)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        else:
            out.append(words[i])
            i += 1
    return out
