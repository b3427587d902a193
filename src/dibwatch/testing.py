"""Test helpers shipped with the package (httpx style), usable by downstream projects too.

Real list files are read from the shared data folder: ``$DIBWATCH_SHARED_DATA`` or
``../shared/data`` beside the checkout. A missing file skips the test with the reason, except
under ``CI=true``, where it fails: CI must never pass by skipping the real-data tests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dibwatch.ingest.report import LoadReport
from dibwatch.lists.base import ListParser
from dibwatch.model.entity import Entity

_REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    env = os.environ.get("DIBWATCH_SHARED_DATA")
    if env:
        return Path(env)
    return _REPO_ROOT.parent / "shared" / "data"


def shared_file(relpath: str) -> Path:
    """Path of ``relpath`` under the shared data folder; skip (or fail under CI) if absent."""
    import pytest

    path = shared_data_dir() / relpath
    if not path.exists():
        reason = (f"shared data file {relpath} not found under {shared_data_dir()} "
                  "(set DIBWATCH_SHARED_DATA)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def ci_provided(env_var: str, what: str) -> str:
    """The value of ``env_var``, which CI (``.ci/run``) sets up; skip without it, except
    under ``CI=true``, where it fails like a missing shared file."""
    import pytest

    value = os.environ.get(env_var)
    if not value:
        reason = f"${env_var} is not set: {what} (.ci/run provides it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return value


def run_parser(parser_cls: type[ListParser], path: Path,
               source: str) -> tuple[list[Entity], LoadReport, str | None]:
    """Run one list parser on ``path`` without a workspace: its entities, its load report and
    the publication date it read."""
    report = LoadReport(str(path))
    parser = parser_cls(path, source, report)
    entities = list(parser.entities())
    return entities, report, parser.published_at


def write_input(data: bytes, suffix: str, folder: Path) -> Path:
    """Write ``data`` as ``folder/input<suffix>`` (parsers detect formats by content, and
    some by name)."""
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


def by_source_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.source_id: e for e in entities}


_JUNK = [b'"', b"'", b"<", b">", b"</x>", b'="', b",", b";", b"\t", b"|", b"\n", b"&", b"{",
         b"}", b"\x00", b"\xff", b"\xff\xfe", b"31/02/2020", b"2024-99-99"]


def mutations(sample: bytes) -> Any:
    """A hypothesis strategy of ``sample`` with a slice cut out and junk put in its place —
    broken quoting, stray markup, NULs, impossible dates — for parser robustness tests."""
    from hypothesis import strategies as st

    def mutate(pos: int, cut: int, junk: bytes) -> bytes:
        return sample[:pos] + junk + sample[pos + cut:]

    return st.builds(mutate, st.integers(0, len(sample)), st.integers(0, 40),
                     st.binary(max_size=20) | st.sampled_from(_JUNK))


def assert_parses_or_input_error(parser_cls: type[ListParser], data: bytes,
                                 source: str) -> None:
    """The parser contract on arbitrary bytes: entities, or an InputError with a location —
    never any other exception."""
    import tempfile

    from dibwatch.errors import InputError

    with tempfile.TemporaryDirectory() as tmp:
        path = write_input(data, "", Path(tmp))
        try:
            entities, _, _ = run_parser(parser_cls, path, source)
        except InputError as exc:
            assert exc.location is not None, exc
            return
        assert all(isinstance(e, Entity) for e in entities)
