"""A real ``osms serve`` in a subprocess on a loopback port, for tests of the running server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

SERVE = (sys.executable, "-c", "import typer; from osms.cli.serve import serve; typer.run(serve)")
"""``osms serve`` itself, without importing the other commands."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    options: Sequence[str], env: Mapping[str, str], log_path: Path, *, start_timeout: float = 120
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``osms serve OPTIONS`` (with ``--host 127.0.0.1 --port N`` among them), wait for
    ``/healthz``, yield the process, and stop it (SIGTERM, then SIGKILL) whatever happens."""
    port = options[list(options).index("--port") + 1]
    with log_path.open("wb") as log:  # a file, not a pipe nobody reads: it would block
        server = subprocess.Popen(
            [*SERVE, *options], env=dict(env), stdout=log, stderr=log, start_new_session=True
        )
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = log_path.read_text(errors="replace")[-2000:]
                    raise AssertionError(f"osms serve did not start: {tail}")
                time.sleep(0.2)
            yield server
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(timeout=20)
