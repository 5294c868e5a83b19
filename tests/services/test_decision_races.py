"""Two operators deciding the same application at once: the one that loses is told the
application is already decided (409), never a server error (R-TMP-1, R-R-1).

Each decision reads the application, checks it, then locks it; on PostgreSQL another decision
can commit in between (the append-only trigger then refused the late UPDATE: a 500).  The race
is replayed in order: the other decision commits at the step named, inside the late one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from osms.registry import people
from osms.rules.month import Month
from osms.rules.temporary import Document
from osms.services import decisions, refunds, temporary
from osms.services.errors import ServiceError
from tests.conftest import pay

MOTHER = "850312401235"  # a woman born 1985-03-12, no payments: shown uninsured
ADULT = "900515300018"
TODAY = date(2025, 4, 10)
FORM = [Document("form_027u", "027-1", date(2025, 4, 1))]

ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
"""SQLite takes the database's write lock at the first statement: the race cannot happen."""


def _meanwhile(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, step: str, other: Callable[[], None]
) -> None:
    """Run ``other`` (a decision in its own session, committed) once, right after ``step``."""
    real = getattr(module, step)
    pending = [other]

    def step_then_other(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if pending:
            pending.pop()()
        return result

    monkeypatch.setattr(module, step, step_then_other)


def _temporary_application(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        asked = temporary.apply(
            session, MOTHER, "pregnant", FORM, submitted_on=TODAY, submitted_through="egov",
            actor="op-1", today=TODAY,
        )  # fmt: skip
        session.commit()
        return asked.id


def _refund_application(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        (payment_id,) = pay(session, ADULT, Month(2025, 3), Month(2025, 3), date(2025, 3, 5))
        asked = refunds.apply(
            session, payment_id, "wrong_iin", applied_on=TODAY, actor="op-1", today=TODAY
        )
        session.commit()
        return asked.id


def _committed(session_factory: sessionmaker[Session], decide: Callable[[Session], Any]) -> None:
    with session_factory() as session:
        decide(session)
        session.commit()


@ON_POSTGRESQL
def test_a_grant_that_lost_the_race_is_already_decided(
    session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    application_id = _temporary_application(session_factory)
    grant = {"granted_on": TODAY, "today": TODAY}
    _meanwhile(monkeypatch, temporary, "_still_uninsured", lambda: _committed(
        session_factory, lambda s: temporary.approve(s, application_id, actor="op-2", **grant)
    ))  # fmt: skip
    with session_factory() as late, pytest.raises(ServiceError) as lost:
        temporary.approve(late, application_id, actor="op-3", **grant)
    assert (lost.value.code, lost.value.status) == ("temporary.already_decided", 409)


@ON_POSTGRESQL
def test_a_refusal_that_lost_the_race_is_already_decided(
    session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    application_id = _temporary_application(session_factory)
    _meanwhile(monkeypatch, decisions, "require_other_decider", lambda: _committed(
        session_factory,
        lambda s: temporary.approve(s, application_id, actor="op-2", granted_on=TODAY, today=TODAY),
    ))  # fmt: skip
    with session_factory() as late, pytest.raises(ServiceError) as lost:
        temporary.refuse(late, application_id, actor="op-3", reason="no form 027/u")
    assert (lost.value.code, lost.value.status) == ("temporary.already_decided", 409)


@ON_POSTGRESQL
def test_a_refund_that_lost_the_race_is_already_decided(
    session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same code as on SQLite, where the late decision finds the application decided."""
    application_id = _refund_application(session_factory)
    refund = {"refunded_on": TODAY, "today": TODAY}
    _meanwhile(monkeypatch, decisions, "require_other_decider", lambda: _committed(
        session_factory, lambda s: refunds.approve(s, application_id, actor="op-2", **refund)
    ))  # fmt: skip
    with session_factory() as late, pytest.raises(ServiceError) as lost:
        refunds.approve(late, application_id, actor="op-3", **refund)
    assert (lost.value.code, lost.value.status) == ("refund.already_decided", 409)


@ON_POSTGRESQL
def test_a_person_added_meanwhile_by_another_transaction_is_that_person(
    session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """Two applications for a person the registry does not know yet, at once: each adds the
    person; the one that waited on the other's row takes it (it answered 500)."""
    outcome: dict[str, Any] = {}
    started = threading.Event()

    def late() -> None:
        with session_factory() as session:
            outcome["pid"] = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            started.set()
            try:
                outcome["person"] = people.ensure(session, MOTHER).iin
                session.commit()
            except Exception as error:  # the race's error, reported by the test below
                outcome["error"] = error

    with session_factory() as first:
        people.ensure(first, MOTHER)  # added, not committed yet
        thread = threading.Thread(target=late)
        thread.start()
        assert started.wait(timeout=20)
        _until_waiting_for_a_lock(engine, outcome["pid"])
        first.commit()
    thread.join(timeout=30)
    assert outcome.get("error") is None and outcome.get("person") == MOTHER


def _until_waiting_for_a_lock(engine: Engine, pid: int, seconds: float = 20) -> None:
    """Wait until the server process ``pid`` waits for a lock (another transaction's row)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + seconds
    with engine.connect() as connection:
        while connection.execute(waiting, {"pid": pid}).scalar_one() == 0:
            assert time.monotonic() < deadline, "the second insert never waited"
            time.sleep(0.02)
            connection.rollback()
