from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.goods import brand_named, brand_of, brands, coalition_member, model_of

# text, brand found (None: no brand)
CASES: list[tuple[str, str | None]] = [
    ("MCU STM32F407VGT6 ST", "STMicroelectronics"),
    ("XILINX XC7Z020-1CLG400C", "Xilinx"),
    ("ТИ TPS54331", "Texas Instruments"),
    ("TI", "Texas Instruments"),
    ("Texas Instruments TMS320F28335", "Texas Instruments"),
    ("ADI AD9361BBCZ", "Analog Devices"),
    ("микросхема ADSP-BF592", "Analog Devices"),
    ("Altera EP4CE10E22C8N", "Altera"),
    ("FPGA 10M08SAE144C8G", "Altera"),
    ("ATmega328P-AU", "Atmel"),
    ("PIC16F877A-I/P", "Microchip"),
    ("LPC1768FBD100", "NXP"),
    ("i.MX6ULL processor", "NXP"),
    ("IRF540NPBF", "International Rectifier"),
    ("XMC4500-F100K1024", "Infineon"),
    ("R5F104GEAFB", "Renesas"),
    ("onsemi NCP1117", "onsemi"),
    ("ON Semiconductor", "onsemi"),
    ("Maxim MAX232CPE", "Maxim Integrated"),
    ("LTC3780EG", "Linear Technology"),
    ("Freescale MPC5554", "Freescale"),
    ("Cypress CY8C4245", "Cypress"),
    ("Rohde & Schwarz FSW26", "Rohde & Schwarz"),
    ("R&S SMW200A", "Rohde & Schwarz"),
    ("осциллограф Tektronix MDO3104", "Tektronix"),
    ("DMG MORI DMU 50", "DMG Mori"),
    ("HAAS VF-2SS", "Haas"),
    ("ublox NEO-M8N", "u-blox"),
    ("GNSS module NEO-M8N", "u-blox"),
    ("海康威视 DS-2CD2143G2-I", "Hikvision"),
    ("大疆 Mavic 3", "DJI"),
    ("德州仪器 芯片", "Texas Instruments"),
    ("单片机STM32F103C8T6", "STMicroelectronics"),
    ("GD32F103C8T6", "GigaDevice"),
    ("龙芯 3A5000", "Loongson"),
    ("ball bearings SKF 6205-2RS", "SKF"),
    ("Sinumerik 828D", "Siemens"),
    ("Micron MT41K256M16TW-107", "Micron"),
    ("MT41K256M16TW-107", "Micron"),
    # Not brands: units, structures, words.
    ("10 micron filter", None),
    ("lattice tower steel", None),
    ("hexagon bolts M8", None),
    ("toys for children", None),
    ("stainless st. pipes", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_brand_of(text: str, expected: str | None) -> None:
    found = brand_of(text)
    assert (found.name if found else None) == expected


def test_brand_facts() -> None:
    xilinx = brand_named("Xilinx")
    assert xilinx is not None
    assert (xilinx.manufacturer, xilinx.country, xilinx.coalition) == ("AMD", "US", True)
    altera = brand_of("Altera")
    assert altera is not None and altera.manufacturer == "Intel"
    hikvision = brand_named("海康威视")
    assert hikvision is not None and (hikvision.country, hikvision.coalition) == ("CN", False)
    skf = brand_named("SKF")
    assert skf is not None and skf.coalition and skf.goods == ("bearings",)
    assert len(brands()) >= 60


def test_model_reports_whole_part_number() -> None:
    found = model_of("MCU STM32F407VGT6 ST")
    assert found is not None
    assert (found.model, found.hs, found.tier) == ("STM32F407VGT6", "854231", "1")
    assert model_of("no part number here") is None


def test_coalition_membership_by_date() -> None:
    assert coalition_member("DE")
    assert coalition_member("de")
    assert not coalition_member("CN")
    assert not coalition_member("RU")
    assert not coalition_member(None)
    assert coalition_member("CH", on=date(2022, 4, 8))
    assert not coalition_member("CH", on=date(2022, 3, 1))
    assert coalition_member("US", on=date(2022, 2, 24))
    assert not coalition_member("US", on=date(2021, 12, 31))


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_brand_of_never_raises(text: str) -> None:
    brand_of(text)
    model_of(text)
