"""OFAC's legacy Remarks field: a ';'-separated run of "key value" facts.

Example: ``DOB 1962; POB Shati; nationality Russia; Tax ID No. 7704730655 (Russia); a.k.a.
'BNC'; Linked To: FOO LTD.``. Each segment is matched against the key table
``data/ofac_remarks_keys.csv`` (longest key wins), and its value is turned into the typed value
the table names. Segments no key matches are kept as notes and reported as leftovers, so the
key table can grow from what the real files contain.

:func:`parse_remarks` never raises: any text gives a :class:`Remarks`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from dibwatch.model.country import country_code
from dibwatch.model.entity import CountryLink, Identifier, NameKind
from dibwatch.model.identifiers import make_identifier

_DATA = "sources/data"

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DAY_MON_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_MON_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_APPROX = re.compile(r"^(circa|approximately|about|approx\.?|ca\.)\s+", re.IGNORECASE)
_RANGE = re.compile(r"\s+(?:to|-)\s+|(?<=\d{4})-(?=\d{4}$)")
_ALT = re.compile(r"^alt\.\s*", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)")
# Words that start the tail of an identifier ("issued 2005", "expires 2020", "issued by …").
_TAIL = re.compile(r"\s+(?=(?:issued|expires|expiring|valid|registered|by)\b)", re.IGNORECASE)
_KEY_STOP = re.compile(r"[\d:'\"(#]|\s-\s")
_QUOTES = "'\"‘’“”"
_ALIAS_START = re.compile(r"\s*(?:alt\.\s*)?[afn]\.k\.a\.\s*['‘’]", re.IGNORECASE)
_ALIAS_END = re.compile(r"['‘’]\s*(?=;|\.?\s*$)")


@dataclass(frozen=True)
class RemarkKey:
    key: str
    kind: str
    arg: str


@dataclass
class Remarks:
    """The typed facts found in one Remarks text."""

    identifiers: list[Identifier] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    countries: list[CountryLink] = field(default_factory=list)
    incorporation_dates: list[str] = field(default_factory=list)
    names: list[tuple[str, NameKind]] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)  # FtM property -> values
    sanction_extra: dict[str, list[str]] = field(default_factory=dict)  # FtM Sanction props
    notes: list[str] = field(default_factory=list)
    #: (key, segment) the key table does not know, or whose value could not be read
    leftovers: list[tuple[str, str]] = field(default_factory=list)

    def add_extra(self, prop: str, value: str) -> None:
        value = value.strip()
        if value and value not in self.extra.get(prop, []):
            self.extra.setdefault(prop, []).append(value)


@lru_cache(maxsize=1)
def remark_keys() -> tuple[RemarkKey, ...]:
    """The key table, longest key first so "Company Number IMO" beats "Company Number"."""
    keys = [RemarkKey(row["key"].strip(), row["kind"].strip(), (row["arg"] or "").strip())
            for row in _table("ofac_remarks_keys.csv")]
    return tuple(sorted(keys, key=lambda k: -len(k.key)))


@lru_cache(maxsize=1)
def _scheme_refinements() -> dict[tuple[str, str], tuple[frozenset[int], str]]:
    table: dict[tuple[str, str], tuple[frozenset[int], str]] = {}
    for row in _table("ofac_remarks_schemes.csv"):
        lengths = frozenset(int(n) for n in (row["lengths"] or "").split("|") if n.strip())
        table[(row["match"].strip(), row["country"].strip())] = (lengths, row["refined"].strip())
    return table


@lru_cache(maxsize=1)
def _country_overrides() -> dict[str, str]:
    return {row["text"].strip().casefold(): row["code"].strip().lower()
            for row in _table("ofac_remarks_countries.csv")}


def to_country(text: str) -> str | None:
    """Lower-case ISO code for a country as OFAC writes it, or None."""
    text = text.strip().strip(".")
    code = _country_overrides().get(text.casefold()) or country_code(text)
    return code.lower() if code and code != "-" else None


def states_no_country(text: str) -> bool:
    """Whether OFAC wrote that there is no country ("undetermined", "None Identified")."""
    return _country_overrides().get(text.strip().strip(".").casefold()) == "-"


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("dibwatch.lists").joinpath(f"{_DATA}/{name}").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def split_segments(text: str) -> list[str]:
    """Split on ';' outside quoted aliases and parentheses.

    Apostrophes are everywhere in names (AL QA'IDA, POB 'Aniza), so quotes are only honoured
    around an alias: from "a.k.a. '" to the quote that ends the segment ("';" or the end), so
    "a.k.a. 'A; B'" stays whole. If parentheses do not balance, the text is split on every ';'
    instead, so one stray mark cannot swallow the rest.
    """
    parts: list[str] = []
    depth = 0
    start = 0
    i = _skip_alias(text, 0)
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
            i = _skip_alias(text, start)
            continue
        i += 1
    parts.append(text[start:])
    if depth:
        parts = text.split(";")
    return [p.strip() for p in parts if p.strip()]


def _skip_alias(text: str, pos: int) -> int:
    """Where scanning resumes: past a quoted alias that starts at ``pos``, else ``pos``."""
    start = _ALIAS_START.match(text, pos)
    if start is None:
        return pos
    end = _ALIAS_END.search(text, start.end())
    return end.start() if end else pos


def leftover_key(segment: str) -> str:
    """A short key for an unknown segment: its words before the first digit, colon or quote."""
    head = _KEY_STOP.split(segment, maxsplit=1)[0]
    words = head.split()[:4]
    return " ".join(words).strip(" .,-") or segment[:20].strip()


def _strip_terminator(text: str) -> str:
    """Drop the full stop that ends the Remarks text, but not one that ends "S.A." or "LTD."."""
    text = text.strip()
    if not text.endswith("."):
        return text
    last = text.rsplit(None, 1)[-1]
    if last[-2:-1] in _QUOTES:
        return text[:-1]  # "a.k.a. 'S.A.'." ends with a quoted alias
    if "." in last[:-1] or last.rstrip(".").upper() in {"LTD", "CO", "INC", "CORP", "JR", "SR"}:
        return text
    return text[:-1]


def match_key(segment: str) -> tuple[RemarkKey, str] | None:
    """The table key that starts ``segment`` and the value after it."""
    low = segment.casefold()
    for key in remark_keys():
        k = key.key.casefold()
        if not low.startswith(k):
            continue
        rest = segment[len(key.key):]
        # A key must end at a word boundary: "IMO" must not match "IMOTEC".
        if rest and key.key[-1].isalnum() and rest[0].isalnum():
            continue
        return key, rest.strip().lstrip(":-#").strip()
    return None


def parse_date(text: str) -> list[str] | None:
    """ISO dates (partial allowed) for "12 Jan 1960", "Jan 1960", "1960", "circa 1960" and
    ranges "1960 to 1962" (both ends kept). None when the text is not a date."""
    text = _APPROX.sub("", text.strip().rstrip("."))
    if not text:
        return None
    out: list[str] = []
    for part in _RANGE.split(text):
        iso = _one_date(_APPROX.sub("", part.strip()))
        if iso is None:
            return None
        out.append(iso)
    return out


def _one_date(text: str) -> str | None:
    if m := _DAY_MON_YEAR.match(text):
        month = _MONTHS.get(m.group(2).lower())
        day = int(m.group(1))
        if month is None or not 1 <= day <= 31:
            return None
        return f"{m.group(3)}-{month:02d}-{day:02d}"
    if m := _MON_YEAR.match(text):
        month = _MONTHS.get(m.group(1).lower())
        return None if month is None else f"{m.group(2)}-{month:02d}"
    if m := _YEAR.match(text):
        return m.group(1)
    if m := _ISO.match(text):
        return text
    return None


def split_country(value: str) -> tuple[str, str | None, str]:
    """("123", "ru", "expires 2020") from "123 (Russia) expires 2020": the last parenthesis that
    names a country gives the country; what follows it is the tail (dates, issuer)."""
    for m in reversed(list(_PAREN.finditer(value))):
        code = to_country(m.group(1))
        if code:
            tail = value[m.end():].strip(" ,;")
            return value[:m.start()].strip(" ,"), code, tail
    parts = _TAIL.split(value, maxsplit=1)
    return parts[0].strip(" ,"), None, (parts[1].strip() if len(parts) > 1 else "")


def _refine(key: RemarkKey, country: str | None, value: str) -> str:
    rules = _scheme_refinements()
    digits = re.sub(r"[\s\-./]", "", value)
    for match in (key.key, key.arg):
        for where in (country, "*"):
            rule = rules.get((match, where)) if where else None
            if rule is not None and (not rule[0] or len(digits) in rule[0]):
                return rule[1]
    return key.arg


def _unquote(value: str) -> str:
    """Drop one pair of enclosing quotes; inner ones belong to the name ('Umar, SUE RC 'KMP')."""
    value = value.strip()
    if value[:1] in _QUOTES:
        value = value[1:]
    if value[-1:] in _QUOTES:
        value = value[:-1]
    return value.strip()


def parse_remarks(text: str | None, *, known: frozenset[str] = frozenset()) -> Remarks:
    """Parse a Remarks text. Segments equal to a value in ``known`` (the row's Title, which
    OFAC repeats in the remarks) are taken as already consumed."""
    result = Remarks()
    if not text:
        return result
    for raw in split_segments(_strip_terminator(text)):
        segment = _ALT.sub("", raw).strip()
        if not segment or segment in known:
            continue
        found = match_key(segment)
        if found is None:
            result.notes.append(segment)
            result.leftovers.append((leftover_key(segment), segment))
            continue
        key, value = found
        if not _apply(result, key, value, segment):
            result.notes.append(segment)
            result.leftovers.append((key.key, segment))
    return result


def _apply(result: Remarks, key: RemarkKey, value: str, segment: str) -> bool:
    """Record one keyed value; False when the value cannot be read as the key says."""
    kind, arg = key.kind, key.arg
    if kind in ("note", "sanction", "ignore"):
        if kind == "note":
            result.notes.append(segment)
        elif kind == "sanction":
            result.sanction_extra.setdefault(arg, []).append(segment)
        return True
    if not value:
        return False
    if kind == "identifier":
        return _add_identifier(result, key, value)
    if kind in ("birth_date", "incorporation_date", "date_prop"):
        dates = parse_date(value)
        if dates is None:
            return False
        target = {"birth_date": result.birth_dates,
                  "incorporation_date": result.incorporation_dates}.get(kind)
        for iso in dates:
            if target is None:
                result.add_extra(arg, iso)
            elif iso not in target:
                target.append(iso)
        return True
    if kind == "birth_place":
        result.birth_places.append(value)
        return True
    if kind in ("country", "country_prop"):
        code = to_country(value)
        if code is None and states_no_country(value):
            result.notes.append(segment)
            return True
        if code is None:
            return False
        if kind == "country":
            link = CountryLink(code, arg)
            if link not in result.countries:
                result.countries.append(link)
        else:
            result.add_extra(arg, code)
        return True
    if kind == "alias":
        name = _unquote(value)
        name_kind = {"weak": NameKind.WEAK, "previous": NameKind.PREVIOUS}.get(arg, NameKind.ALIAS)
        result.names.append((name, name_kind))
        return bool(name)
    if kind == "crypto":
        currency, _, address = value.partition(" ")
        if not address.strip():
            return False
        result.identifiers.append(make_identifier("CRYPTO", address.strip(),
                                                  note=f"{key.key} {currency}"))
        return True
    lists = {"linked_to": result.linked_to, "website": result.websites,
             "email": result.emails, "phone": result.phones}
    if kind in lists:
        lists[kind].append(value)
        return True
    if kind in ("prop", "lower_prop"):
        result.add_extra(arg, value.lower() if kind == "lower_prop" else value)
        return True
    return False


def _add_identifier(result: Remarks, key: RemarkKey, value: str) -> bool:
    number, country, tail = split_country(value)
    if number.startswith("(") and number.endswith(")"):
        number = number[1:-1].strip()  # "International Maritime Organization No. (5777731)"
    if not number:
        return False
    scheme = _refine(key, country, number)
    note = "; ".join(p for p in (key.key, tail) if p)
    result.identifiers.append(make_identifier(scheme, number, country=country, note=note))
    return True
