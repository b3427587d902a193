"""One reader per statistics format; :func:`detect_format` picks one from the header."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dibwatch.countries.model import FlowRow
from dibwatch.countries.readers import comext, comtrade, imf, national
from dibwatch.countries.readers._csv import read_header
from dibwatch.errors import ConfigError, FormatError, Location
from dibwatch.ingest.report import LoadReport


@dataclass(frozen=True)
class StatsFormat:
    name: str
    source: str  # the publisher, kept on every row (imf_imts, eurostat_comext, …)
    parser_version: str
    sniff: Callable[[list[str], dict[str, str] | None], bool]
    read: Callable[[Path, LoadReport], Iterator[FlowRow]]


FORMATS: dict[str, StatsFormat] = {
    m.FORMAT: StatsFormat(m.FORMAT, m.SOURCE, m.PARSER_VERSION, m.sniff, m.read)
    for m in (imf, comext, national, comtrade)
}


def get_format(name: str) -> StatsFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ConfigError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


def detect_format(path: Path) -> StatsFormat:
    """The format whose sniffer accepts the header (and first row) of ``path``."""
    header, first = read_header(path)
    for fmt in FORMATS.values():
        if fmt.sniff(header, first):
            return fmt
    raise FormatError(f"unrecognised statistics file (columns: {', '.join(header[:8])}…); "
                      f"pass --format ({', '.join(FORMATS)})", Location(str(path), 1))


__all__ = ["FORMATS", "StatsFormat", "detect_format", "get_format"]
