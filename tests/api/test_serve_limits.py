"""A real ``osms serve`` on a free loopback port under slow-header ("slow loris") connections.

Bounded: a few dozen connections to 127.0.0.1 only, each test over in seconds.  The server
runs with a 2-second header timeout and room for 10 connections, so that what holds is seen
quickly: the connections beyond the limit are closed at once, the rest within the timeout,
and a normal request is answered all along.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from osms.api.connections import ServeLimits
from osms.cli.main import app
from osms.registry.db import make_engine, make_session_factory
from osms.services.clients import create_client
from tests.api.served import free_port, running_server

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 1.0
MAX_CONNECTIONS = 10
SLOW_CONNECTIONS = 30
PUBLIC_LIMIT = 5
"""Public checks a minute from one address: a token back every 12 s, none during a test."""


@dataclass(frozen=True)
class Served:
    port: int
    log: Path
    key: str
    """A bank's key (scope registers:write), to send a body the application reads."""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)


@pytest.fixture(scope="module", params=["httptools", "h11"])
def served(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _migrated_sqlite_template: Path,
) -> Iterator[Served]:
    """``osms serve`` with each of Uvicorn's parsers, both guarded."""
    folder = tmp_path_factory.mktemp("serve-limits")
    shutil.copyfile(_migrated_sqlite_template, folder / "osms.sqlite")
    engine = make_engine(f"sqlite:///{folder / 'osms.sqlite'}")
    with make_session_factory(engine)() as session, session.begin():
        _, key = create_client(session, "slowbank", ["registers:write"], "test", 10**6)
    engine.dispose()
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "OSMS_DATABASE_URL"}
    env.update(
        OSMS_DATA_DIR=str(folder),
        OSMS_PUBLIC_RATE_LIMIT=str(PUBLIC_LIMIT),
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    log_path = folder / "serve.log"
    options = [
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--header-timeout", str(HEADER_TIMEOUT), "--body-timeout", str(BODY_TIMEOUT)),
        *("--max-connections", str(MAX_CONNECTIONS), "--max-header-bytes", "4096"),
        *("--http", request.param),
    ]
    with running_server(options, env, log_path):
        yield Served(port, log_path, key)


def _closed_by_server(connection: socket.socket) -> tuple[bool, bytes]:
    """(closed, what the server sent) without waiting: a non-blocking peek at the socket."""
    received = b""
    connection.setblocking(False)
    try:
        while True:
            chunk = connection.recv(4096)
            if not chunk:
                return True, received
            received += chunk
    except BlockingIOError:
        return False, received
    except OSError:
        return True, received


def _answer(connection: socket.socket, seconds: float) -> tuple[bytes, float]:
    """What the server sends until it closes, and when it closed (bounded wait)."""
    started = time.monotonic()
    connection.settimeout(seconds)
    received = b""
    try:
        while chunk := connection.recv(4096):
            received += chunk
    except (TimeoutError, OSError):
        pass
    return received, time.monotonic() - started


def test_slow_headers_are_closed_and_normal_requests_still_answered(served: Served) -> None:
    slow: list[socket.socket] = []
    opened = time.monotonic()
    try:
        for _ in range(SLOW_CONNECTIONS):
            connection = served.connect()
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: loris\r\n")  # never finished
            slow.append(connection)
        # Normal requests are answered in the middle of the attack (each takes a slot too).
        for _ in range(3):
            assert httpx.get(f"{served.base}/healthz", timeout=5).status_code == 200

        time.sleep(0.5)
        closed = [_closed_by_server(connection)[0] for connection in slow]
        # Beyond the limit the oldest waiting connections were closed at once.
        assert sum(closed) >= SLOW_CONNECTIONS - MAX_CONNECTIONS

        closed_at: dict[int, float] = {}
        answers: dict[int, bytes] = {}
        deadline = opened + HEADER_TIMEOUT + 5
        while len(closed_at) < len(slow) and time.monotonic() < deadline:
            for i, connection in enumerate(slow):
                if i in closed_at:
                    continue
                done, received = _closed_by_server(connection)
                answers[i] = answers.get(i, b"") + received
                if done:
                    closed_at[i] = time.monotonic() - opened
                else:
                    try:
                        connection.sendall(b"X-Slow: 1\r\n")  # a byte now and then: no reset
                    except OSError:
                        closed_at[i] = time.monotonic() - opened
            time.sleep(0.1)
        assert len(closed_at) == len(slow), "a slow connection outlived the header timeout"
        assert max(closed_at.values()) < HEADER_TIMEOUT + 3
        assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers.values() if answer), (
            set(answers.values())
        )
    finally:
        for connection in slow:
            connection.close()
    assert httpx.get(f"{served.base}/healthz", timeout=5).status_code == 200


def test_headers_too_large_are_refused(served: Served) -> None:
    with served.connect() as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8192)
        answer, _ = _answer(connection, 5)
    assert answer.split(b"\r\n")[0] in (
        b"HTTP/1.1 431 Request Header Fields Too Large",
        b"HTTP/1.1 400 Bad Request",  # the parser may refuse it first
    )


def test_headers_too_large_are_refused_when_they_arrive_whole(served: Served) -> None:
    """Headers over the limit that arrived complete in one read reached the application (the
    guard counted only while it still waited for the end of the headers); a body in the same
    read is not counted as headers."""
    with served.connect() as connection:
        connection.sendall(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8192 + b"\r\n\r\n"
        )
        answer, _ = _answer(connection, 5)
    assert answer.split(b"\r\n")[0] in (
        b"HTTP/1.1 431 Request Header Fields Too Large",
        b"HTTP/1.1 400 Bad Request",  # the parser may refuse it first
    )
    body = b"iin,period,amount,knp,payer,paid_on,channel,reference\r\n" + b"x" * 16384
    with served.connect() as connection:
        connection.sendall(
            b"POST /api/v1/registers?format=csv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Authorization: Bearer " + served.key.encode() + b"\r\n"
            b"Content-Type: text/csv\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        answer, _ = _answer(connection, 10)
    assert b"x-request-id" in answer.lower(), answer[:80]  # the application's own answer


def test_a_stalled_body_is_closed(served: Served) -> None:
    """The application reads the upload; the sender stops sending: 408 after the body timeout."""
    with served.connect() as connection:
        connection.sendall(
            b"POST /api/v1/registers?format=csv HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + served.key.encode() + b"\r\n"
            b"Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\niin;period"
        )
        answer, took = _answer(connection, BODY_TIMEOUT + 10)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert BODY_TIMEOUT - 0.2 < took < BODY_TIMEOUT + 3


def test_a_slow_but_moving_body_goes_on(served: Served) -> None:
    """Bytes keep a body alive: only silence longer than the body timeout ends it."""
    with served.connect() as connection:
        connection.sendall(
            b"POST /api/v1/registers?format=csv HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + served.key.encode() + b"\r\n"
            b"Content-Type: text/csv\r\nContent-Length: 8\r\n\r\n"
        )
        for byte in b"iin;peri":  # 8 bytes over ~2.8 s, longer than the body timeout in all
            connection.sendall(bytes([byte]))
            time.sleep(BODY_TIMEOUT * 0.35)
        answer, _ = _answer(connection, 10)
    assert not answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert answer.startswith(b"HTTP/1.1 4")  # the application's own verdict on the content


def test_a_kept_alive_connection_gets_no_slow_second_request(served: Served) -> None:
    """Uvicorn stops its keep-alive timer at the first byte; the header deadline stands."""
    with served.connect() as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while not first.endswith(b'{"status":"ok"}'):
            chunk = connection.recv(4096)
            assert chunk, first
            first += chunk
        assert first.startswith(b"HTTP/1.1 200")
        connection.sendall(b"GET /healthz HTTP/1.1\r\n")  # and never the rest
        answer, took = _answer(connection, HEADER_TIMEOUT + 10)
    assert took < HEADER_TIMEOUT + 3
    assert answer.startswith(b"HTTP/1.1 408")


# -- settings, checked before anything is served ---------------------------------------------


def test_the_limits_come_from_the_environment() -> None:
    assert ServeLimits.from_env({}) == ServeLimits()
    limits = ServeLimits.from_env({"OSMS_HEADER_TIMEOUT": "2.5", "OSMS_MAX_CONNECTIONS": "50"})
    assert (limits.header_timeout, limits.max_connections) == (2.5, 50)
    assert ServeLimits.from_env(limits.environment()) == limits
    for name, wrong in (("OSMS_BODY_TIMEOUT", "soon"), ("OSMS_MAX_CONNECTIONS", "0")):
        with pytest.raises(ValueError, match=name):
            ServeLimits.from_env({name: wrong})


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--http", "spdy"], {}, "--http"),
        (["--max-connections", "0"], {}, "--max-connections"),
        ([], {"OSMS_TRUSTED_PROXIES": "proxy.example"}, "OSMS_TRUSTED_PROXIES"),
        (
            [],
            {"OSMS_DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/osms"},
            "cannot be reached",
        ),
    ],
)
def test_serve_refuses_bad_settings_before_serving(
    args: list[str], env: dict[str, str], says: str
) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "1", *args], env=env)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "secret" not in result.output  # the password never


def test_a_forged_forwarded_for_on_loopback_does_not_escape_the_limit(served: Served) -> None:
    """The issue's case against the real server: Uvicorn's own proxy headers are off, and no
    proxy is trusted by default, so rotating X-Forwarded-For from 127.0.0.1 changes nothing."""
    codes = [
        httpx.get(
            f"{served.base}/api/v1/status/900515300018",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=10,
        ).status_code
        for n in range(PUBLIC_LIMIT * 2)
    ]
    assert codes[:PUBLIC_LIMIT] == [200] * PUBLIC_LIMIT
    assert codes[-1] == 429  # one bucket: 127.0.0.1's, whatever the header says
    assert codes.count(429) >= PUBLIC_LIMIT - 1
