"""The contract every list parser implements.

A parser reads one input (a file, a zip, or a folder of related files such as OFAC's
sdn/add/alt/comments set) and yields :class:`~dibwatch.model.entity.Entity` objects. It never
touches the workspace: the loader wraps the whole parse in one transaction.

Rules every parser follows (zavod style):
- every field of every row is consumed through :class:`~dibwatch.lists._record.Record`, and
  ``record.finish(report)`` reports what was left;
- messy values are fixed through lookup tables, not code;
- recoverable oddities are ``report.warn(...)`` with a location, and the row is still loaded;
- unrecoverable input raises an :class:`~dibwatch.errors.InputError` subclass with a Location.

The loader reads ``entities()``, not ``parse()``: it cleans every name the way every list
needs (``clean_names``: successor clauses, embedded a.k.a.s, short forms in brackets, labels),
so that no parser writes that code again.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from dibwatch.ingest.report import LoadReport
from dibwatch.model.entity import Entity, Name, NameKind
from dibwatch.model.script import detect_script
from dibwatch.text.name_parts import split_name

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.\-_:]+")


def make_id(source: str, source_id: str) -> str:
    """The dibwatch entity id for a list record: ``<source>-<record id>`` in FtM-safe chars."""
    return f"{source}-{_ID_UNSAFE.sub('_', source_id.strip())}"


class ListParser(ABC):
    #: format name used by ``lists load --format``; unique across parsers
    format: ClassVar[str]
    #: bumped whenever the parser's output for the same input changes
    version: ClassVar[str] = "1"
    #: registry source names this parser can produce
    sources: ClassVar[tuple[str, ...]]

    def __init__(self, path: Path, source: str, report: LoadReport) -> None:
        self.path = path
        self.source = source
        self.report = report
        #: ISO date(-time) of publication when the file states one; set during parse()
        self.published_at: str | None = None

    @classmethod
    @abstractmethod
    def sniff(cls, path: Path) -> str | None:
        """The source name if this parser recognises ``path`` by its content, else None.

        Must be cheap (read at most a few KB) and must not raise on foreign input.
        """

    def input_files(self) -> list[Path]:
        """The files whose bytes make up this input (hashed to identify the snapshot)."""
        return [self.path]

    @abstractmethod
    def parse(self) -> Iterator[Entity]:
        """Yield entities; raise InputError subclasses with a Location on fatal problems."""

    def entities(self) -> Iterator[Entity]:
        """``parse()`` with every entity's names cleaned (``clean_names``)."""
        for entity in self.parse():
            clean_names(entity)
            yield entity


def clean_names(entity: Entity) -> None:
    """Split each name field into the name and the aliases, former names and notes beside
    it (``dibwatch.text.name_parts``). An alias found in a weak name stays weak; a field that
    held only a label is dropped."""
    person = entity.schema == "Person"
    names: dict[tuple[str, NameKind], Name] = {}
    for n in entity.names:
        parts = split_name(n.value, person=person)
        if parts.name == n.value and not (parts.aliases or parts.previous or parts.notes):
            names.setdefault((n.value, n.kind), n)
            continue
        found: list[tuple[str, NameKind]] = [(parts.name, n.kind)]
        alias_kind = NameKind.WEAK if n.kind == NameKind.WEAK else NameKind.ALIAS
        found += [(a, alias_kind) for a in parts.aliases]
        found += [(p, NameKind.PREVIOUS) for p in parts.previous]
        for value, kind in found:
            if value:
                names.setdefault((value, kind), Name(value, kind, detect_script(value), n.lang))
        entity.notes.extend(note for note in parts.notes if note not in entity.notes)
    cleaned = list(names.values())
    if cleaned and not any(n.kind == NameKind.PRIMARY for n in cleaned):
        first = cleaned[0]
        cleaned[0] = Name(first.value, NameKind.PRIMARY, first.script, first.lang)
    entity.names = cleaned


def read_head(path: Path, size: int = 8192) -> bytes:
    """The first bytes of a file's payload (inflating gzip/zip), b"" on any error."""
    import gzip
    import zipfile

    try:
        if path.is_dir():
            return b""
        with path.open("rb") as fh:
            magic = fh.read(4)
        if magic[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as gz:
                return gz.read(size)
        if magic == b"PK\x03\x04":
            with zipfile.ZipFile(path) as zf:
                infos = [i for i in zf.infolist() if not i.is_dir()]
                if not infos:
                    return b""
                with zf.open(infos[0]) as fh:
                    return fh.read(size)
        with path.open("rb") as fh:
            return fh.read(size)
    except Exception:  # sniffing must never raise on foreign input
        return b""
