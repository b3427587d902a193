"""Mappings: the YAML vocabulary, its errors, detection and header aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from dibwatch.errors import ConfigError, FormatError
from dibwatch.trade.convert import Binding
from dibwatch.trade.mapping import (
    BUILTIN_NAMES,
    builtin_mapping,
    detect_mapping,
    load_mapping,
    parse_mapping,
)
from dibwatch.trade.schema import COLUMNS


def test_builtins_parse_and_canonical_covers_every_field() -> None:
    assert {m for m in BUILTIN_NAMES} == {"canonical", "ru_customs", "bill_of_lading"}
    canonical = builtin_mapping("canonical")
    assert [r.field for r in canonical.rules] == list(COLUMNS)


@pytest.mark.parametrize(("header", "expected"), [
    (list(COLUMNS), "canonical"),
    (["G072", "G33", "G082"], "ru_customs"),
    (["Дата ДТ", "Код ТН ВЭД", "Получатель"], "ru_customs"),
    (["Shipper", "Consignee", "Arrival Date"], "bill_of_lading"),
    (["shipper_name", "consignee_name"], "bill_of_lading"),
])
def test_detect(header: list[str], expected: str) -> None:
    assert detect_mapping(header, "f.csv").name == expected


def test_detect_failure_names_the_header() -> None:
    with pytest.raises(FormatError, match=r"f\.csv, line 1: no built-in mapping fits the "
                                          r"header \(foo, bar\)"):
        detect_mapping(["foo", "bar"], "f.csv")


@pytest.mark.parametrize(("fields", "message"), [
    ({"colour": "c"}, "unknown canonical field 'colour'"),
    ({"date": {"column": "d", "format": "%d"}}, "unknown key(s) format"),
    ({"date": {"column": "d", "value": "x"}}, "exactly one of column, concat, value"),
    ({"date": {"column": "d", "date_format": "%d.%m.%G"}}, "unsupported date directive '%G'"),
    ({"date": {"column": "d", "date_format": "%Y"}}, "needs a day and a month"),
    ({"hs_code": {"column": "h", "multiply": 2}}, "multiply applies to"),
    ({"net_kg": {"column": "w", "multiply": 0}}, "multiply must be a non-zero number"),
    ({"declaration_id": {"concat": ["a"]}}, "concat needs a list of two or more"),
])
def test_mapping_errors(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_mapping({"name": "x", "fields": fields}, "x.yml")
    assert "mapping x.yml: " in str(info.value)
    assert message in str(info.value)


def test_unknown_top_level_key_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key"):
        parse_mapping({"fields": {}, "delimiter": ";"}, "x.yml")
    with pytest.raises(ConfigError, match="neither a built-in"):
        load_mapping(tmp_path / "absent.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("fields: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_mapping(bad)


def test_binding_reports_missing_and_unused_columns() -> None:
    binding = Binding(builtin_mapping("ru_customs"),
                      ["g072", "  Код  ТН ВЭД ", "Получатель", "Примечание"])
    found = {b.rule.field: b.columns for b in binding.rules}
    assert found["date"] == ("g072",)  # headers compare case- and space-insensitively
    assert found["hs_code"] == ("  Код  ТН ВЭД ",)
    assert found["importer_name"] == ("Получатель",)
    assert found["declaration_id"] == (None, "g072", None)
    assert binding.unused == ["Примечание"]
    assert "exporter_name (G022)" in binding.missing


def test_custom_yaml_transforms(tmp_path: Path) -> None:
    path = tmp_path / "m.yml"
    path.write_text("""
name: tonnes_feed
decimal_comma: true
fields:
  date: {column: when, date_format: "%m/%d/%Y"}
  net_kg: {column: tonnes, multiply: 1000}
  exporter_name: {concat: [seller, seller_branch], separator: " / "}
  exporter_id: {column: reg, id_scheme: uscc}
  invoice_currency: {value: CNY}
  direction: {column: flow, lookup: {out: EX, in: IM}}
""", encoding="utf-8")
    binding = Binding(load_mapping(path), ["when", "tonnes", "seller", "seller_branch", "reg",
                                           "flow"])
    values, warnings, problems = binding.convert({
        "when": "03/15/2023", "tonnes": "1,25", "seller": "Fictional Wire Co",
        "seller_branch": "Suzhou", "reg": "91320500FAKE0001X", "flow": "OUT"})
    assert problems == []
    assert values["date"].isoformat() == "2023-03-15"  # type: ignore[union-attr]
    assert values["net_kg"] == 1250.0
    assert values["exporter_name"] == "Fictional Wire Co / Suzhou"
    assert values["exporter_id"] == "USCC:91320500FAKE0001X"
    assert values["invoice_currency"] == "CNY"
    assert values["direction"] == "EX"
    assert warnings == {"exporter_id": "USCC:91320500FAKE0001X fails its check digit"}
