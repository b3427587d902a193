"""Throughput of ``classify_table`` on synthetic shipment lines (not a test; run by hand).

    python tests/goods/bench_classify.py [ROWS] [DISTINCT]

Lines are drawn from ``DISTINCT`` invented (hs_code, description, brand, model) tuples in
English, Russian and Chinese, some misdeclared; nothing is written to disk.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pyarrow as pa

from dibwatch.goods import classify_table

GOODS = [
    ("854231", "microcontroller {m}", "STM32F{n}VGT6"), ("854239", "FPGA {m}", "XC7Z0{n}-1CLG400C"),
    ("854231", "микросхема {m}", "ATmega{n}P-AU"), ("854232", "存储器 {m}", "MT41K{n}M16TW"),
    ("853224", "керамический конденсатор {m}", "GRM188R71H{n}KA93D"),
    ("848210", "ball bearings {m}", "6{n}-2RS"), ("845710", "加工中心 {m}", "VF-{n}"),
    ("903020", "осциллограф {m}", "DS1{n}Z"), ("852691", "GNSS module {m}", "NEO-M{n}N"),
    ("392690", "plastic parts {m}", "PP-{n}"), ("610910", "T-shirts {m}", "SIZE {n}"),
    ("940540", "lamp {m}", "L{n}"),
]
DECLARED = ["{hs}", "{hs}0000", "{hs}.00", "392690", "", "N/A", "{hs4}.{hs56}"]


def synthetic_table(rows: int, distinct: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    pool: list[tuple[str, str, str | None, str]] = []
    for i in range(distinct):
        hs, text, model_form = GOODS[i % len(GOODS)]
        model = model_form.format(n=100 + i % 900)
        declared = DECLARED[(i // len(GOODS)) % len(DECLARED)].format(
            hs=hs, hs4=hs[:4], hs56=hs[4:]
        )
        brand = None if i % 3 else f"Fictional Brand {i % 50}"
        pool.append((declared, text.format(m=model) + f" lot {i}", brand, model))
    pick = rng.integers(0, distinct, size=rows)
    columns = list(zip(*pool, strict=True))
    return pa.table({
        name: pa.array(columns[k], pa.string()).take(pa.array(pick))
        for k, name in enumerate(("hs_code", "description", "brand", "model"))
    })


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    distinct = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    table = synthetic_table(rows, distinct)
    start = time.perf_counter()
    out = classify_table(table)
    seconds = time.perf_counter() - start
    flagged = sum(out.column("misdeclared").to_pylist())
    print(f"{rows:,} rows, {distinct:,} distinct tuples: {seconds:.2f} s, "
          f"{rows / seconds:,.0f} rows/s, {flagged:,} misdeclared")


if __name__ == "__main__":
    main()
