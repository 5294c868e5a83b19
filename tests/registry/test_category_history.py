"""Category periods keyed by (IIN, category, first month), closed, withdrawn and kept as they
were known (R-CAT-1), on SQLite and PostgreSQL; and revision 0005 on a registry that stored
periods and applications twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, exc, select, text
from sqlalchemy.orm import Session

from osms.registry import categories, migrate, people
from osms.registry.categories import Change
from osms.registry.errors import NotFound
from osms.registry.facts import load_facts
from osms.registry.models import ApplicationStatus, CategoryPeriodRecord, TemporaryApplication
from osms.rules.facts import CategoryPeriod
from osms.rules.month import Month

IIN = "850312401235"
FIRST = Month(2024, 1)


def _periods(session: Session, known_on: date | None = None) -> tuple[CategoryPeriod, ...]:
    facts = load_facts(session, IIN, known_on)
    assert facts is not None
    return facts.categories


def _record(session: Session, last: Month | None, on: date) -> Change:
    return categories.record(
        session, IIN, CategoryPeriod("unemployed", FIRST, last), source="enbek", on=on
    ).change


def test_a_later_record_closes_the_period_and_the_open_one_stays_known_before(
    session: Session,
) -> None:
    people.ensure(session, IIN)
    assert _record(session, None, date(2024, 1, 20)) is Change.ADDED
    assert _record(session, None, date(2024, 2, 20)) is Change.UNCHANGED
    assert _record(session, Month(2024, 6), date(2024, 7, 15)) is Change.CHANGED
    open_period = CategoryPeriod("unemployed", FIRST, None)
    closed = CategoryPeriod("unemployed", FIRST, Month(2024, 6))
    assert _periods(session) == (closed,)
    assert _periods(session, date(2024, 7, 14)) == (open_period,)
    assert _periods(session, date(2024, 7, 15)) == (closed,)
    # the first version answers every day before it was replaced, even before it arrived
    assert _periods(session, date(2023, 12, 1)) == (open_period,)
    assert _record(session, Month(2024, 6), date(2024, 8, 1)) is Change.UNCHANGED
    (earlier,) = categories.history_for_person(session, IIN)
    assert (earlier.last_period, earlier.known_from, earlier.replaced_on) == (
        None,
        None,
        date(2024, 7, 15),
    )
    assert earlier.replaced_by == "record"


def test_a_withdrawal_removes_the_period_from_its_day_on(session: Session) -> None:
    people.ensure(session, IIN)
    _record(session, Month(2024, 6), date(2024, 1, 20))
    withdrawn = categories.withdraw(
        session, IIN, "unemployed", FIRST, source="enbek", on=date(2024, 9, 2)
    )
    assert withdrawn.change is Change.WITHDRAWN
    assert _periods(session) == ()
    assert _periods(session, date(2024, 9, 1)) == (
        CategoryPeriod("unemployed", FIRST, Month(2024, 6)),
    )
    assert _periods(session, date(2024, 9, 2)) == ()
    again = categories.withdraw(
        session, IIN, "unemployed", FIRST, source="enbek", on=date(2024, 9, 3)
    )
    assert again.change is Change.UNCHANGED
    with pytest.raises(NotFound):
        categories.withdraw(session, IIN, "pregnant", FIRST, source="egov", on=date(2024, 9, 3))
    # sent again later: known from that day only, nothing in between
    assert _record(session, Month(2024, 5), date(2024, 10, 1)) is Change.ADDED
    assert _periods(session, date(2024, 9, 15)) == ()
    assert _periods(session, date(2024, 10, 1)) == (
        CategoryPeriod("unemployed", FIRST, Month(2024, 5)),
    )
    assert [v.replaced_by for v in categories.history_for_person(session, IIN)] == ["withdrawal"]


def test_one_current_version_per_key_and_an_append_only_history(session: Session) -> None:
    people.ensure(session, IIN)
    _record(session, None, date(2024, 1, 20))
    _record(session, Month(2024, 3), date(2024, 4, 2))
    session.commit()
    with pytest.raises(exc.DBAPIError, match="append-only"):
        session.execute(text("UPDATE category_period_history SET last_period = 202405"))
    session.rollback()
    with pytest.raises(exc.DBAPIError, match="append-only"):
        session.execute(text("DELETE FROM category_period_history"))
    session.rollback()
    session.add(
        CategoryPeriodRecord(
            iin=IIN, category="unemployed", first_period=FIRST, last_period=None, source="x"
        )
    )
    with pytest.raises(exc.IntegrityError):
        session.flush()


def test_revision_0005_merges_periods_and_applications_stored_twice(
    database_url: str, engine: Engine
) -> None:
    command.downgrade(migrate.alembic_config(database_url), "0004")
    early = datetime(2024, 3, 1, 4, 0, tzinfo=UTC)
    late = datetime(2024, 5, 6, 20, 0, tzinfo=UTC)  # 7 May in Kazakhstan
    sqlite = engine.dialect.name == "sqlite"

    def stamp(at: datetime) -> datetime | str:
        return at.replace(tzinfo=None).isoformat(" ") if sqlite else at

    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO people (iin, birth_date, created_at) VALUES (:iin, :b, :at)"),
            {"iin": IIN, "b": date(1985, 3, 12), "at": stamp(early)},
        )
        for last, at in ((None, early), (202404, late)):
            connection.execute(
                text(
                    "INSERT INTO category_periods (iin, category, first_period, last_period, "
                    "source, created_at) VALUES (:iin, 'unemployed', 202401, :last, 'enbek', :at)"
                ),
                {"iin": IIN, "last": last, "at": stamp(at)},
            )
        for day in (3, 4):
            connection.execute(
                text(
                    "INSERT INTO temporary_applications (iin, category, documents, "
                    "submitted_on, channel, status) "
                    "VALUES (:iin, 'pregnant', '[]', :on, 'cli', 'applied')"
                ),
                {"iin": IIN, "on": date(2025, 3, day)},
            )
    migrate.upgrade(database_url)
    with Session(engine) as session:
        assert _periods(session) == (CategoryPeriod("unemployed", FIRST, Month(2024, 4)),)
        assert _periods(session, date(2024, 5, 6)) == (CategoryPeriod("unemployed", FIRST),)
        assert _periods(session, date(2024, 5, 7)) == (
            CategoryPeriod("unemployed", FIRST, Month(2024, 4)),
        )
        applications = session.scalars(
            select(TemporaryApplication).order_by(TemporaryApplication.id)
        ).all()
        assert [a.status for a in applications] == [
            ApplicationStatus.APPLIED,
            ApplicationStatus.REFUSED,
        ]
        assert f"the same application as {applications[0].id}" in str(
            applications[1].refusal_reason
        )
