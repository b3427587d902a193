"""Reading input files, whatever stage they feed: containers and bounded inflation, encodings
and CSV with line numbers (``files``), delimiters, the digests that identify an input, and the
load report of warnings and leftover fields. Lists, trade, country statistics and batch
screening build on these."""

from dibwatch.ingest.delimiters import DELIMITERS, detect_delimiter
from dibwatch.ingest.digests import file_digests
from dibwatch.ingest.report import LoadReport

__all__ = ["DELIMITERS", "LoadReport", "detect_delimiter", "file_digests"]
