"""State-paid category periods from state registers (R-CAT-1), months inclusive.

A period is keyed by (IIN, category, first month).  :func:`record` stores a feed's record of a
period: a new key is added, the same key with another last month replaces the current version
(a register closes an open period by sending its last month, or reopens it), the same key with
the same last month changes nothing.  :func:`withdraw` removes a period.  Each replaced or
withdrawn version is kept in ``category_period_history`` with the knowledge dates it answered,
so that "as known on" answers stay exact (:mod:`osms.registry.facts`).

Knowledge dates are days in Kazakhstan (R-T-4): a change recorded on day X answers questions
as known on X or later.  A period's first version answers every earlier day too: the registry
had no other version to prefer, as a payment booked late counts from its credit day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from osms.registry import bulk
from osms.registry.columns import utc_now
from osms.registry.errors import NotFound
from osms.registry.models import CategoryPeriodRecord, CategoryPeriodVersion
from osms.rules.facts import CategoryPeriod
from osms.rules.month import Month

__all__ = [
    "Change",
    "Outcome",
    "add",
    "add_many",
    "close",
    "current",
    "for_person",
    "history_for_person",
    "load",
    "record",
    "withdraw",
]


class Change(StrEnum):
    """What a feed's record did to the registry (R-CAT-1)."""

    ADDED = "added"
    CHANGED = "changed"
    """The same key with another last month: closed, reopened or moved."""
    WITHDRAWN = "withdrawn"
    UNCHANGED = "unchanged"
    """The registry already holds exactly this: re-importing a feed changes nothing."""


@dataclass(frozen=True, slots=True)
class Outcome:
    change: Change
    period: CategoryPeriodRecord | None
    """The current version after the record (None after a withdrawal)."""


def _check_order(period: CategoryPeriod) -> None:
    first, last = period.first, period.last
    if last is not None and last < first:
        raise ValueError(f"a category period ends ({last}) before it starts ({first})")


def current(session: Session, iin: str, category: str, first: Month) -> CategoryPeriodRecord | None:
    """The current version of the period with this key, locked until the transaction ends."""
    statement = (
        select(CategoryPeriodRecord)
        .where(
            CategoryPeriodRecord.iin == iin,
            CategoryPeriodRecord.category == category,
            CategoryPeriodRecord.first_period == first,
        )
        .with_for_update()
    )
    return session.scalars(statement).first()


def record(session: Session, iin: str, period: CategoryPeriod, *, source: str, on: date) -> Outcome:
    """Store a feed's record that the person is in the category ``period`` (its last month
    None: open), known from ``on`` (the day in Kazakhstan it arrived)."""
    _check_order(period)
    category, first, last = period.category, period.first, period.last
    existing = current(session, iin, category, first)
    if existing is None:
        was_withdrawn = _was_withdrawn(session, iin, category, first)
        added = CategoryPeriodRecord(
            iin=iin,
            category=category,
            first_period=first,
            last_period=last,
            source=source,
            known_from=on if was_withdrawn else None,
        )
        try:
            with session.begin_nested():
                session.add(added)
        except IntegrityError:  # recorded meanwhile by another import (the unique key)?
            if current(session, iin, category, first) is None:
                raise
            return record(session, iin, period, source=source, on=on)
        return Outcome(Change.ADDED, added)
    if existing.last_period == last:
        return Outcome(Change.UNCHANGED, existing)
    _keep(session, existing, on, replaced_by="record", source=source)
    existing.last_period = last
    existing.source = source
    existing.created_at = utc_now()
    existing.known_from = on
    session.flush()
    return Outcome(Change.CHANGED, existing)


def withdraw(
    session: Session, iin: str, category: str, first: Month, *, source: str, on: date
) -> Outcome:
    """Remove the period with this key from ``on`` on; its version stays in the history.

    Withdrawing a period the registry does not hold (any more) changes nothing; raises
    :class:`NotFound` when it never held it.
    """
    existing = current(session, iin, category, first)
    if existing is None:
        if _was_withdrawn(session, iin, category, first):
            return Outcome(Change.UNCHANGED, None)
        raise NotFound(f"no {category} period of {iin} from {first}")
    _keep(session, existing, on, replaced_by="withdrawal", source=source)
    session.delete(existing)
    session.flush()
    return Outcome(Change.WITHDRAWN, None)


def _keep(
    session: Session, period: CategoryPeriodRecord, on: date, *, replaced_by: str, source: str
) -> None:
    """Append the current version to the history, replaced on ``on``."""
    session.add(
        CategoryPeriodVersion(
            iin=period.iin,
            category=period.category,
            first_period=period.first_period,
            last_period=period.last_period,
            source=period.source,
            recorded_at=period.created_at,
            known_from=period.known_from,
            replaced_on=max(on, period.known_from or on),
            replaced_at=utc_now(),
            replaced_by=replaced_by,
            replacing_source=source,
        )
    )


def _was_withdrawn(session: Session, iin: str, category: str, first: Month) -> bool:
    statement = select(CategoryPeriodVersion.id).where(
        CategoryPeriodVersion.iin == iin,
        CategoryPeriodVersion.category == category,
        CategoryPeriodVersion.first_period == first,
    )
    return session.scalars(statement.limit(1)).first() is not None


def add(session: Session, iin: str, period: CategoryPeriod, *, source: str) -> CategoryPeriodRecord:
    """Record a period as its first version (known on every day); the key must be new.

    For data loaded whole (tests, the demo); feeds go through :func:`record`.
    """
    _check_order(period)
    added = CategoryPeriodRecord(
        iin=iin,
        category=period.category,
        first_period=period.first,
        last_period=period.last,
        source=source,
    )
    session.add(added)
    session.flush()
    return added


def add_many(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Add many new periods at once (rows of ``category_periods`` columns): a population
    loaded whole, whose periods no feed has sent before."""
    bulk.insert_rows(connection, _PERIODS, rows)


def load(connection: Connection, columns: Sequence[str], source: bulk.Source) -> int:
    """Load new periods already in the database's representation (a population folder)."""
    return bulk.load(connection, _PERIODS, columns, source)


_PERIODS: Table = CategoryPeriodRecord.__table__  # type: ignore[assignment]


def close(session: Session, record_id: int, last: Month, *, on: date) -> CategoryPeriodRecord:
    """Set the last month of a current period, as a feed reports it, known from ``on``."""
    held = session.get(CategoryPeriodRecord, record_id)
    if held is None:
        raise NotFound(f"no category period {record_id}")
    outcome = record(
        session,
        held.iin,
        CategoryPeriod(held.category, held.first_period, last),
        source=held.source,
        on=on,
    )
    assert outcome.period is not None
    return outcome.period


def for_person(session: Session, iin: str) -> list[CategoryPeriodRecord]:
    """The person's current category periods, oldest first."""
    return _of_person(session, CategoryPeriodRecord, iin, CategoryPeriodRecord.first_period)


def history_for_person(session: Session, iin: str) -> list[CategoryPeriodVersion]:
    """The person's replaced and withdrawn versions, in the order they were replaced."""
    return _of_person(session, CategoryPeriodVersion, iin, CategoryPeriodVersion.replaced_at)


_Row = TypeVar("_Row", CategoryPeriodRecord, CategoryPeriodVersion)


def _of_person(session: Session, model: type[_Row], iin: str, order: Any) -> list[_Row]:
    """The person's rows of ``model``, by ``order`` then id."""
    statement = select(model).where(model.iin == iin).order_by(order, model.id)
    return list(session.scalars(statement))
