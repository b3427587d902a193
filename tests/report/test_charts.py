"""The reusable SVG charts: text stays text, output is stable, input is escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from lxml import etree

from dibwatch.report import charts

SVG = "{http://www.w3.org/2000/svg}"

CASES: list[tuple[str, Callable[[], str]]] = [
    ("line", lambda: charts.line_chart(
        {"tier 1": [(date(2021, 1, 1), 1e6), (date(2021, 2, 1), 2e6)],
         "Тестовая серия": [("2021-03", 5.0), ("2021-04", 6.0)]},
        title="Monthly 深圳 value", y_label="USD", reference=1.5e6,
        event=date(2021, 2, 15), event_label="event")),
    ("bar", lambda: charts.bar_chart(["ООО «Тест»", "深圳市测试"], [2.0, 1.0],
                                     title="Firms 深圳", highlight=[True, False])),
    ("vertical bar", lambda: charts.bar_chart(["a", "b", "c"], [1.0, 2.0, 3.0],
                                              title="Vertical", horizontal=False)),
    ("grouped", lambda: charts.grouped_bar_chart(
        ["CN", "HK"], {"before": [1.0, 2.0], "since": [3.0, 4.0]}, title="Grouped")),
    ("stacked", lambda: charts.stacked_bar_chart(
        [date(2021, 1, 1), date(2021, 2, 1)], {"1": [1.0, 2.0], "2": [3.0, 4.0]},
        title="Stacked", reference=2.5)),
]


@pytest.mark.parametrize(("name", "make"), CASES, ids=[c[0] for c in CASES])
def test_chart_is_one_stable_scalable_svg(name: str, make: Callable[[], str]) -> None:
    svg = make()
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert svg == make()  # deterministic: same input, same bytes
    root = etree.fromstring(svg.encode())
    assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
    assert root.iter(f"{SVG}path") is not None and len(list(root.iter(f"{SVG}path"))) > 3


def test_text_stays_text_in_every_script() -> None:
    svg = charts.bar_chart(["ООО «Тест»", "深圳市测试"], [2.0, 1.0], title="Firms 深圳")
    texts = {"".join(t.itertext()) for t in etree.fromstring(svg.encode()).iter(f"{SVG}text")}
    assert {"ООО «Тест»", "深圳市测试", "Firms 深圳"} <= texts


def test_untrusted_text_is_escaped() -> None:
    # Firm names reach chart labels; the SVG is inlined into the page, so it must stay data.
    svg = charts.bar_chart(['<script>alert(1)</script>'], [1.0], title='<script>"x"&')
    root = etree.fromstring(svg.encode())
    assert root.get("aria-label") == '<script>"x"&'
    assert "<script>" not in svg
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert "<script>alert(1)</script>" in texts


@pytest.mark.parametrize(("value", "text"), [(999.0, "999"), (1234.0, "1.2 k"),
                                             (2_500_000.0, "2.5 m"), (3e9, "3 bn"),
                                             (1e7, "10 m"), (-4500.0, "-4.5 k")])
def test_money(value: float, text: str) -> None:
    assert charts.money(value) == text


def test_reference_line_is_labelled() -> None:
    svg = charts.line_chart({"x": [("2021-01", 1.0), ("2021-02", 3.0)]}, title="t",
                            reference=2_000_000.0, reference_label="baseline")
    assert "baseline: 2 m" in svg


@pytest.mark.parametrize("kind", ["bar", "grouped", "line"])
def test_amount_axes_read_in_words_with_their_currency(kind: str) -> None:
    """Ticks like '10 m USD', never matplotlib's scientific '1e7' offset."""
    values = [1.2e7, 3.4e7, 2.2e7]
    if kind == "bar":
        svg = charts.bar_chart(["a", "b", "c"], values, title="t", value_label="USD")
    elif kind == "grouped":
        svg = charts.grouped_bar_chart(["a", "b", "c"], {"x": values}, title="t",
                                       value_label="USD per month")
    else:
        svg = charts.line_chart({"x": [("2021-01", values[0]), ("2021-02", values[1])]},
                                title="t", y_label="USD")
    texts = {"".join(t.itertext()).strip() for t in etree.fromstring(svg.encode()).iter(
        f"{SVG}text")}
    assert not any("1e7" in t or "e+" in t for t in texts), texts
    assert any(t.endswith(" m USD") for t in texts), texts


def test_score_axes_keep_plain_ticks() -> None:
    svg = charts.bar_chart(["a", "b"], [0.25, 0.5], title="t", value_label="share of score")
    texts = {"".join(t.itertext()).strip() for t in etree.fromstring(svg.encode()).iter(
        f"{SVG}text")}
    assert "USD" not in " ".join(texts) and any(t in ("0.5", "0.50") for t in texts), texts
