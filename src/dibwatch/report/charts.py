"""Static SVG charts for reports: small, generic, deterministic.

Every function returns one ``<svg>`` element as text, ready to inline in HTML (browsers and
WeasyPrint both draw it, so the PDF has the same chart). Text stays text
(``svg.fonttype: none``): the page's fonts draw it, so Chinese and Cyrillic labels render
wherever the page has a font for them. Output is byte-for-byte stable for equal input
(``svg.hashsalt`` is derived from the title, the date metadata is dropped), so a report can be
diffed and cached.

    >>> svg = bar_chart(["CN", "HK"], [3.0, 1.0], title="value by country")
    >>> svg.startswith("<svg")
    True

Use :func:`render_svg` to turn any matplotlib :class:`~matplotlib.figure.Figure` drawn with the
same style into the same kind of SVG (the firm network picture does).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import matplotlib
from cycler import cycler
from matplotlib import font_manager
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# No display: charts are files, never windows. Figures are made with Figure(), not pyplot,
# so no global figure state is touched; the backend only matters for savefig.
matplotlib.use("Agg")

# Page fonts first when installed (matplotlib warns on every missing family); DejaVu ships
# with matplotlib so layout never lacks metrics. The SVG names these families and the page's
# CSS font stack takes over where they are absent.
_WANTED_FONTS = ("Noto Sans CJK SC", "Noto Sans")
_INSTALLED = {f.name for f in font_manager.fontManager.ttflist}
FONT_FAMILY = [f for f in _WANTED_FONTS if f in _INSTALLED] + ["DejaVu Sans", "sans-serif"]
PALETTE = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f",
           "#2c7c3f", "#b8860b", "#6a3d9a"]
REFERENCE_COLOR = "#555555"
EVENT_COLOR = "#c0504d"

# Typed loosely: matplotlib types rc keys as a Literal union, checked at run time anyway.
STYLE: Any = {
    "svg.fonttype": "none",
    # Firm names are untrusted text: "$...$" in one must stay text, not become mathtext
    # (which mis-draws it, or raises and takes the whole report down).
    "text.parse_math": False,
    "font.family": FONT_FAMILY,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=PALETTE),
}

Point = tuple[date | datetime | str, float]

_HEADER = re.compile(r"\A.*?(?=<svg)", re.S)
_SIZE = re.compile(r'(<svg[^>]*?)\s(?:width|height)="[^"]*"')
_SUFFIXES = ((1e9, "bn"), (1e6, "m"), (1e3, "k"))


def money(value: float) -> str:
    """A compact amount a reader scans: 1234567 -> '1.2 m', 10_000_000 -> '10 m'."""
    for size, suffix in _SUFFIXES:
        if abs(value) >= size:
            scaled = f"{value / size:.1f}".removesuffix(".0")
            return f"{scaled} {suffix}"
    return f"{value:,.0f}"


def render_svg(fig: Figure, *, salt: str, title: str = "") -> str:
    """``fig`` as an inline ``<svg>`` element (no XML prolog) that scales to its container,
    with an accessible ``<title>``. ``salt`` makes the element ids stable and distinct
    between the figures of one page."""
    buf = io.StringIO()
    settings: Any = {"svg.hashsalt": salt, "svg.fonttype": "none", "text.parse_math": False}
    with matplotlib.rc_context(settings):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = _HEADER.sub("", buf.getvalue(), count=1)
    # Drop the fixed pt size: the viewBox stays, CSS sizes the picture.
    for _ in range(2):
        svg = _SIZE.sub(r"\1", svg, count=1)
    label = _escape(title)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="chart" ', 1)


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def new_figure(width: float = 7.0, height: float = 3.0) -> Figure:
    """A figure in the report style (inches; the SVG scales anyway)."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        fig.add_subplot()
    return fig


def _as_date(x: date | datetime | str) -> date:
    if isinstance(x, datetime):
        return x.date()
    if isinstance(x, date):
        return x
    return date.fromisoformat(x[:10] if len(x) >= 10 else x + "-01")


def _day_number(x: date | datetime | str) -> float:
    """A day as matplotlib's date number (the axis then draws it with a date formatter)."""
    return float(date2num(_as_date(x)))  # type: ignore[no-untyped-call]


_CURRENCY = re.compile(r"\b(USD|EUR|RUB|CNY|GBP)\b")


def _money_axis(ax: Any, axis: str = "y", label: str = "USD") -> None:
    """Ticks as '10 m USD' when ``label`` names a currency, else as plain numbers ('1.2 m',
    never matplotlib's '1e7' offset)."""
    currency = _CURRENCY.search(label)
    unit = f" {currency.group(1)}" if currency else ""
    fmt = FuncFormatter(lambda v, _pos: money(v) + unit if v else "0")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _value_axis(ax: Any, axis: str, label: str) -> None:
    """Amounts get the money axis; shares and scores keep plain ticks without offsets."""
    if _CURRENCY.search(label):
        _money_axis(ax, axis, label)
        return
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.get_major_formatter().set_useOffset(False)


def line_chart(series: Mapping[str, Sequence[Point]], *, title: str, y_label: str = "",
               reference: float | None = None, reference_label: str = "baseline",
               event: date | None = None, event_label: str = "",
               width: float = 7.0, height: float = 3.0) -> str:
    """One line per series over time (x: dates or ISO ``YYYY-MM[-DD]`` strings, y: amounts).

    ``reference`` draws a dashed horizontal line (e.g. the monthly average before an event),
    ``event`` a vertical line at that day (e.g. the invasion)."""
    with matplotlib.rc_context(STYLE):
        fig = new_figure(width, height)
        ax = fig.axes[0]
        for name, points in series.items():
            xs = [_day_number(x) for x, _ in points]
            ax.plot(xs, [float(y) for _, y in points], label=name, linewidth=1.6,
                    marker="o" if len(points) < 3 else None, markersize=3)
        if reference is not None:
            ax.axhline(reference, color=REFERENCE_COLOR, linestyle="--", linewidth=1,
                       label=f"{reference_label}: {money(reference)}")
        if event is not None:
            ax.axvline(_day_number(event), color=EVENT_COLOR, linestyle=":", linewidth=1.2,
                       label=event_label or event.isoformat())
        # x values are matplotlib date numbers; these draw them as dates.
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(
            ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        _money_axis(ax, "y", y_label or title)
        ax.set_ylabel(y_label)
        ax.set_title(title, loc="left", fontsize=10)
        if series or reference is not None:
            ax.legend(fontsize=8, frameon=False)
        return render_svg(fig, salt=title, title=title)


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str,
              value_label: str = "", horizontal: bool = True,
              highlight: Sequence[bool] | None = None, width: float = 7.0,
              height: float | None = None) -> str:
    """One bar per label. Horizontal by default (long firm names read best); ``highlight``
    colours chosen bars in the accent colour (e.g. listed firms)."""
    n = len(labels)
    height = height or max(1.6, 0.28 * n + 0.9)
    colors = [PALETTE[1] if highlight and highlight[i] else PALETTE[0] for i in range(n)]
    with matplotlib.rc_context(STYLE):
        fig = new_figure(width, height)
        ax = fig.axes[0]
        positions = list(range(n))
        if horizontal:
            ax.barh(positions, [float(v) for v in values], color=colors)
            ax.set_yticks(positions, [_short(lbl) for lbl in labels])
            ax.invert_yaxis()  # first label on top, as in the table next to it
            _value_axis(ax, "x", value_label)
            ax.set_xlabel(value_label)
            ax.grid(axis="y", visible=False)
        else:
            ax.bar(positions, [float(v) for v in values], color=colors)
            ax.set_xticks(positions, [_short(lbl) for lbl in labels],
                          rotation=30 if n > 6 else 0, ha="right" if n > 6 else "center")
            _value_axis(ax, "y", value_label)
            ax.set_ylabel(value_label)
            ax.grid(axis="x", visible=False)
        ax.set_title(title, loc="left", fontsize=10)
        return render_svg(fig, salt=title, title=title)


def grouped_bar_chart(labels: Sequence[str], groups: Mapping[str, Sequence[float]], *,
                      title: str, value_label: str = "", width: float = 7.0,
                      height: float = 3.0) -> str:
    """Side-by-side bars per label, one colour per group (e.g. "before" and "since" an event
    for each country)."""
    with matplotlib.rc_context(STYLE):
        fig = new_figure(width, height)
        ax = fig.axes[0]
        k = max(1, len(groups))
        step = 0.8 / k
        for g, (name, values) in enumerate(groups.items()):
            xs = [i - 0.4 + step * (g + 0.5) for i in range(len(labels))]
            ax.bar(xs, [float(v) for v in values], width=step, label=name)
        ax.set_xticks(range(len(labels)), [_short(lbl) for lbl in labels],
                      rotation=30 if len(labels) > 6 else 0,
                      ha="right" if len(labels) > 6 else "center")
        _money_axis(ax, "y", value_label)
        ax.set_ylabel(value_label)
        ax.grid(axis="x", visible=False)
        ax.set_title(title, loc="left", fontsize=10)
        if groups:
            ax.legend(fontsize=8, frameon=False)
        return render_svg(fig, salt=title, title=title)


def stacked_bar_chart(categories: Sequence[date | datetime | str],
                      stacks: Mapping[str, Sequence[float]], *, title: str,
                      value_label: str = "", reference: float | None = None,
                      reference_label: str = "baseline", event: str | None = None,
                      event_label: str = "", width: float = 7.0,
                      height: float = 3.2) -> str:
    """Bars per category stacked by series (e.g. monthly value stacked by tier). Categories
    are shown as given; dates as ``YYYY-MM``. ``reference`` draws a dashed horizontal line,
    ``event`` (a category as shown, e.g. ``"2022-02"``) a dotted vertical one."""
    names = [c.strftime("%Y-%m") if isinstance(c, date) else str(c) for c in categories]
    with matplotlib.rc_context(STYLE):
        fig = new_figure(width, height)
        ax = fig.axes[0]
        bottom = [0.0] * len(names)
        for name, values in stacks.items():
            vals = [float(v) for v in values]
            ax.bar(range(len(names)), vals, bottom=bottom, label=name, width=0.85)
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        if reference is not None:
            ax.axhline(reference, color=REFERENCE_COLOR, linestyle="--", linewidth=1,
                       label=f"{reference_label}: {money(reference)}")
        if event is not None and event in names:
            ax.axvline(names.index(event), color=EVENT_COLOR, linestyle=":", linewidth=1.2,
                       label=event_label or event)
        every = max(1, len(names) // 12)
        ticks = list(range(0, len(names), every))
        ax.set_xticks(ticks, [names[i] for i in ticks], rotation=45, ha="right")
        _money_axis(ax, "y", value_label)
        ax.set_ylabel(value_label)
        ax.grid(axis="x", visible=False)
        ax.set_title(title, loc="left", fontsize=10)
        if stacks or reference is not None:
            # Outside the axes: stacked bars fill the plot area.
            fig.legend(loc="outside right upper", fontsize=8, frameon=False)
        return render_svg(fig, salt=title, title=title)


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def matrix_chart(rows: Sequence[str], columns: Sequence[str],
                 values: Sequence[Sequence[float]], *, title: str, width: float = 7.0,
                 height: float | None = None) -> str:
    """A heat map with the value written in each cell (e.g. parties by program family and
    listing authority); zero cells are left blank so the pattern reads at a glance."""
    height = height or max(1.8, 0.32 * len(rows) + 1.2)
    data = [[float(v) for v in row] for row in values]
    top = max((v for row in data for v in row), default=0.0) or 1.0
    with matplotlib.rc_context(STYLE):
        fig = new_figure(width, height)
        ax = fig.axes[0]
        ax.imshow(data or [[0.0]], cmap="Blues", vmin=0, vmax=top, aspect="auto")
        ax.set_xticks(range(len(columns)), [_short(c, 18) for c in columns])
        ax.set_yticks(range(len(rows)), [_short(r, 32) for r in rows])
        ax.xaxis.tick_top()
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                if v:
                    ax.text(j, i, f"{v:,.0f}", ha="center", va="center", fontsize=8,
                            color="white" if v > top * 0.55 else "#222222")
        ax.set_title(title, loc="left", fontsize=10)
        return render_svg(fig, salt=title, title=title)
