"""The command line on a full disk (issue #12, row 12) and the files it creates (row 7)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from dibwatch.workspace import Workspace

# Runs the command line with a cap on the size of any file it writes (RLIMIT_FSIZE; the
# signal ignored, so a write past it fails with EFBIG as a full disk fails with ENOSPC).
_CAPPED = ("import resource, signal, sys\n"
           "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
           "cap = int(sys.argv[1])\n"
           "resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))\n"
           "sys.argv = ['dibwatch', *sys.argv[2:]]\n"
           "from dibwatch.cli import main\nmain()\n")


def _dibwatch(*args: str, cap: int | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", _CAPPED, str(cap), *args] if cap else \
        [sys.executable, "-m", "dibwatch", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "300"})


def test_a_full_disk_is_one_clear_line_and_the_workspace_survives(
        tmp_path: Path, shared: Callable[[str], Path]) -> None:
    # A small first list, then a large one whose write-ahead log alone outgrows the cap
    # (DuckDB 1.x commits to the log and checkpoints later: the log is what must fail).
    first = shared("sanctions/bis_dpl_2023-11/dpl.txt")
    second = shared("sanctions/us_csl_2022-05/consolidated.csv.gz")
    ws = tmp_path / "ws.duckdb"
    assert _dibwatch("lists", "load", str(first), "-w", str(ws)).returncode == 0
    size = ws.stat().st_size
    full = _dibwatch("lists", "load", str(second), "-w", str(ws), cap=size + 1_000_000)
    assert full.returncode == 2, full.stderr
    err = " ".join(full.stderr.split())
    assert "could not be written" in err and "nothing of this change was kept" in err
    assert "Traceback" not in full.stderr and "TransactionException" not in full.stderr
    with Workspace(ws, read_only=True) as w:
        assert [r[0] for r in w.engine.query("SELECT source FROM snapshots")] == ["us_bis_dpl"]


def test_the_command_line_creates_private_files(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    out = subprocess.run(
        [sys.executable, "-m", "dibwatch", "users", "add", "ann", "-w", str(ws)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "DIBWATCH_PASSWORD": "a long password"})
    assert out.returncode == 0, out.stderr
    listed = tmp_path / "l.csv"
    from dibwatch.demo import demo_list_files

    listed.write_bytes(demo_list_files()[0].read_bytes())
    assert _dibwatch("lists", "load", str(listed), "-w", str(ws)).returncode == 0
    for path in tmp_path.iterdir():
        if path.name.startswith("w.duckdb"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
