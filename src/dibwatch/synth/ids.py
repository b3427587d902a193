"""Identifiers for invented firms that pass check-digit validation yet cannot be real.

Russian INNs use region code 00, which no tax office has; Chinese USCCs use the division code
000000, which names no place. Both carry correct check characters, so a screener that
validates them treats them as well-formed.
"""

from __future__ import annotations

import random

_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code


def inn10(serial: int) -> str:
    """A 10-digit legal-entity INN with region 00 and a valid check digit."""
    # An affine bijection on 0..10^8-1 scatters consecutive serials over realistic digits
    # (tax office and record number) while keeping them distinct.
    body = f"00{(serial * 7919 + 1_357_246) % 10**7:07d}"
    check = sum(w * int(d) for w, d in zip(_INN_WEIGHTS, body, strict=True)) % 11 % 10
    return f"{body}{check}"


def uscc(serial: int) -> str:
    """An 18-character USCC (enterprise, division 000000) with valid check characters."""
    org_body = f"{(serial * 7919 + 24_681_357) % 10**8:08d}"
    rest = 11 - sum(w * int(d) for w, d in zip(_ORG_WEIGHTS, org_body, strict=True)) % 11
    org_check = "X" if rest == 10 else "0" if rest == 11 else str(rest)
    body = f"91000000{org_body}{org_check}"
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


def fill_template(template: str, rng: random.Random) -> str:
    """Replace '#' by a digit and '@' by a capital letter; keep everything else."""
    out = []
    for ch in template:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "@":
            out.append(chr(ord("A") + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)
