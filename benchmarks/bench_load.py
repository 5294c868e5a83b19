"""HTTP load on the public status check, PostgreSQL behind it, with wrk on loopback.

    uv run python benchmarks/bench_load.py [--people 20000] [--seconds 20] [--record]

Fills a fresh PostgreSQL schema with N people (60 monthly payments each), starts
`osms serve` with 1 and then 2 workers on 127.0.0.1, and runs `wrk` (Debian package) with a
Lua script that asks for random IINs at GET /api/v1/status/{iin}: every request loads the
facts (two queries), decides, writes its audit event and commits.  The per-IP rate limit is
lifted for the run (OSMS_PUBLIC_RATE_LIMIT) since all the load comes from one address.
Target (issue #4): p99 under 50 ms at 500 requests per second or more.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from bench_lookup import fill, iins
from common import POSTGRES, machine, record
from sqlalchemy import text

from osms.registry import migrate
from osms.registry.db import make_engine

LUA = """
local iins = {%s}
request = function()
  return wrk.format("GET", "/api/v1/status/" .. iins[math.random(#iins)])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become ready")


def parse_wrk(output: str) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 latency in milliseconds, from `wrk --latency`."""

    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = ms(re.search(r"50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = ms(re.search(r"99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    return rps, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    schema = f"osms_load_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    people = iins(args.people)
    results = {}
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        fill(engine, people)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        engine.dispose()
        with tempfile.TemporaryDirectory() as work:
            script = Path(work) / "status.lua"
            script.write_text(LUA % ", ".join(f'"{i}"' for i in people[:5000]))
            for workers in (1, 2):
                port = free_port()
                env = {
                    **os.environ,
                    "OSMS_DATABASE_URL": url,
                    "OSMS_PUBLIC_RATE_LIMIT": "100000000",
                }
                server = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "osms.cli.main",
                        "serve",
                        "--port",
                        str(port),
                        "--workers",
                        str(workers),
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                try:
                    wait_ready(port)
                    subprocess.run(  # warm-up: connections, prepared statements, caches
                        [
                            "wrk",
                            "-t2",
                            "-c8",
                            "-d3s",
                            "-s",
                            str(script),
                            f"http://127.0.0.1:{port}",
                        ],
                        capture_output=True,
                        check=True,
                    )
                    run = subprocess.run(
                        [
                            "wrk",
                            "-t2",
                            f"-c{args.connections}",
                            f"-d{args.seconds}s",
                            "--latency",
                            "-s",
                            str(script),
                            f"http://127.0.0.1:{port}",
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    results[workers] = parse_wrk(run.stdout)
                    rps, p50, p99 = results[workers]
                    print(
                        f"{workers} worker(s): {rps:,.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms"
                    )
                finally:
                    server.terminate()
                    server.wait(timeout=30)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    if args.record:
        record(
            "load",
            "# HTTP load on the public status check (wrk, loopback, PostgreSQL)\n\n"
            "`uv run python benchmarks/bench_load.py --record`: GET /api/v1/status/{iin} for\n"
            "random IINs among N people with 60 monthly payments; each request loads the\n"
            "facts, decides, writes an audit event and commits. wrk -t2 -cC -dDs --latency.\n"
            "Target: p99 under 50 ms at 500 req/s or more. wrk and the server share the\n"
            "2 cores.",
            [
                "date",
                "machine",
                "people",
                "connections",
                "1 worker req/s",
                "1 worker p50/p99",
                "2 workers req/s",
                "2 workers p50/p99",
            ],
            [
                machine(),
                f"{args.people:,}",
                str(args.connections),
                f"{results[1][0]:,.0f}",
                f"{results[1][1]:.1f} / {results[1][2]:.1f} ms",
                f"{results[2][0]:,.0f}",
                f"{results[2][1]:.1f} / {results[2][2]:.1f} ms",
            ],
        )


if __name__ == "__main__":
    main()
