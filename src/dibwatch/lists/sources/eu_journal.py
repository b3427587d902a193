"""EU regulation annexes (Official Journal consolidated acts) as parsed by OpenSanctions.

One CSV per act (``32014R0833.csv`` = Reg. 833/2014 …), one row per annex entry, columns
``celex,recordId,programKey,annex,measure,startDate,reason,schema,name,alias,…,notes``. Multi
values are ``;``-separated. ``recordId`` is the entry number *within an annex* (it restarts in
every annex and is blank in the unnumbered ones), so the dibwatch record id is
``<celex>-<annex>-<recordId>``, or ``<celex>-<annex>-<name slug>`` when unnumbered.

Registry numbers come labelled in many ways ("7704730655 (Tax ID/INN)", "INN: … KPP: …",
"CR No. 3176428"); labels are resolved through ``data/eu_journal_id_labels.csv``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from dibwatch.errors import FormatError, Location
from dibwatch.ingest.files import csv_dicts, decode, read_bytes
from dibwatch.lists._record import Record
from dibwatch.lists.base import ListParser, make_id, read_head
from dibwatch.model import (
    Address,
    CountryLink,
    Entity,
    NameKind,
    Provenance,
    Sanction,
    country_code,
    make_identifier,
)

SOURCE = "eu_journal"
# Each regulation is its own list with its own history, so each gets its own source: a new
# version of 833/2014 is diffed against the previous 833/2014, never against 269/2014.
CELEX_SOURCES = {
    "32014R0833": "eu_833_2014",
    "32014R0269": "eu_269_2014",
    "32006R0765": "eu_765_2006",
    "32024R2642": "eu_2024_2642",
}
AUTHORITY = "EU"
REQUIRED = ("celex", "recordId", "programKey", "annex", "measure", "startDate", "schema", "name")
_CELEX = re.compile(r"^3(?P<year>\d{4})R(?P<num>\d{4})$")
_SLUG = re.compile(r"[^0-9a-z]+")

# Identifier columns: FtM property -> (default scheme, whether ',' separates values too).
REGISTRY_COLUMNS = {
    "innCode": "INN", "ogrnCode": "OGRN", "kppCode": "KPP", "okpoCode": "OKPO",
    "leiCode": "LEI", "swiftBic": "BIC", "imoNumber": "IMO", "mmsi": "MMSI",
    "registrationNumber": "REG_NO", "taxNumber": "TAX_ID",
}
FREE_TEXT_COLUMNS = {"passportNumber": "PASSPORT", "idNumber": "ID"}
EXTRA_COLUMNS = ("position", "appearance", "ethnicity", "fatherName", "motherName",
                 "legalForm", "sector", "ticker")
DATE_COLUMNS = {"birthDate": "birth_dates", "incorporationDate": "incorporation_dates"}
_SCHEMES_FOR_RU = {"INN", "OGRN", "OGRNIP", "KPP", "OKPO"}

_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_DATE = re.compile(
    r"(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\.?\s+(?P<mn>[A-Za-z]+)\.?\s+(?P<y2>\d{4})"
    r"|(?P<mn3>[A-Za-z]+)\s+(?P<y3>\d{4})"
    r"|(?P<y4>(?<![\d.])\d{4}(?![\d.]))")
# What may remain of a date field once its dates are taken out without losing information.
_DATE_GLUE = re.compile(r"(?i)\b(or|and|between|in|on|circa|approximately|approx|alt|"
                        r"possibly|born)\b|[\s,;/()\-–.]+")
_LABEL = re.compile(r"(?:^|(?<=\s))(?P<label>\(?[^\W\d][^\d:]*?\)?)\s*[:\-–]?\s*(?=\d)")
_TRAILING_NOTE = re.compile(r"^(?P<num>\S*\d\S*(?:\s\d+)*)\s+(?P<rest>[a-z(].*)$")
_NATIONALITY_SPLIT = re.compile(r"\s*(?:,|/|;|\band/or\b|\band\b|\bor\b)\s*")


def _resource_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("dibwatch.lists.sources").joinpath(f"data/{name}")
    with path.open(encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _label_key(label: str) -> str:
    return re.sub(r"[^\w/]+", " ", label).strip().casefold()


@lru_cache(maxsize=1)
def _id_labels() -> dict[str, tuple[str, str, str]]:
    return {_label_key(r["label"]): (r["scheme"], r["country"], r["note"])
            for r in _resource_rows("eu_journal_id_labels.csv")}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    return {r["alias"].casefold(): r["code"] for r in _resource_rows("eu_journal_countries.csv")}


@lru_cache(maxsize=1)
def _schemata() -> dict[str, tuple[str, str]]:
    return {r["schema"]: (r["dibwatch_schema"], r["note"])
            for r in _resource_rows("eu_journal_schemata.csv")}


def lookup_country(text: str) -> str | None:
    """Lower-case ISO code for a country name or demonym, None when unknown."""
    text = text.strip()
    code = _countries().get(text.casefold()) or country_code(text)
    return code.lower() if code else None


def regulation(celex: str) -> str:
    """``32014R0833`` -> ``833/2014``; acts from 2015 on are numbered ``2024/2642``."""
    match = _CELEX.match(celex)
    if not match:
        return celex
    year, num = match.group("year"), str(int(match.group("num")))
    return f"{num}/{year}" if int(year) < 2015 else f"{year}/{num}"


def parse_dates(text: str) -> tuple[list[str], bool]:
    """ISO dates found in an annex date field, and whether the text said more than dates."""
    dates: list[str] = []
    for m in _DATE.finditer(text):
        if m.group("d"):
            day, month, year = int(m.group("d")), int(m.group("m")), m.group("y")
        elif m.group("d2"):
            day, month, year = (int(m.group("d2")), _MONTHS.get(m.group("mn").lower(), 0),
                                m.group("y2"))
        elif m.group("mn3"):
            # "June 2010"; in "in 2018" the word is no month and only the year counts.
            day, month, year = 0, _MONTHS.get(m.group("mn3").lower(), 0), m.group("y3")
        else:
            day, month, year = 0, 0, m.group("y4")
        if (m.group("d2") and not month) or month > 12 or day > 31:
            continue
        iso = f"{year}-{month:02d}-{day:02d}" if day else f"{year}-{month:02d}" if month else year
        if iso not in dates:
            dates.append(iso)
    rest = _DATE_GLUE.sub("", _DATE.sub("", text))
    return dates, bool(rest) or not dates


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-")[:80] or "unnamed"


@dataclass
class _Id:
    scheme: str
    value: str
    country: str | None
    note: str | None


class EUJournalParser(ListParser):
    format = "eu_journal_csv"
    version = "1"
    sources = (SOURCE, *CELEX_SOURCES.values())

    @classmethod
    def sniff(cls, path: Path) -> str | None:
        head = read_head(path, 4096).lstrip(b"\xef\xbb\xbf")
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        cols = [c.strip() for c in first.split(",")]
        if cols[:4] != ["celex", "recordId", "programKey", "annex"]:
            return None
        lines = head.split(b"\n", 2)
        celex = lines[1].split(b",", 1)[0].strip(b'" \r').decode("ascii", "replace") \
            if len(lines) > 1 else ""
        return CELEX_SOURCES.get(celex, SOURCE)

    def parse(self) -> Iterator[Entity]:
        file = str(self.path)
        text = decode(read_bytes(self.path), file, self.report)
        seen: set[str] = set()
        for line, row in csv_dicts(text, file, required=REQUIRED):
            rec = Record(dict(row), file=file, line=line)
            entity = _EURow(self, rec, line).entity()
            if entity.id in seen:
                self.report.warn("record id repeats; line number appended", line=line,
                                 field_name="recordId", value=entity.source_id)
                entity.source_id += f"-line{line}"
                entity.id = make_id(SOURCE, entity.source_id)
            seen.add(entity.id)
            yield entity
        if not seen:
            raise FormatError("no annex rows in the file", Location(file, 1))


class _EURow:
    def __init__(self, parser: EUJournalParser, rec: Record, line: int) -> None:
        self.parser = parser
        self.report = parser.report
        self.file = str(parser.path)
        self.rec = rec
        self.line = line

    def _warn(self, message: str, field: str, value: str | None) -> None:
        self.report.warn(message, line=self.line, field_name=field, value=value)

    def entity(self) -> Entity:
        rec = self.rec
        celex = rec.pop("celex") or ""
        annex = rec.pop("annex") or ""
        name = rec.pop("name")
        if name is None:
            self._warn("annex entry without a name", "name", None)
        number = rec.pop("recordId")
        source_id = f"{celex}-{annex}-{number or _slug(name or f'line{self.line}')}"
        raw_schema = rec.pop("schema") or ""
        schema, schema_note = _schemata().get(raw_schema, ("LegalEntity", ""))
        if raw_schema not in _schemata():
            self._warn("unknown schema; loaded as LegalEntity", "schema", raw_schema)
        entity = Entity(id=make_id(SOURCE, source_id), schema=schema,
                        source=self.parser.source,
                        source_id=source_id)
        entity.provenance.append(Provenance(self.file, self.line))
        if schema_note:
            entity.notes.append(schema_note)
        entity.add_name(name)
        for alias in rec.pop_list("alias"):
            for part in alias.split(" / "):  # transliteration variants: "Имя / Ім'я"
                entity.add_name(part, NameKind.ALIAS)
        for alias in rec.pop_list("weakAlias"):
            entity.add_name(alias, NameKind.WEAK)
        for previous in rec.pop_list("previousName"):
            entity.add_name(previous, NameKind.PREVIOUS)
        self._sanction(entity, celex, annex)
        self._countries(entity)
        self._dates(entity)
        for place in rec.pop_list("birthPlace"):
            entity.birth_places.append(place)
        gender = rec.pop("gender")
        entity.add_extra("gender", gender.lower() if gender else None)
        for column in EXTRA_COLUMNS:
            # legalForm lists language variants of one form; keep it whole.
            values = [rec.pop(column)] if column == "legalForm" else rec.pop_list(column)
            for value in values:
                entity.add_extra(column, value)
        self._identifiers(entity)
        for address in rec.pop_list("address"):
            entity.addresses.append(Address(full=address, country=self._address_country(
                entity, address)))
        entity.phones.extend(rec.pop_list("phone"))
        entity.emails.extend(e.strip() for v in rec.pop_list("email") for e in v.split(",")
                             if e.strip())
        entity.websites.extend(rec.pop_list("website"))
        notes = rec.pop("notes")
        if notes:
            entity.notes.append(notes)
        rec.finish(self.report)
        return entity

    def _sanction(self, entity: Entity, celex: str, annex: str) -> None:
        rec = self.rec
        extra: dict[str, list[str]] = {}
        for column, prop in (("measure", "provisions"), ("programKey", "programId")):
            value = rec.pop(column)
            if value:
                extra[prop] = [value]
        start = rec.pop("startDate")
        dates, _ = parse_dates(start) if start else ([], False)
        if start and len(dates) != 1:
            self._warn("listing date not understood", "startDate", start)
        reg = regulation(celex)
        entity.sanctions.append(Sanction(
            authority=AUTHORITY, program=f"{reg} Annex {annex.split('.')[0]}",
            list_name=f"Annex {annex}", listing_date=dates[0] if dates else None,
            reason=rec.pop("reason"),
            source_url=f"https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{celex}",
            extra=extra))

    def _countries(self, entity: Entity) -> None:
        for column, role in (("country", "country"), ("nationality", "nationality"),
                             ("jurisdiction", "jurisdiction")):
            for value in self.rec.pop_list(column):
                bare = re.sub(r"\([^)]*\)", "", value).strip()
                if bare != value:
                    entity.notes.append(f"{column}: {value}")
                for part in _NATIONALITY_SPLIT.split(bare):
                    if not part:
                        continue
                    code = lookup_country(part)
                    if code is None:
                        self._warn("unknown country", column, part)
                    elif CountryLink(code, role) not in entity.countries:
                        entity.countries.append(CountryLink(code, role))
        flag = self.rec.pop("flag")
        if flag:
            code = lookup_country(flag)
            entity.add_extra("flag", code or flag)

    def _address_country(self, entity: Entity, address: str) -> str | None:
        # The annexes write the country last ("…, Moscow, Russian Federation"); postcodes and
        # "(HQ)" markers may trail it.
        for part in reversed(address.split(",")[-3:]):
            code = lookup_country(re.sub(r"\d+|\(HQ\)", "", part))
            if code:
                if CountryLink(code, "country") not in entity.countries:
                    entity.countries.append(CountryLink(code, "country"))
                return code
        return None

    def _dates(self, entity: Entity) -> None:
        for column, attr in DATE_COLUMNS.items():
            target: list[str] = getattr(entity, attr)
            for value in self.rec.pop_list(column):
                dates, more = parse_dates(value)
                target.extend(d for d in dates if d not in target)
                if more:
                    # Free text beside the date ("… as 'БМЗ'") is kept for the reader.
                    entity.notes.append(f"{column}: {value}")
                    if not dates:
                        self._warn("no date found", column, value)

    def _identifiers(self, entity: Entity) -> None:
        found: list[_Id] = []
        for column, scheme in REGISTRY_COLUMNS.items():
            for value in self.rec.pop_list(column):
                for piece in value.split(","):
                    found.extend(self._registry_ids(piece.strip(), scheme, column))
        for column, scheme in FREE_TEXT_COLUMNS.items():
            for value in self.rec.pop_list(column):
                found.append(self._free_text_id(value, scheme))
        for item in found:
            if not item.value:
                continue
            country = item.country or ("ru" if item.scheme in _SCHEMES_FOR_RU else None)
            ident = make_identifier(item.scheme, item.value, country=country, note=item.note)
            if ident.valid is False and not (ident.scheme == "IMO" and entity.schema != "Vessel"):
                self._warn(f"{ident.scheme} fails its format/check-digit test", item.scheme,
                           item.value)
            if ident not in entity.identifiers:
                entity.identifiers.append(ident)

    def _registry_ids(self, piece: str, default: str, column: str) -> list[_Id]:
        if not piece:
            return []
        trailing = _trailing_label(piece)
        if trailing is not None:
            value, label = trailing
            if any(c.isdigit() for c in label):
                # "7724032017 (or State registration number : 1027700450975)": two numbers.
                return (self._registry_ids(value, default, column)
                        + self._registry_ids(label, default, column))
            return [self._labelled(value, label, default, column)]
        labels = [m for m in _LABEL.finditer(piece) if _label_key(m.group("label")) in _id_labels()]
        if not labels:
            return [self._labelled(piece, None, default, column)]
        out: list[_Id] = []
        if labels[0].start() > 0:
            out.append(self._labelled(piece[: labels[0].start()], None, default, column))
        for i, m in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(piece)
            out.append(self._labelled(piece[m.end():end], m.group("label"), default, column))
        return out

    def _labelled(self, value: str, label: str | None, default: str, column: str) -> _Id:
        value = value.strip(" ,;:")
        note: str | None = None
        tail = _TRAILING_NOTE.match(value)
        if tail:
            value, note = tail.group("num"), tail.group("rest")
        scheme, country = default, ""
        if label is not None:
            known = _id_labels().get(_label_key(label))
            if known is None:
                self._warn("unknown identifier label; column type kept", column, label)
                note = "; ".join(x for x in (label, note) if x)
            else:
                scheme, country = known[0] or default, known[1]
                note = "; ".join(x for x in (known[2], note) if x) or None
        return _Id(scheme, value, country or None, note)

    def _free_text_id(self, value: str, scheme: str) -> _Id:
        trailing = _trailing_label(value)
        if trailing is not None:
            code = lookup_country(trailing[1])
            if code:
                return _Id(scheme, trailing[0], code, None)
        return _Id(scheme, value, None, None)


def _trailing_label(piece: str) -> tuple[str, str] | None:
    """``"7704730655 (Tax ID/INN)"`` -> (value, label); nested parentheses are allowed."""
    piece = piece.strip()
    if not piece.endswith(")"):
        return None
    depth = 0
    for i in range(len(piece) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(piece[i], 0)
        if depth == 0:
            value = piece[:i].strip()
            return (value, piece[i + 1:-1].strip()) if value else None
    return None
