"""What a designation is: the authority behind it, its program family, and whether the list
text names CHPL goods or sectors. All three are lookup tables in ``data/`` (zavod style:
messy values are fixed by tables, not code).

- ``authorities.csv``: source / authority / list / program -> authority (US, EU, UK, UN),
  body (US OFAC, US BIS, …) and a readable list label.
- ``program_families.csv``: -> Russia-related, Belarus, Iran, DPRK, terrorism, …
- ``sector_terms.csv``: words that say a party deals in electronics, navigation and optics,
  machine tools or aviation components; CHPL goods terms of :mod:`dibwatch.goods` count too.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dibwatch.goods import find_terms
from dibwatch.model.entity import Entity, Sanction

AUTHORITIES = ("US", "EU", "UK", "UN")
FAMILY_LABELS = {
    "russia": "Russia-related", "belarus": "Belarus", "iran": "Iran", "dprk": "DPRK",
    "syria": "Syria", "terrorism": "Terrorism", "proliferation": "WMD proliferation",
    "narcotics": "Narcotics", "cyber": "Cyber / election interference",
    "human_rights": "Human rights, corruption", "china_military": "Chinese military companies",
    "military_end_use": "Military end-use", "export_control": "Export control (other)",
    "country": "Other country programs", "other": "Other",
}
SECTOR_LABELS = {"electronics": "electronics", "navigation_optics": "navigation, optics",
                 "machine_tools": "machine tools", "aviation": "aviation, drones",
                 "chpl_goods": "CHPL goods named"}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("dibwatch.xref").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@dataclass(frozen=True)
class Body:
    authority: str  # US | EU | UK | UN | other
    body: str  # US OFAC, US BIS, US State, US DoD, EU, UK, UN
    list: str  # readable list label: "OFAC SDN", "BIS Entity List", "EU 833/2014 Annex IV"


@dataclass(frozen=True)
class _AuthorityRule:
    pattern: re.Pattern[str]
    authority: str
    body: str
    list: str


@lru_cache(maxsize=1)
def _authority_rules() -> tuple[_AuthorityRule, ...]:
    return tuple(_AuthorityRule(re.compile(r["pattern"], re.I), r["authority"], r["body"],
                                r["list"]) for r in _rows("authorities.csv"))


@lru_cache(maxsize=20_000)
def _body(source: str, authority: str, list_name: str, program: str) -> Body:
    key = f"{source}|{authority}|{list_name}|{program}"
    for rule in _authority_rules():
        if rule.pattern.search(key):
            label = rule.list.replace("{list_name}", list_name or program or authority)
            label = label.replace("{program}", program or list_name or "")
            return Body(rule.authority, rule.body, " ".join(label.split()))
    return Body("other", authority or source, list_name or program or source)


def body_of(source: str, sanction: Sanction) -> Body:
    """The authority, body and list label of one designation."""
    return _body(source, sanction.authority or "", sanction.list_name or "",
                 sanction.program or "")


@dataclass(frozen=True)
class _FamilyRule:
    family: str
    program: re.Pattern[str] | None
    reason: re.Pattern[str] | None
    countries: frozenset[str]
    since: str


@lru_cache(maxsize=1)
def _family_rules() -> tuple[_FamilyRule, ...]:
    return tuple(_FamilyRule(r["family"],
                             re.compile(r["program"], re.I) if r["program"] else None,
                             re.compile(r["reason"], re.I) if r["reason"] else None,
                             frozenset(r["countries"].lower().split()), r["since"])
                 for r in _rows("program_families.csv"))


def family_of(sanction: Sanction, countries: frozenset[str] = frozenset()) -> str:
    """The program family of one designation (a key of :data:`FAMILY_LABELS`)."""
    program = f"|{sanction.authority or ''}|{sanction.list_name or ''}|{sanction.program or ''}|"
    reason = sanction.reason or ""
    for rule in _family_rules():
        if rule.program is not None and not rule.program.search(program):
            continue
        if rule.reason is not None and not rule.reason.search(reason):
            continue
        if rule.countries and rule.countries.isdisjoint(countries):
            continue
        if rule.since and (sanction.listing_date or "") < rule.since:
            continue
        return rule.family
    return "other"


# --- sectors ---------------------------------------------------------------------------------

_WORD = "0-9a-zà-ɏѐ-ӿ"
_CJK = re.compile(r"[\u3400-\u9fff]")


def fold(text: str) -> str:
    """Lower case, accents dropped (Latin only: Cyrillic й stays й), ё -> е."""
    out = []
    for ch in unicodedata.normalize("NFKC", text).lower().replace("ё", "е"):
        if "a" <= ch <= "z" or not ch.isalpha() or ord(ch) > 0x24F:
            out.append(ch)
        else:
            out.append(unicodedata.normalize("NFKD", ch)[0])
    return "".join(out)


def _term_regex(term: str) -> str:
    if _CJK.match(term):
        return re.escape(term)
    words = [re.escape(w.rstrip("*")) + (f"[{_WORD}]*" if w.endswith("*") else "")
             for w in term.split()]
    return rf"(?<![{_WORD}])" + r"[\s\-]+".join(words) + rf"(?![{_WORD}])"


@lru_cache(maxsize=1)
def _sector_patterns() -> dict[str, re.Pattern[str]]:
    terms: dict[str, list[str]] = {}
    for row in _rows("sector_terms.csv"):
        terms.setdefault(row["sector"], []).append(fold(row["term"]))
    return {sector: re.compile("|".join(_term_regex(t) for t in sorted(ts, key=len,
                                                                        reverse=True)))
            for sector, ts in terms.items()}


@dataclass(frozen=True)
class SectorHit:
    sector: str  # a key of SECTOR_LABELS
    term: str  # the words as written (folded)
    field: str  # where: name, reason, note, remark
    tier: str | None = None  # CHPL tier, for goods terms


def _texts(entity: Entity) -> list[tuple[str, str]]:
    out = [("name", n.value) for n in entity.names]
    out += [("reason", s.reason) for s in entity.sanctions if s.reason]
    out += [("note", n) for n in entity.notes]
    for key, values in entity.extra.items():
        if key in ("notes", "description", "summary", "sector", "remarks", "topics"):
            out += [(key, v) for v in values]
    return out


def sectors_of(entity: Entity) -> list[SectorHit]:
    """The CHPL-relevant sectors and goods the list text of ``entity`` names, each with the
    words and the field they were found in; empty when it names none."""
    hits: dict[tuple[str, str], SectorHit] = {}
    for field_name, text in _texts(entity):
        folded = fold(text)
        for sector, pattern in _sector_patterns().items():
            for m in pattern.finditer(folded):
                hits.setdefault((sector, m.group(0)), SectorHit(sector, m.group(0), field_name))
        if field_name == "name":
            continue  # goods terms in a firm's name ("Radio Plant") are the sector words' job
        for t in find_terms(text):
            if t.term.tier:
                hits.setdefault(("chpl_goods", t.text),
                                SectorHit("chpl_goods", t.text, field_name, t.term.tier))
    return list(hits.values())
