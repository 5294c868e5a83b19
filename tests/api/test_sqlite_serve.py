"""The embedded SQLite default under load: a real ``osms serve`` with two workers.

Every public check writes its audit event (RULES.md §11), so concurrent checks are concurrent
writers; on SQLite each transaction takes the write lock first (``BEGIN IMMEDIATE`` with a busy
timeout, :mod:`osms.registry.db`), and no look-up may fail with ``database is locked``.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from osms.intake.samples import SampleLine, write_csv
from osms.registry.db import make_engine, make_session_factory
from osms.rules.month import Month
from osms.services.clients import create_client
from tests.api.conftest import PREPAID, UNKNOWN, UNPAID
from tests.api.served import free_port, running_server
from tests.conftest import pay

CLIENTS = 16
SECONDS = 5.0


@pytest.fixture
def served(tmp_path: Path, _migrated_sqlite_template: Path) -> Iterator[tuple[str, str]]:
    """``osms serve --workers 2`` on a seeded SQLite registry: (base URL, a bank's key)."""
    data = tmp_path / "data"
    data.mkdir()
    database = data / "osms.sqlite"
    shutil.copyfile(_migrated_sqlite_template, database)
    engine = make_engine(f"sqlite:///{database}")
    with make_session_factory(engine)() as session, session.begin():
        pay(session, PREPAID, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
        _, key = create_client(session, "kassa24", ["registers:write"], "test", 10**6)
    engine.dispose()
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "OSMS_DATABASE_URL"}
    env.update(
        OSMS_DATA_DIR=str(data),
        OSMS_PUBLIC_RATE_LIMIT=str(10**6),
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    options = ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with running_server(options, env, tmp_path / "serve.log"):
        yield f"http://127.0.0.1:{port}", key


def _tail(folder: Path) -> str:
    return (folder / "serve.log").read_text(errors="replace")[-2000:]


def _register(n: int) -> bytes:
    out = io.BytesIO()
    lines = [SampleLine(UNPAID, Month(2025, 1), Decimal("4250"), reference=f"L-{n}")]
    write_csv(out, lines, paid_on=date(2025, 1, 6), knp="122", channel="terminal")
    return out.getvalue()


def test_sixteen_concurrent_clients_and_a_bank_get_no_error(
    served: tuple[str, str],
) -> None:
    base, key = served
    answers: Counter[int] = Counter()
    uploads: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def check(n: int) -> None:
        iins = (PREPAID, UNPAID, UNKNOWN)
        with httpx.Client(base_url=base, timeout=30) as client:
            i = n
            while time.monotonic() < stop:
                response = client.get(f"/api/v1/status/{iins[i % 3]}?date=2025-01-10")
                i += 1
                with lock:
                    answers[response.status_code] += 1
                    if response.status_code != 200 and len(failures) < 5:
                        failures.append(response.text[:300])

    def upload() -> None:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
        with httpx.Client(base_url=base, timeout=30) as client:
            n = 0
            while time.monotonic() < stop:
                response = client.post("/api/v1/registers", content=_register(n), headers=headers)
                n += 1
                with lock:
                    uploads[response.status_code] += 1
                    if response.status_code != 201 and len(failures) < 5:
                        failures.append(response.text[:300])

    threads = [threading.Thread(target=check, args=(n,)) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=upload))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == [], (answers, uploads)
    assert set(answers) == {200} and set(uploads) == {201}
    assert answers[200] >= CLIENTS and uploads[201] >= 1


def test_head_is_answered_as_get_without_a_body(served: tuple[str, str]) -> None:
    """``curl -I`` and a load balancer's ``HEAD /healthz`` were answered 405: FastAPI routes a
    GET path for GET alone. Through the real server, HEAD has GET's status and headers, no body."""
    base, _ = served
    for path in ("/healthz", "/", f"/api/v1/status/{PREPAID}?date=2025-01-10"):
        got = httpx.get(base + path, timeout=30)
        head = httpx.head(base + path, timeout=30)
        assert (head.status_code, head.content) == (got.status_code, b""), path
        assert head.headers["content-type"] == got.headers["content-type"], path
    assert httpx.head(base + "/api/v1/no-such-route", timeout=30).status_code == 404
    assert httpx.head(base + "/api/v1/registers", timeout=30).status_code == 405  # POST only


def test_a_405_that_allows_get_allows_head_too(served: tuple[str, str]) -> None:
    """RFC 9110 §15.5.6: ``Allow`` lists what the resource answers, and HEAD is answered
    wherever GET is."""
    base, _ = served
    refused = httpx.post(base + "/healthz", timeout=30)
    assert refused.status_code == 405
    assert {m.strip() for m in refused.headers["allow"].split(",")} == {"GET", "HEAD"}
    post_only = httpx.get(base + "/api/v1/registers", timeout=30)
    assert post_only.status_code == 405 and "HEAD" not in post_only.headers["allow"]
