"""Registry identifiers: cleaning and check-digit validation per scheme.

Each scheme is a small class with ``clean`` and ``validate``; :func:`make_identifier` builds an
:class:`~dibwatch.model.entity.Identifier` carrying the verdict. Algorithms follow the national
standards (see ``shared/data/registry_ids/FORMATS.md``); OGRNIP takes the last digit of the
mod-13 remainder, as the official rule says (python-stdnum does not).
"""

from __future__ import annotations

import re
from typing import ClassVar

from dibwatch.model.entity import Identifier

_DROP = re.compile(r"[\s\-./]")


class Scheme:
    name: ClassVar[str] = "ID"
    ftm_prop: ClassVar[str] = "idNumber"
    has_checksum: ClassVar[bool] = False

    @classmethod
    def clean(cls, raw: str) -> str:
        return " ".join(raw.split()).strip(" ;,.")

    @classmethod
    def validate(cls, value: str) -> bool | None:
        return None


class _Digits(Scheme):
    lengths: ClassVar[tuple[int, ...]] = ()

    @classmethod
    def clean(cls, raw: str) -> str:
        return _DROP.sub("", raw).upper()


class INN(_Digits):
    name = "INN"
    ftm_prop = "innCode"
    has_checksum = True
    _W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    _W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    _W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

    @staticmethod
    def _check(digits: str, weights: tuple[int, ...]) -> int:
        return sum(w * int(d) for w, d in zip(weights, digits, strict=False)) % 11 % 10

    @classmethod
    def validate(cls, value: str) -> bool:
        if not value.isdigit():
            return False
        if len(value) == 10:
            return cls._check(value, cls._W10) == int(value[9])
        if len(value) == 12:
            return (cls._check(value, cls._W11) == int(value[10])
                    and cls._check(value, cls._W12) == int(value[11]))
        return False


class KPP(_Digits):
    name = "KPP"
    ftm_prop = "kppCode"
    _FORMAT = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")

    @classmethod
    def validate(cls, value: str) -> bool:
        return bool(cls._FORMAT.match(value))


class OGRN(_Digits):
    name = "OGRN"
    ftm_prop = "ogrnCode"
    has_checksum = True

    @classmethod
    def validate(cls, value: str) -> bool:
        if not value.isdigit() or value[0] == "0":
            return False
        if len(value) == 13:
            return int(value[:12]) % 11 % 10 == int(value[12])
        if len(value) == 15:  # OGRNIP: record type 3 (entrepreneur) or 4 (other record)
            return value[0] in "34" and int(value[:14]) % 13 % 10 == int(value[14])
        return False


class OGRNIP(OGRN):
    name = "OGRNIP"
    ftm_prop = "ogrnCode"

    @classmethod
    def validate(cls, value: str) -> bool:
        return len(value) == 15 and OGRN.validate(value)


class OKPO(_Digits):
    name = "OKPO"
    ftm_prop = "okpoCode"
    has_checksum = True

    @classmethod
    def validate(cls, value: str) -> bool:
        if not value.isdigit() or len(value) not in (8, 10):
            return False
        body = [int(d) for d in value[:-1]]
        check = sum((i % 10 + 1) * d for i, d in enumerate(body)) % 11
        if check == 10:
            check = sum(((i + 2) % 10 + 1) * d for i, d in enumerate(body)) % 11 % 10
        return check == int(value[-1])


class USCC(_Digits):
    name = "USCC"
    ftm_prop = "registrationNumber"
    has_checksum = True
    ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    _WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

    @classmethod
    def validate(cls, value: str) -> bool:
        if len(value) != 18 or any(c not in cls.ALPHABET for c in value):
            return False
        total = sum(cls.ALPHABET.index(c) * w for c, w in zip(value, cls._WEIGHTS, strict=False))
        return cls.ALPHABET[(31 - total % 31) % 31] == value[17]


class LEI(_Digits):
    name = "LEI"
    ftm_prop = "leiCode"
    has_checksum = True

    @classmethod
    def validate(cls, value: str) -> bool:
        if len(value) != 20 or not value.isalnum() or not value[18:].isdigit():
            return False
        return int("".join(str(int(c, 36)) for c in value)) % 97 == 1


class IMO(_Digits):
    name = "IMO"
    ftm_prop = "imoNumber"
    has_checksum = True

    @classmethod
    def clean(cls, raw: str) -> str:
        value = super().clean(raw)
        return value[3:] if value.startswith("IMO") else value

    @classmethod
    def validate(cls, value: str) -> bool:
        if len(value) != 7 or not value.isdigit():
            return False
        return sum(int(d) * (7 - i) for i, d in enumerate(value[:6])) % 10 == int(value[6])


class ImoCompany(_Digits):
    """IMO Unique Company and Registered Owner Identification Number: seven digits, no
    published check digit (the ship-number check does not apply). OFAC writes it
    "Identification Number IMO 5848165"."""

    name = "IMO_COMPANY"
    ftm_prop = "imoNumber"

    @classmethod
    def clean(cls, raw: str) -> str:
        return IMO.clean(raw)

    @classmethod
    def validate(cls, value: str) -> bool:
        return len(value) == 7 and value.isdigit()


class CallSign(_Digits):
    """Radio call sign of a vessel or aircraft (letters and digits)."""

    name = "CALL_SIGN"
    ftm_prop = "callSign"
    _FORMAT = re.compile(r"^[A-Z0-9]{3,9}$")

    @classmethod
    def validate(cls, value: str) -> bool:
        return bool(cls._FORMAT.match(value))


class BIC(_Digits):
    name = "BIC"
    ftm_prop = "swiftBic"
    _FORMAT = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")

    @classmethod
    def validate(cls, value: str) -> bool:
        return bool(cls._FORMAT.match(value))


class _FreeText(Scheme):
    pass


class Passport(_FreeText):
    name = "PASSPORT"
    ftm_prop = "passportNumber"


class NationalId(_FreeText):
    name = "NATIONAL_ID"
    ftm_prop = "idNumber"


class TaxId(_FreeText):
    name = "TAX_ID"
    ftm_prop = "taxNumber"


class RegistrationNumber(_FreeText):
    name = "REG_NO"
    ftm_prop = "registrationNumber"


class VAT(_FreeText):
    name = "VAT"
    ftm_prop = "vatCode"


class DUNS(_Digits):
    name = "DUNS"
    ftm_prop = "dunsCode"


class MMSI(_Digits):
    name = "MMSI"
    ftm_prop = "mmsi"


class GenericId(_FreeText):
    name = "ID"
    ftm_prop = "idNumber"


SCHEMES: dict[str, type[Scheme]] = {
    s.name: s
    for s in (INN, KPP, OGRN, OGRNIP, OKPO, USCC, LEI, IMO, ImoCompany, BIC, Passport,
              NationalId, TaxId, RegistrationNumber, VAT, DUNS, MMSI, CallSign, GenericId)
}

# FtM property -> scheme, for import. registrationNumber/taxNumber are generic in FtM.
FTM_PROP_SCHEMES: dict[str, str] = {
    "innCode": "INN", "kppCode": "KPP", "ogrnCode": "OGRN", "okpoCode": "OKPO",
    "leiCode": "LEI", "imoNumber": "IMO", "swiftBic": "BIC", "passportNumber": "PASSPORT",
    "idNumber": "ID", "taxNumber": "TAX_ID", "registrationNumber": "REG_NO", "vatCode": "VAT",
    "dunsCode": "DUNS", "mmsi": "MMSI", "uscCode": "USCC",
}


def scheme_for(name: str) -> type[Scheme]:
    return SCHEMES.get(name.upper(), GenericId)


def validate(scheme: str, value: str) -> bool | None:
    cls = scheme_for(scheme)
    return cls.validate(cls.clean(value))


def make_identifier(scheme: str, raw: str, *, country: str | None = None,
                    note: str | None = None, prop: str | None = None) -> Identifier:
    """Clean ``raw`` for ``scheme`` and attach the check-digit verdict.

    An OGRN of 15 digits is an OGRNIP; a 13-digit "OGRNIP" is an OGRN: the length decides.
    """
    scheme = scheme.upper()
    cls = scheme_for(scheme)
    value = cls.clean(raw)
    if cls in (OGRN, OGRNIP) and value.isdigit():
        cls = OGRNIP if len(value) == 15 else OGRN
    return Identifier(
        scheme=cls.name if cls is not GenericId else scheme,
        value=value,
        raw=raw if raw != value else None,
        valid=cls.validate(value),
        country=country,
        note=note,
        prop=prop,
    )
