"""Parser discovery and format detection."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from pathlib import Path

from dibwatch.errors import ConfigError, FormatError, Location
from dibwatch.lists import sources as sources_pkg
from dibwatch.lists.base import ListParser


@lru_cache(maxsize=1)
def all_parsers() -> dict[str, type[ListParser]]:
    """Every ListParser defined in ``dibwatch.lists.sources``, by format name."""
    found: dict[str, type[ListParser]] = {}
    for info in sorted(pkgutil.iter_modules(sources_pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{sources_pkg.__name__}.{info.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, ListParser) and obj is not ListParser
                    and obj.__module__ == module.__name__ and getattr(obj, "format", None)):
                if obj.format in found and found[obj.format] is not obj:
                    raise RuntimeError(f"two parsers claim format {obj.format}")
                found[obj.format] = obj
    return found


def known_sources() -> list[str]:
    return sorted({s for p in all_parsers().values() for s in p.sources})


# Files that travel with list downloads and are never the list itself.
_COMPANIONS = re.compile(r"^(source|readme|license|licence|notice|changelog)\b.*", re.I)


def list_inputs(path: Path, fmt: str | None = None) -> list[Path]:
    """What to load for ``path``: a file, a folder a parser reads as a whole (an OFAC CSV
    set), or else each list file inside the folder (``dpl.txt`` beside its ``SOURCE.txt``;
    the four EU annex files)."""
    if not path.is_dir():
        return [path]
    parsers = all_parsers()
    readers = [parsers[fmt]] if fmt in parsers else list(parsers.values())
    if any(cls.sniff(path) for cls in readers):
        return [path]
    files = sorted(f for f in path.iterdir() if f.is_file() and not f.name.startswith(".")
                   and not _COMPANIONS.match(f.name))
    return [f for f in files if any(cls.sniff(f) for cls in readers)] or [path]


def list_input(path: Path, fmt: str | None = None) -> Path:
    """``path``, or the one list file inside a folder no parser reads as a whole."""
    found = list_inputs(path, fmt)
    if len(found) > 1:
        raise FormatError(f"the folder holds {len(found)} list files "
                          f"({', '.join(f.name for f in found[:6])}): load them one by one",
                          Location(str(path)))
    return found[0]


def detect(path: Path, source: str | None = None,
           fmt: str | None = None) -> tuple[type[ListParser], str]:
    """Choose the parser and source for ``path``: ``fmt`` if given, else by content."""
    parsers = all_parsers()
    if not path.exists():
        raise FormatError("no such file or folder", Location(str(path)))
    if fmt is not None:
        if fmt not in parsers:
            raise ConfigError(f"unknown format {fmt!r}; known: {', '.join(sorted(parsers))}")
        cls = parsers[fmt]
        return cls, source or cls.sniff(path) or cls.sources[0]
    candidates = [(cls, found) for cls in parsers.values() if (found := cls.sniff(path))]
    if source is not None:
        preferred = [c for c in candidates if source in c[0].sources or c[1] == source]
        candidates = preferred or candidates
    if not candidates:
        raise FormatError(
            "unrecognised list format; pass --format (one of "
            f"{', '.join(sorted(parsers))})", Location(str(path)))
    cls, found = candidates[0]
    return cls, source or found
