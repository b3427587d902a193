"""A list's name field -> the name, its aliases, former names and notes.

Lists write more than a name into their name fields: successor clauses ("… and any successor,
sub-unit, or subsidiary thereof"), embedded a.k.a.s, former names, a short form in brackets
("Акционерное Общество «Концерн «Сириус» (ОАО «Концерн «Сириус»)", "VNESHECONOMBANK (VEB)"),
the same name in another script after a dash or in brackets, and labels with no name at all
("Korean:", "Text of image"). :func:`split_name` takes them apart with the table
``data/name_patterns.yml`` and these rules:

- a bracket at the end of the name is another name for it (an alias), unless it is a country
  or a legal form ("… Ltd (Malaysia)", "(Private)"), which stay part of the name;
- a bracket in the middle stays, except in a person's name where a single word in brackets
  is a variant of the word before it ("Igor Nikolaevich (Mykolayovich) TURCHENYUK": alias
  "Igor Mykolayovich TURCHENYUK");
- a bracket or a part after a dash in another script than the name is an alias;
- names separated by semicolons are names of their own (the first is the name), and so are
  an organisation's names separated by a comma when each carries a legal form and the second
  starts as the first does;
- a field that is only a label gives no name.

It is applied to every name of every entity as lists are loaded (``ListParser.entities``),
and to screening queries, so that a name copied verbatim from a list file meets its entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from dibwatch.model.country import country_code
from dibwatch.model.script import detect_script
from dibwatch.text.legal_forms import find_form, strip_legal_forms
from dibwatch.text.translit import normalize


@dataclass
class NameParts:
    name: str
    aliases: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> list[_Pattern]:
    text = resources.files("dibwatch.text").joinpath("data/name_patterns.yml").read_text(
        encoding="utf-8")
    return [_Pattern(i["kind"], re.compile(i["pattern"], re.IGNORECASE))
            for i in yaml.safe_load(text)]


_LABEL_ONLY = re.compile(
    r"^\s*(?:(?:russian|ukrainian|belarusian|chinese|korean|farsi|persian|arabic|hebrew|"
    r"georgian|armenian)\s*:?|text of image|so-called)\s*$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*;\s*|\s*,\s+|\s+or\s+")
_TRAILING_BRACKET = re.compile(r"^(?P<outer>.*\S)\s*\((?P<inner>[^()]+)\)\s*[.,;]?$")
_INNER_BRACKET = re.compile(r"(?P<before>\S+)\s+\((?P<inner>[^()\s]+)\)")
_SCRIPT_DASH = re.compile(r"\s+[–—-]\s+|\s*[–—]\s*$")
_UNBALANCED = re.compile(r"^(?P<outer>[^()]*\S)\s*\((?P<inner>[^()]+)$")
_KEPT_IN_BRACKETS = frozenset({"private", "pvt", "pte", "public", "pty", "plc", "hk", "h k",
                               "holdings", "group"})
_STRIP = " ,;-–—:"
_A_WORD = re.compile(r"[^\W\d_]{2}")
_SEMICOLON = re.compile(r";\s+")  # "A; B" separates names; a ";" inside a word does not
_NOT_A_NAME = re.compile(r"\d{5}|(?i:\b(?:passport|date of|born|expir\w*|issued)\b)")


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(_STRIP)


def _letters_script(text: str) -> str | None:
    return detect_script(text)


def _keep_bracket(inner: str) -> bool:
    """A bracket that is part of the name: a country, a legal form, a word of one."""
    key = " ".join(inner.casefold().replace(".", " ").split())
    return (key in _KEPT_IN_BRACKETS or find_form(inner) is not None
            or country_code(inner) is not None)


def _apply_patterns(name: str, aliases: list[str], previous: list[str],
                    notes: list[str]) -> str:
    for pat in _patterns():
        match = pat.regex.search(name)
        if match is None:
            continue
        rest = _clean(name[: match.start()] + " " + name[match.end():])
        if not rest:  # never cut the whole name away
            continue
        name = rest
        if pat.kind == "note":
            notes.append(_clean(match.group(0)))
        elif pat.kind in ("alias", "previous"):
            target = aliases if pat.kind == "alias" else previous
            target.extend(n for n in map(_clean, _LIST_SPLIT.split(match.group("names"))) if n)
    return name


def _joined_names(name: str, person: bool) -> list[str]:
    """A field holding several names: separated by semicolons (UN aliases: "Mohammad Bakr
    Zolqadr; Mohammad Bakr Zolkadr"), or in an organisation's name by a comma before a name
    that starts as the first one does and where both carry a legal form (EU annexes: "Yantai
    Arrow Optoelectronics Technology Co., Ltd, Yantai Airui Optoelectronic Technology Co.
    Ltd", "AO ISS, AO Reshetnev"). Other commas are not split on: "Tactical Missile
    Corporation, Joint Stock Company Avangard" names one subsidiary, and "Co., Ltd." is one
    form."""
    parts = [p for p in map(_clean, _SEMICOLON.split(name)) if p]
    if len(parts) < 2 or not all(_A_WORD.search(p) and find_form(p) is None for p in parts):
        parts = [name]
    if person:
        return parts
    return [n for part in parts for n in _comma_joined(part)]


def _has_form_and_name(text: str) -> bool:
    words, forms = strip_legal_forms(normalize(text).split())
    return bool(forms) and any(_A_WORD.search(w) for w in words)


def _comma_joined(name: str) -> list[str]:
    pieces = name.split(", ")
    for k in range(1, len(pieces)):
        if find_form(pieces[k]) is not None or not _A_WORD.search(pieces[k]):
            continue  # "Co., Ltd.": the form goes on
        left, right = ", ".join(pieces[:k]), ", ".join(pieces[k:])
        if not left.strip():
            continue
        if left.split()[0].casefold() == right.split()[0].casefold() and \
                _has_form_and_name(left) and _has_form_and_name(right):
            return [_clean(left), *_comma_joined(_clean(right))]
    return [name]


@lru_cache(maxsize=65536)
def _split(raw: str, person: bool) -> tuple[str, tuple[str, ...], tuple[str, ...],
                                             tuple[str, ...]]:
    name = " ".join(raw.split())
    aliases: list[str] = []
    previous: list[str] = []
    notes: list[str] = []
    if _LABEL_ONLY.match(name):
        return "", (), (), (name,)
    name = _apply_patterns(name, aliases, previous, notes)
    name, *joined = _joined_names(name, person)
    for other in joined:  # each is a field of its own: brackets, dashes and all
        other_name, other_aliases, other_previous, other_notes = _split(other, person)
        aliases.extend((other_name, *other_aliases))
        previous.extend(other_previous)
        notes.extend(other_notes)
    # The same name in another script after a dash: "Muhammad AL-SALTI – محمد السلطي".
    parts = [p for p in map(_clean, _SCRIPT_DASH.split(name)) if p]
    if len(parts) > 1 and len({_letters_script(p) for p in parts}) > 1:
        name, *others = parts
        aliases.extend(others)
    # A trailing bracket: another name for the same party (short form, acronym, other
    # script), unless it is part of the name itself.
    for _ in range(3):
        match = _TRAILING_BRACKET.match(name) or _UNBALANCED.match(name)
        if match is None:
            break
        outer, inner = _clean(match.group("outer")), _clean(match.group("inner"))
        if not outer or not inner or _keep_bracket(inner):
            break
        if _NOT_A_NAME.search(inner):
            notes.append(inner)  # a passport number, a date: what the list says beside it
        elif person and " " not in inner and _letters_script(inner) == _letters_script(outer):
            words = outer.split()
            aliases.append(" ".join([*words[:-1], inner]))  # a variant of the last word
        else:
            aliases.append(inner)
        name = outer
    name = _apply_patterns(name, aliases, previous, notes)  # what the bracket hid ("born …")
    if person:
        match = _INNER_BRACKET.search(name)
        while match is not None:
            before, inner = match.group("before"), match.group("inner")
            aliases.append(_clean(name[:match.start()] + " " + inner + name[match.end():]))
            name = _clean(name[:match.start()] + before + name[match.end():])
            match = _INNER_BRACKET.search(name)
    return (name, tuple(dict.fromkeys(a for a in aliases if a and a != name)),
            tuple(dict.fromkeys(previous)), tuple(notes))


def split_name(raw: str, *, person: bool = False) -> NameParts:
    """The name in a list's name field, and the aliases, former names and notes beside it.

    >>> split_name("Акционерное Общество «Концерн «Сириус» (ОАО «Концерн «Сириус»)").aliases
    ['ОАО «Концерн «Сириус»']
    """
    name, aliases, previous, notes = _split(raw, person)
    return NameParts(name, list(aliases), list(previous), list(notes))


def name_variants(raw: str, *, person: bool = False) -> tuple[str, ...]:
    """The names a query field stands for: the name and its aliases (a name copied verbatim
    from a list file, brackets and all, meets the entity the list made of it)."""
    name, aliases, previous, _ = _split(raw, person)
    return tuple(dict.fromkeys(n for n in (name, *aliases, *previous) if n)) or (raw,)
