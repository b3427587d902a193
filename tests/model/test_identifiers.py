"""Identifier cleaning and check digits: table-driven cases plus the shared test vectors."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dibwatch.model import make_identifier, validate

# (scheme, raw, expected scheme, expected cleaned value, expected validity)
CASES = [
    ("INN", "7704730655", "INN", "7704730655", True),  # JSC Sirius, EU Annex IV
    ("INN", "7704 730 655", "INN", "7704730655", True),
    ("INN", "7704730656", "INN", "7704730656", False),  # one digit off
    ("INN", "500100732259", "INN", "500100732259", True),  # 12-digit individual INN
    ("INN", "01805202210181", "INN", "01805202210181", False),  # Kyrgyz "INN" in EU Annex IV
    ("OGRN", "1027700132195", "OGRN", "1027700132195", True),  # Sberbank OGRN
    ("OGRN", "1027700132196", "OGRN", "1027700132196", False),
    ("OGRN", "304500116000157", "OGRNIP", "304500116000157", True),  # 15 digits -> OGRNIP
    ("OGRNIP", "985768585948944", "OGRNIP", "985768585948944", False),  # bad record type
    ("KPP", "773601001", "KPP", "773601001", True),
    ("KPP", "77360100", "KPP", "77360100", False),
    ("USCC", "9111000071093019X7", "USCC", "9111000071093019X7", True),  # China Telecom
    ("USCC", "9111000071093019X8", "USCC", "9111000071093019X8", False),
    ("USCC", "91110000710930190I", "USCC", "91110000710930190I", False),  # I is not allowed
    ("LEI", "5493001KJTIIGC8Y1R12", "LEI", "5493001KJTIIGC8Y1R12", True),  # Bloomberg LEI
    ("LEI", "5493001KJTIIGC8Y1R13", "LEI", "5493001KJTIIGC8Y1R13", False),
    ("IMO", "IMO 9187629", "IMO", "9187629", True),
    ("IMO", "9187628", "IMO", "9187628", False),
    ("BIC", "SABRRUMM", "BIC", "SABRRUMM", True),
    ("BIC", "SABRRUMMXXX", "BIC", "SABRRUMMXXX", True),
    ("BIC", "SABR-RU", "BIC", "SABRRU", False),
    ("PASSPORT", "  720 123 456 ", "PASSPORT", "720 123 456", None),
]


@pytest.mark.parametrize(("scheme", "raw", "out_scheme", "value", "valid"), CASES)
def test_identifier_cases(scheme: str, raw: str, out_scheme: str, value: str,
                          valid: bool | None) -> None:
    ident = make_identifier(scheme, raw)
    assert (ident.scheme, ident.value, ident.valid) == (out_scheme, value, valid)


_SCHEMES = {"RU-INN": "INN", "RU-OGRN": "OGRN", "CN-USCC": "USCC"}


def test_python_stdnum_vectors(shared: Callable[[str], Path]) -> None:
    path = shared("registry_ids/python_stdnum_test_vectors.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 244
    wrong = [r for r in rows
             if validate(_SCHEMES[r["scheme"]], r["number"]) != (r["expected"] == "valid")]
    assert wrong == []


def test_real_ids_from_lists(shared: Callable[[str], Path]) -> None:
    path = shared("registry_ids/real_ids_from_sanctions_lists.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 1763
    wrong = [r for r in rows
             if validate(_SCHEMES[r["scheme"]], r["number"]) != (r["checksum_valid"] == "true")]
    assert wrong == []
    assert sum(r["checksum_valid"] == "false" for r in rows) == 15


@given(st.sampled_from(["INN", "OGRN", "KPP", "USCC", "LEI", "IMO", "BIC", "OKPO", "XYZ"]),
       st.text(max_size=40))
def test_any_text_gives_a_verdict(scheme: str, raw: str) -> None:
    ident = make_identifier(scheme, raw)
    assert ident.valid in (True, False, None)
