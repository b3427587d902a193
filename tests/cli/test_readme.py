"""The README's walk-through, run line by line in an empty folder as a new user would, then,
while its `dibwatch serve` still holds the workspace, the writes that must be refused."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dibwatch.testing import shared_data_dir, shared_file
from dibwatch.workspace.holder import announce_path

ROOT = Path(__file__).resolve().parents[2]


def walkthrough() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Walk-through", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines()
            if line.strip() and not line.startswith("#")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dibwatch", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def wait_for_server(workspace: Path, url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited ({proc.returncode})"
        if announce_path(workspace).exists():
            try:
                httpx.get(f"{url}/docs", timeout=2)
                return
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    raise AssertionError("the server did not come up in 120 s")


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    shared_file("sanctions/bis_dpl_2023-11/dpl.txt")
    env = {k: v for k, v in os.environ.items() if k != "DIBWATCH_WORKSPACE"}
    env["COLUMNS"] = "200"
    port = free_port()
    server: subprocess.Popen[str] | None = None
    out: dict[str, subprocess.CompletedProcess[str]] = {}
    try:
        for line in walkthrough():
            args = shlex.split(line.replace("../shared/data", str(shared_data_dir())))
            assert args[0] == "dibwatch", line
            if args[-1] == "&":
                args = [a if a != "8000" else str(port) for a in args[1:-1]]
                server = subprocess.Popen([sys.executable, "-m", "dibwatch", *args],
                                          cwd=tmp_path, env=env, text=True,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                wait_for_server(tmp_path / "dibwatch.duckdb", f"http://127.0.0.1:{port}",
                                server)
                continue
            result = run(args[1:], tmp_path, env)
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
            out[line.split()[1] + (" serving" if server else "")
                + ("" if line.split()[1] not in ("lists", "trade", "rank")
                   else " " + line.split()[2])] = result

        assert "everything was up to date" in out["update"].stdout
        assert "reading the copy it published" in out["lists serving status"].stderr
        assert "holds the workspace: screening through it" in out["screen serving"].stdout
        assert "MATCH" in out["screen serving"].stdout
        assert "up to date" in out["rank serving --output"].stdout
        assert (tmp_path / "firms-again.csv").read_bytes() == (tmp_path / "firms.csv").read_bytes()

        # Writes while the server holds the workspace: one line saying how, exit 2.
        blocked = run(["lists", "load", str(shared_data_dir() / "sanctions/us_bis_mieu")],
                      tmp_path, env)
        assert blocked.returncode == 2
        message = " ".join(blocked.stderr.split())
        assert f"(PID {server.pid}, http://127.0.0.1:{port}) holds workspace" in message \
            if server else False
        assert f"http://127.0.0.1:{port}/lists/load" in message
        assert "Traceback" not in blocked.stderr
        trade = run(["trade", "load", "world/shipments.parquet", "--replace"], tmp_path, env)
        assert trade.returncode == 2 and "stop the server" in " ".join(trade.stderr.split())
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    assert not announce_path(tmp_path / "dibwatch.duckdb").exists(), "announcement left"
    after = run(["lists", "status"], tmp_path, env)
    assert after.returncode == 0 and "reading the copy" not in after.stderr


EMPTY_STAGES = [
    (["lists", "status"], 0, "list snapshots"),
    (["trade", "firms"], 2, "no shipments loaded: run `dibwatch trade load FILE` first"),
    (["rank"], 2, "no shipments loaded: run `dibwatch trade load FILE` first"),
    (["report"], 2, "no shipments loaded: run `dibwatch trade load FILE` first"),
    (["status"], 0, "dibwatch trade load FILE"),
]


@pytest.mark.parametrize(("command", "code", "says"), EMPTY_STAGES,
                         ids=[" ".join(c[0]) for c in EMPTY_STAGES])
def test_a_command_whose_input_is_missing_names_the_command_that_makes_it(
        tmp_path: Path, command: list[str], code: int, says: str) -> None:
    env = {**os.environ, "COLUMNS": "200", "DIBWATCH_WORKSPACE": str(tmp_path / "w.duckdb")}
    run(["lists", "load", str(ROOT / "src/dibwatch/demo/data/demo_list_v1.csv")], tmp_path,
        env)
    result = run(command, tmp_path, env)
    assert result.returncode == code, result.stdout + result.stderr
    assert says in " ".join((result.stdout + result.stderr).split())
    assert "Traceback" not in result.stderr
