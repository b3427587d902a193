"""Property: whatever bytes a parser is fed, the load ends in a snapshot or in a dibwatch
InputError with a location, and a failed load leaves the workspace exactly as it was."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibwatch.errors import InputError
from dibwatch.lists.loader import load_list
from dibwatch.lists.parsers import all_parsers, detect
from dibwatch.testing import shared_data_dir
from dibwatch.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Line-oriented real files: their first lines make small, valid seeds.
LINE_SEEDS = [
    "sanctions/bis_dpl_2023-11/dpl.txt",
    "sanctions/us_bis_mieu/mieu.csv",
    "sanctions/us_dod_1260h_chinese_military_companies/sanctions.csv",
    "sanctions/eu_ojeu_consolidated_annexes_2026-07/32024R2642.csv",
    "sanctions/us_csl_2025-06_sample/consolidated.csv",
    "opensanctions_ftm/yente_t1_entities.ftm.json",
]


def _seeds(tmp: Path) -> list[tuple[str, bytes]]:
    """(format, bytes) pairs of small valid inputs."""
    seeds: list[tuple[str, bytes]] = []
    for rel in LINE_SEEDS:
        path = shared_data_dir() / rel
        if path.exists():
            head = b"".join(path.read_bytes().splitlines(keepends=True)[:25])
            sample = tmp / path.name
            sample.write_bytes(head)
            cls, _ = detect(sample)
            seeds.append((cls.format, head))
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.stat().st_size < 64_000:
            try:
                cls, _ = detect(path)
            except InputError:
                continue
            seeds.append((cls.format, path.read_bytes()))
    return seeds


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    found = _seeds(tmp_path_factory.mktemp("seeds"))
    if not found:
        pytest.skip("no seed inputs found")
    return found


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("fuzz") / "ws.duckdb")
    yield ws
    ws.close()


def _mutate(data: bytes, ops: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, pos, blob in ops:
        if not out:
            out.extend(blob)
            continue
        i = pos % len(out)
        if kind == 0:
            out[i:i + len(blob)] = blob  # overwrite
        elif kind == 1:
            out[i:i] = blob  # insert
        elif kind == 2:
            del out[i:i + max(1, len(blob))]  # delete
        else:
            del out[i:]  # truncate
    return bytes(out)


_OPS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20),
                          st.binary(min_size=1, max_size=8)
                          | st.sampled_from([b'"', b"\t", b",", b";", b"\n", b"<", b">",
                                             b"&", b"\x00", b"\xff\xfe", b"{", b"}"])),
                min_size=1, max_size=4)


def _snapshot_state(ws: Workspace) -> tuple[int, int]:
    return (int(ws.engine.scalar("SELECT count(*) FROM snapshots")),
            int(ws.engine.scalar("SELECT count(*) FROM entities")))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data(), ops=_OPS)
def test_mutated_inputs(seeds: list[tuple[str, bytes]], workspace: Workspace,
                        tmp_path: Path, data: st.DataObject,
                        ops: list[tuple[int, int, bytes]]) -> None:
    fmt, seed = data.draw(st.sampled_from(seeds))
    path = tmp_path / f"mutant-{fmt}"
    path.write_bytes(_mutate(seed, ops))
    before = _snapshot_state(workspace)
    try:
        result = load_list(workspace, path, source="fuzz", fmt=fmt)
    except InputError as exc:
        assert exc.location is not None and exc.location.file
        assert _snapshot_state(workspace) == before
    else:
        assert result.snapshot.entity_count > 0
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)
        tmp_path.mkdir(exist_ok=True)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(all_parsers())), blob=st.binary(max_size=2000))
def test_arbitrary_bytes(workspace: Workspace, tmp_path: Path, fmt: str, blob: bytes) -> None:
    path = tmp_path / "arbitrary.bin"
    path.write_bytes(blob)
    before = _snapshot_state(workspace)
    try:
        load_list(workspace, path, source="fuzz-any", fmt=fmt)
    except InputError as exc:
        assert exc.location is not None
        assert _snapshot_state(workspace) == before
