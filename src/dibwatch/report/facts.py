"""The dossier's opening in plain words: who the firm is, what goods, how much, through whom,
why it is flagged and since when, each sentence built from the same tables as the rest of
the case file (so a number in the summary can be found again in the evidence below)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dibwatch.goods.chpl import tier_description
from dibwatch.model.country import country_name
from dibwatch.resolve.read import Counterparty
from dibwatch.risk.labels import flag_title, usd

SHOWN_TIERS = 3
SHOWN_COUNTERPARTIES = 3
SHOWN_TRANSIT = 3
SHOWN_FLAGS = 4
SHOWN_BRANDS = 5


@dataclass(frozen=True)
class Fact:
    """One line of the summary: a short heading ("Who") and a sentence or two."""

    heading: str
    text: str


def country(code: str | None) -> str:
    """"Hong Kong (HK)"; "an unknown country" when the records give none."""
    if not code:
        return "an unknown country"
    name = country_name(code)
    return f"{name} ({code})" if name != code.upper() else code.upper()


def short_tier(tier: str) -> str:
    """A tier's description up to its first bracket or comma: "integrated circuits"."""
    text = tier_description(tier).split(" (")[0].split(",")[0]
    first, _, rest = text.partition(" ")
    # Lower-case the first word unless it is an acronym ("CNC machine tools").
    return (first if first.isupper() else first.lower()) + (" " + rest if rest else "")


def role_words(roles: Sequence[str]) -> str:
    return _and([r.replace("_", " ") for r in roles]) or "a party"


def _and(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lines(n: int) -> str:
    return f"{n:,} shipment line{'' if n == 1 else 's'}"


def _when(day: date, invasion: date | None) -> str:
    if invasion is None:
        return f"on {day}"
    days = (day - invasion).days
    if days == 0:
        return f"on {day}, the day of the invasion"
    side = "after" if days > 0 else "before"
    return f"on {day}, {abs(days):,} days {side} the invasion of {invasion}"


def summary(firm: Mapping[str, Any], trade: Mapping[str, Any] | None,
            tiers: Sequence[Mapping[str, Any]], counterparties: Sequence[Counterparty],
            transit: Sequence[Mapping[str, Any]], contributions: Mapping[str, float],
            listed: Sequence[Mapping[str, Any]], *, ranked_total: int | None = None,
            destination: str = "RU", invasion: date | None = None) -> list[Fact]:
    """The summary facts of one firm. ``firm`` is the dossier's firm row (caption, country,
    roles, rank, score, spellings), ``trade`` the FIRM_TRADE row, ``tiers`` FIRM_TIERS,
    ``transit`` FIRM_TRANSIT, ``contributions`` each flag's share of the score, ``listed`` the
    LISTED_COUNTERPARTIES rows."""
    facts: list[Fact] = []
    lines = int(trade["lines"]) if trade else 0
    rank = firm.get("rank")
    standing = ""
    if rank is not None:
        of = f" of {ranked_total:,} firms" if ranked_total else ""
        standing = f" It ranks {int(rank):,}{of}, with a risk score of {float(firm['score']):.2f}."
    spellings = int(firm.get("member_count") or 1)
    facts.append(Fact("Who", (
        f"{firm['caption']}, a firm of {country(firm.get('country'))}, appears as "
        f"{role_words(list(firm.get('roles') or ()))} on {_lines(lines)}"
        + (f" from {trade['first_day']} to {trade['last_day']}" if trade and lines else "")
        + (f", under {spellings:,} spellings" if spellings > 1 else "")
        + "." + standing)))

    if trade and int(trade["chpl_lines"]):
        parts = []
        for t in tiers[:SHOWN_TIERS]:
            parts.append(f"tier {t['tier']} ({short_tier(str(t['tier']))}, "
                         f"{usd(t['value_usd'])})")
        brands: list[str] = []
        for t in tiers:
            brands.extend(b for b in (t.get("brands") or ()) if b not in brands)
        text = (f"{int(trade['chpl_lines']):,} of its lines, worth {usd(trade['chpl_usd'])}, "
                f"are goods on the Common High Priority List: {_and(parts)}"
                + (f", and {len(tiers) - SHOWN_TIERS} more tier"
                   f"{'' if len(tiers) - SHOWN_TIERS == 1 else 's'}"
                   if len(tiers) > SHOWN_TIERS else "") + ".")
        if brands:
            more = len(brands) - SHOWN_BRANDS
            text += (" Brands: " + ", ".join(brands[:SHOWN_BRANDS])
                     + (f" and {more} more" if more > 0 else "") + ".")
        facts.append(Fact("What goods", text))
    else:
        facts.append(Fact("What goods",
                          "None of its lines are goods on the Common High Priority List."))

    if trade and lines:
        facts.append(Fact("How much", (
            f"{usd(trade['value_usd'])} in all, {usd(trade['destination_usd'])} of it bound "
            f"for {country(destination)}; CHPL goods to {country(destination)}: "
            f"{usd(trade['chpl_destination_before'])} before the invasion and "
            f"{usd(trade['chpl_destination_since'])} since.")))

    whom: list[str] = []
    if counterparties:
        shown = [f"{c.caption} ({c.country or '?'}, {role_words(c.their_roles)}, "
                 f"{_lines(c.lines)}, {usd(c.value_usd)})"
                 for c in counterparties[:SHOWN_COUNTERPARTIES]]
        whom.append(f"Largest counterparties: {'; '.join(shown)}"
                    + (f"; {len(counterparties) - SHOWN_COUNTERPARTIES:,} more below"
                       if len(counterparties) > SHOWN_COUNTERPARTIES else "") + ".")
    if transit:
        via = [f"{country(t['country'])} ({usd(t['value_usd'])})"
               for t in transit[:SHOWN_TRANSIT]]
        whom.append(f"Its goods passed through {_and(via)} on the way.")
    if whom:
        facts.append(Fact("Through whom", " ".join(whom)))

    top = sorted((k for k, v in contributions.items() if v > 0),
                 key=lambda k: -contributions[k])
    if top:
        total = max(sum(contributions.values()), 1e-12)
        named = [f"{flag_title(k).lower()} ({contributions[k] / total:.0%} of the score)"
                 for k in top[:SHOWN_FLAGS]]
        text = (f"Flagged for {_and(named)}"
                + (f", and {len(top) - SHOWN_FLAGS} more" if len(top) > SHOWN_FLAGS else "")
                + "; each flag's rule and evidence lines follow.")
        after = [r for r in listed if int(r["lines_after"] or 0) > 0]
        if after:
            r = after[0]
            text += (f" It traded {_lines(int(r['lines_after']))} ({usd(r['value_after'])}) "
                     f"with {r['caption']} on or after {r['designated']}, the day "
                     f"{r['entity_caption'] or r['caption']} was designated ({r['source']}).")
        facts.append(Fact("Why flagged", text))

    if trade and trade.get("first_chpl_destination_day"):
        facts.append(Fact("Since when", (
            f"Its first CHPL line bound for {country(destination)} was "
            f"{_when(trade['first_chpl_destination_day'], invasion)}.")))
    elif trade and trade.get("first_chpl_day"):
        facts.append(Fact("Since when", (
            f"Its first CHPL line was {_when(trade['first_chpl_day'], invasion)}.")))
    return facts
