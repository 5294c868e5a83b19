"""Every look-up is audited, durably, before its answer exists (RULES.md §11).

The audit event is written in the look-up's own transaction, which the door commits before
answering; on PostgreSQL that commit waits for the disk even where ``synchronous_commit`` was
turned off.  An event that cannot be written fails the look-up (``audit.unavailable``, 503):
there is no unaudited answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from osms.registry.models import AuditEvent
from osms.services import status
from osms.services.errors import ServiceError

ADULT = "900515300018"
DAY = date(2026, 12, 7)


def _events(session: Session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_a_look_up_names_who_which_door_and_the_address(session: Session) -> None:
    status.status_of(session, ADULT, DAY, actor="web", channel="site", address="203.0.113.9")
    status.calculator_for(session, ADULT, DAY, actor="web", channel="site", address="2001:db8::1")
    status.status_of(session, ADULT, DAY, actor="telegram:42", channel="bot")
    session.commit()
    page, calculator, bot = _events(session)
    assert (page.actor, page.action, page.iin) == ("web", "status.lookup", ADULT)
    assert page.detail["address"] == "203.0.113.9" and "through site" in page.why
    assert (calculator.action, calculator.detail["address"]) == ("calculator.lookup", "2001:db8::1")
    assert calculator.detail["date"] == "2026-12-07"
    assert (bot.actor, "address" in bot.detail) == ("telegram:42", False)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_commits_a_look_up_durably_even_when_the_session_does_not(
    session: Session,
) -> None:
    session.execute(text("SET synchronous_commit = off"))  # a server tuned for speed
    session.commit()
    status.status_of(session, ADULT, DAY, actor="api", channel="api:public")
    assert session.execute(text("SHOW synchronous_commit")).scalar() == "on"
    session.commit()
    assert session.execute(text("SHOW synchronous_commit")).scalar() == "off"  # for it only
    assert [e.action for e in _events(session)] == ["status.lookup"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_look_ups_never_turn_durability_off(session: Session) -> None:
    status.calculator_for(session, ADULT, DAY, actor="api", channel="api")
    assert session.execute(text("SHOW synchronous_commit")).scalar() == "on"


@pytest.fixture
def audit_refused(engine: Engine) -> Iterator[None]:
    """The audit trail cannot take a row (a full disk, a broken table): every insert fails."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    "BEGIN RAISE EXCEPTION 'audit storage down'; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                    "FOR EACH ROW EXECUTE FUNCTION audit_down()"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                    "BEGIN SELECT RAISE(ABORT, 'audit storage down'); END"
                )
            )
    yield


LOOK_UPS: dict[str, Callable[[Session], Any]] = {
    "status": lambda s: status.status_of(s, ADULT, DAY, actor="web", channel="site"),
    "calculator": lambda s: status.calculator_for(s, ADULT, DAY, actor="bot", channel="bot"),
}


@pytest.mark.parametrize("look_up", sorted(LOOK_UPS))
def test_no_audit_row_no_answer(audit_refused: None, session: Session, look_up: str) -> None:
    with pytest.raises(ServiceError) as caught:
        LOOK_UPS[look_up](session)
    assert (caught.value.code, caught.value.status) == ("audit.unavailable", 503)
    assert "storage" not in caught.value.message  # the database's text stays in the log
    session.rollback()
    assert _events(session) == []
