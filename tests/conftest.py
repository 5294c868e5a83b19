"""Shared fixtures: a migrated registry database on SQLite and on PostgreSQL.

``database_url`` is parametrized over ``sqlite`` and ``postgresql``; every test that uses it
(directly or through ``engine``, ``session_factory``, ``session``, ``uow``) runs on both, each
time on a fresh, isolated schema migrated by the real Alembic upgrade:

- SQLite: a file in the test's ``tmp_path``, copied from one database migrated once per run;
- PostgreSQL (``OSMS_TEST_POSTGRES_URL``, default the local server's ``test`` database): a new
  schema per test, put first on the ``search_path`` through the URL's ``options``, dropped
  afterwards.

When PostgreSQL is unreachable the ``postgresql`` tests are skipped, except with ``CI=true``,
where they fail: CI must never pass without having run them.  One backend only:
``@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)``.

Also: ``statements`` (the SQL sent on ``engine``, to count queries), ``store_facts``
(store a :class:`~osms.rules.facts.PersonFacts` as the registry keeps it), ``cli_database``
(a fresh embedded registry for the ``osms`` commands) and ``on_3_march_2025`` (today in
Kazakhstan, R-T-4, for the commands that ask it).

Hypothesis profiles: ``dev`` (the default) and ``ci`` (chosen when ``CI=true``): neither has a
deadline (the machines are shared, timings vary); ``ci`` keeps no example database (a fresh
clone each run) and prints the blob that reproduces a failure.  ``HYPOTHESIS_PROFILE`` picks
one explicitly.  Each YAML scenario case is its own item (``osms.scenarios.pytest_plugin``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from osms import clock
from osms.cli import context
from osms.registry import categories, ledger, migrate, people, refunds
from osms.registry.columns import utc_now
from osms.registry.db import make_engine, make_session_factory
from osms.registry.models import ApplicationStatus, RefundReason, TemporaryApplication
from osms.registry.unit_of_work import UnitOfWork
from osms.rules import parameters
from osms.rules.facts import KNP, Channel, PersonFacts
from osms.rules.month import Month
from osms.rules.parameters import PARAMETERS_DIR_ENV

WAGE_2027 = """\
description: Minimum monthly wage (test override)
unit: KZT
until: 2027-12-31
values:
  - from: 2027-01-01
    value: 90000
    reference: "Test budget law for 2027 (SOURCES.md T1)"
    last_checked: 2026-12-07
"""
"""Test data for an override folder: a 2027 minimum wage (not the real one)."""

BASE_RATE_THROUGH_2027 = """\
description: NBK base rate (test override)
unit: percent
until: 2027-12-31
values:
  - from: 2026-01-05
    value: "16"
    reference: "Test decision (SOURCES.md W29)"
    last_checked: 2026-12-07
"""
"""Test data for an override folder: a base-rate decision that makes the table answer through
2027 (not a real rate)."""

POSTGRES_URL_ENV = "OSMS_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")

settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)


def postgres_url() -> str:
    """The PostgreSQL server the tests use (its own schemas are made and dropped per test)."""
    return os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL


@cache
def _postgres_problem(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or None when it can (asked once per run)."""
    engine = make_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect means "unreachable"
        return f"{type(error).__name__}: {str(error).strip().splitlines()[0]}"
    finally:
        engine.dispose()
    return None


def _require_postgres(url: str) -> None:
    problem = _postgres_problem(url)
    if problem is None:
        return
    where = make_url(url).render_as_string(hide_password=True)
    message = f"PostgreSQL at {where} is unreachable ({problem}); set {POSTGRES_URL_ENV}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {message}: the PostgreSQL tests must run in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated by Alembic; each test gets a copy (much faster than migrating)."""
    path = tmp_path_factory.mktemp("registry-template") / "template.sqlite"
    migrate.upgrade(f"sqlite:///{path}")
    # The migration's engine is disposed: the WAL is checkpointed into the file and removed.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, _migrated_sqlite_template: Path
) -> Iterator[str]:
    """A freshly migrated, isolated registry database, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "osms.sqlite"
        shutil.copyfile(_migrated_sqlite_template, path)
        yield f"sqlite:///{path}"
        return

    server = postgres_url()
    _require_postgres(server)
    schema = f"osms_test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(server)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = (
            make_url(server)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
        migrate.upgrade(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh embedded registry for the ``osms`` commands: its files under ``tmp_path``
    (``OSMS_DATA_DIR``), no ``OSMS_DATABASE_URL`` or ``OSMS_OPERATOR`` from the environment,
    and the commands' cached engine dropped before and after."""
    monkeypatch.delenv("OSMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("OSMS_OPERATOR", raising=False)
    monkeypatch.setenv("OSMS_DATA_DIR", str(tmp_path / "data"))
    context.engine.cache_clear()
    yield tmp_path
    context.engine.cache_clear()


@pytest.fixture
def on_3_march_2025(monkeypatch: pytest.MonkeyPatch) -> date:
    """Today in Kazakhstan (R-T-4) is 3 March 2025."""
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2025, 3, 3, 6, 0, tzinfo=UTC))
    return date(2025, 3, 3)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's database."""
    created = make_engine(database_url)
    yield created
    created.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the test's database."""
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session (not committed unless the test commits)."""
    with session_factory() as opened:
        yield opened


@pytest.fixture
def uow(session_factory: sessionmaker[Session]) -> Callable[[], UnitOfWork]:
    """Makes units of work on the test's database: ``with uow() as work: work.session...``."""
    return lambda: UnitOfWork(session_factory)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent on ``engine`` (transaction control left out); clear to restart."""
    sent: list[str] = []

    def remember(
        connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if statement.strip().upper() not in {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"}:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    yield sent
    event.remove(engine, "before_cursor_execute", remember)


def _store_facts(session: Session, facts: PersonFacts, *, source: str = "test") -> None:
    """Store a person's facts the way the registry keeps them (flushed, not committed).

    Grants become approved temporary applications with the facts' own dates; a refunded
    payment gets an approved refund application with its ``refunded_on``.  Idempotency keys
    are ``<source>:<iin>:<n>``.
    """
    people.ensure(session, facts.iin)
    people.add_payer_kind(session, facts.iin, facts.kind, Month(2020, 1))
    for period in facts.categories:
        categories.add(session, facts.iin, period, source=source)
    for grant in facts.temporary:
        session.add(
            TemporaryApplication(
                iin=facts.iin,
                category=grant.category,
                documents=[],
                submitted_on=grant.granted_on,
                channel=source,
                status=ApplicationStatus.APPROVED,
                decided_by=source,
                decided_at=utc_now(),
                granted_on=grant.granted_on,
                ends_on=grant.ends_on,
            )
        )
    for n, item in enumerate(facts.payments):
        key = f"{source}:{facts.iin}:{n}"
        payment = ledger.book(session, ledger.NewPayment.of_item(facts.iin, item, key))
        if item.refunded_on is not None:
            application = refunds.apply(
                session, payment.id, RefundReason.OVERPAYMENT, applied_on=item.refunded_on
            )
            refunds.approve(
                session, application.id, decided_by=source, refunded_on=item.refunded_on
            )
    session.flush()


@pytest.fixture
def store_facts() -> Callable[..., None]:
    """``store_facts(session, facts)``: store a :class:`PersonFacts` (see ``_store_facts``)."""
    return _store_facts


def self_payment(
    iin: str,
    period: Month,
    paid_on: date,
    key: str,
    *,
    amount: str = "4250",
    knp: KNP = KNP.CONTRIBUTION,
    payer: str | None = None,
    channel: Channel = Channel.BANK_APP,
    reference: str | None = None,
    line_no: int | None = None,
    name: people.WrittenName = people.UNNAMED,
) -> ledger.NewPayment:
    """A payment for ``iin``'s ``period`` to book under ``key``: 4 250 ₸ paid by the person
    through a bank app unless told otherwise."""
    return ledger.NewPayment(
        iin=iin,
        period=period,
        amount=Decimal(amount),
        knp=knp,
        payer=payer or iin,
        channel=channel,
        paid_on=paid_on,
        idempotency_key=key,
        reference=reference,
        line_no=line_no,
        name=name,
    )


def pay(session: Session, iin: str, first: Month, last: Month, paid_on: date) -> list[int]:
    """Self-payments of 4 250 ₸ for each month first … last (inclusive)."""
    people.ensure(session, iin)
    ids = []
    for month in Month.range(first, last + 1):
        key = f"test:{iin}:{month}:{paid_on}"
        payment = ledger.book(session, self_payment(iin, month, paid_on, key))
        ids.append(payment.id)
    return ids


@pytest.fixture
def parameters_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty override folder named by OSMS_PARAMETERS_DIR (R-P-3), read from the start;
    the packaged data afterwards."""
    monkeypatch.setenv(PARAMETERS_DIR_ENV, str(tmp_path))
    parameters.reload()
    yield tmp_path
    monkeypatch.delenv(PARAMETERS_DIR_ENV)
    parameters.reload()
