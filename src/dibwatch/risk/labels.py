"""Flags in words for people: titles, values with their units, details with labels, and rule
descriptions with the configured values filled in (reports, dashboard and command line all
show flags through these, never as configuration keys)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dibwatch.risk.indicators import BY_NAME as _BY_NAME

# What a flag's value measures, by indicator (line rules: the USD value of the lines).
VALUE_UNITS: dict[str, str] = {
    "ramp_up": "ratio", "many_new_suppliers": "suppliers", "listed_party": "score",
    "network_proximity": "score", "shared_address": "firms",
}
# Detail keys: label and unit.
DETAIL_LABELS: dict[str, tuple[str, str]] = {
    "lines": ("lines", "count"),
    "value_usd": ("value of those lines", "usd"),
    "total_usd": ("firm's trade in these roles", "usd"),
    "share": ("share of that trade", "share"),
    "by_tier": ("by CHPL tier", "usd_by_tier"),
    "before_usd": ("CHPL value to Russia per month before the invasion", "usd"),
    "after_usd": ("per month since", "usd"),
    "months_before": ("months traded before", "count"),
    "months_after": ("months traded since", "count"),
    "ratio": ("ratio", "ratio"),
    "suppliers": ("suppliers (firm ids)", "list"),
    "intake_usd": ("total CHPL intake", "usd"),
    "hops": ("trade hops to the listed firm", "count"),
    "toward": ("listed firm (id)", "text"),
    "proximity": ("proximity score", "score"),
    "entities": ("list entries", "list"),
    "matched_names": ("matched names", "list"),
    "addresses": ("addresses", "list"),
}


def flag_title(indicator: str) -> str:
    cls = _BY_NAME.get(indicator)
    return getattr(cls, "title", None) or indicator.replace("_", " ")


def usd(value: float | None) -> str:
    """USD in words a reader scans: 950 USD, 12,300 USD, 4.2 m USD, 1.35 bn USD."""
    if value is None:
        return "–"
    v = float(value)
    if abs(v) >= 1e9:
        return f"{v / 1e9:,.2f} bn USD"
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.1f} m USD"
    return f"{v:,.0f} USD"


def formatted(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "usd":
        return usd(value)
    if unit == "share":
        return f"{float(value):.0%}"
    if unit == "ratio":
        return f"×{float(value):,.1f}"
    if unit == "score":
        return f"{float(value):.3f}"
    if unit in ("count", "suppliers", "firms"):
        n = int(value)
        return f"{n:,}" if unit == "count" else f"{n:,} {unit}"
    if unit == "usd_by_tier" and isinstance(value, Mapping):
        return ", ".join(f"tier {k} {usd(v)}" for k, v in sorted(value.items()))
    if unit == "list" and isinstance(value, list | tuple):
        shown = ", ".join(str(v) for v in value[:8])
        return shown + (f" … ({len(value)} in all)" if len(value) > 8 else "")
    return str(value)


def value_text(indicator: str, value: float | None) -> str:
    """A flag's measured value with its unit."""
    return formatted(value, VALUE_UNITS.get(indicator, "usd"))


def value_unit(indicator: str) -> str:
    return VALUE_UNITS.get(indicator, "usd")


def detail_items(detail: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A flag's detail as (label, text) pairs, in the order written."""
    out = []
    for key, value in detail.items():
        label, unit = DETAIL_LABELS.get(key, (key.replace("_", " "), "text"))
        out.append((label, formatted(value, unit)))
    return out


_PARAM = re.compile(r"``([^`]+)``")


def _param_text(key: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, str) and v in _BY_NAME for v in value):
            return "; ".join(flag_title(v) for v in value)
        return ", ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        by_date: dict[str, list[str]] = {}
        for k, v in value.items():
            by_date.setdefault(str(v), []).append(str(k))
        return "; ".join(f"{', '.join(keys)} (from {when})" for when, keys in by_date.items())
    if isinstance(value, float) and ("share" in key or "pct" in key) and value <= 1:
        return f"{value:.0%}"
    if "usd" in key and isinstance(value, int | float):
        return usd(value)
    return str(value)


def describe(indicator: str, params: Mapping[str, Any] | None = None,
             run_settings: Mapping[str, Any] | None = None) -> str:
    """The indicator's rule in words, each ``parameter`` replaced by the value the run used
    (its section of the configuration, then run-wide settings such as hubs and the
    invasion date)."""
    cls = _BY_NAME.get(indicator)
    text = cls.describe() if cls is not None else ""
    values = {**(run_settings or {}), **(params or {})}

    def fill(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in values:
            return _param_text(key, values[key])
        return key if "." in key else key.replace("_", " ")  # a file name stays a name

    return _PARAM.sub(fill, text)
