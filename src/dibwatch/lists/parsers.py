"""Parser discovery and format detection."""

from __future__ import annotations

import importlib
import pkgutil
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
