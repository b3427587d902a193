"""HS codes as customs records write them, normalised.

What turns up in the wild: "8542.31.0000", "854231", 10-digit TN VED / HTS / Chinese codes,
EU CN-8 "85423190", "8542 31 90", "8542.31", Excel damage (the float "8542310000.0", the
exponent "8.54231E+09", the integer 1012100 that lost the leading zero of chapter 01), a chapter
alone ("85"), a label ("HS: 8542.31", "ТН ВЭД 8542310000") and garbage ("N/A", "see invoice").

Leading-zero repair: HS chapters have two digits and every national extension adds an even
number (CN-8, TN VED / HTS-10), except Japan's 9-digit statistical codes. So when the first
digit group has an odd length, both readings are tried, padded ("1012100" -> "01012100") and
as written ("854231100" -> 8542.31 + "100"), and the one whose HS levels exist in HS 2022 wins;
on a tie the padded reading wins, because zero loss is by far the more common cause.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from dibwatch.goods.chpl import chpl_tier
from dibwatch.goods.tree import hs_description, hs_exists

# The longest national code in use is 10 digits (TN VED, HTS, TARIC); 12 leaves room for
# statistical suffixes. Longer runs are invoice or reference numbers.
MAX_DIGITS = 12

_CODE_RUN = re.compile(r"\d+(?:[.\s\-]\d+)*")
_EXCEL_FLOAT = re.compile(r"^(\d+)\.0$")
_EXPONENT = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d{1,2}$")


@dataclass(frozen=True)
class HsCode:
    """A normalised HS code. ``digits`` keeps every national digit ("8542319000")."""

    raw: str
    digits: str
    hs2: str
    hs4: str | None
    hs6: str | None
    valid: bool
    """Every HS level present (chapter, heading, subheading) exists in HS 2022."""
    description: str | None
    """The text of the most specific level that exists."""
    chpl_tier: str | None

    def __str__(self) -> str:
        return self.digits


def _reading(raw: str, digits: str) -> HsCode:
    hs2 = digits[:2]
    hs4 = digits[:4] if len(digits) >= 4 else None
    hs6 = digits[:6] if len(digits) >= 6 else None
    levels = [code for code in (hs2, hs4, hs6) if code]
    valid = all(hs_exists(code) for code in levels)
    description = next(
        (text for code in reversed(levels) if (text := hs_description(code))), None
    )
    return HsCode(raw, digits, hs2, hs4, hs6, valid, description, chpl_tier(hs6))


def _score(code: HsCode) -> tuple[bool, int]:
    existing = sum(hs_exists(level) for level in (code.hs2, code.hs4, code.hs6) if level)
    return code.valid, existing


def _digit_groups(text: str) -> list[str] | None:
    """The digit groups of the first code-like run of ``text``, or None when there is none."""
    text = unicodedata.normalize("NFKC", text).strip()
    if match := _EXCEL_FLOAT.match(text):  # "8542310000.0": an Excel float turned to text
        text = match.group(1)
    elif _EXPONENT.match(text):  # "8.54231E+09": Excel's exponent display
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        if value != value.to_integral_value():
            return None
        text = str(int(value))
    run = _CODE_RUN.search(text)
    if run is None:
        return None
    return re.split(r"[.\s\-]+", run.group(0))


def normalize_hs(raw: str | int | float | None) -> HsCode | None:
    """Normalise an HS code as written anywhere; None when no code can be read from it."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        if raw != raw or not raw.is_integer() or raw <= 0:  # NaN, fractions, negatives
            return None
        raw = int(raw)
    return _normalize_text(str(raw))


@lru_cache(maxsize=65536)
def _normalize_text(raw: str) -> HsCode | None:
    groups = _digit_groups(raw)
    if not groups:
        return None
    digits = "".join(groups)
    if len(digits) > MAX_DIGITS:
        # Two codes in one cell ("8542310000 8542390000") read as one run: keep the first.
        digits = groups[0]
        if not 4 <= len(digits) <= MAX_DIGITS:
            return None
    if not digits.strip("0"):  # "0", "000000": placeholders, not chapter 00
        return None
    if len(groups[0]) % 2 == 0:
        return _reading(raw, digits)
    padded = _reading(raw, "0" + digits)
    if len(digits) == 1:
        return padded
    as_written = _reading(raw, digits)
    return as_written if _score(as_written) > _score(padded) else padded
