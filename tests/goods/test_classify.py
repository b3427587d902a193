from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.goods import OUTPUT_SCHEMA, classify_line, classify_table, find_terms

# (hs_code, description, manufacturer, brand, model) ->
# (effective tier, declared tier, inferred hs, inferred tier, misdeclared, brand)
Line = tuple[str | None, str | None, str | None, str | None, str | None]
Expect = tuple[str | None, str | None, str | None, str | None, bool, str | None]
CASES: list[tuple[Line, Expect]] = [
    # Declared correctly.
    (("854231", "MCU STM32F407VGT6 ST", None, None, None),
     ("1", "1", "854231", "1", False, "STMicroelectronics")),
    (("8542.39", "FPGA XILINX XC7Z020-1CLG400C", None, None, None),
     ("1", "1", "854239", "1", False, "Xilinx")),
    (("848210", "ball bearings SKF", None, None, None),
     ("3.B", "3.B", "848210", "3.B", False, "SKF")),
    (("8457101000", "machining centre DMU 50", "DMG MORI", None, None),
     ("4.B", "4.B", "845710", "4.B", False, "DMG Mori")),
    (("903020", "осциллограф цифровой", None, "Rigol", "DS1054Z"),
     ("4.A", "4.A", "903020", "4.A", False, "Rigol")),
    (("852691", "GNSS receiver", None, None, None),
     ("2", "2", "852691", "2", False, None)),
    (("8532240000", "конденсаторы керамические многослойные", None, "Murata", None),
     ("2", "2", "853224", "2", False, "Murata")),
    (("854129", "IGBT module FF450R12ME4", None, None, None),
     ("3.A", "3.A", "854129", "3.A", False, "Infineon")),
    (("853669", "разъем RJ45", None, None, None),
     ("3.A", "3.A", "853669", "3.A", False, None)),
    (("880730", "запчасти для БПЛА", None, None, None),
     ("3.B", "3.B", "880730", "3.B", False, None)),
    # Misdeclared: CHPL goods under a code outside the CHPL that disagrees.
    (("392690", "микросхема STM32F407", None, None, None),
     ("1", None, "854231", "1", True, "STMicroelectronics")),
    (("392690", "Plastic parts", None, None, "XC7Z020-1CLG400C"),
     ("1", None, "854239", "1", True, "Xilinx")),
    (("950300", "集成电路 芯片", None, None, None),
     ("1", None, "8542", "1", True, None)),
    (("847330", "单片机 GD32F103C8T6", None, None, None),
     ("1", None, "854231", "1", True, "GigaDevice")),
    (("732690", "токарный станок с ЧПУ", None, None, None),
     ("4.B", None, "845811", "4.B", True, None)),
    (("848180", "подшипник шариковый", None, None, None),
     ("3.B", None, "848210", "3.B", True, None)),
    (("848180", "подшипник", None, None, None),
     ("3.B", None, "8482", "3.B", True, None)),
    (("853222", "tantalum capacitor 10uF", None, None, None),
     ("2", None, "853221", "2", True, None)),
    (("854390", "oscilloscope parts", None, None, None),
     ("4.A", None, "903020", "4.A", True, None)),
    (("940540", "тепловизор", None, None, None),
     ("3.A", None, "852589", "3.A", True, None)),
    (("9503", "радиомодуль", None, None, None),
     ("2", None, "851762", "2", True, None)),
    # Missing or unreadable code with battlefield goods: misdeclared.
    ((None, "XILINX XC7Z020-1CLG400C", None, None, None),
     ("1", None, "854239", "1", True, "Xilinx")),
    (("N/A", "microcontroller ATmega328P", None, None, None),
     ("1", None, "854231", "1", True, "Atmel")),
    (("see invoice", "数控机床 加工中心", None, None, None),
     ("4.B", None, "845710", "4.B", True, None)),
    (("", "GPS module u-blox NEO-M8N", None, None, None),
     ("2", None, "852691", "2", True, "u-blox")),
    # Same heading, description not precise enough to contradict: not misdeclared.
    (("853222", "capacitor 100uF 25V", None, None, None),
     ("2", None, "8532", "2", False, None)),
    (("8541", "transistors", None, None, None),
     ("3.A", None, "8541", "3.A", False, None)),
    (("85", "микросхемы", None, None, None),
     ("1", None, "8542", "1", False, None)),
    (("845819", "lathe, manual", None, None, None),
     ("4.B", None, "8458", "4.B", False, None)),
    # CHPL code declared, the goods look like another tier: a reason, not misdeclared.
    (("8471500000", "GPS接收机 u-blox NEO-M8N", None, None, None),
     ("3.A", "3.A", "852691", "2", False, "u-blox")),
    # Mixed languages in one line.
    (("392690", "IC chip 芯片 микросхема TI TPS54331", None, None, None),
     ("1", None, "854239", "1", True, "Texas Instruments")),
    (("", "модуль 无线模块 SIM7600E-H", None, None, None),
     ("2", None, "851762", "2", True, "SIMCom")),
    (("848210", "轴承 SKF 6205", None, None, None),
     ("3.B", "3.B", "8482", "3.B", False, "SKF")),
    # Goods that are not on the CHPL, and innocuous lines.
    (("853321", "resistor 10k", None, "Yageo", None),
     (None, None, "8533", None, False, "Yageo")),
    (("880622", "drone DJI Mavic 3", None, None, None),
     (None, None, "8806", None, False, "DJI")),
    (("903040", "spectrum analyzer", None, "Keysight", "N9020A"),
     (None, None, "903040", None, False, "Keysight")),
    (("610910", "T-shirts cotton", None, None, None),
     (None, None, None, None, False, None)),
    (("392690", "plastic parts", None, None, None),
     (None, None, None, None, False, None)),
    ((None, None, None, None, None),
     (None, None, None, None, False, None)),
    (("8708.99", "auto parts", None, "Bosch", None),
     (None, None, None, None, False, "Bosch")),
    # Brand from the manufacturer or brand field, when the description has none.
    (("854232", "memory", "Samsung Electronics", None, None),
     ("1", "1", None, None, False, "Samsung")),
    (("854231", "processors", None, "Intel", None),
     ("1", "1", "854231", "1", False, "Intel")),
    (("854231", "микроконтроллеры", "Миландр", None, "1986ВЕ92У"),
     ("1", "1", "854231", "1", False, "Milandr")),
    # Words that look like terms but are not goods terms.
    (("441011", "chipboard panels", None, None, None),
     (None, None, None, None, False, None)),
    (("190590", "чипсы картофельные", None, None, None),
     (None, None, None, None, False, None)),
]


@pytest.mark.parametrize(("line", "expected"), CASES)
def test_classify_line(line: Line, expected: Expect) -> None:
    result = classify_line(*line)
    brand = result.brand.name if result.brand else None
    got = (result.tier, result.declared_tier, result.inferred_hs, result.inferred_tier,
           result.misdeclared, brand)
    assert got == expected, result.reasons
    assert result.coalition_brand == bool(result.brand and result.brand.coalition)
    assert result.reasons, "every line says at least what was declared"
    assert any("misdeclared" in r for r in result.reasons) == result.misdeclared


def test_reasons_explain_a_misdeclared_line() -> None:
    result = classify_line("392690", "микросхема STM32F407")
    assert result.reasons == (
        "declared 392690: not on the CHPL",
        "description term 'микросхема' (ru) -> 8542, CHPL tier 1",
        "part number STM32F407 (STMicroelectronics) -> 854231, CHPL tier 1",
        "brand STMicroelectronics (STMicroelectronics, CH, coalition)",
        "misdeclared: goods look like 854231 (CHPL tier 1) but declared 392690",
    )
    assert result.inferred_hs6 == "854231"
    assert classify_line("853222", "capacitor").inferred_hs6 is None


@pytest.mark.parametrize(
    ("text", "term"),
    [("Микросхемы интегральные", "микросхемы интегральные"), ("СТАНКИ токарные", "станки"),
     ("подшипников", "подшипников"), ("ёмкость конденсатора", "конденсатора"),
     ("数控车床一台", "数控车床"), ("gps接收机", "gps"), ("CNC-lathe", "cnc-lathe")],
)
def test_find_terms(text: str, term: str) -> None:
    assert term in {match.text for match in find_terms(text)}


def test_classify_table_adds_columns_and_keeps_order() -> None:
    lines = [line for line, _ in CASES]
    table = pa.table({
        name: [line[i] for line in lines]
        for i, name in enumerate(("hs_code", "description", "manufacturer", "brand", "model"))
    })
    table = pa.concat_tables([table, table.slice(0, 5), table])  # repeated tuples
    out = classify_table(table)
    assert out.num_rows == table.num_rows
    assert out.schema.names == table.schema.names + OUTPUT_SCHEMA.names
    rows = out.to_pylist()
    for row in rows:
        single = classify_line(row["hs_code"], row["description"], row["manufacturer"],
                               row["brand"], row["model"])
        assert row["chpl_tier"] == single.tier
        assert row["misdeclared"] == single.misdeclared
        assert row["inferred_hs"] == single.inferred_hs
        assert row["brand_canonical"] == (single.brand.name if single.brand else None)
        assert row["class_reasons"] == list(single.reasons)
        assert row["hs6"] == (single.hs.hs6 if single.hs else None)


def test_classify_table_missing_columns_numeric_codes_and_empty() -> None:
    table = pa.table({"hs_code": pa.array([8542310000.0, 1012100.0, None])})
    out = classify_table(table)
    assert out.column("hs6").to_pylist() == ["854231", "010121", None]
    assert out.column("chpl_tier").to_pylist() == ["1", None, None]
    empty = classify_table(pa.table({"description": pa.array([], pa.string())}))
    assert empty.num_rows == 0 and "misdeclared" in empty.schema.names


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(), st.none()), st.one_of(st.text(), st.none()),
       st.one_of(st.text(), st.none()))
def test_classify_line_never_raises(hs: str | None, description: str | None,
                                    model: str | None) -> None:
    result = classify_line(hs, description, model=model)
    assert result.tier is None or result.tier in ("1", "2", "3.A", "3.B", "4.A", "4.B")
