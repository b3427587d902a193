"""Small server-side SVG bar charts: geometry computed here, drawn by a template macro, so
the dashboard needs no chart library."""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_LABEL_PX = 34  # room one axis label needs


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str  # value label, empty when bars are too narrow to carry one
    label_shown: bool = True


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    baseline: float


def _human(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:,.0f}"


def bar_chart(title: str, items: list[tuple[str, float]], *, width: int = 460,
              height: int = 200, label_band: int = 34) -> BarChart:
    """Bars scaled to the largest value; ``label_band`` pixels under the bars hold labels."""
    top = max((v for _, v in items), default=0.0) or 1.0
    plot = height - label_band - 14  # 14 px above the tallest bar for its value
    step = width / max(len(items), 1)
    # Narrow bars (many months) keep every n-th axis label and no value labels; the value
    # stays in each bar's tooltip.
    every = max(1, math.ceil(MIN_LABEL_PX / step))
    bars = []
    for i, (label, value) in enumerate(items):
        h = plot * value / top
        bars.append(Bar(label, value, i * step + step * 0.15, height - label_band - h,
                        step * 0.7, h, _human(value) if every == 1 else "",
                        i % every == 0))
    return BarChart(title, width, height, bars, float(height - label_band))
