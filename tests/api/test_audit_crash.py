"""PostgreSQL killed under load: every look-up answered has its audit row (RULES.md §11).

A real ``osms serve`` (one worker) over a private PostgreSQL started for this test only (the
shared server on 5432 is never touched); four clients ask the public check, each request with
its own ``date``, which the audit row records, so that every answer can be matched to its row.
In the middle of the load every PostgreSQL process is killed with SIGKILL at once (the
postmaster and its backends, as the OOM killer or a power cut would: whatever sat in the
server's memory is lost); the load goes on through the outage, PostgreSQL is started again
(crash recovery) and the load goes on until the service answers again.  Then every 200 must
have its audit row; a look-up the crash interrupted is answered 503, never 200.

The private server runs with ``synchronous_commit = off``, the setting that would let a commit
return before its WAL is written: :func:`osms.registry.audit.record_lookup` puts it back ``on``
for the look-up's transaction, and this test is what shows that it does.

Needs PostgreSQL's server binaries (``initdb``, ``postgres``); skipped without them, except
with ``CI=true``, where it fails (like the other PostgreSQL tests, see tests/conftest.py).
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import select

from osms.registry import migrate, people
from osms.registry.db import make_engine, make_session_factory
from osms.registry.models import AuditEvent
from osms.rules.month import Month
from tests.api.conftest import PREPAID, UNKNOWN, UNPAID
from tests.api.served import free_port, running_server
from tests.conftest import pay

pytestmark = pytest.mark.slow

CLIENTS = 4
IINS = (PREPAID, UNPAID, UNKNOWN)
FIRST_DATE = date(2020, 1, 1)  # the earliest date the API takes (R-S-1)
MAX_REQUESTS = 20_000
"""A distinct date for each request: fewer than the days from 2020 to the API's last date."""
PHASE_SECONDS = 4.0
"""The longest each phase (before the kill, the outage, after the restart) may take."""
UNAVAILABLE = ("service.unavailable", "audit.unavailable")
"""The answers a look-up may get while the database is down (503)."""


def _postgres_bin() -> Path | None:
    """The newest local PostgreSQL server's binaries, or None."""
    found = [
        folder
        for folder in Path("/usr/lib/postgresql").glob("*/bin")
        if (folder / "initdb").is_file() and (folder / "postgres").is_file()
    ]
    if found:
        return max(found, key=lambda folder: int(re.sub(r"\D", "", folder.parent.name) or 0))
    initdb = shutil.which("initdb")
    if initdb and (Path(initdb).parent / "postgres").is_file():
        return Path(initdb).parent
    return None


def _require(problem: str | None) -> None:
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {problem}: the crash test must run in CI", pytrace=False)
    pytest.skip(problem)


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port, trust auth."""

    bin: Path
    folder: Path
    port: int
    user: pwd.struct_passwd | None
    """The OS user it runs as when this test runs as root (PostgreSQL refuses root)."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _popen(self, command: list[str], **options: Any) -> subprocess.Popen[bytes]:
        """``command`` as the server's OS user (without root's groups), in the folder."""
        if self.user is not None:
            options.update(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[])
        return subprocess.Popen(command, cwd=self.folder, **options)

    def init(self) -> None:
        command = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres"]
        command += ["-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]
        initdb = self._popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "LC_ALL": "C"},
        )
        output, _ = initdb.communicate(timeout=60)
        assert initdb.returncode == 0, output.decode(errors="replace")[-2000:]

    def start(self) -> None:
        """Start the server (after a crash: its recovery) and wait until it takes connections."""
        log = (self.folder / "postgres.log").open("ab")
        options = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.folder),
            "synchronous_commit": "off",  # see the module's docstring
            "fsync": "on",
            "shared_buffers": "16MB",
            "max_connections": "20",
        }
        command = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        for name, value in options.items():
            command += ["-c", f"{name}={value}"]
        # Its own process group: the crash kills all of it.
        self.process = self._popen(command, stdout=log, stderr=log, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(
                    host="127.0.0.1", port=self.port, user="postgres", connect_timeout=2
                ) as connection:
                    connection.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"PostgreSQL did not start: {self.log()}") from None
                time.sleep(0.1)

    def crash(self) -> None:
        """SIGKILL the postmaster (its pid from postmaster.pid) and every process of its group."""
        assert self.process is not None
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        assert postmaster == self.process.pid
        group = os.getpgid(postmaster)
        assert group == postmaster != os.getpgid(0)  # never this test's own group
        os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=20)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        self.process = None

    def log(self) -> str:
        return (self.folder / "postgres.log").read_text(errors="replace")[-2000:]


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL, migrated, with a prepaid payer and a person who never paid."""
    found = _postgres_bin()
    _require(None if found else "no PostgreSQL server binaries (initdb, postgres) found")
    assert found is not None
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            _require("running as root and there is no 'postgres' OS user to run PostgreSQL")
    # Not under pytest's tmp_path: the postgres user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="osms-crash-"))
    server = PrivatePostgres(found, folder, free_port(), user)
    try:
        if user is not None:
            os.chown(folder, user.pw_uid, user.pw_gid)
        server.init()
        server.start()
        migrate.upgrade(server.url)
        engine = make_engine(server.url)
        with make_session_factory(engine)() as session, session.begin():
            pay(session, PREPAID, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
            people.ensure(session, UNPAID)
        engine.dispose()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def served(postgres: PrivatePostgres, tmp_path: Path) -> Iterator[str]:
    """``osms serve`` (one worker) over the private PostgreSQL: its base URL."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("OSMS_")}
    env.update(
        OSMS_DATABASE_URL=postgres.url,
        OSMS_DATA_DIR=str(tmp_path),
        OSMS_PUBLIC_RATE_LIMIT=str(10**6),
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    options = ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with running_server(options, env, tmp_path / "serve.log", start_timeout=60):
        yield f"http://127.0.0.1:{port}"


@dataclass
class Load:
    """Public checks from a few clients; what came back, by phase."""

    base: str
    phase: str = "before"
    answered: list[tuple[str, date]] = field(default_factory=list)
    """(IIN, date) of every 200."""
    outcomes: Counter[tuple[str, int | str]] = field(default_factory=Counter)
    """(phase, status code or the transport error's class) → how many."""
    unexpected: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    numbers: Iterator[int] = field(default_factory=itertools.count)

    def client(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stop.is_set():
                with self.lock:
                    n = next(self.numbers)
                if n >= MAX_REQUESTS:
                    return
                iin, on = IINS[n % len(IINS)], FIRST_DATE + timedelta(days=n)
                try:
                    response = client.get(f"/api/v1/status/{iin}", params={"date": str(on)})
                except httpx.TransportError as error:  # not an answer either
                    self._record(type(error).__name__, None)
                    continue
                problem = response.text[:300] if response.status_code != 200 else None
                if response.status_code == 503 and _code(response) in UNAVAILABLE:
                    problem = None
                self._record(response.status_code, problem)
                if response.status_code == 200:
                    with self.lock:
                        self.answered.append((iin, on))

    def _record(self, outcome: int | str, problem: str | None) -> None:
        with self.lock:
            self.outcomes[self.phase, outcome] += 1
            if problem is not None and len(self.unexpected) < 5:
                self.unexpected.append(f"{outcome}: {problem}")

    def count(self, phase: str, outcome: int | str) -> int:
        with self.lock:
            return self.outcomes[phase, outcome]

    def wait_for(self, phase: str, outcome: int, at_least: int) -> None:
        """Until ``at_least`` answers ``outcome`` in ``phase``, or the phase's time is up."""
        deadline = time.monotonic() + PHASE_SECONDS
        while self.count(phase, outcome) < at_least and time.monotonic() < deadline:
            time.sleep(0.05)


def _code(response: httpx.Response) -> object:
    """The problem's code, or None when the body is not a problem document."""
    try:
        return response.json().get("code")
    except (ValueError, AttributeError):
        return None


def _audited(url: str) -> set[tuple[str, date]]:
    """(IIN, date) of every status look-up the audit trail holds."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == "status.lookup"))
            return {(str(e.iin), date.fromisoformat(e.detail["date"])) for e in events}
    finally:
        engine.dispose()


def test_a_lookup_answered_while_postgresql_is_killed_is_audited(
    postgres: PrivatePostgres, served: str
) -> None:
    load = Load(served)
    clients = [threading.Thread(target=load.client) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    try:
        load.wait_for("before", 200, 100)  # the load is on: commits come one after another
        with load.lock:
            load.phase = "outage"
        postgres.crash()
        load.wait_for("outage", 503, 20)
        time.sleep(0.3)  # and the clients keep asking a moment longer
        with load.lock:
            load.phase = "recovered"
        postgres.start()  # crash recovery replays the WAL
        load.wait_for("recovered", 200, 50)
    finally:
        load.stop.set()
        for client in clients:
            client.join(timeout=30)
    assert not any(client.is_alive() for client in clients)

    assert load.unexpected == [], load.outcomes
    assert load.count("before", 200) >= 100, load.outcomes
    assert load.count("outage", 503) >= 20, load.outcomes
    assert load.count("recovered", 200) >= 50, load.outcomes  # the service came back
    assert len(set(load.answered)) == len(load.answered)  # one date, one request

    audited = _audited(postgres.url)
    unaudited = [answer for answer in load.answered if answer not in audited]
    assert unaudited == [], f"{len(unaudited)} answers without their audit row: {unaudited[:5]}"
