"""Reading input files, whatever stage they feed: delimiters, encodings, containers, load
reports. Stages (lists, trade, countries, batch screening) build on these helpers."""

from dibwatch.ingest.delimiters import DELIMITERS, detect_delimiter

__all__ = ["DELIMITERS", "detect_delimiter"]
