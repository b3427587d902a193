"""The delimiter of a delimited text file, from its header line.

The header decides: a value may contain any candidate character ("ACME | Subsidiary"), but
column names rarely do, so the candidate occurring most often outside quotes in the header
is the delimiter (sniffing data rows picks ``|`` for a comma file whose names hold pipes).
"""

from __future__ import annotations

DELIMITERS = ",;\t|"


def detect_delimiter(header_line: str) -> str:
    """The candidate occurring most often outside quotes in ``header_line`` (``,`` when none
    does: a one-column file)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
