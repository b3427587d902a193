"""The indicator reference (docs/INDICATORS.md), generated from the indicators themselves:
title, version, rule and every parameter with its type, default and meaning."""

from __future__ import annotations

from dibwatch.risk.configure import active, load_config
from dibwatch.risk.indicators import INDICATORS, Indicator


def _value(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "(none)"
    return "none" if value is None else str(value)


def indicator_section(indicator: type[Indicator], configured: dict[str, object]) -> str:
    lines = [f"## {indicator.title}", "",
             f"`{indicator.name}` version {indicator.version}"
             + (" · runs after all other indicators" if indicator.runs_last else ""), "",
             indicator.describe(), "",
             "| parameter | type | default | bundled risk.yml | meaning |",
             "|---|---|---|---|---|"]
    for doc in indicator.parameters.documented():
        setting = configured.get(doc.name)
        shown = _value(tuple(setting) if isinstance(setting, list) else setting) \
            if doc.name in configured else ""
        lines.append(f"| `{doc.name}` | {doc.type} | {_value(doc.default)} | {shown} | "
                     f"{doc.doc} |")
    return "\n".join(lines)


def render_markdown() -> str:
    config = load_config()
    order = [i.name for i in active(config)]
    ordered = sorted(INDICATORS, key=lambda i: (order.index(i.name) if i.name in order
                                                 else len(order), i.name))
    head = ["# Red-flag indicators", "",
            "Generated from the indicator modules (`dibwatch.risk.indicators`) by "
            "`python -m dibwatch.risk.docs > docs/INDICATORS.md`; a test keeps it current.",
            "Each indicator is one module holding its rule's SQL, its typed parameters and "
            "this text; adding one is one module plus one entry in `risk/data/risk.yml` "
            "(whose order is the order they run in). A firm's score is the noisy-OR of "
            "weight × flag score over its flags.", ""]
    body = [indicator_section(i, config.indicators.get(i.name, {})) for i in ordered]
    return "\n".join(head) + "\n" + "\n\n".join(body) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
