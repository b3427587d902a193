"""Load test of ``POST /match/default``: the server runs in its own process on 127.0.0.1 (a
copy of a workspace), this process sends a bounded number of requests from a few concurrent
clients and prints requests/s, p50 / p99 latency and errors. Bar: no errors, p99 < 100 ms.

    python benchmarks/api_load.py [--workspace WS] --requests 2000 --clients 4
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from dibwatch.casework.users import get_user
from dibwatch.web import AppState, Role, add_user, create_token, state_path_for

NAMES = ["Krylotronika Instrument Works", "Velmorsk Microdevices", "Brytvom Elektronika",
         "Flodira International", "Global Trading Co Ltd", "Sirius Components",
         "ООО Вельморск Микроприборы", "Dynkom Mikroelektronika", "Belix Machinery GmbH",
         "Quirzent Components"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=None,
                        help="a workspace with lists loaded (copied, never opened itself); "
                             "default: the demo world (5,000 shipments) built here")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dibwatch-load-") as tmp:
        ws = Path(tmp) / "ws.duckdb"
        if args.workspace is None:
            from dibwatch.demo import run_demo
            from dibwatch.workspace import Workspace

            print("building the demo workspace (5,000 shipments)...", flush=True)
            with Workspace(ws) as demo:
                run_demo(demo, Path(tmp) / "world", shipments=5_000)
        else:
            shutil.copy(args.workspace, ws)
        state = AppState(state_path_for(ws))
        add_user(state, "bench", "benchmark-password", Role.viewer)
        from datetime import timedelta

        token = create_token(state, get_user(state, "bench"), "bench", timedelta(hours=1))
        port = free_port()
        server = subprocess.Popen(
            # serve() itself, so the benchmark runs whether or not the CLI registers it.
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from dibwatch.cli.serve import serve; "
             "serve(workspace=Path(sys.argv[1]), port=int(sys.argv[2]))", str(ws), str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
        url = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        try:
            for _ in range(600):  # wait for startup (≤ 60 s)
                try:
                    if httpx.get(f"{url}/auth/me", headers=headers).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            with httpx.Client(base_url=url, headers=headers, timeout=30) as warm:
                warm.post("/match/default", json=_body(0))  # builds the in-memory index
            latencies, errors, seconds = _run(url, headers, args.requests, args.clients)
        finally:
            server.terminate()
            server.wait(30)
    ok = len(latencies)
    p50 = statistics.median(latencies) * 1000
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000 if ok >= 100 else max(latencies) * 1000
    print(f"requests {args.requests} from {args.clients} clients in {seconds:.2f} s: "
          f"{args.requests / seconds:,.0f} requests/s")
    print(f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms; errors {errors}")
    print(f"bar (no errors, p99 < 100 ms): {'MET' if not errors and p99 < 100 else 'NOT MET'}")


def _body(i: int) -> dict[str, object]:
    return {"queries": {"q": {"schema": "Company",
                              "properties": {"name": [NAMES[i % len(NAMES)]]}}}}


def _run(url: str, headers: dict[str, str], total: int, clients: int
         ) -> tuple[list[float], int, float]:
    def worker(indices: range) -> tuple[list[float], int]:
        out: list[float] = []
        errors = 0
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            for i in indices:
                started = time.perf_counter()
                try:
                    r = client.post("/match/default", json=_body(i))
                    if r.status_code != 200:
                        errors += 1
                        continue
                except httpx.HTTPError:
                    errors += 1
                    continue
                out.append(time.perf_counter() - started)
        return out, errors

    share = total // clients
    parts = [range(c * share, total if c == clients - 1 else (c + 1) * share)
             for c in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(worker, parts))
    seconds = time.perf_counter() - started
    return [x for r, _ in results for x in r], sum(e for _, e in results), seconds


if __name__ == "__main__":
    main()
