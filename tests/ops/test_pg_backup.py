"""ops/pg_backup.py against the local PostgreSQL: back up a small populated registry, restore it
into a fresh database, and find the copy equal; a changed copy is found different.

The test makes its own two databases (``osms_backup_src_<random>``, ``osms_backup_dst_<random>``)
and drops them, whatever happens.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from osms.registry import audit, migrate, people
from osms.registry.db import make_engine, make_session_factory
from osms.rules.month import Month
from osms.services.clients import create_client
from tests.conftest import _require_postgres, pay, postgres_url

SCRIPT = Path(__file__).parents[2] / "ops" / "pg_backup.py"


@dataclass(frozen=True)
class Databases:
    source: str
    target: str
    """Not created by the fixture: the script makes it."""


def _url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _admin(server: str, statement: str) -> None:
    engine = make_engine(_url(server, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture
def databases() -> Iterator[Databases]:
    server = postgres_url()
    _require_postgres(server)
    suffix = uuid.uuid4().hex[:12]
    source, target = f"osms_backup_src_{suffix}", f"osms_backup_dst_{suffix}"
    _admin(server, f'CREATE DATABASE "{source}"')
    try:
        url = _url(server, source)
        migrate.upgrade(url)
        engine = make_engine(url)
        with make_session_factory(engine)() as session, session.begin():
            pay(session, "900515300018", Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
            pay(session, "850312401235", Month(2023, 1), Month(2023, 3), date(2023, 1, 20))
            people.ensure(session, "800101300096")
            audit.record(session, "test", "status.lookup", "900515300018", "backup test")
            create_client(session, "Halyk", ["status:read"], "test", 60)
        engine.dispose()
        yield Databases(url, _url(server, target))
    finally:
        for name in (target, source):
            _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _on(url: str, statement: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_a_restored_copy_is_equal_and_a_changed_one_is_not(
    databases: Databases, tmp_path: Path
) -> None:
    done = _script(
        "roundtrip",
        databases.source,
        "--target",
        databases.target,
        "--keep",
        "--folder",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 differ" in done.stdout
    assert "ok    table public.payments (rows, md5): 15 rows, " in done.stdout  # the ledger
    assert "ok    table public.audit_events (rows, md5): " in done.stdout
    assert "ok    alembic revision: " + migrate.head() in done.stdout
    assert "ok    schema: the same" in done.stdout
    assert "ok    sequence public.payments_id_seq: 15 t" in done.stdout
    assert list(tmp_path.glob("*.dump"))  # the dump was kept where asked

    # The restored copy works: the ledger's append-only triggers came back with it.
    with pytest.raises(DBAPIError, match="refused"):
        _on(databases.target, "DELETE FROM audit_events")

    engine = make_engine(databases.target)
    with make_session_factory(engine)() as session, session.begin():
        people.ensure(session, "150101600018")  # a person the source does not have
    engine.dispose()
    _on(databases.target, "SELECT setval('payments_id_seq', 3)")
    changed = _script("compare", databases.source, databases.target)
    assert changed.returncode == 1, changed.stdout + changed.stderr
    lines = changed.stdout.splitlines()
    assert any(
        line.startswith("DIFF  table public.people (rows, md5): source 3 rows") for line in lines
    )
    assert any(line.startswith("DIFF  sequence public.payments_id_seq") for line in lines)
    assert "2 differ" in changed.stdout


def test_a_restore_never_overwrites_a_database(databases: Databases, tmp_path: Path) -> None:
    dump = tmp_path / "registry.dump"
    assert _script("backup", databases.source, str(dump)).returncode == 0
    refused = _script("restore", str(dump), databases.source)
    assert refused.returncode == 2
    assert "exists: restore into a new database only" in refused.stderr


def test_an_unreachable_server_is_a_clear_failure(tmp_path: Path) -> None:
    done = _script(
        "backup", "postgresql://nobody:secret@127.0.0.1:1/osms", str(tmp_path / "x.dump")
    )
    assert done.returncode == 2
    assert "pg_dump of postgresql://nobody:***@127.0.0.1:1/osms failed" in done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr
